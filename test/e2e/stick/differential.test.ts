/**
 * Differential test: Debian's haproxy 2.6 and portico run the same stick-table configuration in
 * front of the same echo backend; the same request sequences must get the same statuses.
 * Skipped when haproxy is not installed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts, hasHaproxy, httpRequest, parseResponses, rawExchange, sleep, startBackend, startHaproxy, type Backend, type Proc } from '../harness.js';
import { startRulesPortico } from '../rules/start.js';

const config = (ports: { rate: number; errs: number; gpc: number; conc: number }, backend: number) => `defaults
    mode http
    timeout connect 2s
    timeout client 5s
    timeout server 5s
frontend rate
    bind 127.0.0.1:${ports.rate}
    stick-table type ip size 100k expire 30s store http_req_rate(10s)
    http-request track-sc0 src
    http-request deny deny_status 429 if { sc_http_req_rate(0) gt 4 }
    default_backend be
frontend errs
    bind 127.0.0.1:${ports.errs}
    stick-table type ip size 1k expire 30s store http_err_cnt,http_req_cnt
    http-request track-sc1 src
    http-request deny deny_status 403 if { sc1_http_err_cnt gt 3 }
    http-request return status 200 content-type text/plain lf-string "req=%[sc_http_req_cnt(1)] err=%[sc_http_err_cnt(1)]" if { path /count }
    default_backend be
frontend gpc
    bind 127.0.0.1:${ports.gpc}
    stick-table type string len 16 size 1k expire 30s store gpc0,gpt0
    http-request track-sc2 req.hdr(x-key)
    http-request sc-inc-gpc0(2) if { path_beg /inc }
    http-request sc-set-gpt0(2) 7 if { path /tag }
    http-request deny deny_status 429 if { sc2_get_gpc0 ge 2 } !{ sc2_get_gpt0 eq 7 }
    http-request return status 200 content-type text/plain lf-string "gpc0=%[sc2_get_gpc0] gpt0=%[sc2_get_gpt0]" if { path /show }
    default_backend be
frontend conc
    bind 127.0.0.1:${ports.conc}
    stick-table type ip size 1k expire 30s store conn_cur
    http-request track-sc0 src
    http-request deny if { sc_conn_cur(0) gt 1 }
    default_backend be
backend be
    server s1 127.0.0.1:${backend}
`;

type Ports = { rate: number; errs: number; gpc: number; conc: number };

describe.skipIf(!hasHaproxy())('stick tables: portico and haproxy 2.6 agree', () => {
  let backend: Backend;
  let ha: Proc, po: Proc;
  let hp: Ports, pp: Ports;

  beforeAll(async () => {
    backend = await startBackend('b');
    const p = await freePorts(8);
    hp = { rate: p[0]!, errs: p[1]!, gpc: p[2]!, conc: p[3]! };
    pp = { rate: p[4]!, errs: p[5]!, gpc: p[6]!, conc: p[7]! };
    [ha, po] = await Promise.all([startHaproxy(config(hp, backend.port), Object.values(hp)), startRulesPortico(config(pp, backend.port), Object.values(pp))]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([ha?.stop(), po?.stop()]);
    await backend?.close();
  });

  /** The same requests, one connection each, to both; answers status (and body for local replies). */
  async function both(port: (p: Ports) => number, reqs: { path: string; headers?: Record<string, string> }[]): Promise<[string[], string[]]> {
    const run = async (ports: Ports) => {
      const out: string[] = [];
      for (const r of reqs) {
        const res = await httpRequest(port(ports), r.path, r.headers ? { headers: r.headers } : {});
        out.push(res.headers['content-type'] === 'text/plain' ? `${res.status} ${res.body}` : String(res.status));
      }
      return out;
    };
    return [await run(hp), await run(pp)];
  }

  it('rate limit: the same requests are denied', async () => {
    const [h, p] = await both((x) => x.rate, Array.from({ length: 8 }, () => ({ path: '/' })));
    expect(p).toEqual(h);
    expect(h).toEqual(['200', '200', '200', '200', '429', '429', '429', '429']);
  });

  it('rate limit on a keep-alive connection', async () => {
    await sleep(0);
    const reqs = Array.from({ length: 4 }, (_, i) => `GET /k${i} HTTP/1.1\r\nHost: x\r\n${i === 3 ? 'Connection: close\r\n' : ''}\r\n`).join('');
    // The table already holds 8 requests of this client on each side: every request is denied.
    const [h, p] = await Promise.all([rawExchange(hp.rate, reqs, 3000), rawExchange(pp.rate, reqs, 3000)]);
    expect(parseResponses(p).map((r) => r.status)).toEqual(parseResponses(h).map((r) => r.status));
  });

  it('4xx from the server and denials count as errors', async () => {
    const reqs = [...['/status/404', '/status/500', '/count', '/status/403', '/status/404', '/count', '/', '/status/404', '/count'].map((path) => ({ path }))];
    const [h, p] = await both((x) => x.errs, reqs);
    expect(p).toEqual(h);
    expect(h).toContain('403');
  });

  it('gpc0 and gpt0 per key', async () => {
    const k = (key: string, path: string) => ({ path, headers: { 'x-key': key } });
    const reqs = [k('a', '/inc'), k('a', '/show'), k('a', '/inc'), k('a', '/'), k('b', '/inc'), k('b', '/show'), k('a', '/tag'), k('a', '/show'), k('a', '/inc2')];
    const [h, p] = await both((x) => x.gpc, reqs);
    expect(p).toEqual(h);
  });

  it('sc_conn_cur: a second concurrent request is denied', async () => {
    const pair = async (port: number) => {
      const [a, b] = await Promise.all([httpRequest(port, '/slow/400'), sleep(150).then(() => httpRequest(port, '/'))]);
      return [a.status, b.status, (await httpRequest(port, '/')).status];
    };
    const [h, p] = await Promise.all([pair(hp.conc), pair(pp.conc)]);
    expect(p).toEqual(h);
    expect(h).toEqual([200, 403, 200]);
  });
});
