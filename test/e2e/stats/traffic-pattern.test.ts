/**
 * Every CSV field against a known traffic pattern. The same configuration and the same
 * sequence of requests run through portico and through Debian's haproxy 2.6 (at the same time):
 *
 *   - 6 GET / to a roundrobin backend of two servers, then a 404 from each server;
 *   - a request denied by `http-request deny`, one answered by monitor-uri;
 *   - one to a backend whose first server refuses connections (retries, redispatch);
 *   - a 1000-byte response, a request the H1 parser refuses, a response denied by
 *     `http-response deny`, a server closing before its response and one truncating it;
 *   - two concurrent requests to a server with maxconn 1 (one is queued);
 *   - a client leaving before its (slow) response;
 *   - a backend with a failing and a passing health check.
 *
 * The first test asserts the values that must follow from the pattern on portico; the second
 * compares each field with haproxy's: deterministic fields must be equal, time-based ones are
 * bounded, and the remaining known differences are listed with their reasons (a difference that
 * disappears must be removed from the list).
 */
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts, hasHaproxy, sleep, startBackend, startHaproxy, startPortico, type Backend, type Proc } from '../harness.js';
import { exchange } from '../../unit/cli-api/helpers.js';

const HAVE = hasHaproxy();

/**
 * A server for the special cases: /q/<ms> and /abort/<ms> answer after a delay, /trunc and /close
 * break, /teapot answers 418, /drip sends half of its body then waits, /upload answers once the
 * request body is in.
 */
async function specialServer(): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    const delay = /^\/(?:q|abort)\/(\d+)/.exec(url);
    if (delay) setTimeout(() => res.end('slow'), Number(delay[1]));
    else if (url === '/trunc') {
      res.writeHead(200, { 'content-length': '100' });
      res.write('0123456789');
      setTimeout(() => req.socket.destroy(), 50);
    } else if (url === '/close') req.socket.destroy();
    else if (url === '/drip') {
      // The head and a first part, the rest later: the client leaves in between.
      res.writeHead(200, { 'content-length': '20' });
      res.write('0123456789');
      setTimeout(() => res.end('0123456789'), 400);
    }
    else if (url === '/teapot') {
      res.statusCode = 418;
      res.end('tea');
    } else if (url === '/upload') req.on('end', () => res.end('got it'));
    else res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as { port: number }).port };
}

function config(p: { api: number; fe: number; b1: number; b2: number; sp: number; dead: number; dead2: number }): string {
  return `
global
  maxconn 100
  stats socket ipv4@127.0.0.1:${p.api} level admin
defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
  timeout queue 5s
  retries 2
  option redispatch
frontend fe
  bind 127.0.0.1:${p.fe} name web
  option socket-stats
  http-request deny if { path /deny }
  monitor-uri /mon
  use_backend retry if { path_beg /retry }
  use_backend q if { path_beg /q/ }
  use_backend special if { path_beg /trunc /close /teapot /abort /drip /upload }
  default_backend app
backend app
  balance roundrobin
  server s1 127.0.0.1:${p.b1}
  server s2 127.0.0.1:${p.b2}
backend retry
  balance first
  server dead 127.0.0.1:${p.dead}
  server live 127.0.0.1:${p.b1}
backend q
  server one 127.0.0.1:${p.sp} maxconn 1
backend special
  http-response deny if { status 418 }
  server sp 127.0.0.1:${p.sp}
backend chk
  option httpchk GET /
  server bad 127.0.0.1:${p.dead2} check inter 300 fall 1 rise 1
  server good 127.0.0.1:${p.b1} check inter 300
`;
}

interface Side {
  name: string;
  proc: Proc;
  api: number;
  fe: number;
  /** Bytes the clients sent and received over the whole pattern, and per step. */
  sent: number;
  received: number;
  steps: Record<string, { status: string; sent: number; received: number }>;
}

