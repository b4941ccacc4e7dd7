/**
 * HAProxy's period frequency counter: events of the current period plus those of the previous one
 * weighted by how much of the current period is left. State lives in three numbers of a Float64Array
 * at `o`: [start tick of current period, current count, previous count]. Ticks are ms, kept even
 * like HAProxy's (its low bit is a lock there).
 */
export function freqAdd(d: Float64Array, o: number, period: number, inc: number, now: number): void {
  let tick = d[o]!;
  if (now - tick < period) {
    d[o + 1]! += inc;
    return;
  }
  d[o + 2] = d[o + 1]!;
  d[o + 1] = inc;
  tick += period;
  if (now - tick >= period) {
    // Two periods or more without events: nothing to carry over.
    d[o + 2] = 0;
    tick = now;
  }
  d[o] = tick - (tick % 2);
}

export function freqRead(d: Float64Array, o: number, period: number, now: number): number {
  let curr = d[o + 1]!;
  let past = d[o + 2]!;
  let remain = d[o]! + period - now;
  if (remain < 0) {
    remain += period;
    past = remain >= 0 ? curr : 0;
    curr = 0;
  }
  // Low-rate flapping correction, as in HAProxy.
  if (!curr && past <= 1) return past;
  return Math.floor((past * remain + curr * period) / period);
}
