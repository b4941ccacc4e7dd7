/** Replays exchanges recorded from haproxy 2.6 (cookie-exchanges.json) through portico's cookie functions. */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { dynamicCookie } from '../../../src/persist/cookie.js';
import { checkExchange, SCENARIOS, type Recorded } from './cookie-scenarios.js';

const recorded = JSON.parse(readFileSync(new URL('../../fixtures/persist/cookie-exchanges.json', import.meta.url), 'utf8')) as Recorded[];
const dynamic = JSON.parse(readFileSync(new URL('../../fixtures/persist/dynamic-cookies.json', import.meta.url), 'utf8')) as {
  key: string;
  ip: string;
  port: number;
  setCookie: string;
}[];

describe('recorded haproxy cookie exchanges', () => {
  test('the fixture covers every scenario and every status char', () => {
    expect(new Set(recorded.map((r) => r.scenario))).toEqual(new Set(SCENARIOS.map((s) => s.name)));
    expect(new Set(recorded.map((r) => r.chars[0]))).toEqual(new Set(['N', 'I', 'D', 'V', 'E', 'O', 'U']));
    expect(new Set(recorded.map((r) => r.chars[1]))).toEqual(new Set(['N', 'I', 'U', 'P', 'R', 'D']));
  });
  for (const sc of SCENARIOS) {
    test(sc.name, () => {
      const diffs: string[] = [];
      for (const [i, rec] of recorded.filter((r) => r.scenario === sc.name).entries()) {
        for (const d of checkExchange(sc, rec)) diffs.push(`#${i} ${JSON.stringify(rec.request)}: ${d}`);
      }
      expect(diffs).toEqual([]);
    });
  }
  test('dynamic cookies', () => {
    expect(dynamic.length).toBeGreaterThan(0);
    for (const d of dynamic) expect(`SRV=${dynamicCookie(d.key, d.ip, d.port)}; path=/`).toBe(d.setCookie);
  });
});
