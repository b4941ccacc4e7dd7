import { describe, expect, it } from 'vitest';
import { createFirst } from '../../../src/lb/first.js';
import { createLeastconn } from '../../../src/lb/leastconn.js';
import { createNq } from '../../../src/lb/nq.js';
import { createRandom } from '../../../src/lb/random.js';
import { createSed } from '../../../src/lb/sed.js';
import { createWlc } from '../../../src/lb/wlc.js';
import type { LbAlgorithm, LbServer } from '../../../src/lb/types.js';

const servers = (weights: number[], extra: object = {}) => weights.map((weight, i) => ({ name: `s${i + 1}`, weight, ...extra }));

/** Picks and takes a connection; answers the server. */
function open(lb: LbAlgorithm): LbServer {
  const s = lb.pick({});
  if (!s) throw new Error('no server');
  lb.takeConn(s);
  return s;
}
const names = (xs: LbServer[]) => xs.map((s) => s.name.slice(1)).join('');

describe('leastconn', () => {
  it('takes turns among idle servers when each request ends before the next', () => {
    const lb = createLeastconn(servers([1, 1, 1]));
    const seq: LbServer[] = [];
    for (let i = 0; i < 9; i++) {
      const s = open(lb);
      seq.push(s);
      lb.releaseConn(s);
    }
    expect(names(seq)).toBe('123123123');
  });
  it('sends new connections to the least loaded server while connections are held', () => {
    const lb = createLeastconn(servers([1, 1, 1]));
    const held = [open(lb), open(lb), open(lb), open(lb)];
    expect(names(held)).toBe('1231');
    lb.releaseConn(held[1]!);
    expect(open(lb).name).toBe('s2');
    lb.releaseConn(held[2]!);
    lb.releaseConn(held[0]!);
    // s1 still holds one; s3 and s1 went idle/lower in that order.
    expect(open(lb).name).toBe('s3');
  });
  it('weights the load: a weight-2 server carries twice the connections', () => {
    const lb = createLeastconn(servers([2, 1]));
    const held: LbServer[] = [];
    for (let i = 0; i < 30; i++) held.push(open(lb));
    const s1 = held.filter((s) => s.name === 's1').length;
    expect(s1).toBeGreaterThanOrEqual(19);
    expect(s1).toBeLessThanOrEqual(21);
  });
  it('honours maxconn, down servers, weight 0 and avoid', () => {
    const lb = createLeastconn(servers([1, 1], { maxconn: 1 }));
    const a = open(lb);
    const b = open(lb);
    expect(names([a, b])).toBe('12');
    expect(lb.pick({})).toBeUndefined();
    lb.releaseConn(a);
    expect(lb.pick({}, a)?.name).toBe('s1');
    lb.releaseConn(b);
    expect(lb.pick({}, lb.servers[0])?.name).toBe('s2');
    lb.serverDown(lb.servers[1]!);
    expect(lb.pick({}, lb.servers[0])?.name).toBe('s1');
    lb.setWeight(lb.servers[0]!, 0);
    expect(lb.pick({})).toBeUndefined();
    lb.serverUp(lb.servers[1]!);
    expect(lb.pick({})?.name).toBe('s2');
  });
});

describe('first', () => {
  it('fills servers in id order up to their maxconn', () => {
    const lb = createFirst([
      { name: 'b', id: 2, maxconn: 2 },
      { name: 'a', id: 1, maxconn: 1 },
      { name: 'c', id: 3, maxconn: 1 },
    ]);
    const held = Array.from({ length: 4 }, () => open(lb));
    expect(held.map((s) => s.name).join('')).toBe('abbc');
    expect(lb.pick({})).toBeUndefined();
    lb.releaseConn(held[1]!);
    expect(lb.pick({})?.name).toBe('b');
    lb.serverDown(lb.servers[0]!);
    expect(lb.pick({})).toBeUndefined();
  });
  it('uses the backup only when no active server is usable', () => {
    const lb = createFirst([{ name: 'a' }, { name: 'bk', backup: true }]);
    expect(lb.pick({})?.name).toBe('a');
    lb.setWeight(lb.servers[0]!, 0);
    expect(lb.pick({})?.name).toBe('bk');
  });
});

/** A small deterministic generator (xorshift32) so random tests are repeatable. */
function seeded(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>>= 0);
  };
}

describe('random', () => {
  it('respects weights with one draw', () => {
    const lb = createRandom({ draws: 1 }, servers([1, 3]), { random32: seeded(7) });
    let s2 = 0;
    for (let i = 0; i < 4000; i++) if (lb.pick({})!.name === 's2') s2++;
    expect(s2 / 4000).toBeGreaterThan(0.6);
    expect(s2 / 4000).toBeLessThan(0.9);
  });
  it('with two draws, keeps load even while connections are held', () => {
    const lb = createRandom({ draws: 2 }, servers([1, 1, 1, 1]), { random32: seeded(99) });
    for (let i = 0; i < 400; i++) open(lb);
    const loads = lb.servers.map((s) => s.served);
    expect(Math.max(...loads) - Math.min(...loads)).toBeLessThan(40);
  });
  it('returns nothing when the chosen server is full', () => {
    const lb = createRandom({ draws: 2 }, servers([1], { maxconn: 1 }), { random32: seeded(3) });
    open(lb);
    expect(lb.pick({})).toBeUndefined();
  });
});

describe('LVS schedulers (portico extensions)', () => {
  it('wlc: lowest active×256/weight, ties to the first declared', () => {
    const lb = createWlc(servers([1, 2]));
    // 0/1 = 0/2 → s1; 256/1 > 0/2 → s2; 256 vs 128 → s2; 256 vs 256 → s1
    expect(names([open(lb), open(lb), open(lb), open(lb)])).toBe('1221');
  });
  it('sed: (active+1)×256/weight prefers the heavier idle server', () => {
    const lb = createSed(servers([1, 2]));
    // 256 vs 128 → s2; 256 vs 256 → s1; 512 vs 256 → s2
    expect(names([open(lb), open(lb), open(lb)])).toBe('212');
  });
  it('nq: an idle server first, then sed', () => {
    const lb = createNq(servers([1, 4]));
    // both idle → first declared; then s2 idle; then sed: 512 vs 128 → s2 ...
    expect(names([open(lb), open(lb), open(lb), open(lb)])).toBe('1222');
  });
});
