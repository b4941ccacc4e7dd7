/**
 * Per-server health state machine and check timer, clock-injected so tests drive it
 * without real time. Ported rules: HAProxy 2.6 set_server_check_status(), the
 * check_notify_* functions, srv_getinter(), __health_adjust() and the agent reply.
 */
import { agentWeight } from './agent.js';
import { checkResultText, countsText, statusText, type ServerCounts, type StatusPart } from './logtext.js';
import type { CheckOutcome } from './runner.js';
import { ANALYZE, RESULT_CODE, statusIndex, statusResult, type AnalyzeEvent, type CheckStatus } from './status.js';

export interface Clock {
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimer: (fn, ms) => setTimeout(fn, ms),
  clearTimer: (h) => clearTimeout(h as NodeJS.Timeout),
};

export type OpState = 'stopped' | 'starting' | 'running' | 'stopping';
export type OnError = 'fastinter' | 'fail-check' | 'sudden-death' | 'mark-down';
/** portico extension (HAProxy 3.1's init-state); 2.6 always starts as `up`. */
export type InitState = 'up' | 'fully-up' | 'down' | 'fully-down';

export interface CheckSettings {
  proxy: string;
  server: string;
  backup?: boolean;
  /** `check` given: the health check runs. */
  check: boolean;
  rise: number;
  fall: number;
  inter: number;
  fastinter?: number;
  downinter?: number;
  /** `agent-check` given. */
  agent?: boolean;
  agentInter?: number;
  /** Initial user weight (`weight`). */
  weight: number;
  /** A dynamic LB algorithm accepts any agent weight; static ones only 0% and 100%. */
  dynamicLb?: boolean;
  slowstart?: number;
  observe?: 'layer4' | 'layer7';
  errorLimit?: number;
  onError?: OnError;
  logHealthChecks?: boolean;
  initState?: InitState;
  /** global spread-checks, 0..50 percent. */
  spreadChecks?: number;
}

export type CheckEvent =
  | { type: 'log'; level: 'notice' | 'warning' | 'alert' | 'emerg'; text: string; console?: string }
  | { type: 'state'; state: OpState; previous: OpState }
  | { type: 'weight'; weight: number }
  | { type: 'admin'; admin: 'ready' | 'drain' | 'maint' }
  | { type: 'maxconn'; maxconn: number }
  /** A check failed while the server was up (chkfail), or `observe` reached `error-limit` (hanafail). */
  | { type: 'failed'; what: 'check' | 'hana' };

export interface SchedulerHooks {
  /** Runs one health check (usually runCheck bound to the server). */
  probe?: () => Promise<CheckOutcome>;
  agentProbe?: () => Promise<CheckOutcome>;
  /** Counts after a transition, for the log line; called after the `state` event. */
  counts: () => ServerCounts;
  emit: (ev: CheckEvent) => void;
  /** 0..1, for spread-checks. */
  random?: () => number;
}

interface Check {
  health: number;
  rise: number;
  fall: number;
  status: CheckStatus;
  code: number;
  info: string;
  durationMs: number;
  result: 'unknown' | 'neutral' | 'failed' | 'passed' | 'condpass';
  timer: unknown;
  running: boolean;
}

/** Spread of the first checks: the Nth of `count` checks starts after min-interval × N / count. */
export function firstCheckDelay(position: number, count: number, minInter: number): number {
  return count > 0 ? Math.floor((minInter * position) / count) : 0;
}

export class CheckScheduler {
  state: OpState = 'running';
  admin: { maint: boolean; drain: boolean } = { maint: false, drain: false };
  userWeight: number;
  readonly health: Check;
  readonly agent: Check;
  consecutiveErrors = 0;
  failedChecks = 0;
  failedHana = 0;
  lastChange: number;
  private upSince = 0;
  private warmupTimer: unknown;
  private stopped = false;
  private tracked: CheckScheduler | undefined;
  private readonly followers = new Set<CheckScheduler>();

