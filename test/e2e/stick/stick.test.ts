/**
 * Stick tables end to end: the real portico in front of node echo backends on loopback — rate
 * limiting with track-sc0 (429, then recovery), concurrent-connection limits, and persistence
 * with stick on / stick match / stick store-request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS, freePorts, httpRequest, parseResponses, rawExchange, sleep, startBackend, type Backend, type Proc } from '../harness.js';
import { startRulesPortico } from '../rules/start.js';

describe('stick tables end to end', () => {
  let b1: Backend, b2: Backend;
  let portico: Proc;
  let rate: number, conc: number, sticky: number, plain: number, header: number, errs: number;

  beforeAll(async () => {
    [b1, b2] = await Promise.all([startBackend('b1'), startBackend('b2')]);
    [rate, conc, sticky, plain, header, errs] = await freePorts(6);
    const servers = `    balance roundrobin\n    server s1 127.0.0.1:${b1.port}\n    server s2 127.0.0.1:${b2.port}\n`;
    portico = await startRulesPortico(
      `${DEFAULTS}
frontend rate
    bind 127.0.0.1:${rate}
    stick-table type ip size 100k expire 30s store http_req_rate(1s)
    http-request track-sc0 src
    http-request deny deny_status 429 if { sc_http_req_rate(0) gt 3 }
    default_backend one
frontend conc
    bind 127.0.0.1:${conc}
    stick-table type ip size 1k expire 30s store conn_cur
    http-request track-sc0 src
    http-request deny if { sc_conn_cur(0) gt 1 }
    default_backend one
frontend errs
    bind 127.0.0.1:${errs}
    stick-table type ip size 1k expire 30s store http_err_cnt
    http-request track-sc0 src
    http-request deny deny_status 403 if { sc_http_err_cnt(0) gt 2 }
    default_backend one
listen sticky
    bind 127.0.0.1:${sticky}
    stick-table type ip size 1k expire 10m
    stick on src
${servers}listen plain
    bind 127.0.0.1:${plain}
${servers}listen header
    bind 127.0.0.1:${header}
    stick-table type string len 32 size 1k expire 10m
    stick match req.hdr(x-user)
    stick store-request req.hdr(x-user)
${servers}backend one
    server s1 127.0.0.1:${b1.port}
`,
      [rate, conc, sticky, plain, header, errs],
    );
  }, 120_000);

  afterAll(async () => {
    await portico?.stop();
    await Promise.all([b1?.close(), b2?.close()]);
  });

  async function statuses(port: number, n: number, path = '/'): Promise<number[]> {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push((await httpRequest(port, path)).status);
    return out;
  }

  it('rate limiting: 429 after the threshold, back to 200 once the period has passed', async () => {
    expect(await statuses(rate, 6)).toEqual([200, 200, 200, 429, 429, 429]);
    // Two full periods later the counter has nothing left.
    await sleep(2100);
    expect(await statuses(rate, 2)).toEqual([200, 200]);
  });

  it('rate limiting counts each request of a keep-alive connection', async () => {
    await sleep(2100);
    const reqs = Array.from({ length: 5 }, (_, i) => `GET /k${i} HTTP/1.1\r\nHost: x\r\n${i === 4 ? 'Connection: close\r\n' : ''}\r\n`).join('');
    const res = parseResponses(await rawExchange(rate, reqs, 3000));
    expect(res.map((r) => r.status)).toEqual([200, 200, 200, 429, 429]);
  });

  it('sc_conn_cur limits concurrent requests of one client', async () => {
    const [a, b] = await Promise.all([httpRequest(conc, '/slow/400'), sleep(100).then(() => httpRequest(conc, '/'))]);
    expect([a.status, b.status]).toEqual([200, 403]);
    // Once the slow one is over, the client may go on.
    expect((await httpRequest(conc, '/')).status).toBe(200);
  });

  it('server 4xx responses count as errors (sc_http_err_cnt)', async () => {
    expect(await statuses(errs, 3, '/status/404')).toEqual([404, 404, 404]);
    expect(await statuses(errs, 1)).toEqual([403]);
  });

  it('without stickiness, roundrobin alternates (control)', async () => {
    const names = new Set<string>();
    for (let i = 0; i < 4; i++) names.add((await httpRequest(plain, '/')).headers['x-backend']!);
    expect([...names].sort()).toEqual(['b1', 'b2']);
  });

  it('stick on src keeps the client on one server', async () => {
    const names: string[] = [];
    for (let i = 0; i < 5; i++) names.push((await httpRequest(sticky, '/')).headers['x-backend']!);
    expect(new Set(names).size).toBe(1);
  });

  it('stick store-request + stick match keep each user on the server that served it first', async () => {
    const first: Record<string, string> = {};
    const users = ['alice', 'bob', 'carol', 'dave'];
    for (const u of users) first[u] = (await httpRequest(header, '/', { headers: { 'x-user': u } })).headers['x-backend']!;
    // Roundrobin gave consecutive users different servers.
    expect(new Set(Object.values(first)).size).toBe(2);
    for (let round = 0; round < 2; round++) {
      for (const u of [...users].reverse()) {
        expect((await httpRequest(header, '/', { headers: { 'x-user': u } })).headers['x-backend']).toBe(first[u]);
      }
    }
  });
});
