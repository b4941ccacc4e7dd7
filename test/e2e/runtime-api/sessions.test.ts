/**
 * `show sess`, `show sess <id>`, `show sess all`, `shutdown session <id>`, `shutdown sessions
 * server` and `shutdown frontend` on the real portico process and on Debian's haproxy 2.6 with
 * the same configuration and the same request in flight: the same layout (field names line by
 * line), the same error texts, and the same effect on the client connection.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts, hasHaproxy, sleep, startBackend, startHaproxy, startPortico, type Backend, type Proc } from '../harness.js';
import { exchange } from '../../unit/cli-api/helpers.js';

const HAVE = hasHaproxy();

interface Side {
  name: string;
  proc: Proc;
  api: number;
  fe: number;
}

let backend: Backend;
const sides: Side[] = [];

function config(api: number, fe: number, other: number): string {
  return `
global
  stats socket ipv4@127.0.0.1:${api} level admin
defaults
  mode http
  timeout connect 1s
  timeout client 10s
  timeout server 10s
frontend fe
  bind 127.0.0.1:${fe}
  default_backend app
backend app
  server s1 127.0.0.1:${backend.port}
frontend other
  bind 127.0.0.1:${other}
  default_backend app
`;
}

beforeAll(async () => {
  backend = await startBackend('slow');
  const start = async (name: string, run: (cfg: string, ports: number[]) => Promise<Proc>) => {
    const [api, fe, other] = await freePorts(3);
    sides.push({ name, proc: await run(config(api!, fe!, other!), [api!, fe!, other!]), api: api!, fe: fe! });
  };
  await start('portico', startPortico);
  if (HAVE) await start('haproxy', startHaproxy);
}, 30_000);

afterAll(async () => {
  for (const s of sides) await s.proc.stop();
  await backend?.close();
});

const cli = (s: Side, cmd: string) => exchange(s.api, cmd + '\n');

/** A request held by the slow server; resolves once the proxy lists its stream. */
interface InFlight {
  sock: Socket;
  id: string;
  /** What the client received so far, and whether its connection closed. */
  got(): { data: string; closed: boolean };
}

async function inFlight(s: Side): Promise<InFlight> {
  const sock = connect({ host: '127.0.0.1', port: s.fe });
  let data = '';
  let closed = false;
  sock.on('data', (d) => (data += d.toString()));
  sock.on('error', () => {});
  sock.on('close', () => (closed = true));
  await new Promise((r) => sock.once('connect', r));
  sock.write('GET /slow/4000 HTTP/1.1\r\nhost: x\r\n\r\n');
  const src = ` src=127.0.0.1:${sock.localPort} `;
  for (let i = 0; i < 100; i++) {
    const line = (await cli(s, 'show sess')).split('\n').find((l) => l.includes(src) && l.includes(' srv=s1 '));
    if (line) return { sock, id: line.split(':')[0]!, got: () => ({ data, closed }) };
    await sleep(50);
  }
  sock.destroy();
  throw new Error(`${s.name}: the request never showed in show sess`);
}

/** The first line the client got (bounded wait), and whether its connection is still open after it. */
async function outcome(r: InFlight): Promise<string> {
  for (let i = 0; i < 60 && !r.got().data && !r.got().closed; i++) await sleep(50);
  await sleep(200);
  const g = r.got();
  return `${g.data.split('\r\n')[0] || '(nothing)'} / ${g.closed ? 'closed' : 'open'}`;
}

/** A dump's layout: per line, its indentation and the names of its fields. */
function layout(text: string): string[] {
  return text.split('\n').filter(Boolean).map((l) => {
    const indent = /^ */.exec(l)![0].length;
    const keys = [...l.matchAll(/([a-z_][a-z0-9_.]*)=/g)].map((m) => m[1]);
    return `${indent}:${keys.join(',')}`;
  });
}

/** The layouts of every stream of a `show sess all`, in a fixed order. */
function streams(text: string): string[] {
  return text.split(/\n(?=0x)/).map((t) => layout(t).join('|')).sort();
}

