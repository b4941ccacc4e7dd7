import { describe, expect, it } from 'vitest';
import { createStaticRr } from '../../../src/lb/static-rr.js';

const servers = (weights: number[]) => weights.map((weight, i) => ({ name: `s${i + 1}`, weight }));
const run = (lb: ReturnType<typeof createStaticRr>, n: number) => {
  let out = '';
  for (let i = 0; i < n; i++) out += lb.pick({})?.name.slice(1) ?? '-';
  return out;
};

// Recorded from HAProxy 2.6.12 (`balance static-rr`).
const HAPROXY: Array<[number[], string]> = [
  [[1, 1, 1], '123123123'],
  [[2, 3, 1], '121223121223121'],
  [[10, 5, 1], '11211211212112131121121121211213112'],
  [[1, 2, 3, 4], '12434234341243423434124'],
  [[1, 1, 1, 1, 1, 8], '16266364665661626636466566162'],
];

describe('static-rr', () => {
  for (const [weights, expected] of HAPROXY) {
    it(`matches HAProxy's order for weights ${weights.join('/')}`, () => {
      expect(run(createStaticRr(servers(weights)), expected.length)).toBe(expected);
    });
  }
  it('accepts only weight 0 or the initial weight, like HAProxy', () => {
    const lb = createStaticRr(servers([2, 1]));
    const s1 = lb.servers[0]!;
    expect(lb.setWeight(s1, 5)).toBe("Backend is using a static LB algorithm and only accepts weights '0%' and '100%'.");
    expect(lb.setWeight(s1, 0)).toBeUndefined();
    expect(run(lb, 3)).toBe('222');
    expect(lb.setWeight(s1, 2)).toBeUndefined();
    const seq = run(lb, 6);
    expect([...seq].filter((c) => c === '1').length).toBe(4);
  });
  it('reintroduces a server that comes back up immediately', () => {
    const lb = createStaticRr(servers([1, 1, 1]));
    lb.serverDown(lb.servers[0]!);
    expect(run(lb, 4)).toMatch(/^(23|32)+$/);
    lb.serverUp(lb.servers[0]!);
    expect(new Set(run(lb, 3))).toEqual(new Set(['1', '2', '3']));
  });
});