/** One request on a fresh connection; returns the status line and counts the bytes both ways. */
function exchangeRaw(side: Side, label: string, data: string, opts: { leaveAfterMs?: number; leaveOnData?: boolean } = {}): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port: side.fe });
    let got = Buffer.alloc(0);
    const done = () => {
      clearTimeout(timer);
      const status = got.toString('latin1').split('\r\n')[0] ?? '';
      side.sent += Buffer.byteLength(data);
      side.received += got.length;
      side.steps[label] = { status, sent: Buffer.byteLength(data), received: got.length };
      resolve(status);
    };
    const timer = setTimeout(() => s.destroy(), opts.leaveAfterMs ?? 4000);
    s.on('data', (d) => {
      got = Buffer.concat([got, d]);
      if (opts.leaveOnData) s.destroy();
    });
    s.on('error', () => {});
    s.on('close', done);
    s.write(data);
  });
}

const get = (side: Side, label: string, path: string, opts?: { leaveAfterMs?: number; leaveOnData?: boolean }) =>
  exchangeRaw(side, label, `GET ${path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`, opts);

/** The pattern; every step waits for the previous one. */
async function pattern(side: Side): Promise<void> {
  for (let i = 1; i <= 6; i++) await get(side, `root${i}`, '/');
  await get(side, '404-a', '/status/404');
  await get(side, '404-b', '/status/404');
  await get(side, 'deny', '/deny');
  await get(side, 'mon', '/mon');
  await get(side, 'retry', '/retry');
  await get(side, 'size', '/size/1000');
  await exchangeRaw(side, 'garbage', 'GARBAGE\r\n\r\n');
  await get(side, 'teapot', '/teapot');
  await get(side, 'close', '/close');
  await get(side, 'trunc', '/trunc');
  // Two at once on a server with maxconn 1: the second waits in the queue.
  const first = get(side, 'q-first', '/q/300');
  await sleep(50);
  await Promise.all([first, get(side, 'q-second', '/q/10')]);
  // The client leaves before its response; the proxy still waits for the server, then aborts.
  await get(side, 'abort', '/abort/300', { leaveAfterMs: 100 });
  await sleep(400); // one stream at a time (smax): the abandoned one ends with the server's answer
  // The client leaves in the middle of a response body, then in the middle of a request body.
  await get(side, 'drip', '/drip', { leaveOnData: true });
  await sleep(500);
  await exchangeRaw(side, 'upload', 'POST /upload HTTP/1.1\r\nhost: x\r\ncontent-length: 1000\r\n\r\n0123456789', { leaveAfterMs: 150 });
  await sleep(600);
}

let b1: Backend, b2: Backend;
let sp: { server: Server; port: number };
const sides: Side[] = [];
/** `show stat` of each side after the pattern, as rows of field -> value. */
const stats = new Map<string, Map<string, Record<string, string>>>();

async function start(name: string, run: (cfg: string, ports: number[]) => Promise<Proc>): Promise<Side> {
  const [api, fe, dead, dead2] = await freePorts(4);
  const cfg = config({ api: api!, fe: fe!, b1: b1.port, b2: b2.port, sp: sp.port, dead: dead!, dead2: dead2! });
  const proc = await run(cfg, [api!, fe!]);
  return { name, proc, api: api!, fe: fe!, sent: 0, received: 0, steps: {} };
}

function parseCsv(csv: string): Map<string, Record<string, string>> {
  const [head, ...rows] = csv.split('\n');
  const names = head!.slice(2).split(',');
  const out = new Map<string, Record<string, string>>();
  for (const row of rows.filter((r) => r.includes(','))) {
    const v = row.split(',');
    const rec: Record<string, string> = {};
    names.forEach((n, i) => n && (rec[n] = v[i] ?? ''));
    out.set(`${v[0]}/${v[1]}`, rec);
  }
  return out;
}

/** Waits (bounded) until nothing is in flight and both health checks have a result. */
async function settle(side: Side): Promise<Map<string, Record<string, string>>> {
  let rows = new Map<string, Record<string, string>>();
  for (let i = 0; i < 60; i++) {
    rows = parseCsv(await exchange(side.api, 'show stat\n'));
    const idle = ['fe/FRONTEND', 'app/BACKEND', 'q/BACKEND', 'special/BACKEND', 'retry/BACKEND'].every((k) => rows.get(k)?.['scur'] === '0');
    const checked = rows.get('chk/bad')?.['check_status'] === 'L4CON' && rows.get('chk/good')?.['check_status'] === 'L7OK';
    if (idle && checked) return rows;
    await sleep(100);
  }
  throw new Error(`${side.name}: traffic did not settle`);
}