  constructor(readonly cfg: CheckSettings, readonly hooks: SchedulerHooks, readonly clock: Clock = realClock) {
    const init = cfg.initState ?? 'up';
    const full = cfg.rise + cfg.fall - 1;
    const health = init === 'fully-up' ? full : init === 'up' ? cfg.rise : init === 'down' ? Math.max(0, cfg.rise - 1) : 0;
    this.health = this.newCheck(health, cfg.rise, cfg.fall);
    // The agent counts as one success / one failure.
    this.agent = this.newCheck(1, 1, 1);
    if (init === 'down' || init === 'fully-down') this.state = 'stopped';
    this.userWeight = cfg.weight;
    this.lastChange = clock.now();
  }

  private newCheck(health: number, rise: number, fall: number): Check {
    return { health, rise, fall, status: 'INI', code: 0, info: '', durationMs: -1, result: 'unknown', timer: undefined, running: false };
  }

  /** Starts the timers; delays come from firstCheckDelay() over all checks of the process. */
  start(firstHealthDelay = 0, firstAgentDelay = firstHealthDelay): void {
    this.stopped = false;
    if (this.cfg.check && this.hooks.probe) this.schedule(this.health, firstHealthDelay);
    if (this.cfg.agent && this.hooks.agentProbe) this.schedule(this.agent, firstAgentDelay);
  }

  stop(): void {
    this.stopped = true;
    for (const c of [this.health, this.agent]) this.clock.clearTimer(c.timer);
    this.clock.clearTimer(this.warmupTimer);
    this.tracked?.followers.delete(this);
  }

  /** srv_getinter(): inter when fully up, downinter when fully down, fastinter in between. */
  interval(c: Check = this.health): number {
    const cfg = this.cfg;
    if (c === this.agent) return cfg.agentInter ?? 2000;
    if (c.health === c.rise + c.fall - 1) return cfg.inter;
    if (this.state === 'stopped' && c.health === 0) return cfg.downinter ?? cfg.inter;
    return cfg.fastinter ?? cfg.inter;
  }

  private schedule(c: Check, delay: number): void {
    this.clock.clearTimer(c.timer);
    c.timer = this.clock.setTimer(() => void this.runOnce(c), Math.max(0, delay));
  }

  private nextDelay(c: Check): number {
    const base = this.interval(c);
    const spread = this.cfg.spreadChecks ?? 0;
    if (spread <= 0) return base;
    const rv = Math.floor((base * spread) / 100);
    return base + rv - Math.floor(2 * rv * (this.hooks.random ?? Math.random)());
  }

  private async runOnce(c: Check): Promise<void> {
    if (this.stopped || c.running) return;
    c.running = true;
    let outcome: CheckOutcome;
    try {
      const probe = c === this.agent ? this.hooks.agentProbe : this.hooks.probe;
      outcome = probe ? await probe() : { status: 'SOCKERR', code: 0, info: 'no probe', durationMs: 0 };
    } catch (err) {
      outcome = { status: 'SOCKERR', code: 0, info: err instanceof Error ? err.message : String(err), durationMs: 0 };
    }
    c.running = false;
    if (this.stopped) return;
    if (c === this.agent) this.applyAgent(outcome);
    else this.applyHealth(outcome);
    this.schedule(c, this.nextDelay(c));
  }

  /** One finished health check: counts it, logs it, moves the server. */
  applyHealth(o: Pick<CheckOutcome, 'status' | 'code' | 'info' | 'durationMs'>): void {
    const c = this.health;
    if (this.setStatus(c, o, false)) this.notify(c);
  }

