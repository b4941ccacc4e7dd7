/** Agent-driven admin states and weights in the scheduler (texts checked against haproxy 2.6). */
import { describe, expect, it } from 'vitest';
import { parseAgentLine } from '../../../src/checks/agent.js';
import type { CheckOutcome } from '../../../src/checks/runner.js';
import { CheckScheduler, type CheckEvent, type CheckSettings, type Clock } from '../../../src/checks/scheduler.js';

const clock: Clock = { now: () => 0, setTimer: () => 0, clearTimer: () => {} };

function setup(cfg: Partial<CheckSettings> = {}) {
  const events: CheckEvent[] = [];
  const s = new CheckScheduler(
    { proxy: 'app', server: 's1', check: false, agent: true, rise: 2, fall: 3, inter: 2000, weight: 10, ...cfg },
    { counts: () => ({ activeServers: 1, backupServers: 0, sessionsActive: 0, requeued: 0, serverQueue: 0, totalQueue: 0 }), emit: (e) => events.push(e) },
    clock,
  );
  const agent = (line: string) => {
    const r = parseAgentLine(line);
    const o: CheckOutcome = { status: r.status, code: 0, info: r.info, durationMs: 0, agent: r };
    s.applyAgent(o);
  };
  const logs = () => events.filter((e): e is Extract<CheckEvent, { type: 'log' }> => e.type === 'log').map((e) => e.text);
  const weights = () => events.filter((e): e is Extract<CheckEvent, { type: 'weight' }> => e.type === 'weight').map((e) => e.weight);
  return { s, agent, logs, weights };
}

describe('agent weights', () => {
  it('a weight given while the server is DOWN is its user weight, not 0 (it must hold once UP)', () => {
    const { s, agent, weights } = setup();
    agent('down');
    expect(s.state).toBe('stopped');
    agent('up 75%');
    expect(s.state).toBe('running');
    expect(weights()).toEqual([7]);
    agent('up 100%');
    expect(weights()).toEqual([7, 10]);
    expect(s.effectiveWeight()).toBe(10);
  });
});

describe('agent ready / drain / maint', () => {
  it('drain, then ready: "enters drain state", "is UP (leaving forced drain)"', () => {
    const { agent, logs } = setup();
    agent('drain');
    agent('ready');
    expect(logs()).toEqual([
      'Server app/s1 enters drain state. 1 active and 0 backup servers online. 0 sessions requeued, 0 total in queue.',
      'Server app/s1 is UP (leaving forced drain).',
    ]);
  });
  it('maint, then drain, then ready', () => {
    const { agent, logs, s } = setup();
    agent('maint');
    expect(s.display()).toBe('MAINT');
    agent('drain');
    agent('ready');
    expect(logs()).toEqual([
      'Server app/s1 is going DOWN for maintenance. 1 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.',
      'Server app/s1 is UP/DRAIN (leaving forced maintenance).',
      'Server app/s1 remains in forced drain mode.',
      'Server app/s1 is UP (leaving forced drain).',
    ]);
  });
  it('a DOWN server: "was DOWN and now enters maintenance", the drain counts say "left"', () => {
    const { agent, logs } = setup();
    agent('down');
    agent('drain');
    agent('maint');
    expect(logs().slice(1)).toEqual([
      'Server app/s1 enters drain state. 1 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.',
      'Server app/s1 was DOWN and now enters maintenance.',
    ]);
  });
});

describe('leaving maintenance', () => {
  it('restarts the health check at rise: a server DOWN before is UP again, with slow start when configured', () => {
    const { s } = setup({ check: true, agent: false, slowstart: 10_000, initState: 'down' });
    expect(s.state).toBe('stopped');
    s.admin = { maint: true, drain: false };
    s.leaveMaintenance();
    expect(s.health.health).toBe(2);
    expect(s.state).toBe('starting');
    expect(s.display()).toBe('UP 1/3');
  });
  it('stays DOWN while the agent says down', () => {
    const { s, agent } = setup({ check: true });
    agent('down');
    s.admin = { maint: true, drain: false };
    s.leaveMaintenance();
    expect(s.state).toBe('stopped');
  });
});

describe('slow start', () => {
  it('throttle as haproxy shows it (7% at once, 57% after 1 s of 2 s), then "is UP." when it ends', () => {
    let t = 0;
    const timers: Array<() => void> = [];
    const c: Clock = { now: () => t, setTimer: (fn) => timers.push(fn), clearTimer: () => {} };
    const events: CheckEvent[] = [];
    const s = new CheckScheduler(
      { proxy: 'app', server: 's1', check: true, rise: 1, fall: 1, inter: 200, weight: 1, slowstart: 2000, initState: 'down' },
      { counts: () => ({ activeServers: 2, backupServers: 0, sessionsActive: 0, requeued: 0, serverQueue: 0, totalQueue: 0 }), emit: (e) => events.push(e) },
      c,
    );
    s.applyHealth({ status: 'L7OK', code: 200, info: '', durationMs: 0 });
    expect(s.state).toBe('starting');
    expect(s.throttlePercent()).toBe(7);
    t = 1000;
    expect(s.throttlePercent()).toBe(57);
    t = 2000;
    timers.shift()!();
    expect(s.state).toBe('running');
    expect(s.throttlePercent()).toBeUndefined();
    const logs = events.filter((e): e is Extract<CheckEvent, { type: 'log' }> => e.type === 'log').map((e) => e.text);
    expect(logs.at(-1)).toBe('Server app/s1 is UP. 2 active and 0 backup servers online. 0 sessions requeued, 0 total in queue.');
  });
});

describe('send-state text', () => {
  it('UP, UP n/f, NOLB, DOWN n/r, DOWN and no check, as httpchk_build_status_header() writes them', () => {
    const { s } = setup({ check: true, agent: false, initState: 'fully-up' });
    expect(s.sendState()).toEqual({ state: 'UP' });
    s.applyHealth({ status: 'L7STS', code: 500, info: '', durationMs: 0 });
    expect(s.sendState()).toEqual({ state: 'UP 2/3' });
    s.applyHealth({ status: 'L7OKC', code: 404, info: '', durationMs: 0 });
    expect(s.sendState()).toEqual({ state: 'NOLB' });
    for (let i = 0; i < 3; i++) s.applyHealth({ status: 'L4CON', code: 0, info: '', durationMs: 0 });
    expect(s.sendState()).toEqual({ state: 'DOWN' });
    s.applyHealth({ status: 'L7OK', code: 200, info: '', durationMs: 0 });
    expect(s.sendState()).toEqual({ state: 'DOWN 1/2' });
    expect(setup({ check: false }).s.sendState()).toEqual({ state: 'no check' });
  });
});