beforeAll(async () => {
  [b1, b2] = await Promise.all([startBackend('b1'), startBackend('b2')]);
  sp = await specialServer();
  sides.push(await start('portico', startPortico));
  if (HAVE) sides.push(await start('haproxy', startHaproxy));
  // The harness probed each port once (an empty connection): both sides saw it.
  await Promise.all(sides.map(pattern));
  for (const s of sides) stats.set(s.name, await settle(s));
}, 40_000);

afterAll(async () => {
  for (const s of sides) await s.proc.stop();
  await Promise.all([b1?.close(), b2?.close(), new Promise((r) => sp?.server.close(r))]);
});

const num = (rows: Map<string, Record<string, string>>, key: string, field: string) => Number(rows.get(key)?.[field]);

describe('CSV fields after a known traffic pattern', () => {
  it('the clients got what the pattern asks for', () => {
    const steps = sides[0]!.steps;
    const status = (k: string) => steps[k]!.status.split(' ')[1];
    expect(Object.fromEntries(Object.keys(steps).map((k) => [k, status(k)]))).toEqual({
      root1: '200', root2: '200', root3: '200', root4: '200', root5: '200', root6: '200', '404-a': '404', '404-b': '404',
      deny: '403', mon: '200', retry: '200', size: '200', garbage: '400', teapot: '502', close: '502', trunc: '200',
      'q-first': '200', 'q-second': '200', abort: undefined, drip: '200', upload: undefined,
    });
  });

  it('portico counts what follows from the pattern', () => {
    const r = stats.get('portico')!;
    const side = sides[0]!;
    const f = (k: string, field: string) => num(r, k, field);
    const s = (k: string, field: string) => r.get(k)?.[field];
    // Frontend: 21 connections of the pattern plus the harness's port probe.
    expect(f('fe/FRONTEND', 'conn_tot')).toBe(22);
    expect(f('fe/FRONTEND', 'stot')).toBe(22);
    expect(f('fe/FRONTEND', 'req_tot')).toBe(22);
    expect(f('fe/FRONTEND', 'dreq')).toBe(1);
    expect(f('fe/FRONTEND', 'dresp')).toBe(1);
    expect(f('fe/FRONTEND', 'ereq')).toBe(2); // the probe and GARBAGE
    expect(f('fe/FRONTEND', 'intercepted')).toBe(1); // monitor-uri
    expect(s('fe/FRONTEND', 'slim')).toBe('100');
    expect(s('fe/FRONTEND', 'type')).toBe('0');
    expect(s('fe/FRONTEND', 'status')).toBe('OPEN');
    // 2xx: 6 roots, mon, retry, size, trunc, 2 queued, drip and the abort (the server's 200 came,
    // the client was gone); 4xx: probe, 2x404, deny, garbage; 5xx: teapot (denied), close.
    // The upload abandoned by its client has no status: "other".
    expect(['hrsp_1xx', 'hrsp_2xx', 'hrsp_3xx', 'hrsp_4xx', 'hrsp_5xx', 'hrsp_other'].map((h) => f('fe/FRONTEND', h))).toEqual([0, 14, 0, 5, 2, 1]);
    // Bytes in and out are HAProxy's: messages in their internal form (src/http/htx-size.ts),
    // exact against haproxy in the test below; here, what follows from the pattern. A message
    // counts its start line and fields without separators, plus 21: within a factor of two of
    // its wire size either way for these messages.
    const unparsed = side.steps['garbage']!;
    expect(f('fe/FRONTEND', 'bin')).toBeGreaterThan((side.sent - unparsed.sent) / 2);
    expect(f('fe/FRONTEND', 'bin')).toBeLessThan((side.sent - unparsed.sent) * 2);
    expect(f('fe/FRONTEND', 'bout')).toBeGreaterThan(side.received / 2);
    expect(f('fe/FRONTEND', 'bout')).toBeLessThan(side.received * 2);
    expect(f('fe/web', 'bin')).toBe(f('fe/FRONTEND', 'bin'));
    expect(f('fe/web', 'bout')).toBe(f('fe/FRONTEND', 'bout'));
    expect([s('fe/web', 'type'), s('fe/web', 'sid'), s('fe/web', 'stot'), s('fe/web', 'dreq'), s('fe/web', 'ereq')]).toEqual(['3', '1', '22', '1', '2']);
    expect(f('fe/FRONTEND', 'h1_total_connections')).toBe(22);
    expect(f('fe/FRONTEND', 'h1_total_streams')).toBe(21); // the probe sent nothing: no stream
    expect(f('fe/FRONTEND', 'h1_bytes_in')).toBe(side.sent);
    // The h1 figures are the wire's: what the clients received, plus the response the aborting
    // client left behind.
    const late = f('fe/FRONTEND', 'h1_bytes_out') - side.received;
    expect(late).toBeGreaterThan(0);
    expect(late).toBeLessThan(500);
    // app: roundrobin s1, s2, ... over 6 roots, 2 404s and the 1000-byte response (s1).
    expect([f('app/s1', 'stot'), f('app/s2', 'stot'), f('app/BACKEND', 'stot')]).toEqual([5, 4, 9]);
    expect([f('app/s1', 'lbtot'), f('app/s2', 'lbtot'), f('app/BACKEND', 'lbtot')]).toEqual([5, 4, 9]);
    expect([f('app/s1', 'hrsp_4xx'), f('app/s2', 'hrsp_4xx'), f('app/BACKEND', 'hrsp_4xx')]).toEqual([1, 1, 2]);
    expect([f('app/s1', 'hrsp_2xx'), f('app/s2', 'hrsp_2xx'), f('app/BACKEND', 'req_tot')]).toEqual([4, 3, 9]);
    // s1 served the 1000-byte body, and a head for each of its five responses.
    const s1Wire = side.steps['size']!.received + [1, 3, 5].reduce((n, i) => n + side.steps[`root${i}`]!.received, 0) + side.steps['404-a']!.received;
    expect(f('app/s1', 'bout')).toBeGreaterThan(1000 + 5 * 21);
    expect(f('app/s1', 'bout')).toBeLessThan(s1Wire * 2);
    expect(f('app/s1', 'bout') + f('app/s2', 'bout')).toBe(f('app/BACKEND', 'bout'));
    expect([s('app/s1', 'status'), s('app/s1', 'weight'), s('app/s1', 'act'), s('app/s1', 'bck'), s('app/s1', 'type'), s('app/s1', 'sid')]).toEqual(['no check', '1', '1', '0', '2', '1']);
    expect([s('app/BACKEND', 'status'), s('app/BACKEND', 'weight'), s('app/BACKEND', 'act'), s('app/BACKEND', 'bck'), s('app/BACKEND', 'type'), s('app/BACKEND', 'algo')]).toEqual(['UP', '2', '2', '0', '1', 'roundrobin']);
    expect([s('app/s1', 'qlimit'), s('app/s1', 'check_status'), s('app/s1', 'chkfail'), s('app/BACKEND', 'chkdown')]).toEqual(['', '', '', '0']);
    // retry: the dead server refused; with another active server and a non-hashing algorithm the
    // request went to the live one at once: a redispatch, neither a retry nor a connection error.
    expect(['econ', 'wretr', 'connect', 'stot', 'lbtot'].map((x) => f('retry/dead', x))).toEqual([0, 0, 1, 1, 1]);
    expect(['econ', 'wretr', 'connect', 'stot', 'lbtot', 'h1_total_connections'].map((x) => f('retry/BACKEND', x))).toEqual([0, 0, 2, 1, 2, 2]);
    expect(f('retry/dead', 'wredis')).toBe(1);
    expect(f('retry/BACKEND', 'wredis')).toBe(1);
    expect([f('retry/live', 'stot'), f('retry/live', 'hrsp_2xx'), f('retry/BACKEND', 'hrsp_2xx')]).toEqual([1, 1, 1]);
    // special: a denied response (dresp on fe, be, server), a close before the head (eresp), a truncated body (srv_abrt, eresp).
    expect([f('special/sp', 'dresp'), f('special/BACKEND', 'dresp')]).toEqual([1, 1]);
    expect([f('special/sp', 'eresp'), f('special/BACKEND', 'eresp')]).toEqual([2, 2]);
    expect([f('special/sp', 'srv_abrt'), f('special/BACKEND', 'srv_abrt')]).toEqual([1, 1]);
    // Leaving while it waits for the head, or in the middle of the response body, is not counted
    // as an abort by HAProxy 2.6 (it waits for the server, then drops the response); leaving in
    // the middle of the request body is.
    expect([f('special/sp', 'cli_abrt'), f('special/BACKEND', 'cli_abrt')]).toEqual([1, 1]);
    // The teapot and the 200 of the truncated response are server responses; the 502s of the
    // denied and closed ones are the proxy's, counted for the backend only.
    // Server responses: the teapot (denied afterwards), the 200s of the truncated, dripping and
    // abandoned responses; the upload never got one.
    expect([f('special/sp', 'hrsp_4xx'), f('special/sp', 'hrsp_2xx'), f('special/sp', 'hrsp_5xx')]).toEqual([1, 3, 0]);
    expect(['hrsp_2xx', 'hrsp_5xx', 'hrsp_other', 'req_tot'].map((h) => f('special/BACKEND', h))).toEqual([3, 2, 1, 6]);
    expect([f('special/sp', 'req_tot'), f('special/BACKEND', 'stot'), f('special/BACKEND', 'smax')]).toEqual([4, 6, 1]);
    // q: maxconn 1, one of the two requests waited in the queue.
    // The second request waited in the backend's queue (no server had a free slot), then was given
    // the server without a load-balancing decision; the backend held both streams.
    expect([s('q/BACKEND', 'qmax'), s('q/one', 'qmax'), s('q/one', 'slim'), s('q/one', 'smax'), s('q/one', 'stot')]).toEqual(['1', '0', '1', '1', '2']);
    expect([s('q/one', 'lbtot'), s('q/BACKEND', 'lbtot'), s('q/BACKEND', 'smax'), s('q/BACKEND', 'stot')]).toEqual(['1', '1', '2', '2']);
    expect(f('q/one', 'qtime_max')).toBeGreaterThanOrEqual(150);
    expect(f('q/one', 'rtime_max')).toBeGreaterThanOrEqual(250);
    // chk: a failing check took "bad" down from its initial UP state; "good" passed with a 200.
    expect([s('chk/bad', 'status'), s('chk/bad', 'check_status'), s('chk/bad', 'check_code'), s('chk/bad', 'chkfail'), s('chk/bad', 'chkdown'), s('chk/bad', 'last_chk')]).toEqual(['DOWN', 'L4CON', '', '1', '1', 'Connection refused']);
    expect([s('chk/good', 'status'), s('chk/good', 'check_status'), s('chk/good', 'check_code'), s('chk/good', 'chkfail'), s('chk/good', 'check_desc')]).toEqual(['UP', 'L7OK', '200', '0', 'Layer7 check passed']);
    expect([s('chk/BACKEND', 'act'), s('chk/BACKEND', 'weight')]).toEqual(['1', '1']);
    expect(f('chk/bad', 'downtime')).toBeLessThanOrEqual(f('chk/bad', 'lastchg'));
    // Ids: the CLI's GLOBAL frontend is proxy 1.
    expect(['fe/FRONTEND', 'app/BACKEND', 'retry/BACKEND', 'q/BACKEND', 'special/BACKEND', 'chk/BACKEND'].map((k) => s(k, 'iid'))).toEqual(['2', '3', '4', '5', '6', '7']);
    expect(r.get('app/s2')!['pid']).toBe('1');
  });

  it.skipIf(!HAVE)('gives the same values as haproxy 2.6', () => {
    const h = stats.get('haproxy')!;
    const p = stats.get('portico')!;
    expect([...p.keys()]).toEqual([...h.keys()]);
    const diffs: string[] = [];
    const known = new Set<string>();
    for (const [key, hrow] of h) {
      const prow = p.get(key)!;
      for (const [field, hv] of Object.entries(hrow)) {
        const pv = prow[field] ?? '';
        const where = `${key}.${field}`;
        const reason = knownDifference(key, field);
        if (reason === 'skip') continue;
        const loose = LOOSE[where];
        if (loose !== undefined) {
          if (!(Math.abs(Number(hv) - Number(pv)) <= loose)) diffs.push(`${where}: haproxy ${hv} portico ${pv} (more than ${loose} apart)`);
          continue;
        }
        if (TIME_FIELDS[field] !== undefined) {
          if (hv === '' || pv === '') {
            if (hv !== pv) diffs.push(`${where}: haproxy '${hv}' portico '${pv}'`);
          } else if (Math.abs(Number(hv) - Number(pv)) > TIME_FIELDS[field]!) diffs.push(`${where}: haproxy ${hv} portico ${pv} (more than ${TIME_FIELDS[field]} apart)`);
          continue;
        }
        const same = field === 'addr' ? (hv === '') === (pv === '') : hv === pv;
        if (reason) {
          if (!same) known.add(`${key}.${field}`);
          continue;
        }
        if (!same) diffs.push(`${where}: haproxy '${hv}' portico '${pv}'`);
      }
    }
    expect(diffs).toEqual([]);
    // The wire figures of each side match what its own clients exchanged.
    for (const side of sides) {
      const rows = stats.get(side.name)!;
      expect(num(rows, 'fe/FRONTEND', 'h1_bytes_in'), side.name).toBe(side.sent);
      const late = num(rows, 'fe/FRONTEND', 'h1_bytes_out') - side.received;
      expect(late, side.name).toBeGreaterThan(0);
      expect(late, side.name).toBeLessThan(500);
    }
    // Deterministic known differences must still be there: remove an entry once it is fixed.
    expect([...STILL_DIFFERENT].filter((k) => !known.has(k))).toEqual([]);
  });
});