  /** One finished agent check: actions from the reply, then its effect on health. */
  applyAgent(o: CheckOutcome): void {
    const c = this.agent;
    const r = o.agent;
    if (r) {
      if (r.admin) this.setAdmin(r.admin);
      if (r.weightPercent !== undefined) {
        const w = agentWeight(r.weightPercent, this.cfg.weight, this.cfg.dynamicLb ?? true);
        if (typeof w === 'number' && w !== this.userWeight) {
          this.userWeight = w;
          this.hooks.emit({ type: 'weight', weight: this.lbWeight() });
        }
      }
      if (r.maxconn !== undefined) this.hooks.emit({ type: 'maxconn', maxconn: r.maxconn });
      if (r.health === 'up') c.health = c.rise + c.fall - 1;
      else if (r.health !== undefined) c.health = 0;
    }
    if (this.setStatus(c, o, true)) this.notify(c);
  }

  /** set_server_check_status(): returns false when the result changes nothing. */
  private setStatus(c: Check, o: Pick<CheckOutcome, 'status' | 'code' | 'info' | 'durationMs'>, agent: boolean): boolean {
    const prev = c.status;
    c.status = o.status;
    c.code = o.code;
    c.info = o.info;
    c.durationMs = o.durationMs;
    const result = statusResult(o.status);
    if (result !== 'unknown') c.result = result;
    if (result === 'neutral' || result === 'unknown') return false;
    let report = false;
    if (result === 'failed') {
      // A failure to reach the agent never marks the server down.
      const counts = !agent || statusIndex(o.status) > statusIndex('L7RSP');
      if (counts && c.health > 0) {
        this.failedChecks++;
        this.hooks.emit({ type: 'failed', what: 'check' });
        report = true;
        c.health--;
        if (c.health < c.rise) c.health = 0;
      }
    } else {
      if (c.health < c.rise + c.fall - 1) {
        report = true;
        c.health++;
        if (c.health >= c.rise) c.health = c.rise + c.fall - 1;
      }
      if (this.cfg.observe) this.consecutiveErrors = 0;
    }
    if (this.cfg.logHealthChecks && (o.status !== prev || report)) {
      const text = checkResultText({
        agent,
        backup: this.cfg.backup === true,
        proxy: this.cfg.proxy,
        server: this.cfg.server,
        result,
        part: o,
        health: c.health,
        rise: c.rise,
        fall: c.fall,
        userWeight: this.userWeight,
      });
      this.hooks.emit({ type: 'log', level: 'notice', text: `${text}.`, console: `${text}.` });
    }
    return true;
  }

  private notify(c: Check): void {
    const agent = c === this.agent;
    if (c.result === 'failed') {
      if (agent && c.status !== 'L7STS') return;
      if (c.health > 0) return;
      this.setStopped(this.reasonFrom(c));
    } else if (c.result === 'condpass') {
      if (agent || !this.canBeUp()) return;
      this.setStopping(this.reasonFrom(c));
    } else if (c.result === 'passed') {
      if (!this.canBeUp()) return;
      if (agent && this.state === 'stopping') return;
      this.setRunning(this.reasonFrom(c));
    }
  }

  /** State-change lines carry the check's reason unless log-health-checks already said it. */
  private reasonFrom(c: Check): StatusPart | undefined {
    if (this.tracked || this.cfg.logHealthChecks) return undefined;
    return { status: c.status, code: c.code, info: c.info, durationMs: c.durationMs };
  }

  private canBeUp(): boolean {
    if (this.admin.maint) return false;
    if (this.tracked && this.tracked.state === 'stopped') return false;
    if (this.cfg.check && this.health.health < this.health.rise) return false;
    if (this.cfg.agent && this.agent.health < this.agent.rise) return false;
    return true;
  }

  private name(): string {
    return `${this.cfg.backup ? 'Backup ' : ''}Server ${this.cfg.proxy}/${this.cfg.server}`;
  }

  private tail(part: StatusPart | undefined): string {
    if (part) return statusText(part);
    return this.tracked ? ` via ${this.tracked.cfg.proxy}/${this.tracked.cfg.server}` : '';
  }