describe('show sess and shutdown session', () => {
  it('lists the stream in flight, dumps it and kills it (portico)', async () => {
    const s = sides[0]!;
    const req = await inFlight(s);
    const list = await cli(s, 'show sess');
    expect(list).toMatch(new RegExp(`^${req.id}: proto=tcpv4 src=127\\.0\\.0\\.1:\\d+ fe=fe be=app srv=s1 `, 'm'));
    expect(list).toMatch(/ fe=GLOBAL be=<NONE> srv=<none> /);
    const one = await cli(s, `show sess ${req.id}`);
    expect(one).toMatch(new RegExp(`^${req.id}: \\[\\d\\d/\\w{3}/\\d{4}:[\\d:.]+\\] id=\\d+ proto=tcpv4 source=127\\.0\\.0\\.1:\\d+\\n`));
    expect(one).toMatch(/\n {2}frontend=fe \(id=2 mode=http\), listener=\? \(id=1\) addr=127\.0\.0\.1:\d+\n {2}backend=app \(id=3 mode=http\) addr=127\.0\.0\.1:\d+\n {2}server=s1 \(id=1\) addr=127\.0\.0\.1:\d+\n/);
    expect(one).toContain(' meth=1 status=-1 req.st=MSG_DONE rsp.st=MSG_RPBEFORE ');
    // As HAProxy: a stream waiting for its response ends with a 502; the client connection stays.
    expect(await cli(s, `shutdown session ${req.id}`)).toBe('\n');
    expect(await outcome(req)).toBe('HTTP/1.1 502 Bad Gateway / open');
    req.sock.destroy();
    expect(await cli(s, `show sess ${req.id}`)).toBe('Session not found.\n\n');
  });

  it.skipIf(!HAVE)('has the layout of haproxy 2.6', async () => {
    const reqs = await Promise.all(sides.map(inFlight));
    try {
      const [pc, hx] = sides as [Side, Side];
      const [p, h] = [reqs[0]!, reqs[1]!];
      const lineOf = (t: string, id: string) => t.split('\n').find((l) => l.startsWith(id))!;
      expect(layout(lineOf(await cli(pc, 'show sess'), p.id))).toEqual(layout(lineOf(await cli(hx, 'show sess'), h.id)));
      expect(layout(await cli(pc, `show sess ${p.id}`))).toEqual(layout(await cli(hx, `show sess ${h.id}`)));
      // `show sess all`: the stream in flight and the CLI's own stream (haproxy's threads decide the order).
      expect(streams(await cli(pc, 'show sess all'))).toEqual(streams(await cli(hx, 'show sess all')));
    } finally {
      for (const r of reqs) r.sock.destroy();
    }
  });

  it.skipIf(!HAVE)('answers the same texts and treats the client the same way', async () => {
    const texts = [
      'show sess 0x1234', 'show sess 12', 'shutdown session', 'shutdown session 0x1234', 'shutdown session foo',
      'shutdown sessions server', 'shutdown sessions server app', 'shutdown sessions server app/zz',
      'shutdown sessions server nob/s1', 'operator;shutdown session 0x1', 'user;show sess', 'help shutdown',
      'shutdown frontend', 'shutdown frontend nope', 'shutdown frontend app',
    ];
    const diffs: string[] = [];
    for (const t of texts) {
      const [p, h] = [await cli(sides[0]!, t), await cli(sides[1]!, t)];
      if (p !== h) diffs.push(`${t}\n  haproxy: ${JSON.stringify(h)}\n  portico: ${JSON.stringify(p)}`);
    }
    expect(diffs).toEqual([]);
    // shutdown session / shutdown sessions server: an empty answer, a 502 for the client, whose connection stays.
    for (const cmd of ['shutdown session ID', 'shutdown sessions server app/s1']) {
      const reqs = await Promise.all(sides.map(inFlight));
      try {
        const answers = await Promise.all(sides.map((s, i) => cli(s, cmd.replace('ID', reqs[i]!.id))));
        expect(answers).toEqual(['\n', '\n']);
        const got = await Promise.all(reqs.map(outcome));
        expect(got[0]).toBe(got[1]);
        expect(got[0]).toBe('HTTP/1.1 502 Bad Gateway / open');
      } finally {
        for (const r of reqs) r.sock.destroy();
      }
    }
    // shutdown frontend: the port closes and the frontend shows STOP, on both.
    const stop = await Promise.all(sides.map((s) => cli(s, 'shutdown frontend other;shutdown frontend other;enable frontend other')));
    expect(stop[0]).toBe(stop[1]);
    const status = await Promise.all(sides.map(async (s) => (await cli(s, 'show stat')).split('\n').find((l) => l.startsWith('other,FRONTEND'))!.split(',')[17]));
    expect(status).toEqual(['STOP', 'STOP']);
  });
});
