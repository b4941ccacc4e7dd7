/**
 * Cookie persistence scenarios run against haproxy 2.6 (cookie-haproxy-diff.test.ts) and replayed
 * from the recorded fixture (cookie-fixtures.test.ts). Both check an exchange with checkExchange().
 */
import { loadConfigText } from '../../../src/config/load.js';
import type { CookieConfig } from '../../../src/config/model.js';
import { CookieTxn, processRequestCookies, processResponseCookies, type CookieServer } from '../../../src/persist/cookie.js';
import { encodeCookieDate } from '../../../src/persist/cookie-date.js';
import type { HarnessServer } from './haproxy-harness.js';

export interface ScenarioRequest {
  method?: string;
  path?: string;
  /** Cookie header values, one header each. */
  cookies?: string[];
  respHeaders?: [string, string][];
  respStatus?: number;
}

export interface Scenario {
  name: string;
  lines: string[];
  servers: HarnessServer[];
  /** Requests; a function gets "now" in seconds to build dated cookies. */
  requests: (now: number) => ScenarioRequest[];
}

/** What one exchange recorded: the request as sent and what haproxy did. */
export interface Recorded {
  scenario: string;
  request: ScenarioRequest;
  server: string;
  backendCookies: string[];
  /** set-cookie and cache-control response headers, in order, as [name, value]. */
  respCookieHeaders: [string, string][];
  /** The two cookie chars of %tsc. */
  chars: string;
  t0: number;
  t1: number;
}

const S4 = [
  { name: 's1', params: 'cookie s1' },
  { name: 's2', params: 'cookie s2' },
  { name: 's3' },
  { name: 's4', params: 'cookie s4 disabled' },
];
const EXP: [string, string] = ['expires', 'Thu, 01 Jan 2099 00:00:00 GMT'];

