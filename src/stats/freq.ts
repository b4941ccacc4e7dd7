/**
 * Cheap rate and average helpers for the hot path, modelled on HAProxy's
 * freq_ctr (events over the last second) and swrate (sliding average over the
 * last N samples). Both are a handful of number fields: no arrays, no timers.
 */

/** Events per second over the last elapsed second. */
export class FreqCtr {
  /** Events counted in the current one-second period. */
  curr = 0;
  /** Events counted in the previous period (0 if it is older than one period). */
  prev = 0;
  /** Start of the current period, in ms. */
  start = 0;

  private rotate(now: number): void {
    const elapsed = now - this.start;
    if (elapsed < 1000) return;
    // Keep the previous period only if it ended less than a second ago.
    this.prev = elapsed < 2000 ? this.curr : 0;
    this.curr = 0;
    this.start = now - (elapsed % 1000);
  }

  /** Counts `n` events; returns the count of the current period (HAProxy feeds its *_max from it). */
  add(n = 1, now = Date.now()): number {
    this.rotate(now);
    this.curr += n;
    return this.curr;
  }

  /**
   * The rate over the last second: the current period plus the share of the
   * previous one that still falls inside the sliding one-second window.
   */
  read(now = Date.now()): number {
    this.rotate(now);
    const remaining = 1000 - (now - this.start);
    return this.curr + Math.floor((this.prev * remaining) / 1000);
  }
}

/** Number of samples HAProxy averages its queue/connect/response/total times over. */
export const TIME_STATS_SAMPLES = 1024;

/**
 * Sliding average over the last `n` samples without storing them: the sum
 * loses 1/n of itself per new sample. Until `n` samples have been seen the
 * window is the number of samples, so early averages are exact.
 */
export class SwRate {
  sum = 0;
  count = 0;
  constructor(readonly n: number = TIME_STATS_SAMPLES) {}

  add(v: number): void {
    if (this.count < this.n) {
      this.count++;
      this.sum += v;
    } else {
      this.sum = this.sum - Math.floor((this.sum + this.n - 1) / this.n) + v;
    }
  }

  /** Rounded-up average, 0 before the first sample. */
  avg(): number {
    const w = Math.min(this.count, this.n);
    return w === 0 ? 0 : Math.floor((this.sum + w - 1) / w);
  }
}
