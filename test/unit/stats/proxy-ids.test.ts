/** Proxy ids as HAProxy 2.6 assigns them (checked against haproxy's `show stat` iid column). */
import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../../../src/config/load.js';
import { proxyIds } from '../../../src/runtime/proxy-ids.js';

const ids = (text: string) => {
  const cfg = loadConfigText(text).config;
  return Object.fromEntries([...proxyIds(cfg)].map(([p, id]) => [p.name, id]));
};

const DEFAULTS = 'defaults\n  mode http\n  timeout connect 1s\n  timeout client 1s\n  timeout server 1s\n';

describe('proxy ids', () => {
  it('number proxies in declaration order; defaults sections take none', () => {
    expect(ids(`${DEFAULTS}${DEFAULTS}frontend fe\n  bind :8080\nbackend b\n`)).toEqual({ fe: 1, b: 2 });
  });

  it('give the first id to the CLI frontend when the global section has stats keywords', () => {
    expect(ids(`global\n  stats timeout 10s\n${DEFAULTS}frontend fe\n  bind :8080\nbackend b\n`)).toEqual({ fe: 2, b: 3 });
  });

  it('keep explicit ids and move the counter past every proxy, as haproxy does', () => {
    // haproxy 2.6: fe=4, b1=3, b2=6, b3=2, b4=8 with a stats socket.
    const text = `global\n  stats socket /tmp/x.sock\n${DEFAULTS}frontend fe\n  bind :8080\nbackend b1\n  id 3\nbackend b2\nbackend b3\n  id 2\nbackend b4\n`;
    expect(ids(text)).toEqual({ fe: 4, b1: 3, b2: 6, b3: 2, b4: 8 });
  });
});