export const SCENARIOS: Scenario[] = [
  {
    name: 'insert indirect nocache',
    lines: ['cookie SRV insert indirect nocache'],
    servers: S4,
    requests: () => [
      {},
      {},
      {},
      { cookies: ['SRV=s2'] },
      { cookies: ['a=1; SRV=s2; b=2'] },
      { cookies: ['SRV=s2; a=1'] },
      { cookies: ['a=1; SRV=s2'] },
      { cookies: ['a=1;SRV=s2;b=2'] },
      { cookies: ['a=1 ; SRV = s2 ; b=2'] },
      { cookies: ['a = 1;  SRV=s1,b=2'] },
      { cookies: ['$Version=1; SRV=s2; $Path=/; a=1'] },
      { cookies: ['x; SRV=s2; y'] },
      { cookies: ['SRV=s1; x'] },
      { cookies: ['a=1', 'SRV=s1'] },
      { cookies: ['SRV=s1', 'b=2'] },
      { cookies: ['SRV=s9'] },
      { cookies: ['SRV='] },
      { cookies: ['SRV=s4'] },
      { cookies: ['SRV=s1; SRV=s2'] },
      { cookies: ['SRV="s1"'] },
      { cookies: ['SRVX=s1; XSRV=s2'] },
      { cookies: ['SRV=s1'], respHeaders: [['set-cookie', 'SRV=abc; path=/']] },
      { respHeaders: [['set-cookie', 'SRV=abc; path=/'], ['set-cookie', 'other=1']] },
      { respHeaders: [EXP] },
      { method: 'POST', respHeaders: [EXP] },
      { cookies: ['SRV=s1'], respHeaders: [EXP] },
      { respHeaders: [['cache-control', 'public, max-age=10']] },
      { respHeaders: [['cache-control', 'max-age=10'], ['pragma', 'no-cache']] },
      { respHeaders: [['etag', '"x"']], respStatus: 302 },
      { respHeaders: [['etag', '"x"']], respStatus: 404 },
    ],
  },
  {
    name: 'insert attributes',
    lines: ['cookie SRV insert httponly secure domain .a.example domain .b.example attr SameSite=Lax attr Partitioned'],
    servers: S4,
    requests: () => [{}, {}, {}, { cookies: ['SRV=s1'] }, { cookies: ['SRV=bad'] }],
  },
  {
    name: 'insert preserve',
    lines: ['cookie SRV insert preserve'],
    servers: S4,
    requests: () => [
      { respHeaders: [['set-cookie', 'SRV=mine; path=/']] },
      { respHeaders: [['set-cookie', 'SRV=mine; path=/']] },
      {},
      { cookies: ['SRV=s1'], respHeaders: [['set-cookie', 'SRV=mine']] },
    ],
  },
  {
    name: 'insert postonly',
    lines: ['cookie SRV insert postonly nocache'],
    servers: S4,
    requests: () => [{}, { method: 'POST' }, { method: 'POST', cookies: ['SRV=s2'] }, { cookies: ['SRV=s1'] }],
  },
  {
    name: 'rewrite',
    lines: ['cookie SRV rewrite'],
    servers: S4,
    requests: () => [
      { respHeaders: [['set-cookie', 'SRV=app; path=/; HttpOnly']] },
      { respHeaders: [['set-cookie', 'SRV = app ; path=/']] },
      { respHeaders: [['set-cookie', 'SRV=app']] },
      { cookies: ['SRV=s2; a=1'], respHeaders: [['set-cookie', 'SRV=app']] },
      { cookies: ['SRV=s2; a=1'] },
      { respHeaders: [['set-cookie', 'other=1'], ['set-cookie', 'SRV="q;v"; path=/']] },
    ],
  },
  {
    name: 'repeated cookie',
    lines: ['cookie SRV insert indirect'],
    servers: S4,
    requests: () => [
      { cookies: ['SRV=s1; SRV=s4'] },
      { cookies: ['SRV=s4; SRV=s1'] },
      { cookies: ['SRV=bad; SRV=s1'] },
      { cookies: ['SRV=s1; SRV=bad'] },
      { cookies: ['SRV=s4; SRV=bad'] },
      { cookies: ['SRV=bad; SRV=s4'] },
      { cookies: ['SRV=s2', 'SRV=s1'] },
      { cookies: ['a=1; SRV=s2; SRV=s1; b=2'] },
    ],
  },
  {
    name: 'prefix',
    lines: ['cookie JSESSIONID prefix'],
    servers: S4,
    requests: () => [
      { respHeaders: [['set-cookie', 'JSESSIONID=abc123; path=/']] },
      { cookies: ['JSESSIONID=s2~abc123; x=1'] },
      { cookies: ['x=1; JSESSIONID=s1~abc~def'] },
      { cookies: ['JSESSIONID=abc123'] },
      { cookies: ['JSESSIONID=s9~abc'] },
      { cookies: ['JSESSIONID=~abc'] },
      { cookies: ['JSESSIONID=s1~a'], respHeaders: [['set-cookie', 'JSESSIONID=b']] },
    ],
  },
  {
    name: 'passive indirect',
    lines: ['cookie SRV indirect'],
    servers: S4,
    requests: () => [
      { respHeaders: [['set-cookie', 'SRV=s1; path=/']] },
      { cookies: ['SRV=s2'], respHeaders: [['set-cookie', 'SRV=s2; path=/']] },
      { cookies: ['SRV=s2; a=1'] },
    ],
  },
  {
    name: 'persist',
    lines: ['cookie SRV insert indirect', 'option persist', 'use-server s2 if { path /use }', 'ignore-persist if { path /ign }'],
    servers: S4,
    requests: () => [
      { cookies: ['SRV=s4'] },
      { cookies: ['SRV=s1'], path: '/use' },
      { cookies: ['SRV=s1'], path: '/ign' },
      { cookies: ['SRV=bad'], path: '/use' },
      { path: '/ign', respHeaders: [['set-cookie', 'SRV=x']] },
    ],
  },
  {
    name: 'force-persist',
    lines: ['cookie SRV insert', 'force-persist if { path /force }'],
    servers: S4,
    requests: () => [{ cookies: ['SRV=s4'] }, { cookies: ['SRV=s4'], path: '/force' }],
  },
  {
    name: 'maxidle maxlife',
    lines: ['cookie SRV insert indirect maxidle 30m maxlife 8h'],
    servers: S4,
    requests: (now) => [
      {},
      { cookies: ['SRV=s1'] },
      { cookies: [`SRV=s1|${encodeCookieDate(now - 60)}|${encodeCookieDate(now - 3600)}`] },
      { cookies: [`SRV=s1|${encodeCookieDate(now + 3600)}|${encodeCookieDate(now - 3600)}`] },
      { cookies: [`SRV=s2|${encodeCookieDate(now - 3600)}|${encodeCookieDate(now - 3600)}`] },
      { cookies: [`SRV=s2|${encodeCookieDate(now - 60)}|${encodeCookieDate(now - 9 * 3600)}`] },
      { cookies: [`SRV=s2|${encodeCookieDate(now - 60)}|${encodeCookieDate(now + 2 * 86400)}`] },
      { cookies: [`SRV=s2|${encodeCookieDate(now - 60)}`] },
      { cookies: ['SRV=s2|!!!!!|AAAAA'] },
      { cookies: ['SRV=s2|abc'] },
    ],
  },
  {
    name: 'maxidle only',
    lines: ['cookie SRV insert maxidle 10m'],
    servers: S4,
    requests: (now) => [
      { cookies: [`SRV=s1|${encodeCookieDate(now - 60)}|${encodeCookieDate(now - 3600)}`] },
      { cookies: [`SRV=s1|${encodeCookieDate(now - 1200)}`] },
      { cookies: [`SRV=s1|${encodeCookieDate(now + 60)}`] },
    ],
  },
];

