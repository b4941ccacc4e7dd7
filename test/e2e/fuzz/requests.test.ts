/**
 * Fuzz: a seeded generator throws random and mutated request streams at a running portico in
 * front of a counting backend. Checks: the process never dies and still serves afterwards; every
 * message portico forwards is well-formed; the backend never sees a request that the client's
 * bytes did not frame (reference.ts) — no request smuggling, no request out of a body.
 *
 * FUZZ_SEED and FUZZ_CASES override the defaults (the seed is printed on failure).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { freePorts, httpRequest, startPortico, type Proc } from '../harness.js';
import { generateCase, type FuzzCase } from './generate.js';
import { referenceTargets } from './reference.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261121);
const CASES = Number(process.env.FUZZ_CASES ?? 3000);
const PARALLEL = 16;
/** Longest wait for portico to close one case's connection. */
const CASE_MS = 700;
/** The whole run stops here even if cases remain (the test then fails on the count). */
const BUDGET_MS = 60_000;

interface Counting {
  server: Server;
  port: number;
  /** Request targets received, in arrival order. */
  seen: string[];
  /** Messages from portico the backend could not parse (should never happen). */
  malformed: string[];
  /** Chunked bodies forwarded with the client's non-canonical framing (bare LF, blanks). */
  notReframed: string[];
}

/** A strict HTTP/1 backend: counts request heads, reads bodies by CL or chunked, answers 200. */
function startCounting(): Promise<Counting> {
  const c: Counting = { server: undefined as unknown as Server, port: 0, seen: [], malformed: [], notReframed: [] };
  const sockets = new Set<Socket>();
  c.server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    let buf = '';
    let failed = false;
    const fail = (why: string) => {
      failed = true;
      c.malformed.push(`${why}: ${JSON.stringify(buf.slice(0, 200))}`);
      s.destroy();
    };
    const pump = () => {
      while (!failed) {
        const eoh = buf.indexOf('\r\n\r\n');
        if (eoh < 0) {
          if (buf.length > 70_000) fail('head too long');
          return;
        }
        const lines = buf.slice(0, eoh).split('\r\n');
        const m = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) (\S+) HTTP\/1\.[01]$/.exec(lines[0]!);
        if (!m) return fail('bad request line');
        const headers = lines.slice(1).map((l) => {
          const i = l.indexOf(':');
          return [i > 0 ? l.slice(0, i).toLowerCase() : '', l.slice(i + 1).trim()] as const;
        });
        if (headers.some(([k, v]) => k === '' || /[\r\n]/.test(v) || /\s/.test(k))) return fail('bad header line');
        const te = headers.filter(([k]) => k === 'transfer-encoding');
        const cl = headers.filter(([k]) => k === 'content-length');
        if (te.length > 0 && cl.length > 0) return fail('both CL and TE forwarded');
        if (cl.length > 1) return fail('several CL forwarded');
        // Counted at its head, once: the body may never come (the client went away).
        if (!counted) {
          c.seen.push(m[2]!);
          counted = true;
        }
        let pos = eoh + 4;
        if (te.length > 0) {
          if (te.length > 1 || !/(^|,)\s*chunked$/i.test(te[0]![1])) return fail('TE not ending with chunked');
          // Read as HAProxy would (bare LF, blanks after the size), but note any framing that
          // is not canonical: a proxy should re-frame what it accepted leniently.
          const lineAt = (from: number) => {
            const lf = buf.indexOf('\n', from);
            if (lf < 0) return undefined;
            const crlf = lf > from && buf[lf - 1] === '\r';
            return { text: buf.slice(from, crlf ? lf - 1 : lf), next: lf + 1, crlf };
          };
          let odd = '';
          for (;;) {
            const l = lineAt(pos);
            if (!l) return;
            const sizeText = l.text.split(';')[0]!;
            if (!/^[0-9a-fA-F]+[ \t]*$/.test(sizeText)) return fail('bad chunk size');
            // HAProxy's form: CRLF, upper-case hex without leading zeros, no extension.
            if (!l.crlf || !/^(0|[1-9A-F][0-9A-F]*)$/.test(l.text)) odd ||= `chunk size line ${JSON.stringify(l.text)}`;
            const size = parseInt(sizeText, 16);
            pos = l.next;
            if (size === 0) {
              for (;;) {
                const t = lineAt(pos);
                if (!t) return;
                if (!t.crlf) odd ||= 'trailer line ending';
                pos = t.next;
                if (t.text === '') break;
              }
              break;
            }
            if (buf.length < pos + size + 1) return;
            pos += size;
            if (buf.startsWith('\r\n', pos)) pos += 2;
            else if (buf[pos] === '\n') {
              odd ||= 'bare LF after chunk data';
              pos += 1;
            } else if (buf[pos] === '\r' && buf.length === pos + 1) return;
            else return fail('chunk data not followed by a line end');
          }
          if (odd) c.notReframed.push(`${m[2]}: ${odd}`);
        } else if (cl.length === 1) {
          if (!/^\d+$/.test(cl[0]![1])) return fail('bad CL forwarded');
          const n = Number(cl[0]![1]);
          if (buf.length < pos + n) return;
          pos += n;
        }
        counted = false;
        buf = buf.slice(pos);
        const close = headers.some(([k, v]) => k === 'connection' && /close/i.test(v));
        s.write(m[1] === 'HEAD' ? 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n' : 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
        if (close) return void s.end();
      }
    };
    let counted = false;
    s.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      pump();
    });
  });
  return new Promise((resolve) => {
    c.server.listen(0, '127.0.0.1', () => {
      c.port = (c.server.address() as { port: number }).port;
      const close = c.server.close.bind(c.server);
      c.server.close = ((cb?: (err?: Error) => void) => {
        for (const s of sockets) s.destroy();
        return close(cb);
      }) as typeof c.server.close;
      resolve(c);
    });
  });
}

