/** The `proto` words of bind and server lines, as HAProxy 2.6 checks them. */
import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../../../src/config/load.js';
import { h2Settings, wantsH2 } from '../../../src/http/h2/frontend.js';
import type { Bind } from '../../../src/config/model.js';

const T = 'defaults\n  mode http\n  timeout connect 5s\n  timeout client 5s\n  timeout server 5s\n'; // lines 1-5

function load(text: string) {
  const r = loadConfigText(text, 'p.cfg');
  return { config: r.config, messages: r.diags.list.map((d) => `${d.level} ${d.file ?? '-'}:${d.line ?? '-'} ${d.message}`) };
}

describe('proto on bind and server lines', () => {
  it('stores proto h2 on the server and on the bind', () => {
    const { config, messages } = load(`${T}frontend fe\n  bind :8080 proto h2\n  default_backend be\nbackend be\n  server s1 127.0.0.1:80 proto h2\n  server s2 127.0.0.1:81\n`);
    expect(messages).toEqual([]);
    const be = config.proxies.find((p) => p.name === 'be')!;
    expect(be.servers.map((s) => s.proto)).toEqual(['h2', undefined]);
    expect(config.proxies.find((p) => p.name === 'fe')!.binds[0]!.proto).toBe('h2');
  });

  it('refuses an unknown protocol with HAProxy words', () => {
    expect(load(`${T}backend be\n  server s1 127.0.0.1:80 proto h3\n`).messages).toEqual(["alert p.cfg:7 'server be/s1' : 'proto' :  unknown MUX protocol 'h3'."]);
    expect(load(`${T}frontend fe\n  bind :8080 proto h9\n`).messages).toEqual(["alert p.cfg:7 'bind :8080' : 'proto' :  unknown MUX protocol 'h9'."]);
  });

  it('serves HTTP/2 for proto h2, or for h2 chosen by ALPN', () => {
    const bind = (proto?: string) => ({ proto }) as Bind;
    expect(wantsH2(bind('h2'), undefined)).toBe(true);
    expect(wantsH2(bind(), { alpn: 'h2' })).toBe(true);
    expect(wantsH2(bind(), { alpn: 'http/1.1' })).toBe(false);
    expect(wantsH2(bind(), undefined)).toBe(false);
    expect(wantsH2(bind('h1'), { alpn: 'http/1.1' })).toBe(false);
    // `proto` forces the protocol whatever ALPN chose.
    expect(wantsH2(bind('h1'), { alpn: 'h2' })).toBe(false);
  });

  it('announces tune.h2.* settings, HAProxy defaults otherwise, within HTTP/2 bounds', () => {
    expect(h2Settings({})).toEqual({ maxConcurrentStreams: 100, enablePush: false });
    const { config, messages } = load(`global\n  tune.h2.max-concurrent-streams 7\n  tune.h2.initial-window-size 1048576\n  tune.h2.header-table-size 8192\n${T}`);
    expect(messages).toEqual([]);
    expect(h2Settings(config.global.tune)).toEqual({ maxConcurrentStreams: 7, initialWindowSize: 1048576, headerTableSize: 8192, enablePush: false });
    expect(h2Settings({ 'tune.h2.initial-window-size': 2 ** 40, 'tune.h2.header-table-size': 1e9 })).toEqual({ maxConcurrentStreams: 100, initialWindowSize: 0x7fffffff, headerTableSize: 65535, enablePush: false });
    expect(load(`global\n  tune.h2.max-concurrent-streams many\n`).messages[0]).toMatch(/tune\.h2\.max-concurrent-streams.*expects an integer/);
  });
});