/** Fields that measure time or rates: compared within a tolerance (ms, seconds or events per second). */
const TIME_FIELDS: Record<string, number> = {
  rate: 20, rate_max: 20, req_rate: 20, req_rate_max: 20, conn_rate: 20, conn_rate_max: 20,
  // Seconds: the two sides run their patterns one after the other, so a loaded machine stretches these apart.
  lastchg: 6, downtime: 6, lastsess: 6,
  qtime: 60, ctime: 30, rtime: 60, ttime: 120, qtime_max: 100, ctime_max: 50, rtime_max: 100, ttime_max: 200,
  check_duration: 50,
};

/**
 * The frontend's concurrency peak: on a loaded host a client's connection can outlive its
 * exchange by a moment and overlap the next one, on either side (seen: haproxy 3, portico 2).
 */
const LOOSE: Record<string, number> = { 'fe/FRONTEND.smax': 1, 'fe/web.smax': 1 };

/**
 * Differences with a reason. 'skip': not comparable at all; a text: a known difference (those in
 * STILL_DIFFERENT are deterministic and checked to still be there).
 */
function knownDifference(key: string, field: string): string | undefined {
  const [px, sv] = key.split('/') as [string, string];
  if (['srv_icur', 'idle_conn_cur', 'safe_conn_cur', 'used_conn_cur', 'need_conn_est'].includes(field)) return 'skip'; // connection pools
  if (field === 'h1_open_connections' && sv === 'BACKEND') return 'skip'; // idle server connections kept
  if (px === 'chk' && field.startsWith('h1_')) return 'HAProxy counts health-check connections in the backend h1 figures';
  if (key === 'fe/FRONTEND' && field === 'h1_bytes_out') return 'skip'; // each proxy's own replies (checked against its clients below)
  return undefined;
}

const STILL_DIFFERENT = new Set(['chk/BACKEND.h1_total_connections']);
