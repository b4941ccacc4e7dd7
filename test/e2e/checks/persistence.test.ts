/**
 * Cookie persistence and `stick on` in the same backend: HAProxy reads the cookie first, so a
 * valid cookie wins over the stick entry (which then learns the cookie's server), and a request
 * sent by a stick match gets no Set-Cookie (the server was chosen "directly"). Portico and haproxy
 * 2.6 get the same request sequence; servers, Set-Cookie headers and cookie log flags must agree.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasHaproxy, rawExchange, type Proc } from '../harness.js';
import { ctlBackend, startOn, waitFor, type CtlBackend, type Target } from './lib.js';

const config = (fe: number, a: number, b: number) => `global
    log stdout format raw local0
defaults
    mode http
    log global
    option httplog
    timeout connect 2s
    timeout client 5s
    timeout server 5s
frontend fe
    bind 127.0.0.1:${fe}
    default_backend app
backend app
    balance roundrobin
    cookie SRV insert indirect nocache
    stick-table type ip size 1m expire 10m
    stick on src
    server s1 127.0.0.1:${a} cookie c1
    server s2 127.0.0.1:${b} cookie c2
`;

/** [cookie sent, expected server, expected Set-Cookie or '', expected %tsc flags]. */
const SEQUENCE: Array<[string | undefined, string, string, string]> = [
  [undefined, 'a', 'SRV=c1; path=/', 'NI'], // LB picks s1; `stick on` stores src -> s1
  ['c2', 'b', '', 'VN'], // the cookie wins over the stick entry (s1); the entry now says s2
  [undefined, 'b', '', 'NN'], // stick match -> s2, direct: no cookie inserted
  ['c1', 'a', '', 'VN'],
  [undefined, 'a', '', 'NN'],
  ['zz', 'a', '', 'IN'], // an unknown value: the stick entry decides
];

async function run(fe: number, p: Proc): Promise<string[]> {
  const out: string[] = [];
  for (const [i, [cookie]] of SEQUENCE.entries()) {
    const raw = await rawExchange(fe, `GET /r${i} HTTP/1.1\r\nhost: x\r\n${cookie ? `cookie: SRV=${cookie}\r\n` : ''}connection: close\r\n\r\n`, 3000);
    const server = /\r\nx-backend: (\w+)/i.exec(raw)?.[1] ?? '?';
    const setCookie = /\r\nset-cookie: ([^\r]*)/i.exec(raw)?.[1] ?? '';
    out.push(`${server} [${setCookie}]`);
  }
  // Each request's cookie flags (%tsc, the last two of the four termination chars) from httplog;
  // log lines may come in another order than the requests.
  const logOf = (i: number) => p.stdout.find((l) => l.includes(`"GET /r${i} HTTP/1.1"`));
  await waitFor(() => SEQUENCE.every((_, i) => logOf(i) !== undefined), 3000);
  const flags = SEQUENCE.map((_, i) => / [-A-Za-z]{2}([-A-Z]{2}) \d+\/\d+\/\d+\/\d+\/\d+ /.exec(logOf(i) ?? '')?.[1] ?? '?');
  return out.map((x, i) => `${x} ${flags[i]}`);
}

describe('stick on + cookie: the cookie wins (as in haproxy 2.6)', () => {
  let a: CtlBackend, b: CtlBackend;
  beforeAll(async () => {
    [a, b] = await Promise.all([ctlBackend('a'), ctlBackend('b')]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });

  const expected = SEQUENCE.map(([, server, setCookie, flags]) => `${server} [${setCookie}] ${flags}`);

  const check = async (target: Target) => {
    const { p, ports } = await startOn(target, 1, ([fe]) => config(fe!, a.port, b.port));
    try {
      expect(await run(ports[0]!, p)).toEqual(expected);
    } finally {
      await p.stop();
    }
  };
  it('portico', () => check('portico'), 20_000);
  it.runIf(hasHaproxy())('haproxy 2.6 (the reference the sequence was taken from)', () => check('haproxy'), 20_000);
});
