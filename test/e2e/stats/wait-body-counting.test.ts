/**
 * Counting when the request rules wait for the body (`http-request wait-for-body`): the verdict
 * reached once the body is in is the one counted (a denial in dreq, the backend's session and
 * requests), on portico as on haproxy 2.6 with the same configuration and requests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts, hasHaproxy, httpRequest, startBackend, startHaproxy, startPortico, type Backend, type Proc } from '../harness.js';
import { exchange } from '../../unit/cli-api/helpers.js';

const HAVE = hasHaproxy();

function config(api: number, fe: number, backend: number): string {
  return `
global
  stats socket ipv4@127.0.0.1:${api} level admin
defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
frontend fe
  bind 127.0.0.1:${fe}
  http-request wait-for-body time 1s
  http-request deny if { req.body -m sub secret }
  default_backend app
backend app
  server s1 127.0.0.1:${backend}
`;
}

let backend: Backend;
const sides: { name: string; proc: Proc; api: number; fe: number }[] = [];

beforeAll(async () => {
  backend = await startBackend('b1');
  const start = async (name: string, run: (cfg: string, ports: number[]) => Promise<Proc>) => {
    const [api, fe] = await freePorts(2);
    sides.push({ name, proc: await run(config(api!, fe!, backend.port), [api!, fe!]), api: api!, fe: fe! });
  };
  await start('portico', startPortico);
  if (HAVE) await start('haproxy', startHaproxy);
}, 20_000);

afterAll(async () => {
  for (const s of sides) await s.proc.stop();
  await backend?.close();
});

const FIELDS = ['dreq', 'req_tot', 'hrsp_2xx', 'hrsp_4xx', 'stot'];

async function counters(s: { api: number }): Promise<Record<string, string>> {
  const [head, ...rows] = (await exchange(s.api, 'show stat\n')).split('\n');
  const names = head!.slice(2).split(',');
  const out: Record<string, string> = {};
  for (const row of rows.filter((r) => r.includes(','))) {
    const v = row.split(',');
    for (const f of FIELDS) out[`${v[0]}/${v[1]}.${f}`] = v[names.indexOf(f)]!;
  }
  return out;
}

async function traffic(fe: number): Promise<number[]> {
  const statuses: number[] = [];
  statuses.push((await httpRequest(fe, '/', { method: 'POST', body: 'a secret here' })).status);
  statuses.push((await httpRequest(fe, '/', { method: 'POST', body: 'nothing to see' })).status);
  return statuses;
}

describe('counting after wait-for-body', () => {
  it('counts the denial decided once the body is in', async () => {
    const pc = sides[0]!;
    expect(await traffic(pc.fe)).toEqual([403, 200]);
    const c = await counters(pc);
    // 4xx: the denial and the harness's port probe (a connection closed without a request).
    expect([c['fe/FRONTEND.dreq'], c['fe/FRONTEND.hrsp_4xx'], c['fe/FRONTEND.hrsp_2xx']]).toEqual(['1', '2', '1']);
    // Only the accepted request reached the backend.
    expect([c['app/BACKEND.stot'], c['app/BACKEND.req_tot'], c['app/s1.stot']]).toEqual(['1', '1', '1']);
  });

  it.skipIf(!HAVE)('counts as haproxy 2.6 does', async () => {
    const hx = sides[1]!;
    expect(await traffic(hx.fe)).toEqual([403, 200]);
    expect(await counters(sides[0]!)).toEqual(await counters(hx));
  });
});
