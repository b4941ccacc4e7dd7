/**
 * `option socket-stats`: one row per listener (type 3, svname the bind's `name` or "sock-N")
 * in `show stat`, typed/JSON output, the CSV and HTML pages, with its own counters. The same
 * configuration and traffic through Debian's haproxy 2.6 must give the same listener rows:
 * names, ids, limits, addresses and counters (bytes exactly in TCP mode; in HTTP mode HAProxy
 * counts its internal message size, so only zero / non-zero is compared there).
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freePorts, hasHaproxy, httpRequest, rawExchange, startBackend, startHaproxy, startPortico, type Backend, type Proc,
} from '../harness.js';
import { exchange } from '../../unit/cli-api/helpers.js';

const HAVE = hasHaproxy();

interface Side {
  proc: Proc;
  api: number;
  /** first (named), sock-2 and sock-3 (one bind, two addresses), sock-42 (id 42, maxconn 3), the TCP listen, the stats page */
  ports: number[];
}

function config(api: number, p: number[], backend: number): string {
  return `
global
  stats socket ipv4@127.0.0.1:${api} level admin
  maxconn 200
defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
frontend fe
  option socket-stats
  bind 127.0.0.1:${p[0]} name first
  bind 127.0.0.1:${p[1]},127.0.0.1:${p[2]}
  bind 127.0.0.1:${p[3]} id 42 maxconn 3
  http-request deny if { path /deny }
  default_backend app
backend app
  server s1 127.0.0.1:${backend}
listen tcp
  mode tcp
  option socket-stats
  bind 127.0.0.1:${p[4]} name raw
  server s1 127.0.0.1:${backend}
listen st
  bind 127.0.0.1:${p[5]}
  option socket-stats
  stats enable
  stats uri /stats
  stats show-legends
`;
}

let backend: Backend;
let hx: Side | undefined;
let pc: Side | undefined;
/** portico's listener rows right after the traffic, its idle connection still open. */
let pcRows: Record<string, string>[] = [];

async function start(run: (cfg: string, ports: number[]) => Promise<Proc>): Promise<Side> {
  const [api, ...ports] = await freePorts(7);
  const proc = await run(config(api!, ports, backend.port), [api!, ...ports]);
  return { proc, api: api!, ports };
}

