/**
 * Log targets and options with the real portico: UDP over IPv4 and IPv6, a datagram UNIX socket
 * (like /dev/log), stdout/stderr for containers, the syslog formats, len, sample, levels and
 * minlevel, log-format / log-format-sd, option httplog clf, dontlognull, dontlog-normal,
 * log-separate-errors, no log, log-tag, unique-id, set-log-level silent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts, rawExchange, sleep, startPortico, type Proc } from '../harness.js';
import { startRawHttp, startReceiver, type Receiver } from './syslog.js';

type UnixDgram = {
  createSocket(type: 'unix_dgram', onMessage?: (m: Buffer) => void): { bind(path: string): void; close(): void };
};
const unixDgram = ((): UnixDgram | undefined => {
  try {
    return createRequire(import.meta.url)('unix-dgram') as UnixDgram;
  } catch {
    return undefined;
  }
})();

const get = (path: string, extra = '') => `GET ${path} HTTP/1.1\r\nHost: t\r\n${extra}Connection: close\r\n\r\n`;

async function waitFor<T>(f: () => T | undefined, ms = 4000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(20);
  }
}

describe('log targets and options', () => {
  let proc: Proc;
  let v4: Receiver;
  let v6: Receiver;
  let fmt: Receiver;
  const unixLines: string[] = [];
  let unixSock: { close(): void } | undefined;
  let raw: { port: number; close(): Promise<void> };
  const P: Record<string, number> = {};

  beforeAll(async () => {
    v4 = await startReceiver();
    v6 = await startReceiver('udp6');
    fmt = await startReceiver();
    raw = await startRawHttp();
    const dir = mkdtempSync(join(tmpdir(), 'portico-log-'));
    const sockPath = join(dir, 'log.sock');
    if (unixDgram) {
      const s = unixDgram.createSocket('unix_dgram', (m) => unixLines.push(m.toString('latin1')));
      s.bind(sockPath);
      unixSock = s;
    }
    const names = ['main', 'clf', 'custom', 'quiet', 'errors', 'nolog', 'silent', 'stdout', 'sampled'];
    const ports = await freePorts(names.length);
    names.forEach((n, i) => (P[n] = ports[i]!));
    const cfg = `global
    log 127.0.0.1:${v4.port} local0
    log [::1]:${v6.port} len 100 local1
    log ${sockPath} local2
    log-tag portico-test
defaults
    mode http
    log global
    timeout connect 1s
    timeout client 3s
    timeout server 3s
frontend main
    bind 127.0.0.1:${P['main']}
    option httplog
    unique-id-format %{+X}o\\ %ci:%cp_%fi:%fp_%Ts_%rt:%pid
    unique-id-header X-Unique-ID
    log-format "%ci %ID %{+Q}r %ST"
    default_backend be
frontend clf
    bind 127.0.0.1:${P['clf']}
    option httplog clf
    default_backend be
frontend custom
    bind 127.0.0.1:${P['custom']}
    no log
    log 127.0.0.1:${fmt.port} format rfc5424 local3
    log 127.0.0.1:${fmt.port} format raw local3
    log 127.0.0.1:${fmt.port} format short local3
    log 127.0.0.1:${fmt.port} format priority local3
    log-tag mytag
    log-format "src=%[src] path=%HP q=%HQ %{+Q}HM %{+X}Ts bytes=%B %%"
    log-format-sd %{+Q,+E}o\\ [exampleSDID@1234\\ path=%HP]
    default_backend be
frontend quiet
    bind 127.0.0.1:${P['quiet']}
    option httplog
    option dontlog-normal
    option dontlognull
    default_backend be
frontend errors
    bind 127.0.0.1:${P['errors']}
    option httplog
    option log-separate-errors
    no log
    log 127.0.0.1:${fmt.port} local4 err
    log 127.0.0.1:${fmt.port} local5 info err
    log 127.0.0.1:${fmt.port} local7 info notice
    http-request set-log-level alert if { path /alarm-errors }
    default_backend be
frontend nolog
    bind 127.0.0.1:${P['nolog']}
    option httplog
    no log
    default_backend be
frontend silent
    bind 127.0.0.1:${P['silent']}
    option httplog
    http-request set-log-level silent if { path /hush }
    default_backend be
frontend stdout
    bind 127.0.0.1:${P['stdout']}
    option httplog
    no log
    log stdout format raw local0
    log stderr format short local0
    default_backend be
frontend sampled
    bind 127.0.0.1:${P['sampled']}
    option httplog
    option dontlognull
    no log
    log 127.0.0.1:${fmt.port} sample 1,3:4 local6
    default_backend be
backend be
    server s1 127.0.0.1:${raw.port}
`;
    proc = await startPortico(cfg, Object.values(P));
  }, 60_000);

  afterAll(async () => {
    await proc?.stop();
    for (const r of [v4, v6, fmt]) await r?.close();
    unixSock?.close();
    await raw?.close();
  });

  it('one line goes to the IPv4, IPv6 and UNIX datagram targets; len cuts the IPv6 one; log-tag names the program', async () => {
    v4.mark();
    v6.mark();
    await rawExchange(P['main']!, get('/ok?x=1'), 2000);
    const line = await v4.next(/"GET \/ok\?x=1 HTTP\/1.1" 200/);
    expect(line).toMatch(/^<134>\w{3} [ \d]\d [\d:]{8} portico-test\[\d+\]: 127\.0\.0\.1 7F000001:[0-9A-F]{4}_7F000001:[0-9A-F]{4}_[0-9A-F]{8}_[0-9A-F]{8}:[0-9A-F]{4} "GET \/ok\?x=1 HTTP\/1\.1" 200\n$/);
    const six = await v6.next(/portico-test\[\d+\]: 127\.0\.0\.1 7F000001:/);
    expect(six.length).toBe(101);
    expect(six.startsWith('<142>')).toBe(true);
    if (unixDgram) {
      const u = await waitFor(() => unixLines.find((l) => l.includes('/ok?x=1')));
      expect(u).toMatch(/^<150>\w{3} [ \d]\d [\d:]{8} portico-test\[\d+\]: /);
    }
  });

  it('unique-id-header reaches the server with the id the log shows', async () => {
    // The raw backend does not echo headers: the id must at least be in the log, in its hex form.
    v4.mark();
    await rawExchange(P['main']!, get('/ok?id'), 2000);
    const line = await v4.next(/\/ok\?id/);
    expect(line).toMatch(/ 7F000001:[0-9A-F]{4}_7F000001:/);
  });

  it('option httplog clf', async () => {
    v4.mark();
    await rawExchange(P['clf']!, get('/clf'), 2000);
    const line = await v4.next(/"GET \/clf HTTP\/1.1"/);
    // Shape checked field by field against haproxy in differential.test.ts; here: the CLF order.
    expect(line).toMatch(/: 127\.0\.0\.1 - - \[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d \+0000\] "GET \/clf HTTP\/1\.1" 200 \d+ "" "" \d+ \d{3} "clf" "be" "s1" \d+ \d+ \d+ \d+ \d+ ---- \d+ \d+ 0 0 0 0 0 "" "" \n$/);
  });

  it('formats rfc5424 (with log-format-sd), raw, short, priority; sample expressions; per-proxy tag', async () => {
    fmt.mark();
    await rawExchange(P['custom']!, get('/p/a?b=1'), 2000);
    const lines = await waitFor(() => {
      const l = fmt.matching(/src=127\.0\.0\.1 path=\/p\/a/);
      return l.length >= 4 ? l : undefined;
    });
    const body = 'src=127.0.0.1 path=/p/a q=?b=1 "GET" ';
    const r5424 = lines.find((l) => l.startsWith('<158>1 '));
    expect(r5424).toMatch(/^<158>1 \d{4}-\d\d-\d\dT[\d:]{8}\.\d{6}[+-]\d\d:\d\d - mytag \d+ - \[exampleSDID@1234 path="\/p\/a"\] src=127\.0\.0\.1 path=\/p\/a q=\?b=1 "GET" [0-9A-F]{8} bytes=\d+ %\n$/);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^src=127\\.0\\.0\\.1 path=/p/a q=\\?b=1 "GET" [0-9A-F]{8} bytes=\\d+ %\\n$`)));
    expect(lines).toContainEqual(expect.stringMatching(/^<6>src=127/));
    expect(lines).toContainEqual(expect.stringMatching(/^<158>src=127/));
    expect(lines.every((l) => l.includes(body))).toBe(true);
  });

  it('dontlog-normal logs only errors; dontlognull drops empty connections', async () => {
    v4.mark();
    await rawExchange(P['quiet']!, get('/ok-quiet'), 2000);
    await rawExchange(P['quiet']!, '', 300, true);
    await rawExchange(P['quiet']!, get('/garbage-quiet'), 2000);
    await v4.next(/"GET \/garbage-quiet HTTP\/1.1"/);
    await sleep(100);
    expect(v4.matching(/ok-quiet/)).toEqual([]);
    expect(v4.matching(/ quiet quiet\/<NOSRV> .*<BADREQ>/)).toEqual([]);
  });

  it('log-separate-errors raises errors to err; max level and min level filter and cap', async () => {
    fmt.mark();
    await rawExchange(P['errors']!, get('/ok-errors'), 2000);
    await rawExchange(P['errors']!, get('/garbage-errors'), 2000);
    await rawExchange(P['errors']!, get('/alarm-errors'), 2000);
    await fmt.next(/alarm-errors/);
    await sleep(100);
    // local4 with max level err: only the error line, at err (<163>).
    expect(fmt.matching(/^<16[0-7]>.*-errors/).map((l) => l.slice(0, 5))).toEqual(['<163>', '<161>']);
    // local7, min notice: the alert set by set-log-level is capped to notice (<189>).
    expect(fmt.matching(/^<1(8[4-9]|9[01])>.*alarm-errors/).map((l) => l.slice(0, 5))).toEqual(['<189>']);
    // local5, max info, min err: both lines; only levels more severe than err would be capped.
    expect(fmt.matching(/^<17[0-9]>.*-errors/).map((l) => l.slice(0, 5))).toEqual(['<174>', '<171>', '<171>']);
  });

  it('no log and set-log-level silent log nothing', async () => {
    v4.mark();
    await rawExchange(P['nolog']!, get('/nolog'), 2000);
    await rawExchange(P['silent']!, get('/hush'), 2000);
    await rawExchange(P['silent']!, get('/loud'), 2000);
    await v4.next(/"GET \/loud HTTP\/1.1"/);
    expect(v4.matching(/\/nolog|\/hush/)).toEqual([]);
  });

  it('stdout (format raw) and stderr (format short) for containers', async () => {
    await rawExchange(P['stdout']!, get('/containers'), 2000);
    const out = await waitFor(() => proc.stdout.find((l) => l.includes('/containers')));
    expect(out).toMatch(/^127\.0\.0\.1:\d+ \[[^\]]+\] stdout be\/s1 \d+\/\d+\/\d+\/\d+\/\d+ 200 \d+ - - ---- .* "GET \/containers HTTP\/1\.1"$/);
    const err = await waitFor(() => proc.stderr.find((l) => l.includes('/containers')));
    expect(err.startsWith('<6>127.0.0.1:')).toBe(true);
  });

  it('sample 1,3:4 sends the 1st and 3rd of every 4 lines', async () => {
    fmt.mark();
    for (let i = 1; i <= 8; i++) await rawExchange(P['sampled']!, get(`/s${i}`), 2000);
    await fmt.next(/"GET \/s7 /);
    await sleep(100);
    const got = fmt.matching(/ sampled be\/s1 /).map((l) => /GET \/s(\d)/.exec(l)![1]);
    expect(got).toEqual(['1', '3', '5', '7']);
  });
});
