/**
 * The check health HAProxy keeps for a server without health checks, which `show servers state`
 * prints (srv_check_health): `rise` at start, 0 once the server enters maintenance or is set
 * down, rise+fall-1 once it is set up or stopping (`set server ... health`); leaving maintenance
 * does not restore it. Only the Runtime API and the stats page change it, so they report here.
 */
import type { ServerRuntime } from '../runtime/server.js';

const values = new WeakMap<ServerRuntime, number>();

export type UncheckedEvent = 'maint' | 'up' | 'stopping' | 'down';

export function uncheckedHealth(s: ServerRuntime): number {
  return values.get(s) ?? s.config.check.rise ?? 2;
}

/** Records an administrative change of a server; servers with health checks keep their own health. */
export function noteUncheckedHealth(s: ServerRuntime, event: UncheckedEvent): void {
  if (s.checks?.cfg.check) return;
  const rise = s.config.check.rise ?? 2;
  const fall = s.config.check.fall ?? 3;
  values.set(s, event === 'up' || event === 'stopping' ? rise + fall - 1 : 0);
}
