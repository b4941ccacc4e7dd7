/**
 * `stats http-request allow|deny|auth [realm R] [if|unless COND]` on the real portico process,
 * against Debian's haproxy 2.6 with the same configuration: the same requests (with and without
 * credentials, from 127.0.0.1 and 127.0.0.2) get the same status, the same authentication
 * challenge and the same error pages, and the frontend counts the same denials and
 * intercepted requests.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts, hasHaproxy, parseResponses, startHaproxy, startPortico, type Proc, type SimpleResponse } from '../harness.js';
import { exchange } from '../../unit/cli-api/helpers.js';

const HAVE = hasHaproxy();

function config(api: number, st: number, fe: number): string {
  return `
global
  stats socket ipv4@127.0.0.1:${api} level admin
userlist admins
  user admin insecure-password secret
  user guest insecure-password guest
defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
listen st
  bind 127.0.0.1:${st}
  acl AUTH http_auth(admins)
  acl ADMIN http_auth(admins) admin
  stats enable
  stats uri /stats
  stats http-request deny if !LOCALHOST
  stats http-request deny unless { src 127.0.0.1 }
  stats http-request deny deny_status 404 if { path_end /hidden }
  stats http-request allow if { path_end /open }
  stats http-request auth realm Zone if { path_end /zone } !AUTH
  stats http-request auth unless AUTH
  stats admin if ADMIN
frontend fe
  bind 127.0.0.1:${fe}
  stats enable
  stats uri /s
  stats http-request auth realm Admins unless { http_auth(admins) }
`;
}

/** One GET over a fresh connection from `from` (a loopback address), with optional Basic credentials. */
function get(port: number, path: string, opts: { user?: string; from?: string } = {}): Promise<SimpleResponse> {
  const auth = opts.user ? `authorization: Basic ${Buffer.from(opts.user).toString('base64')}\r\n` : '';
  const req = `GET ${path} HTTP/1.1\r\nhost: x\r\n${auth}connection: close\r\n\r\n`;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const s = connect({ host: '127.0.0.1', port, localAddress: opts.from ?? '127.0.0.1' });
    const timer = setTimeout(() => s.destroy(new Error(`no answer for ${path}`)), 4000);
    s.on('data', (d) => chunks.push(d));
    s.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    s.on('close', () => {
      clearTimeout(timer);
      const r = parseResponses(Buffer.concat(chunks).toString('latin1'))[0];
      if (r) resolve(r);
      else reject(new Error(`no response for ${path}`));
    });
    s.write(req);
  });
}

interface Side {
  proc: Proc;
  api: number;
  st: number;
  fe: number;
}

let hx: Side | undefined;
let pc: Side | undefined;

async function start(run: (cfg: string, ports: number[]) => Promise<Proc>): Promise<Side> {
  const [api, st, fe] = await freePorts(3);
  const proc = await run(config(api!, st!, fe!), [api!, st!, fe!]);
  return { proc, api: api!, st: st!, fe: fe! };
}

beforeAll(async () => {
  pc = await start(startPortico);
  if (HAVE) hx = await start(startHaproxy);
}, 20_000);

afterAll(async () => {
  await pc?.proc.stop();
  await hx?.proc.stop();
});

/** The requests of the comparison: [label, port chooser, path, options]. */
const CASES: [string, (s: Side) => number, string, { user?: string; from?: string }][] = [
  ['no credentials', (s) => s.st, '/stats', {}],
  ['good credentials', (s) => s.st, '/stats;csv', { user: 'admin:secret' }],
  ['bad password', (s) => s.st, '/stats', { user: 'admin:nope' }],
  ['allowed without auth', (s) => s.st, '/stats/open', {}],
  ['denied with 404', (s) => s.st, '/stats/hidden', { user: 'admin:secret' }],
  ['own realm', (s) => s.st, '/stats/zone', {}],
  ['own realm, authenticated', (s) => s.st, '/stats/zone', { user: 'guest:guest' }],
  ['from another address', (s) => s.st, '/stats', { user: 'admin:secret', from: '127.0.0.2' }],
  ['frontend page', (s) => s.fe, '/s', {}],
  ['frontend page, authenticated', (s) => s.fe, '/s;csv', { user: 'guest:guest' }],
];

/** What must match: status, the challenge, and the whole reply when it is not the page itself. */
function shape(r: SimpleResponse): Record<string, unknown> {
  const out: Record<string, unknown> = { status: r.status, auth: r.headers['www-authenticate'], type: r.headers['content-type'] };
  if (r.status !== 200) Object.assign(out, { length: r.headers['content-length'], cache: r.headers['cache-control'], body: r.body });
  return out;
}

describe('stats http-request rules', () => {
  it('answer as configured (portico alone)', async () => {
    const s = pc!;
    expect((await get(s.st, '/stats')).status).toBe(401);
    expect((await get(s.st, '/stats')).headers['www-authenticate']).toBe('Basic realm="HAProxy Statistics"');
    expect((await get(s.st, '/stats/zone')).headers['www-authenticate']).toBe('Basic realm="Zone"');
    expect((await get(s.st, '/stats;csv', { user: 'admin:secret' })).body).toMatch(/^# pxname,svname,/);
    expect((await get(s.st, '/stats/open')).status).toBe(200);
    expect((await get(s.st, '/stats/hidden', { user: 'admin:secret' })).status).toBe(404);
    expect((await get(s.st, '/stats', { user: 'admin:secret', from: '127.0.0.2' })).status).toBe(403);
    expect((await get(s.fe, '/s')).headers['www-authenticate']).toBe('Basic realm="Admins"');
  });

  it.skipIf(!HAVE)('answer as haproxy 2.6 does', async () => {
    const diffs: string[] = [];
    for (const [label, port, path, opts] of CASES) {
      const h = shape(await get(port(hx!), path, opts));
      const p = shape(await get(port(pc!), path, opts));
      if (JSON.stringify(h) !== JSON.stringify(p)) diffs.push(`${label}: haproxy ${JSON.stringify(h)} portico ${JSON.stringify(p)}`);
    }
    expect(diffs).toEqual([]);
  });

  it.skipIf(!HAVE)('count denials and intercepted requests as haproxy 2.6 does', async () => {
    // Both sides have seen the same requests (the previous test) plus the first test's on portico:
    // compare the counters from a fresh round of the same requests.
    const before = await Promise.all([counters(hx!), counters(pc!)]);
    for (const [, port, path, opts] of CASES) {
      await get(port(hx!), path, opts);
      await get(port(pc!), path, opts);
    }
    const after = await Promise.all([counters(hx!), counters(pc!)]);
    const delta = (i: number) => Object.fromEntries(Object.entries(after[i]!).map(([k, v]) => [k, v - before[i]![k]!]));
    expect(delta(1)).toEqual(delta(0));
    expect(delta(1)['st.dreq']).toBe(2);
  });
});

/** dreq, intercepted, req_tot and hrsp_2xx/4xx of both frontends, from `show stat`. */
async function counters(s: Side): Promise<Record<string, number>> {
  const csv = await exchange(s.api, 'show stat\n');
  const [head, ...rows] = csv.split('\n');
  const names = head!.slice(2).split(',');
  const out: Record<string, number> = {};
  for (const row of rows) {
    const v = row.split(',');
    if (v[1] !== 'FRONTEND') continue;
    for (const f of ['dreq', 'intercepted', 'req_tot', 'hrsp_2xx', 'hrsp_4xx', 'stot']) out[`${v[0]}.${f}`] = Number(v[names.indexOf(f)]);
  }
  return out;
}
