// Deadline: one timer for a timeout that moves often; real timers, bounded waits.
import { describe, expect, it } from 'vitest';
import { Deadline } from '../../../src/core/deadline.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Deadline', () => {
  it('expires once, at the deadline as last moved, not at the first one', async () => {
    const fired: number[] = [];
    const start = Date.now();
    const d = new Deadline(() => fired.push(Date.now() - start));
    d.set(60, start);
    await sleep(40);
    d.set(100); // moved: now about start + 140
    await sleep(60); // past the first deadline
    expect(fired).toEqual([]);
    expect(d.running).toBe(true);
    await sleep(120);
    expect(fired.length).toBe(1);
    expect(fired[0]).toBeGreaterThanOrEqual(139);
    expect(d.running).toBe(false);
    d.dispose();
  });

  it('a nearer deadline re-arms the timer', async () => {
    let fired = 0;
    const d = new Deadline(() => fired++);
    d.set(5000);
    d.set(30);
    await sleep(120);
    expect(fired).toBe(1);
    d.dispose();
  });

  it('stop and dispose: nothing fires; set(0) stops', async () => {
    let fired = 0;
    const a = new Deadline(() => fired++);
    const b = new Deadline(() => fired++);
    const c = new Deadline(() => fired++);
    a.set(30);
    a.stop();
    b.set(30);
    b.dispose();
    c.set(30);
    c.set(0);
    expect([a.running, b.running, c.running]).toEqual([false, false, false]);
    await sleep(100);
    expect(fired).toBe(0);
    a.dispose();
    c.dispose();
  });
});
