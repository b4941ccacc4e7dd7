/**
 * The VRRP router state machine of RFC 3768 §6.4 / RFC 5798 §6.4, as a pure object.
 *
 * It owns no timer and no socket: every input carries the current time (`now`, in ms), the machine
 * keeps a single deadline (the Adver_Timer as master, the Master_Down_Timer as backup), and every
 * method returns what to do (send an advertisement, change state). The runtime arms one setTimeout
 * for `deadline` and calls `tick`; tests drive it with a fake clock.
 */
import { compareIp } from './packet.js';

export type VrrpState = 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT';

export interface MachineOptions {
  version: 2 | 3;
  /** Effective priority (configured priority moved by tracking weights), 1..255. */
  priority: number;
  advertIntervalMs: number;
  /** False with `nopreempt`: a higher-priority backup leaves a working master alone. */
  preempt: boolean;
  /** `preempt_delay`: how long a lower-priority master must have been seen before preempting it. */
  preemptDelayMs: number;
  /** The address our adverts come from; equal priorities are won by the higher address. */
  primaryIp: string;
}

export type Action =
  | { type: 'send'; priority: number }
  | { type: 'transition'; from: VrrpState; to: VrrpState; reason: string };

export interface Received {
  priority: number;
  intervalMs: number;
  src: string;
}

export class VrrpMachine {
  state: VrrpState = 'INIT';
  /** When the active timer fires (ms); Infinity when none runs (INIT, FAULT). */
  deadline = Infinity;
  /** v3: the interval the current master advertises; v2 uses our own. */
  masterAdverIntervalMs: number;
  /** Set while a lower-priority master is tolerated because of preempt_delay. */
  private preemptAt: number | undefined;
  private opts: MachineOptions;

  constructor(opts: MachineOptions) {
    this.opts = { ...opts };
    this.masterAdverIntervalMs = opts.advertIntervalMs;
  }

  get priority(): number {
    return this.opts.priority;
  }

  /** Skew_Time: lower priorities wait longer, so the best backup answers first. */
  skewMs(): number {
    const p = this.opts.priority;
    if (this.opts.version === 2) return Math.floor(((256 - p) * 1000) / 256);
    return Math.floor(((256 - p) * this.masterAdverIntervalMs) / 256);
  }

  /** Master_Down_Interval = 3 × Advertisement_Interval + Skew_Time. */
  masterDownIntervalMs(): number {
    const interval = this.opts.version === 2 ? this.opts.advertIntervalMs : this.masterAdverIntervalMs;
    return 3 * interval + this.skewMs();
  }

  /** Startup event: the address owner (priority 255) becomes master at once, everyone else waits as backup. */
  start(now: number): Action[] {
    if (this.state !== 'INIT') return [];
    if (this.opts.priority === 255) return this.becomeMaster(now, 'priority 255 (address owner)');
    return this.becomeBackup(now, 'startup');
  }

  /** Shutdown event: a master says goodbye with priority 0 so the backups take over after only the skew time. */
  shutdown(_now: number): Action[] {
    const actions: Action[] = [];
    if (this.state === 'MASTER') actions.push({ type: 'send', priority: 0 });
    if (this.state !== 'INIT') actions.push(this.move('INIT', 'shutdown'));
    this.deadline = Infinity;
    return actions;
  }

  /** The active timer fired (or is overdue). */
  tick(now: number): Action[] {
    if (now < this.deadline) return [];
    if (this.state === 'BACKUP') return this.becomeMaster(now, 'master down timer expired');
    if (this.state === 'MASTER') {
      this.deadline = now + this.opts.advertIntervalMs;
      return [{ type: 'send', priority: this.opts.priority }];
    }
    return [];
  }

  /** A valid advertisement for our VRID arrived (the caller has already checked TTL, auth, checksum...). */
  receive(adv: Received, now: number): Action[] {
    if (this.state === 'BACKUP') {
      if (adv.priority === 0) {
        this.deadline = now + this.skewMs();
        return [];
      }
      const lower = adv.priority < this.opts.priority;
      if (!lower) this.preemptAt = undefined;
      else if (this.opts.preempt && this.opts.preemptDelayMs > 0) this.preemptAt ??= now + this.opts.preemptDelayMs;
      const tolerated = lower && this.opts.preempt && this.preemptAt !== undefined && now < this.preemptAt;
      if (!this.opts.preempt || !lower || tolerated) {
        if (this.opts.version === 3) this.masterAdverIntervalMs = adv.intervalMs;
        this.deadline = now + this.masterDownIntervalMs();
      }
      // Otherwise the advert is discarded and our Master_Down_Timer runs out: we preempt.
      return [];
    }
    if (this.state === 'MASTER') {
      if (adv.priority === 0) {
        this.deadline = now + this.opts.advertIntervalMs;
        return [{ type: 'send', priority: this.opts.priority }];
      }
      const wins = adv.priority > this.opts.priority || (adv.priority === this.opts.priority && compareIp(adv.src, this.opts.primaryIp) > 0);
      if (!wins) return [];
      if (this.opts.version === 3) this.masterAdverIntervalMs = adv.intervalMs;
      return this.becomeBackup(now, `higher priority advert from ${adv.src} (priority ${adv.priority})`);
    }
    return [];
  }

  /** A reload changed the instance's settings; the state and running timer are kept. */
  reconfigure(opts: MachineOptions): void {
    this.opts = { ...opts };
    if (this.opts.version === 2) this.masterAdverIntervalMs = opts.advertIntervalMs;
  }

  /** The effective priority changed (track_script / track_interface weights). */
  setPriority(priority: number, _now: number): Action[] {
    this.opts.priority = priority;
    // A master announces a lower priority straight away so that a preempting backup need not wait.
    if (this.state === 'MASTER') return [{ type: 'send', priority }];
    return [];
  }

  /** A weight-0 tracked script or interface failed (true) or recovered (false). */
  setFault(fault: boolean, now: number, reason: string): Action[] {
    if (fault) {
      if (this.state === 'FAULT' || this.state === 'INIT') return [];
      const actions: Action[] = [];
      if (this.state === 'MASTER') actions.push({ type: 'send', priority: 0 });
      actions.push(this.move('FAULT', reason));
      this.deadline = Infinity;
      return actions;
    }
    if (this.state !== 'FAULT') return [];
    if (this.opts.priority === 255) return this.becomeMaster(now, reason);
    return this.becomeBackup(now, reason);
  }

  /**
   * A vrrp_sync_group member changed state: follow it (keepalived's sync groups move together).
   * Only BACKUP ⇄ MASTER are forced here; FAULT goes through setFault.
   */
  follow(to: 'MASTER' | 'BACKUP', now: number, reason: string): Action[] {
    if (to === 'MASTER' && this.state === 'BACKUP') return this.becomeMaster(now, reason);
    if (to === 'BACKUP' && this.state === 'MASTER') return this.becomeBackup(now, reason);
    return [];
  }

  private becomeMaster(now: number, reason: string): Action[] {
    this.preemptAt = undefined;
    this.deadline = now + this.opts.advertIntervalMs;
    return [{ type: 'send', priority: this.opts.priority }, this.move('MASTER', reason)];
  }

  private becomeBackup(now: number, reason: string): Action[] {
    this.deadline = now + this.masterDownIntervalMs();
    return [this.move('BACKUP', reason)];
  }

  private move(to: VrrpState, reason: string): Action {
    const from = this.state;
    this.state = to;
    return { type: 'transition', from, to, reason };
  }
}
