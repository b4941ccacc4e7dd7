/**
 * `-sf` / `-st` without a master: the new process takes the ports from the old ones. Node 20 has
 * no SO_REUSEPORT, so it cannot bind while an old process listens. It does what HAProxy did before
 * SO_REUSEPORT: SIGTTOU to the old pids (they release their ports), bind with retries, then SIGUSR1
 * (-sf: finish and exit) or SIGTERM (-st); if it still cannot bind, SIGTTIN gives the old
 * processes their ports back and the new one exits. Between the old release and the new bind
 * (a few milliseconds) new connections are refused; master-worker reloads have no such gap.
 */
import type { BindFailure } from '../runtime/listeners.js';

const RETRY_MS = 25;
const RETRY_FOR_MS = 2000;

function signalAll(pids: number[], sig: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      /* gone */
    }
  }
}

/**
 * Opens the listeners with `open` (which closes what it opened when it fails), taking the ports
 * from `soft` and `hard` pids when they hold them. Resolves with the last failures, or [].
 */
export async function takeOver(open: () => Promise<BindFailure[]>, soft: number[], hard: number[]): Promise<BindFailure[]> {
  const old = [...soft, ...hard];
  let failures = await open();
  if (failures.length > 0 && old.length > 0 && failures.every((f) => f.reason === 'Address already in use')) {
    signalAll(old, 'SIGTTOU');
    const deadline = Date.now() + RETRY_FOR_MS;
    while (failures.length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, RETRY_MS));
      failures = await open();
    }
    if (failures.length > 0) signalAll(old, 'SIGTTIN');
  }
  if (failures.length === 0) {
    signalAll(soft, 'SIGUSR1');
    signalAll(hard, 'SIGTERM');
  }
  return failures;
}