  private transition(to: OpState): OpState {
    const previous = this.state;
    this.state = to;
    this.lastChange = this.clock.now();
    this.hooks.emit({ type: 'state', state: to, previous });
    return previous;
  }

  /** Servers tracking this one follow it, after its own message (their counts include its change). */
  propagate(): void {
    for (const f of this.followers) f.followTracked();
  }

  private noServerLeft(): void {
    const c = this.hooks.counts();
    if (c.activeServers + c.backupServers > 0) return;
    this.hooks.emit({ type: 'log', level: 'emerg', text: `backend ${this.cfg.proxy} has no server available!`, console: `backend '${this.cfg.proxy}' has no server available!` });
  }

  private setStopped(part: StatusPart | undefined): void {
    if (this.state === 'stopped') return;
    this.clock.clearTimer(this.warmupTimer);
    this.transition('stopped');
    const text = `${this.name()} is DOWN${this.tail(part)}${countsText(this.hooks.counts(), 'left')}.`;
    this.hooks.emit({ type: 'log', level: 'alert', text, console: text });
    this.noServerLeft();
    this.propagate();
  }

  private setRunning(part: StatusPart | undefined): void {
    if (this.state === 'running' || this.state === 'starting') return;
    const slow = (this.cfg.slowstart ?? 0) > 0 && this.state === 'stopped';
    this.upSince = this.clock.now();
    this.transition(slow ? 'starting' : 'running');
    const text = `${this.name()} is UP${this.tail(part)}${countsText(this.hooks.counts(), 'online')}.`;
    this.hooks.emit({ type: 'log', level: 'notice', text, console: text });
    if (slow) this.warmup();
    this.propagate();
  }

  private setStopping(part: StatusPart | undefined): void {
    if (this.state === 'stopping') return;
    this.transition('stopping');
    const text = `${this.name()} is stopping${this.tail(part)}${countsText(this.hooks.counts(), 'online')}.`;
    this.hooks.emit({ type: 'log', level: 'notice', text, console: text });
    this.noServerLeft();
    this.propagate();
  }

  /** "UP" or "DOWN" as HAProxy words the operational state in admin messages. */
  private upDown(): string {
    return this.state === 'stopped' ? 'DOWN' : 'UP';
  }

  /** Agent `ready` / `drain` / `maint`: HAProxy's forced admin states, with its messages. */
  private setAdmin(admin: 'ready' | 'drain' | 'maint'): void {
    const was = { ...this.admin };
    const wasUp = this.state !== 'stopped';
    this.admin = { maint: admin === 'maint', drain: admin === 'drain' };
    if (was.maint === this.admin.maint && was.drain === this.admin.drain) return;
    if (was.maint && !this.admin.maint) this.leaveMaintenance();
    this.hooks.emit({ type: 'admin', admin });
    const say = (text: string, level: 'notice' | 'alert' = 'notice') => this.hooks.emit({ type: 'log', level, text, console: text });
    if (admin === 'maint') {
      if (wasUp) {
        say(`${this.name()} is going DOWN for maintenance${countsText(this.hooks.counts(), 'left')}.`, 'alert');
        this.noServerLeft();
      } else say(`${this.name()} was DOWN and now enters maintenance.`);
    } else if (was.maint) {
      say(`${this.name()} is ${this.upDown()}/${admin === 'drain' ? 'DRAIN' : 'READY'} (leaving forced maintenance).`);
      if (admin === 'drain') say(`${this.name()} remains in forced drain mode.`);
    } else if (admin === 'drain') {
      say(`${this.name()} enters drain state${countsText(this.hooks.counts(), this.state === 'stopped' ? 'left' : 'online')}.`);
    } else {
      say(`${this.name()} is ${this.upDown()} (leaving forced drain).`);
    }
  }