/** The same traffic on each side: known requests on each listener, then a connection left open on sock-2. */
async function traffic(s: Side): Promise<() => void> {
  const [first, sock2, sock3, sock42, raw] = s.ports as [number, number, number, number, number];
  for (let i = 0; i < 3; i++) expect((await httpRequest(first, '/')).status).toBe(200);
  expect((await httpRequest(first, '/deny')).status).toBe(403);
  expect((await httpRequest(sock2, '/')).status).toBe(200);
  expect(await rawExchange(sock3, 'NOT HTTP\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 /);
  expect((await httpRequest(sock42, '/x')).status).toBe(200);
  // TCP: an HTTP request through the L4 proxy; both sides see the same bytes.
  expect(await rawExchange(raw, 'GET /tcp HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n')).toMatch(/^HTTP\/1\.1 200 /);
  // One connection still open on sock-2 when the stats are read (scur 1).
  const open = connect({ host: '127.0.0.1', port: sock2 });
  await new Promise((r) => open.once('connect', r));
  return () => open.destroy();
}

beforeAll(async () => {
  backend = await startBackend('b1');
  pc = await start(startPortico);
  if (HAVE) hx = await start(startHaproxy);
}, 20_000);

afterAll(async () => {
  await pc?.proc.stop();
  await hx?.proc.stop();
  await backend?.close();
});

const FIELDS = ['pxname', 'svname', 'scur', 'slim', 'stot', 'bin', 'bout', 'dreq', 'dresp', 'ereq', 'status', 'pid', 'iid', 'sid', 'type', 'addr', 'mode', 'dcon', 'dses', 'wrew', 'eint'];

/** The listener rows (type 3) of `show stat`, field by field; ports become their index, HTTP bytes zero / non-zero. */
function listenerRows(csv: string, s: Side): Record<string, string>[] {
  const [head, ...rows] = csv.split('\n');
  const names = head!.slice(2).split(',');
  return rows.filter((r) => r.split(',')[32] === '3').map((r) => {
    const v = r.split(',');
    const out: Record<string, string> = {};
    for (const f of FIELDS) out[f] = v[names.indexOf(f)] ?? '?';
    const port = Number(out['addr']!.split(':')[1]);
    out['addr'] = `127.0.0.1:P${s.ports.indexOf(port)}`;
    if (out['mode'] === 'http') for (const f of ['bin', 'bout']) out[f] = out[f] === '0' ? '0' : '>0';
    // The idle connection may or may not have been accepted yet: HAProxy accepts in batches.
    return out;
  });
}

describe('option socket-stats', () => {
  it('shows one row per listener with its own counters', async () => {
    const s = pc!;
    // The harness's port probes are connections too: count from here.
    const before = listenerRows(await exchange(s.api, 'show stat\n'), s);
    const close = await traffic(s);
    try {
      await new Promise((r) => setTimeout(r, 100));
      const rows = listenerRows(await exchange(s.api, 'show stat\n'), s);
      pcRows = rows;
      expect(rows.map((r) => `${r['pxname']}/${r['svname']}/${r['sid']}`)).toEqual([
        'fe/first/1', 'fe/sock-2/2', 'fe/sock-3/3', 'fe/sock-42/42', 'tcp/raw/1', 'st/sock-1/1',
      ]);
      const delta = rows.map((r, i) => {
        const d: Record<string, string> = { ...r };
        for (const f of ['stot', 'dreq', 'ereq']) d[f] = String(Number(r[f]) - Number(before[i]![f]));
        return d;
      });
      const by = Object.fromEntries(delta.map((r) => [r['svname'] === 'sock-1' ? 'st' : r['svname'], r]));
      expect(by['first']).toMatchObject({ stot: '4', dreq: '1', ereq: '0', slim: '0', status: 'OPEN', type: '3', scur: '0', bin: '>0' });
      expect(by['sock-2']).toMatchObject({ stot: '2', scur: '1', dreq: '0' });
      expect(by['sock-3']).toMatchObject({ stot: '1', ereq: '1', scur: '0' });
      expect(by['sock-42']).toMatchObject({ stot: '1', slim: '3', addr: '127.0.0.1:P3', iid: '2' });
      expect(by['raw']).toMatchObject({ stot: '1', mode: 'tcp', iid: '4' });
      expect(Number(by['raw']!['bin'])).toBe(Buffer.byteLength('GET /tcp HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n'));
      // The typed output carries the same rows as objects of type L.
      const typed = await exchange(s.api, 'show stat typed\n');
      expect(typed).toContain('L.2.42.1.svname.1:KNS:str:sock-42\n');
      expect(typed).toContain('L.2.42.28.sid.1:KGS:u32:42\n');
      // The HTML and CSV pages too.
      const page = await httpRequest(s.ports[5]!, '/stats');
      expect(page.body).toContain('sock-42');
      const csv = await httpRequest(s.ports[5]!, '/stats;csv');
      expect(csv.body).toMatch(/\nfe,first,(?:[^,]*,){30}3,/);
    } finally {
      close();
    }
  });

  it.skipIf(!HAVE)('gives the rows and counters haproxy 2.6 gives', async () => {
    const close = await traffic(hx!);
    try {
      await new Promise((r) => setTimeout(r, 100));
      const h = listenerRows(await exchange(hx!.api, 'show stat\n'), hx!);
      // Both have seen the harness's port probes and the same traffic; the stats page's own
      // listener differs by the page requests of the first test.
      const page = (rows: Record<string, string>[]) => rows.filter((r) => r['pxname'] !== 'st');
      // HAProxy's H1 layer answers an unparsable request outside any stream and counts no bytes
      // for it; portico counts the 400 it sent (sock-3 only saw such a request).
      const known = (rows: Record<string, string>[]) => rows.map((r) => (r['svname'] === 'sock-3' ? { ...r, bout: '(not compared)' } : r));
      expect(known(page(pcRows))).toEqual(known(page(h)));
      const typedShape = (t: string) => t.split('\n').filter((l) => l.startsWith('L.')).map((l) => l.split(':').slice(0, 3).join(':').replace(/^L\.\d+\.\d+\./, 'L.'));
      expect(typedShape(await exchange(pc!.api, 'show stat typed\n'))).toEqual(typedShape(await exchange(hx!.api, 'show stat typed\n')));
    } finally {
      close();
    }
  });
});
