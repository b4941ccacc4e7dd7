/**
 * The stats page of the real portico process: `stats uri`, authentication, CSV/JSON, the admin
 * form (POST answered with 303) and the Prometheus exporter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS, freePorts, httpRequest, startBackend, startPortico, type Backend, type Proc } from '../harness.js';

let p: Proc;
let b1: Backend;
let st = 0, fe = 0, prom = 0;
const auth = { authorization: `Basic ${Buffer.from('admin:secret').toString('base64')}` };

beforeAll(async () => {
  b1 = await startBackend('b1');
  [st, fe, prom] = await freePorts(3);
  p = await startPortico(`
${DEFAULTS}
frontend fe
  bind 127.0.0.1:${fe}
  default_backend app
backend app
  server s1 127.0.0.1:${b1.port}
  server s2 127.0.0.1:1 disabled
listen stats
  bind 127.0.0.1:${st}
  stats uri /stats
  stats auth admin:secret
  stats refresh 5s
  stats admin if TRUE
frontend metrics
  bind 127.0.0.1:${prom}
  http-request use-service prometheus-exporter if { path /metrics }
`, [st!, fe!, prom!]);
}, 20_000);

afterAll(async () => {
  await p?.stop();
  await b1?.close();
});

describe('stats page of the portico process', () => {
  it('asks for credentials', async () => {
    const r = await httpRequest(st, '/stats');
    expect(r.status).toBe(401);
    expect(r.headers['www-authenticate']).toBe('Basic realm="HAProxy Statistics"');
  });

  it('serves the page with its refresh header, and CSV with real counters', async () => {
    for (let i = 0; i < 3; i++) expect((await httpRequest(fe, '/')).status).toBe(200);
    const html = await httpRequest(st, '/stats', { headers: auth });
    expect(html.status).toBe(200);
    expect(html.headers['refresh']).toBe('5');
    expect(html.body).toContain('Statistics Report for');
    const csv = await httpRequest(st, '/stats;csv;norefresh', { headers: auth });
    expect(csv.headers['refresh']).toBeUndefined();
    const s1 = csv.body.split('\n').find((l) => l.startsWith('app,s1,'))!.split(',');
    expect(Number(s1[7])).toBeGreaterThanOrEqual(3);
  });

  it('applies admin actions and redirects with the result', async () => {
    const r = await httpRequest(st, '/stats', {
      method: 'POST', headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' }, body: 's=s2&action=maint&b=app',
    });
    expect(r.status).toBe(303);
    expect(r.headers['location']).toBe('/stats;st=DONE');
    const csv = await httpRequest(st, '/stats;csv', { headers: auth });
    expect(csv.body.split('\n').find((l) => l.startsWith('app,s2,'))).toContain(',MAINT,');
  });

  it('exports Prometheus metrics', async () => {
    const r = await httpRequest(prom, '/metrics');
    expect(r.status).toBe(200);
    expect(r.body).toContain('haproxy_server_status{proxy="app",server="s2",state="MAINT"} 1');
  });
});