  /**
   * Leaving forced maintenance: HAProxy restarts the health check at `rise` (so a server that was
   * DOWN is UP again until its next check says otherwise) and the server comes back unless its
   * agent or tracked server keeps it down. Emits the state change; the caller writes the message.
   */
  leaveMaintenance(): void {
    this.admin.maint = false;
    if (this.cfg.check) this.health.health = this.health.rise;
    if (this.state !== 'stopped' || !this.canBeUp()) return;
    const slow = (this.cfg.slowstart ?? 0) > 0;
    this.upSince = this.clock.now();
    this.transition(slow ? 'starting' : 'running');
    if (slow) this.warmup();
    this.propagate();
  }

  /** Slow start: the effective weight grows from 1/16 to full over `slowstart`, refreshed at least every second. */
  private warmup(): void {
    const ss = this.cfg.slowstart ?? 0;
    const step = Math.max(1000, Math.floor(ss / 20));
    this.clock.clearTimer(this.warmupTimer);
    this.warmupTimer = this.clock.setTimer(() => {
      if (this.state !== 'starting') return;
      if (this.clock.now() - this.upSince >= ss) {
        this.transition('running');
        this.hooks.emit({ type: 'weight', weight: this.lbWeight() });
        // The end of slow start is a state change of its own in HAProxy, logged without a reason.
        const text = `${this.name()} is UP${countsText(this.hooks.counts(), 'online')}.`;
        this.hooks.emit({ type: 'log', level: 'notice', text, console: text });
        return;
      }
      this.hooks.emit({ type: 'weight', weight: this.lbWeight() });
      this.warmup();
    }, step);
  }

  /** The weight the LB should use now (0 when down, in maintenance or draining). */
  effectiveWeight(): number {
    if (this.state === 'stopped' || this.admin.maint || this.admin.drain) return 0;
    return this.lbWeight();
  }

  /**
   * The weight for the load balancer's `setWeight`: the user weight, throttled during slow start.
   * Up/down and drain/maintenance reach the LB separately, so they must not zero it here (a weight
   * of 0 would stay after the server came back).
   */
  lbWeight(): number {
    if (this.state !== 'starting') return this.userWeight;
    return Math.ceil((this.userWeight * this.slowstartSixteenths()) / 16);
  }

  /** Slow start progress in 1/16 of the weight, as server_recalc_eweight() (whole seconds). */
  private slowstartSixteenths(): number {
    const ssSec = Math.max(1, Math.ceil((this.cfg.slowstart ?? 0) / 1000));
    const elapsedSec = Math.floor((this.clock.now() - this.upSince) / 1000);
    return Math.min(16, Math.floor((16 * elapsedSec + ssSec) / ssSec));
  }

  /**
   * The stats `throttle` column during slow start: HAProxy's server_throttle_rate() over an
   * effective weight kept in 1/16 units, so it moves even for a server of weight 1 (7%, 57%...).
   */
  throttlePercent(): number | undefined {
    if (this.state !== 'starting' || this.admin.drain || this.userWeight === 0) return undefined;
    return Math.ceil((100 * this.slowstartSixteenths()) / 16);
  }

  /**
   * Passive health analysis (`observe`): the engines report each connection / response outcome
   * (see observe.ts); `error-limit` consecutive errors trigger `on-error`, as __health_adjust().
   */
  observe(event: AnalyzeEvent): void {
    const mode = this.cfg.observe;
    if (!mode) return;
    const [desc, l4, l7] = ANALYZE[event];
    const verdict = mode === 'layer4' ? l4 : l7;
    if (verdict === 0) return;
    if (verdict === 2) {
      this.consecutiveErrors = 0;
      return;
    }
    this.consecutiveErrors++;
    if (this.consecutiveErrors < (this.cfg.errorLimit ?? 10)) return;
    const info = `Detected ${this.consecutiveErrors} consecutive errors, last one was: ${desc}`;
    const onError = this.cfg.onError ?? 'fail-check';
    const c = this.health;
    // Without `check` HAProxy's check status stays unset and the simulated failure changes nothing.
    if (this.cfg.check) {
      if (onError === 'sudden-death' && c.health > c.rise) c.health = c.rise + 1;
      if (onError === 'mark-down') c.health = c.rise;
      if (onError !== 'fastinter') this.applyHealth({ status: 'HANA', code: 0, info, durationMs: -1 });
    }
    this.consecutiveErrors = 0;
    this.failedHana++;
    this.hooks.emit({ type: 'failed', what: 'hana' });
    // With an explicit `fastinter`, the next check comes that much later (HAProxy wakes the check task).
    if (this.cfg.fastinter !== undefined && this.cfg.check && !this.stopped && this.hooks.probe) this.schedule(c, this.cfg.fastinter);
  }