function runCase(port: number, fc: FuzzCase): Promise<{ closed: boolean; answered: boolean }> {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    let answered = false;
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.destroy();
      resolve({ closed, answered });
    };
    const timer = setTimeout(() => finish(false), CASE_MS);
    s.on('data', () => (answered = true));
    s.on('error', () => finish(true));
    s.on('close', () => finish(true));
    s.once('connect', async () => {
      let off = 0;
      for (const w of fc.writes) {
        if (done) return;
        s.write(Buffer.from(fc.bytes.slice(off, off + w), 'latin1'));
        off += w;
        await new Promise((r) => setImmediate(r));
      }
      if (fc.end && !done) s.end();
    });
  });
}

/** Counts what the checks find for `cases` run through `port` in front of `backend`. */
async function fuzzThrough(port: number, backend: Counting, cases: number, seed: number, budgetMs: number, alive: () => boolean) {
  const expected = new Map<string, number>();
  const started = Date.now();
  let next = 0;
  let ran = 0;
  let answered = 0;
  let closedByProxy = 0;
  const worker = async () => {
    while (next < cases && Date.now() - started < budgetMs && alive()) {
      const fc = generateCase(seed, next++);
      for (const t of referenceTargets(fc.bytes)) expected.set(t, (expected.get(t) ?? 0) + 1);
      const r = await runCase(port, fc);
      ran++;
      if (r.answered) answered++;
      if (r.closed) closedByProxy++;
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  // Let the last forwarded requests reach the backend.
  await new Promise((r) => setTimeout(r, 300));
  const unexpected: string[] = [];
  const left = new Map(expected);
  for (const t of backend.seen) {
    const n = left.get(t) ?? 0;
    if (n === 0) unexpected.push(t);
    else left.set(t, n - 1);
  }
  const totalExpected = [...expected.values()].reduce((a, b) => a + b, 0);
  return { ran, answered, closedByProxy, unexpected, totalExpected, elapsed: Date.now() - started };
}

describe('fuzz checks can fail', () => {
  it('a byte-for-byte TCP relay in front of the same backend is caught smuggling', { timeout: 30_000 }, async () => {
    const backend = await startCounting();
    const relay = createServer((c) => {
      const s = connect({ port: backend.port, host: '127.0.0.1' });
      c.pipe(s).pipe(c);
      c.on('error', () => s.destroy());
      c.on('close', () => s.destroy());
      s.on('error', () => c.destroy());
    });
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
    try {
      const r = await fuzzThrough((relay.address() as { port: number }).port, backend, 160, SEED, 15_000, () => true);
      expect(r.unexpected.length + backend.malformed.length).toBeGreaterThan(0);
    } finally {
      await new Promise((r) => relay.close(r));
      await new Promise((r) => backend.server.close(r));
    }
  });
});

describe('fuzz: random and mutated requests against portico', () => {
  let backend: Counting;
  let portico: Proc;
  let port: number;

  beforeAll(async () => {
    backend = await startCounting();
    [port] = await freePorts(1);
    portico = await startPortico(
      `global
    maxconn 1000
defaults
    mode http
    timeout connect 1s
    timeout client 2s
    timeout server 2s
    timeout http-request 250ms
    timeout http-keep-alive 250ms
listen fuzz
    bind 127.0.0.1:${port}
    option forwardfor
    server s1 127.0.0.1:${backend.port}
`,
      [port!],
    );
  });
  afterAll(async () => {
    await portico?.stop();
    await new Promise((r) => backend?.server.close(r));
  });

  it(`${CASES} cases (seed ${SEED}): no crash, no malformed forwarding, no smuggled request`, { timeout: BUDGET_MS + 20_000 }, async () => {
    const { ran, answered, closedByProxy, unexpected, totalExpected, elapsed } = await fuzzThrough(port, backend, CASES, SEED, BUDGET_MS, () => portico.proc.exitCode === null);
    console.log(
      `fuzz seed ${SEED}: ${ran} cases in ${elapsed} ms, ${answered} answered, ${closedByProxy} closed by portico; ` +
        `backend saw ${backend.seen.length} requests (reference allows ${totalExpected}); ${unexpected.length} unexpected, ${backend.malformed.length} malformed, ` +
        `${backend.notReframed.length} chunked bodies passed on with the client's non-canonical framing`,
    );
    expect({
      exitCode: portico.proc.exitCode,
      ran,
      malformed: backend.malformed.slice(0, 5),
      unexpected: unexpected.slice(0, 10),
      withinReference: backend.seen.length <= totalExpected,
      notReframed: backend.notReframed.slice(0, 5),
    }, `seed ${SEED}; stderr:\n${portico.stderr.slice(-20).join('\n')}`).toEqual({ exitCode: null, ran: CASES, malformed: [], unexpected: [], withinReference: true, notReframed: [] });
    // Still serving a valid request afterwards.
    const r = await httpRequest(port, '/after-fuzz');
    expect(r.status).toBe(200);
    expect(portico.stderr.filter((l) => /Error|at .*\.js/.test(l))).toEqual([]);
  });
});
