// The cached clock: one reading per turn of the event loop, fresh in the next one.
// Bounds are loose on purpose: a stale reading would be off by a whole wait (50 ms or more),
// while a loaded machine may delay any line by a few milliseconds.
import { describe, expect, it } from 'vitest';
import { now } from '../../../src/core/clock.js';

const spin = (ms: number) => {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    /* bounded: ms */
  }
};

describe('clock', () => {
  it('gives the same time for the whole turn and a new reading in the next one', async () => {
    const first = now();
    spin(5);
    expect(now()).toBe(first); // same turn: the time read at its first call
    await Promise.resolve();
    expect(now()).toBe(first); // microtasks belong to the same turn
    await new Promise((r) => setTimeout(r, 60));
    const later = now();
    expect(later - first).toBeGreaterThanOrEqual(50);
    expect(Date.now() - later).toBeLessThan(25);
  });

  it('a reading taken in a timer does not outlive a wait for I/O', async () => {
    const inTimer = await new Promise<number>((r) => setTimeout(() => r(now()), 1));
    // The next events come after a pause with nothing to do: their time is read again.
    await new Promise((r) => setTimeout(r, 60));
    const later = now();
    expect(later - inTimer).toBeGreaterThanOrEqual(50);
    expect(Date.now() - later).toBeLessThan(25);
  });
});
