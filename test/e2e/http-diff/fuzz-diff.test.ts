/**
 * Differential fuzz: the request streams of the fuzz generator (test/e2e/fuzz/generate.ts) go to
 * Debian's haproxy 2.6 and to portico, each in front of its own recording backend. For every
 * case we compare the status codes the client got, whether the proxy closed, and the request
 * heads the backend received (after the intended hop-by-hop differences). Skipped without haproxy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { freePorts, hasHaproxy, startHaproxy, startPortico, type Proc } from '../harness.js';
import { generateCase, type FuzzCase } from '../fuzz/generate.js';
import { startRawBackend, type RawBackend } from './lib.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261121);
const CASES = Number(process.env.FUZZ_DIFF_CASES ?? 400);
const PARALLEL = 8;

interface Side {
  proc: Proc;
  port: number;
  be: RawBackend;
}

interface Outcome {
  statuses: string[];
  closed: boolean;
}

function run(port: number, fc: FuzzCase): Promise<Outcome> {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.destroy();
      const raw = Buffer.concat(chunks).toString('latin1');
      const statuses = [...raw.matchAll(/HTTP\/1\.[01] (\d{3})/g)].map((m) => m[1]!);
      resolve({ statuses, closed });
    };
    const timer = setTimeout(() => finish(false), 900);
    s.on('data', (d) => chunks.push(d));
    s.on('error', () => finish(true));
    s.on('close', () => finish(true));
    s.once('connect', () => {
      // One write and no half-close: how HAProxy treats pipelined requests depends on how the
      // bytes arrive (a head split over two reads, or a FIN while requests wait, changes whether
      // it serves what follows), which is HAProxy's timing, not a property to compare.
      s.write(Buffer.from(fc.bytes, 'latin1'));
    });
  });
}

/** Request heads per case id ("c12"), as the backend received them, hop-by-hop lines left out. */
function seenByCase(be: RawBackend): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of be.seen) {
    const lines = r.head.split('\r\n');
    const id = /\/(c\d+)\//.exec(lines[0]!)?.[1] ?? 'unattributed';
    // Intended differences: headers named by Connection and the hop-by-hop set (see engine-diff).
    const named = lines.filter((l) => /^connection:/i.test(l)).flatMap((l) => l.slice(11).split(',').map((t) => t.trim().toLowerCase()));
    const hop = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade', ...named]);
    const kept = lines.filter((l, i) => i === 0 || !hop.has(l.slice(0, l.indexOf(':')).toLowerCase()));
    const text = kept.map((l) => (l.length > 120 ? `${l.slice(0, 100)}...(${l.length})` : l)).join(' | ');
    out.set(id, [...(out.get(id) ?? []), `${text} || body=${r.body.length}`]);
  }
  return out;
}

/**
 * Differences with a known cause in code this suite does not own, reported to its owner: they
 * are listed in the summary instead of failing the test. Remove an entry once its fix lands.
 */
function pendingReason(bytes: string, h: Outcome, p: Outcome, hSeen: string[], pSeen: string[]): string | undefined {
  // A lone CR in a head that is not complete yet: HAProxy answers 400 at once, portico waits for the end of the head (408).
  if (h.statuses.join() === '400' && p.statuses.join() === '408' && /\r[^\n]/.test(bytes.split(/\r?\n\r?\n/)[0]!)) return 'lone CR in an incomplete head (HAProxy 400 at once, portico 408 at timeout http-request)';
  // obs-fold right after the colon: portico keeps the blanks that start the folded line (src/http/h1/fields.ts).
  const squeeze = (l: string[]) => JSON.stringify(l.map((x) => x.replace(/: +/g, ': ')));
  if (/:[ \t]*\r?\n[ \t]/.test(bytes) && squeeze(hSeen) === squeeze(pSeen) && h.statuses.join() === p.statuses.join()) return 'value folded right after the colon keeps leading blanks';
  // HAProxy 2.6 accepts bytes 0x7f-0xfe in the request target; portico's parser (src/http/h1/chars.ts URI_CHAR) answers 400.
  const lines = bytes.split(/\r?\n/).filter((l) => /^[A-Z]+ /.test(l));
  if (lines.some((l) => /[\x7f-\xfe]/.test(l.split(' ')[1] ?? '')) && p.statuses.includes('400') && !h.statuses.includes('400')) return 'request target with bytes 0x7f-0xfe (portico 400, HAProxy accepts)';
  return undefined;
}

describe.skipIf(!hasHaproxy())('differential fuzz: haproxy 2.6 vs portico on generated request streams', () => {
  const sides: Side[] = [];

  beforeAll(async () => {
    for (const label of ['haproxy', 'portico'] as const) {
      const be = await startRawBackend(label);
      const [port] = await freePorts(1);
      const cfg = `defaults
    mode http
    timeout connect 1s
    timeout client 2s
    timeout server 2s
    timeout http-request 300ms
    timeout http-keep-alive 300ms
listen fuzz
    bind 127.0.0.1:${port}
    server s1 127.0.0.1:${be.port}
`;
      const proc = label === 'haproxy' ? await startHaproxy(cfg, [port!]) : await startPortico(cfg, [port!]);
      sides.push({ proc, port: port!, be });
    }
  }, 30_000);
  afterAll(async () => {
    for (const s of sides) {
      await s.proc.stop();
      await s.be.close();
    }
  });

  it(`${CASES} generated cases (seed ${SEED}) get the same answers and forward the same requests`, { timeout: 120_000 }, async () => {
    const outcomes: [Outcome, Outcome][] = [];
    let next = 0;
    const worker = async () => {
      while (next < CASES) {
        const id = next++;
        const fc = generateCase(SEED, id);
        const [h, p] = await Promise.all(sides.map((s) => run(s.port, fc)));
        outcomes[id] = [h!, p!];
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    await new Promise((r) => setTimeout(r, 200));
    const [hs, ps] = sides.map((s) => seenByCase(s.be)) as [Map<string, string[]>, Map<string, string[]>];
    const diffs: string[] = [];
    const pending: string[] = [];
    for (let id = 0; id < CASES; id++) {
      const [h, p] = outcomes[id]!;
      const key = `c${id}`;
      const hSeen = hs.get(key) ?? [];
      const pSeen = ps.get(key) ?? [];
      const same = h.statuses.join() === p.statuses.join() && JSON.stringify(hSeen) === JSON.stringify(pSeen);
      const reason = same ? undefined : pendingReason(generateCase(SEED, id).bytes, h, p, hSeen, pSeen);
      if (reason) {
        pending.push(`${key}: ${reason}`);
        continue;
      }
      if (!same) diffs.push(`${key}: haproxy ${h.statuses.join(',') || '-'}${h.closed ? '' : ' (open)'} vs portico ${p.statuses.join(',') || '-'}${p.closed ? '' : ' (open)'}\n    bytes ${JSON.stringify(generateCase(SEED, id).bytes.slice(0, 300).replace(/(.)\1{40,}/g, (m) => `${m[0]}{${m.length}}`))}\n    haproxy saw ${JSON.stringify(hSeen)}\n    portico saw ${JSON.stringify(pSeen)}`);
    }
    console.log(`fuzz differential seed ${SEED}: ${CASES} cases, ${CASES - diffs.length - pending.length} agree, ${pending.length} differ for a known reason pending a fix\n${[...pending, ...diffs].join('\n')}`);
    expect(diffs).toEqual([]);
  });
});
