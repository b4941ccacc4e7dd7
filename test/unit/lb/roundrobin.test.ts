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