  /** `track P/S`: this server takes the state of another one. */
  track(target: CheckScheduler): void {
    this.tracked = target;
    target.followers.add(this);
    this.followTracked();
  }

  private followTracked(): void {
    const t = this.tracked;
    if (!t) return;
    if (t.state === 'stopped') this.setStopped(undefined);
    else if (t.state === 'stopping') this.setStopping(undefined);
    else if (this.canBeUp()) this.setRunning(undefined);
  }

  /**
   * The state part of `http-check send-state` (httpchk_build_status_header()): "UP", "UP 1/3",
   * "NOLB 2/3", "DOWN 1/2", "DOWN" or "no check", and during slow start the elapsed share of it.
   */
  sendState(): { state: string; throttle?: number } {
    if (!this.cfg.check) return { state: 'no check' };
    const c = this.health;
    let state: string;
    if (this.state === 'stopped') state = c.health ? `DOWN ${c.health}/${c.rise}` : 'DOWN';
    else {
      const base = this.state === 'stopping' ? 'NOLB' : 'UP';
      state = c.health === c.rise + c.fall - 1 ? base : `${base} ${c.health - c.rise + 1}/${c.fall}`;
    }
    if (this.state !== 'starting') return { state };
    const ssSec = Math.max(1, Math.ceil((this.cfg.slowstart ?? 0) / 1000));
    const elapsedSec = Math.floor((this.clock.now() - this.upSince) / 1000);
    return { state, throttle: Math.max(1, Math.floor((100 * elapsedSec) / ssSec)) };
  }

  /** Stats status column: UP, UP 2/3, DOWN, DOWN 1/2, NOLB, DRAIN, MAINT, no check. */
  display(): string {
    if (this.admin.maint) return 'MAINT';
    if (!this.cfg.check && !this.tracked) return this.admin.drain ? 'DRAIN' : 'no check';
    const c = this.health;
    const full = c.rise + c.fall - 1;
    if (this.state === 'stopped') return c.health > 0 && c.health < c.rise ? `DOWN ${c.health}/${c.rise}` : 'DOWN';
    const going = c.health < full && this.cfg.check ? ` ${c.health - c.rise + 1}/${c.fall}` : '';
    if (this.state === 'stopping') return `NOLB${going}`;
    if (this.admin.drain || this.userWeight === 0) return 'DRAIN';
    return `UP${going}`;
  }

  /** The `show servers state` columns owned by checks. */
  stateFields(): { srv_op_state: number; srv_check_status: number; srv_check_result: number; srv_check_health: number; srv_check_state: number; srv_agent_state: number } {
    const op = { stopped: 0, starting: 1, running: 2, stopping: 3 }[this.state];
    // CHK_ST_CONFIGURED | CHK_ST_ENABLED, plus CHK_ST_AGENT for the agent.
    return {
      srv_op_state: op,
      srv_check_status: statusIndex(this.health.status),
      srv_check_result: RESULT_CODE[this.health.result],
      srv_check_health: this.health.health,
      srv_check_state: this.cfg.check ? 6 : 0,
      srv_agent_state: this.cfg.agent ? 0x16 : 0,
    };
  }
}
