import { describe, expect, it } from 'vitest';
import { createRoundRobin } from '../../../src/lb/roundrobin.js';
import type { LbAlgorithm } from '../../../src/lb/types.js';

const servers = (weights: number[]) => weights.map((weight, i) => ({ name: `s${i + 1}`, weight }));

/** Picks `n` times and writes the server numbers as one string ("s2" → "2"). */
function run(lb: LbAlgorithm, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += lb.pick({})?.name.slice(1) ?? '-';
  return out;
}

// Recorded from HAProxy 2.6.12 (`balance roundrobin`, sequential requests, see lb-haproxy-diff.test.ts).
const HAPROXY: Array<[number[], string]> = [
  [[1, 1, 1], '123123123'],
  [[3, 1], '11121112111'],
  [[2, 3, 1], '212321212321212'],
  [[10, 5, 1], '11211213121121121121121312112112112'],
  [[1, 2, 3, 4], '43423414324342341432434'],
  [[5, 0, 2], '11131131113113111'],
  [[7, 3], '11121121121112112112111'],
  [[1, 1, 1, 1, 1, 8], '66166263664656616626366465661'],
];

describe('roundrobin', () => {
  for (const [weights, expected] of HAPROXY) {
    it(`matches HAProxy's order for weights ${weights.join('/')}`, () => {
      expect(run(createRoundRobin(servers(weights)), expected.length)).toBe(expected);
    });
  }
});

describe('roundrobin state changes', () => {
  const count = (lb: LbAlgorithm, n: number) => {
    const c: Record<string, number> = {};
    for (let i = 0; i < n; i++) {
      const s = lb.pick({})?.name ?? 'none';
      c[s] = (c[s] ?? 0) + 1;
    }
    return c;
  };

  it('skips a server that goes down and takes it back when it comes up', () => {
    const lb = createRoundRobin(servers([1, 1, 1]));
    expect(run(lb, 3)).toBe('123');
    lb.serverDown(lb.servers[1]!);
    expect(run(lb, 6)).toBe('131313');
    lb.serverUp(lb.servers[1]!);
    expect(count(lb, 30)).toEqual({ s1: 10, s2: 10, s3: 10 });
  });

  it('applies weight changes on the fly; weight 0 gets no traffic', () => {
    const lb = createRoundRobin(servers([1, 1]));
    expect(lb.setWeight(lb.servers[0]!, 3)).toBeUndefined();
    run(lb, 8); // let the new round start
    expect(count(lb, 40)).toEqual({ s1: 30, s2: 10 });
    lb.setWeight(lb.servers[0]!, 0);
    expect(count(lb, 10)).toEqual({ s2: 10 });
    lb.setWeight(lb.servers[0]!, 1);
    run(lb, 4);
    expect(count(lb, 20)).toEqual({ s1: 10, s2: 10 });
    expect(lb.setWeight(lb.servers[0]!, 257)).toBe('Absolute weight can only be between 0 and 256 inclusive.');
  });

  it('uses only the first usable backup when all actives are down, or all backups with allbackups', () => {
    const specs = [{ name: 'a1' }, { name: 'b1', backup: true }, { name: 'b2', backup: true }];
    const lb = createRoundRobin(specs);
    expect(lb.pick({})?.name).toBe('a1');
    lb.serverDown(lb.servers[0]!);
    expect(count(lb, 4)).toEqual({ b1: 4 });
    lb.serverDown(lb.servers[1]!);
    expect(count(lb, 4)).toEqual({ b2: 4 });
    lb.serverDown(lb.servers[2]!);
    expect(lb.pick({})).toBeUndefined();
    lb.serverUp(lb.servers[0]!);
    expect(lb.pick({})?.name).toBe('a1');

    const all = createRoundRobin(specs, { allBackups: true });
    all.serverDown(all.servers[0]!);
    expect(count(all, 10)).toEqual({ b1: 5, b2: 5 });
  });

  it('skips full servers and avoided servers, but returns the avoided one when it is the only choice', () => {
    const lb = createRoundRobin([{ name: 's1', maxconn: 1 }, { name: 's2' }]);
    const s1 = lb.servers[0]!;
    lb.takeConn(s1);
    expect(count(lb, 4)).toEqual({ s2: 4 });
    lb.releaseConn(s1);
    expect(count(lb, 4)).toEqual({ s1: 2, s2: 2 });
    const s2 = lb.servers[1]!;
    for (let i = 0; i < 4; i++) expect(lb.pick({}, s2)?.name).toBe('s1');
    const single = createRoundRobin([{ name: 'only' }]);
    expect(single.pick({}, single.servers[0])?.name).toBe('only');
  });

  it('starts with servers that are down and weight-0 servers left out', () => {
    const lb = createRoundRobin([{ name: 's1', up: false }, { name: 's2', weight: 0 }, { name: 's3' }]);
    expect(run(lb, 3)).toBe('333');
    lb.serverUp(lb.servers[0]!);
    expect(count(lb, 10)).toEqual({ s1: 5, s3: 5 });
  });
});
