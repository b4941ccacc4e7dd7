import { describe, expect, it } from 'vitest';
import { isServerFailureStatus, observeConnect, observeHttpFailure, observeHttpStatus } from '../../../src/checks/observe.js';
import { CheckScheduler, type CheckEvent, type CheckSettings, type Clock } from '../../../src/checks/scheduler.js';

/** Timers never fire on their own: the tests only look at what is pending. */
class StillClock implements Clock {
  timers = new Map<number, number>();
  private seq = 0;
  now = (): number => 0;
  setTimer = (_fn: () => void, ms: number): unknown => {
    this.timers.set(++this.seq, ms);
    return this.seq;
  };
  clearTimer = (h: unknown): void => void this.timers.delete(h as number);
}

function server(cfg: Partial<CheckSettings>) {
  const events: CheckEvent[] = [];
  const clock = new StillClock();
  const checks = new CheckScheduler(
    { proxy: 'app', server: 's1', check: true, rise: 2, fall: 3, inter: 2000, weight: 1, initState: 'fully-up', ...cfg },
    {
      probe: async () => ({ status: 'L7OK', code: 200, info: '', durationMs: 1 }),
      counts: () => ({ activeServers: 1, backupServers: 0, sessionsActive: 0, requeued: 0, serverQueue: 0, totalQueue: 0 }),
      emit: (e) => events.push(e),
    },
    clock,
  );
  const logs = () => events.filter((e): e is Extract<CheckEvent, { type: 'log' }> => e.type === 'log').map((e) => e.text);
  const failed = (what: 'check' | 'hana') => events.filter((e) => e.type === 'failed' && e.what === what).length;
  return { s: { checks }, checks, events, logs, failed, clock };
}

describe('which responses are server failures (http_wait_for_response)', () => {
  it('5xx except 501 and 505; 1xx-4xx are fine', () => {
    expect([100, 101, 200, 302, 404, 499, 501, 505].map(isServerFailureStatus)).toEqual(Array(8).fill(false));
    expect([500, 502, 503, 504, 506, 599, 600, 99, 0].map(isServerFailureStatus)).toEqual(Array(9).fill(true));
  });
});

describe('observe layer7', () => {
  it('error-limit consecutive 5xx mark the server down with HAProxy\'s reason', () => {
    const { s, checks, logs } = server({ observe: 'layer7', errorLimit: 3, onError: 'mark-down' });
    observeHttpStatus(s, 500);
    observeHttpStatus(s, 503);
    expect(checks.state).toBe('running');
    observeHttpStatus(s, 502);
    expect(checks.state).toBe('stopped');
    expect(logs()).toEqual(['Server app/s1 is DOWN, reason: Health analyze, info: "Detected 3 consecutive errors, last one was: Wrong http response". 1 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.']);
  });
  it('a good response resets the count, 501 and 505 included; connection successes do not count at all', () => {
    const { s, checks } = server({ observe: 'layer7', errorLimit: 2, onError: 'mark-down' });
    observeHttpStatus(s, 500);
    observeHttpStatus(s, 200);
    observeHttpStatus(s, 500);
    expect(checks.consecutiveErrors).toBe(1);
    observeConnect(s, true);
    expect(checks.consecutiveErrors).toBe(1);
    observeHttpStatus(s, 501);
    expect(checks.consecutiveErrors).toBe(0);
    observeHttpStatus(s, 500);
    observeHttpStatus(s, 505);
    expect(checks.consecutiveErrors).toBe(0);
    observeHttpStatus(s, 500);
    observeHttpFailure(s, 'read-timeout');
    expect(checks.state).toBe('stopped');
    expect(checks.health.info).toBe('Detected 2 consecutive errors, last one was: Read timeout (http)');
  });
  it('each failure kind has HAProxy\'s description', () => {
    const seen: string[] = [];
    for (const kind of ['headers', 'body', 'read-error', 'read-timeout', 'broken-pipe'] as const) {
      const { s, checks } = server({ observe: 'layer7', errorLimit: 1, onError: 'fail-check' });
      observeHttpFailure(s, kind);
      seen.push(checks.health.info);
    }
    expect(seen.map((x) => x.replace(/^Detected 1 consecutive errors, last one was: /, ''))).toEqual([
      'Invalid http response (headers)',
      'Invalid http response',
      'Read error (http)',
      'Read timeout (http)',
      'Close from server (http)',
    ]);
  });
  it('connection errors count under layer7 too', () => {
    const { s, checks } = server({ observe: 'layer7', errorLimit: 2, onError: 'mark-down' });
    observeConnect(s, false);
    observeConnect(s, false);
    expect(checks.state).toBe('stopped');
  });
});

describe('observe layer4', () => {
  it('only connections count; a success resets', () => {
    const { s, checks } = server({ observe: 'layer4', errorLimit: 2, onError: 'mark-down' });
    observeHttpStatus(s, 500);
    observeHttpFailure(s, 'broken-pipe');
    expect(checks.consecutiveErrors).toBe(0);
    observeConnect(s, false);
    observeConnect(s, true);
    observeConnect(s, false);
    expect(checks.state).toBe('running');
    observeConnect(s, false);
    expect(checks.state).toBe('stopped');
  });
  it('on-error fail-check takes one health point, counted as a failed check and a hanafail', () => {
    const { s, checks, failed } = server({ observe: 'layer4', errorLimit: 1 });
    observeConnect(s, false);
    expect(checks.health.health).toBe(3);
    expect(checks.display()).toBe('UP 2/3');
    expect(failed('check')).toBe(1);
    expect(failed('hana')).toBe(1);
  });
});

describe('without observe, or without check', () => {
  it('nothing is counted without observe', () => {
    const { s, checks, events } = server({});
    for (let i = 0; i < 20; i++) observeHttpStatus(s, 500);
    expect(checks.consecutiveErrors).toBe(0);
    expect(events).toEqual([]);
  });
  it('observe without check: errors are counted (hanafail) but the server state never moves', () => {
    const { s, checks, failed } = server({ check: false, observe: 'layer7', errorLimit: 2, onError: 'mark-down' });
    for (let i = 0; i < 6; i++) observeHttpStatus(s, 500);
    expect(checks.state).toBe('running');
    expect(failed('hana')).toBe(3);
    expect(failed('check')).toBe(0);
  });
  it('a server without a scheduler is ignored', () => {
    expect(() => observeHttpStatus({ checks: undefined }, 500)).not.toThrow();
    expect(() => observeConnect(undefined, false)).not.toThrow();
  });
});

describe('fastinter after errors', () => {
  it('an explicit fastinter brings the next check closer; without one the schedule stays', () => {
    const a = server({ observe: 'layer7', errorLimit: 1, onError: 'fastinter', fastinter: 250 });
    a.checks.start(2000);
    observeHttpStatus(a.s, 500);
    expect([...a.clock.timers.values()]).toEqual([250]);
    expect(a.checks.health.health).toBe(4);
    a.checks.stop();
    const b = server({ observe: 'layer7', errorLimit: 1, onError: 'fastinter' });
    b.checks.start(2000);
    observeHttpStatus(b.s, 500);
    expect([...b.clock.timers.values()]).toEqual([2000]);
    b.checks.stop();
  });
});