function toServers(text: string[]): { cfg: CookieConfig; servers: CookieServer[]; persist: boolean } {
  const l = loadConfigText(['backend be', '  mode http', ...text.map((t) => '  ' + t), ''].join('\n'));
  const be = l.config.proxies.find((p) => p.name === 'be');
  if (!be?.cookie) throw new Error(`no cookie config: ${l.diags.list.map((d) => d.message).join("; ")}`);
  return {
    cfg: be.cookie,
    servers: be.servers.map((s) => ({ name: s.name, cookie: s.cookie, up: !s.disabled })),
    persist: be.options['persist'] === true,
  };
}

/** The backend's response headers as haproxy receives them (before its own changes). */
function backendResponse(req: ScenarioRequest): string[] {
  const h = ['content-type', 'application/json'];
  for (const [n, v] of req.respHeaders ?? []) h.push(n.toLowerCase(), v);
  return h;
}

/**
 * Replays one recorded exchange through portico's functions and answers the differences
 * (empty when portico agrees with haproxy). Both t0 and t1 are tried as "now".
 */
export function checkExchange(sc: Scenario, rec: Recorded): string[] {
  let firstDiff: string[] = [];
  for (const now of rec.t0 === rec.t1 ? [rec.t0] : [rec.t0, rec.t1]) {
    const diff = checkAt(sc, rec, now);
    if (diff.length === 0) return diff;
    if (firstDiff.length === 0) firstDiff = diff;
  }
  return firstDiff;
}

function checkAt(sc: Scenario, rec: Recorded, now: number): string[] {
  const { cfg, servers, persist } = toServers([...sc.lines, ...sc.servers.map((s) => `server ${s.name} 127.0.0.1:1 ${s.params ?? ''}`)]);
  const req = rec.request;
  const path = req.path ?? '/';
  const assigned = sc.lines.some((l) => l.startsWith('use-server') && l.includes(`path ${path} `));
  const ignorePersist = sc.lines.some((l) => l.startsWith('ignore-persist') && l.includes(`path ${path} `));
  const forcePersist = sc.lines.some((l) => l.startsWith('force-persist') && l.includes(`path ${path} `));
  const txn = new CookieTxn();
  txn.reset(true);
  const headers = ['host', '127.0.0.1'];
  for (const c of req.cookies ?? []) headers.push('cookie', c);
  processRequestCookies(cfg, headers, servers, { persist, forcePersist, ignorePersist, assigned, nowSec: now }, txn);
  const diffs: string[] = [];
  const got = headers.filter((_, i) => i % 2 === 1 && headers[i - 1] === 'cookie');
  if (JSON.stringify(got) !== JSON.stringify(rec.backendCookies)) diffs.push(`backend Cookie: portico ${JSON.stringify(got)} haproxy ${JSON.stringify(rec.backendCookies)}`);
  if (txn.server >= 0 && servers[txn.server]!.name !== rec.server) diffs.push(`server: portico ${servers[txn.server]!.name} haproxy ${rec.server}`);
  const srv = servers.find((s) => s.name === rec.server);
  const res = backendResponse(req);
  processResponseCookies(cfg, res, { server: srv, method: req.method ?? 'GET', status: req.respStatus ?? 200, ignorePersist, nowSec: now }, txn);
  const out: [string, string][] = [];
  for (let i = 0; i < res.length; i += 2) if (res[i] === 'set-cookie' || res[i] === 'cache-control') out.push([res[i]!, res[i + 1]!]);
  if (JSON.stringify(out) !== JSON.stringify(rec.respCookieHeaders)) diffs.push(`response: portico ${JSON.stringify(out)} haproxy ${JSON.stringify(rec.respCookieHeaders)}`);
  const chars = txn.status + txn.setStatus;
  if (chars !== rec.chars) diffs.push(`chars: portico ${chars} haproxy ${rec.chars}`);
  return diffs;
}
