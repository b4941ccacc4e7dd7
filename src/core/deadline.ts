import { now as clockNow } from './clock.js';

/**
 * A timeout that moves often and rarely expires, such as an HTTP connection's head timeout or
 * its server's inactivity timeout. It keeps one timer, re-armed only when the timer fires before
 * the deadline or a nearer deadline is set, so moving the deadline costs a clock read. (A Node
 * timer refresh, as socket.setTimeout does on every read and write, re-inserts the timer in its
 * list and reads libuv's clock: measured as a visible part of the CPU per proxied request.)
 */
export class Deadline {
  /** When it expires (ms since the epoch); 0: not running. */
  private due = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerDue = 0;

  /** `unref`: the timer does not keep the process alive (housekeeping timers). */
  constructor(
    private readonly expire: () => void,
    private readonly unref = false,
  ) {}

  /** Expires `ms` from `now`; `ms` <= 0 stops it. */
  set(ms: number, now = clockNow()): void {
    if (ms <= 0) {
      this.due = 0;
      return;
    }
    const due = now + ms;
    this.due = due;
    // A timer that fires first will find the new deadline and wait for it.
    if (this.timer !== undefined && this.timerDue <= due) return;
    this.arm(due, now);
  }

  get running(): boolean {
    return this.due !== 0;
  }

  /** Stops it; the timer, if any, is left to fire and find nothing to do. */
  stop(): void {
    this.due = 0;
  }

  /** Stops it and cancels the timer (the owner is going away). */
  dispose(): void {
    this.due = 0;
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private arm(due: number, now: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = setTimeout(this.fire, Math.max(1, due - now));
    if (this.unref) this.timer.unref();
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    const due = this.due;
    if (due === 0) return;
    const now = Date.now();
    if (now < due) return this.arm(due, now);
    this.due = 0;
    this.expire();
  };
}
