import { describe, expect, it } from 'vitest';
import type { ServerCounts } from '../../../src/checks/logtext.js';
import type { CheckOutcome } from '../../../src/checks/runner.js';
import { CheckScheduler, firstCheckDelay, type CheckEvent, type CheckSettings, type Clock } from '../../../src/checks/scheduler.js';
import { parseAgentLine } from '../../../src/checks/agent.js';

/** A manual clock: timers fire only when the test advances time. */
class FakeClock implements Clock {
  t = 0;
  private timers: Array<{ at: number; fn: () => void; id: number }> = [];
  private seq = 0;
  now = (): number => this.t;
  setTimer = (fn: () => void, ms: number): unknown => {
    const id = ++this.seq;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  };
  clearTimer = (h: unknown): void => {
    this.timers = this.timers.filter((x) => x.id !== h);
  };
  /** Fires due timers in order; bounded. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (let guard = 0; guard < 10_000; guard++) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.t = next.at;
      next.fn();
      for (let i = 0; i < 5; i++) await Promise.resolve();
    }
    this.t = end;
  }
  pending(): number[] {
    return this.timers.map((x) => x.at - this.t).sort((a, b) => a - b);
  }
}

const OK: CheckOutcome = { status: 'L7OK', code: 200, info: '', durationMs: 1 };
const BAD: CheckOutcome = { status: 'L7STS', code: 503, info: 'Service Unavailable', durationMs: 0 };
const REFUSED: CheckOutcome = { status: 'L4CON', code: 0, info: 'Connection refused', durationMs: 0 };
const counts: ServerCounts = { activeServers: 2, backupServers: 1, sessionsActive: 0, requeued: 0, serverQueue: 0, totalQueue: 0 };

function setup(cfg: Partial<CheckSettings> = {}, c: ServerCounts = counts) {
  const clock = new FakeClock();
  const events: CheckEvent[] = [];
  const results: CheckOutcome[] = [];
  const s = new CheckScheduler(
    { proxy: 'app', server: 's1', check: true, rise: 2, fall: 3, inter: 2000, weight: 1, ...cfg },
    { probe: async () => results.shift() ?? OK, counts: () => c, emit: (e) => events.push(e) },
    clock,
  );
  const logs = () => events.filter((e) => e.type === 'log').map((e) => (e as { text: string }).text);
  const states = () => events.filter((e) => e.type === 'state').map((e) => (e as { state: string }).state);
  return { clock, events, results, s, logs, states };
}

describe('rise/fall state machine', () => {
  it('starts UP with health = rise: one failure marks it DOWN', () => {
    const { s, logs } = setup();
    expect(s.state).toBe('running');
    expect(s.display()).toBe('UP 1/3');
    s.applyHealth(REFUSED);
    expect(s.state).toBe('stopped');
    expect(s.display()).toBe('DOWN');
    expect(logs()).toEqual([
      'Server app/s1 is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms. 2 active and 1 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.',
    ]);
  });
  it('one success at start makes it fully UP; then fall failures are needed', () => {
    const { s, states } = setup();
    s.applyHealth(OK);
    expect(s.display()).toBe('UP');
    s.applyHealth(BAD);
    expect(s.display()).toBe('UP 2/3');
    s.applyHealth(BAD);
    expect(s.display()).toBe('UP 1/3');
    expect(s.state).toBe('running');
    s.applyHealth(BAD);
    expect(s.display()).toBe('DOWN');
    expect(states()).toEqual(['stopped']);
  });
  it('a success while going down restores full health', () => {
    const { s } = setup();
    s.applyHealth(OK);
    s.applyHealth(BAD);
    s.applyHealth(BAD);
    s.applyHealth(OK);
    expect(s.display()).toBe('UP');
    expect(s.health.health).toBe(4);
  });
  it('from DOWN, rise successes; a failure while rising resets the count', () => {
    const { s, logs } = setup();
    s.applyHealth(BAD);
    s.applyHealth(OK);
    expect(s.display()).toBe('DOWN 1/2');
    s.applyHealth(BAD);
    expect(s.display()).toBe('DOWN');
    s.applyHealth(OK);
    s.applyHealth({ ...OK, durationMs: 1 });
    expect(s.state).toBe('running');
    expect(s.display()).toBe('UP');
    expect(logs().at(-1)).toBe(
      'Server app/s1 is UP, reason: Layer7 check passed, code: 200, check duration: 1ms. 2 active and 1 backup servers online. 0 sessions requeued, 0 total in queue.',
    );
  });
  it('log-health-checks lines match haproxy 2.6 (captured)', () => {
    const none = { activeServers: 0, backupServers: 0, sessionsActive: 0, requeued: 0, serverQueue: 0, totalQueue: 0 };
    const { s, logs, events } = setup({ logHealthChecks: true, proxy: 'e6' }, none);
    s.applyHealth(OK);
    s.applyHealth(BAD);
    s.applyHealth(BAD);
    s.applyHealth(BAD);
    s.applyHealth({ ...OK, durationMs: 0 });
    s.applyHealth({ ...OK, durationMs: 0 });
    s.applyHealth(OK); // steady state: nothing logged
    expect(logs()).toEqual([
      'Health check for server e6/s1 succeeded, reason: Layer7 check passed, code: 200, check duration: 1ms, status: 3/3 UP.',
      'Health check for server e6/s1 failed, reason: Layer7 wrong status, code: 503, info: "Service Unavailable", check duration: 0ms, status: 2/3 UP.',
      'Health check for server e6/s1 failed, reason: Layer7 wrong status, code: 503, info: "Service Unavailable", check duration: 0ms, status: 1/3 UP.',
      'Health check for server e6/s1 failed, reason: Layer7 wrong status, code: 503, info: "Service Unavailable", check duration: 0ms, status: 0/2 DOWN.',
      'Server e6/s1 is DOWN. 0 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.',
      'backend e6 has no server available!',
      'Health check for server e6/s1 succeeded, reason: Layer7 check passed, code: 200, check duration: 0ms, status: 1/2 DOWN.',
      'Health check for server e6/s1 succeeded, reason: Layer7 check passed, code: 200, check duration: 0ms, status: 3/3 UP.',
      'Server e6/s1 is UP. 0 active and 0 backup servers online. 0 sessions requeued, 0 total in queue.',
    ]);
    const alert = events.find((e) => e.type === 'log' && e.level === 'emerg') as { console: string };
    expect(alert.console).toBe("backend 'e6' has no server available!");
  });
  it('disable-on-404 (L7OKC) puts a running server in NOLB', () => {
    const none = { activeServers: 0, backupServers: 0, sessionsActive: 0, requeued: 0, serverQueue: 0, totalQueue: 0 };
    const { s, logs } = setup({ logHealthChecks: true, proxy: 'c4' }, none);
    s.applyHealth({ status: 'L7OKC', code: 404, info: '', durationMs: 0 });
    expect(s.state).toBe('stopping');
    expect(s.display()).toBe('NOLB');
    expect(logs()).toEqual([
      'Health check for server c4/s1 conditionally succeeded, reason: Layer7 check conditionally passed, code: 404, check duration: 0ms, status: 3/3 UP.',
      'Server c4/s1 is stopping. 0 active and 0 backup servers online. 0 sessions requeued, 0 total in queue.',
      'backend c4 has no server available!',
    ]);
  });
  it('"Running on backup." and the Backup prefix', () => {
    const { s, logs } = setup({ backup: true }, { ...counts, activeServers: 0 });
    s.applyHealth(BAD);
    expect(logs()[0]).toBe(
      'Backup Server app/s1 is DOWN, reason: Layer7 wrong status, code: 503, info: "Service Unavailable", check duration: 0ms. 0 active and 1 backup servers left. Running on backup. 0 sessions active, 0 requeued, 0 remaining in queue.',
    );
  });
  it('init-state variants (portico extension)', () => {
    expect(setup({ initState: 'fully-up' }).s.display()).toBe('UP');
    const down = setup({ initState: 'down' }).s;
    expect(down.display()).toBe('DOWN 1/2');
    down.applyHealth(OK);
    expect(down.state).toBe('running');
    expect(setup({ initState: 'fully-down' }).s.display()).toBe('DOWN');
  });
});

describe('timing', () => {
  it('first check delay spreads checks over the smallest interval', () => {
    expect([0, 1, 2, 3].map((i) => firstCheckDelay(i, 4, 2000))).toEqual([0, 500, 1000, 1500]);
  });
  it('inter when fully up, fastinter in transition, downinter when down', async () => {
    const { s, clock, results } = setup({ inter: 2000, fastinter: 500, downinter: 10000 });
    s.start(100);
    expect(clock.pending()).toEqual([100]);
    results.push(OK);
    await clock.advance(100);
    expect(clock.pending()).toEqual([2000]); // fully up
    results.push(BAD);
    await clock.advance(2000);
    expect(clock.pending()).toEqual([500]); // going down
    results.push(BAD, BAD);
    await clock.advance(500);
    await clock.advance(500);
    expect(s.state).toBe('stopped');
    expect(clock.pending()).toEqual([10000]); // fully down
    results.push(OK);
    await clock.advance(10000);
    expect(clock.pending()).toEqual([500]); // going up
    s.stop();
    expect(clock.pending()).toEqual([]);
  });
  it('spread-checks adds ±N% noise', async () => {
    const clock = new FakeClock();
    const s = new CheckScheduler(
      { proxy: 'p', server: 's', check: true, rise: 2, fall: 3, inter: 1000, weight: 1, spreadChecks: 10, initState: 'fully-up' },
      { probe: async () => OK, counts: () => counts, emit: () => {}, random: () => 0 },
      clock,
    );
    s.start(0);
    await clock.advance(0);
    expect(clock.pending()).toEqual([1100]);
    s.stop();
  });
});

describe('observe / on-error', () => {
  it('fail-check after error-limit consecutive errors, HANA without duration', () => {
    const { s, logs } = setup({ observe: 'layer4', errorLimit: 2, logHealthChecks: true, initState: 'fully-up' });
    s.observe('L4_ERR');
    s.observe('L4_OK');
    s.observe('L4_ERR');
    expect(s.health.health).toBe(4);
    s.observe('L4_ERR');
    expect(s.health.health).toBe(3);
    expect(logs()[0]).toBe('Health check for server app/s1 failed, reason: Health analyze, info: "Detected 2 consecutive errors, last one was: L4 unsuccessful connection", status: 2/3 UP.');
  });
  it('mark-down and sudden-death', () => {
    const md = setup({ observe: 'layer7', errorLimit: 1, onError: 'mark-down', initState: 'fully-up' }).s;
    md.observe('HTTP_STS');
    expect(md.state).toBe('stopped');
    const sd = setup({ observe: 'layer7', errorLimit: 1, onError: 'sudden-death', initState: 'fully-up' }).s;
    sd.observe('HTTP_STS');
    expect(sd.state).toBe('running');
    expect(sd.display()).toBe('UP 1/3');
    sd.applyHealth(BAD);
    expect(sd.state).toBe('stopped');
  });
  it('layer7 ignores L4 successes; fastinter brings the next check closer', async () => {
    const { s, clock } = setup({ observe: 'layer7', errorLimit: 1, onError: 'fastinter', fastinter: 300, initState: 'fully-up' });
    s.start(2000);
    s.observe('L4_OK');
    expect(clock.pending()).toEqual([2000]);
    s.observe('HTTP_READ_TIMEOUT');
    expect(clock.pending()).toEqual([300]);
    expect(s.health.health).toBe(4);
    s.stop();
  });
});

describe('agent', () => {
  const agentOutcome = (line: string): CheckOutcome => {
    const r = parseAgentLine(line);
    return { status: r.status, code: 0, info: r.info, durationMs: 0, agent: r };
  };
  it('drain / maint / weights / down / up (texts captured from haproxy 2.6)', () => {
    const { s, logs, events } = setup({ agent: true, weight: 10, proxy: 'e4', logHealthChecks: true, initState: 'fully-up' }, { ...counts, activeServers: 9, backupServers: 0 });
    s.applyAgent(agentOutcome('drain'));
    expect(logs().at(-1)).toBe('Server e4/s1 enters drain state. 9 active and 0 backup servers online. 0 sessions requeued, 0 total in queue.');
    expect(s.effectiveWeight()).toBe(0);
    s.applyAgent(agentOutcome('ready 75%'));
    expect(s.effectiveWeight()).toBe(7);
    expect(events.some((e) => e.type === 'weight' && e.weight === 7)).toBe(true);
    s.applyAgent(agentOutcome('stopped 30% ready'));
    expect(s.state).toBe('stopped');
    expect(logs().slice(-2)[0]).toBe('Agent check for server e4/s1 failed, reason: Layer7 wrong status, code: 0, info: "via agent : stopped", check duration: 0ms, status: 0/1 DOWN.');
    s.applyAgent(agentOutcome('up'));
    expect(s.state).toBe('running');
    // an unreachable agent never marks the server down
    s.applyAgent({ status: 'L4CON', code: 0, info: 'Connection refused', durationMs: 0 });
    expect(s.state).toBe('running');
    s.applyAgent(agentOutcome('maint'));
    expect(logs().at(-1)).toBe('Server e4/s1 is going DOWN for maintenance. 9 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.');
    expect(s.display()).toBe('MAINT');
  });
  it('parses words, descriptions and errors like haproxy', () => {
    expect(parseAgentLine('down #maintenance window')).toMatchObject({ health: 'down', info: 'via agent : down (maintenance window)', status: 'L7STS' });
    expect(parseAgentLine('down#x')).toMatchObject({ status: 'CHECKED', info: 'agent reports an error : down#x' });
    expect(parseAgentLine('up,bogus 50%')).toMatchObject({ health: 'up', weightPercent: 50, info: 'via agent : up (bogus)' });
    expect(parseAgentLine('MAXCONN:30 fail')).toMatchObject({ maxconn: 30, health: 'fail' });
  });
});

describe('slowstart and track', () => {
  it('ramps the effective weight after coming back up', async () => {
    const { s, clock, events } = setup({ slowstart: 10000, weight: 32 });
    s.applyHealth(BAD);
    s.applyHealth(OK);
    s.applyHealth(OK);
    expect(s.state).toBe('starting');
    expect(s.effectiveWeight()).toBe(2);
    await clock.advance(5000);
    expect(s.effectiveWeight()).toBe(18);
    await clock.advance(5000);
    expect(s.state).toBe('running');
    expect(s.effectiveWeight()).toBe(32);
    expect(events.filter((e) => e.type === 'weight').length).toBeGreaterThanOrEqual(9);
  });
  it('a tracking server follows the tracked one', () => {
    const a = setup({ initState: 'fully-up' });
    const b = setup({ server: 's2', check: false });
    b.s.track(a.s);
    a.s.applyHealth(BAD);
    a.s.applyHealth(BAD);
    a.s.applyHealth(BAD);
    expect(b.s.state).toBe('stopped');
    expect(b.logs()[0]).toBe('Server app/s2 is DOWN via app/s1. 2 active and 1 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.');
    a.s.applyHealth(OK);
    a.s.applyHealth(OK);
    expect(b.s.state).toBe('running');
  });
  it('show servers state fields', () => {
    const { s } = setup({ agent: true });
    s.applyHealth(REFUSED);
    expect(s.stateFields()).toEqual({ srv_op_state: 0, srv_check_status: 8, srv_check_result: 2, srv_check_health: 0, srv_check_state: 6, srv_agent_state: 22 });
    const nocheck = setup({ check: false }).s;
    expect(nocheck.stateFields()).toMatchObject({ srv_op_state: 2, srv_check_status: 1, srv_check_result: 0, srv_check_health: 2, srv_check_state: 0 });
  });
});
