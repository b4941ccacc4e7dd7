/**
 * The time as HAProxy keeps it: read once per turn of the event loop and the same for all the
 * code that turn runs (HAProxy updates its now_ms once per polling loop). A proxied request reads
 * the time about a dozen times within microseconds; Date.now() costs 60-70 ns on these machines.
 *
 * The reading expires in the loop's check phase (an immediate), so all the I/O events one poll
 * returns share it. A pending immediate also keeps that poll from blocking, so a reading taken
 * earlier in the turn (timers) cannot outlive a wait. Expiring after each callback instead (a
 * promise reaction per task) cost two reactions per proxied request.
 */
let cached = 0;
let valid = false;

const expire = (): void => {
  valid = false;
};

/** Milliseconds since the epoch, as read at the first call in the current turn of the event loop. */
export function now(): number {
  if (valid) return cached;
  cached = Date.now();
  valid = true;
  setImmediate(expire);
  return cached;
}
