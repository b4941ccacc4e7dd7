// The cached clock: one reading per event-loop task, fresh in the next one.
import { describe, expect, it } from 'vitest';
import { now } from '../../../src/core/clock.js';

describe('clock', () => {
  it('gives the same time for the whole task and a new reading in the next task', async () => {
    const first = now();
    const spinUntil = Date.now() + 5;
    while (Date.now() < spinUntil) {
      /* bounded: 5 ms */
    }
    expect(now()).toBe(first); // same task: the time read at its first call
    await new Promise((r) => setTimeout(r, 5));
    const later = now();
    expect(later).toBeGreaterThanOrEqual(first + 5);
    expect(Math.abs(later - Date.now())).toBeLessThanOrEqual(1);
  });
});
