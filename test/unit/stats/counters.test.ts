import { describe, expect, it } from 'vitest';
import { BeCounters, FeCounters, responseClass } from '../../../src/stats/counters.js';
import { FreqCtr, SwRate } from '../../../src/stats/freq.js';

describe('FreqCtr', () => {
  it('counts events of the current second', () => {
    const f = new FreqCtr();
    for (let i = 0; i < 5; i++) f.add(1, 10_000);
    expect(f.read(10_000)).toBe(5);
  });

  it('blends the previous second in proportion to the time left in the window', () => {
    const f = new FreqCtr();
    f.add(10, 10_000);
    expect(f.read(11_000)).toBe(10);
    expect(f.read(11_500)).toBe(5);
    expect(f.read(11_900)).toBe(1);
    expect(f.read(12_000)).toBe(0);
  });

  it('forgets everything after two idle seconds', () => {
    const f = new FreqCtr();
    f.add(10, 10_000);
    f.add(3, 13_100);
    expect(f.read(13_100)).toBe(3);
  });

  it('returns the current period count from add for max tracking', () => {
    const f = new FreqCtr();
    expect(f.add(1, 5_000)).toBe(1);
    expect(f.add(1, 5_400)).toBe(2);
    expect(f.add(1, 6_100)).toBe(1);
  });
});

describe('SwRate', () => {
  it('averages exactly while filling the window, rounding up', () => {
    const s = new SwRate(4);
    expect(s.avg()).toBe(0);
    s.add(10);
    s.add(11);
    expect(s.avg()).toBe(11);
  });

  it('slides towards new values once the window is full', () => {
    const s = new SwRate(4);
    for (let i = 0; i < 4; i++) s.add(100);
    for (let i = 0; i < 40; i++) s.add(0);
    expect(s.avg()).toBeLessThan(5);
    for (let i = 0; i < 40; i++) s.add(50);
    expect(s.avg()).toBeGreaterThanOrEqual(48);
    expect(s.avg()).toBeLessThanOrEqual(50);
  });
});

describe('counters', () => {
  it('tracks sessions, peaks and rates on a frontend', () => {
    const c = new FeCounters();
    c.acceptConn(1000);
    c.openSession(1000);
    c.acceptConn(1100);
    c.openSession(1100);
    c.closeSession();
    c.countRequest(1100);
    c.countResponse(204);
    c.countResponse(503);
    c.countResponse(99);
    expect([c.cumConn, c.cumSess, c.curSess, c.maxSess, c.cpsMax, c.spsMax, c.cumReq]).toEqual([2, 2, 1, 2, 2, 2, 1]);
    expect(c.httpRsp).toEqual([0, 1, 0, 0, 1, 1]);
    expect(c.sessPerSec.read(1200)).toBe(2);
  });

  it('tracks load-balancing, queue and request times on a server', () => {
    const c = new BeCounters();
    c.openSession(5000);
    c.enqueue();
    c.enqueue();
    c.dequeue();
    c.recordTimes(-1, 2, 30, 40);
    c.recordTimes(4, 4, -1, -1);
    expect([c.lbtot, c.cumSess, c.lastSess, c.queueCur, c.queueMax]).toEqual([1, 1, 5000, 1, 2]);
    expect([c.qTime.avg(), c.cTime.avg(), c.dTime.avg(), c.tTime.avg()]).toEqual([4, 3, 30, 20]);
    expect([c.qtimeMax, c.ctimeMax, c.dtimeMax, c.ttimeMax]).toEqual([4, 4, 30, 40]);
  });

  it('classifies statuses', () => {
    expect([100, 200, 302, 404, 599, 600, 42].map(responseClass)).toEqual([0, 1, 2, 3, 4, 5, 5]);
  });
});
