/**
 * `show servers conn [<backend>]`: each server's connection figures in HAProxy 2.6's layout:
 * connections in use (now and at most), idle ones kept for reuse (all "safe" here: portico keeps
 * them per server, not per client), the idle limit (`pool-max-conn`, -1 without) and the idle
 * connections per thread (one thread).
 */
import type { BackendRuntime } from '../runtime/backend.js';
import type { Runtime } from '../runtime/runtime.js';
import type { ServerRuntime } from '../runtime/server.js';

const HEADER =
  '# bkname/svname bkid/svid addr port - purge_delay used_cur used_max need_est unsafe_nb safe_nb idle_lim idle_cur idle_per_thr[1]\n';

/** pool-purge-delay when not set, in ms. */
const DEFAULT_PURGE_DELAY = 5000;

function numberOption(s: ServerRuntime, name: string): number | undefined {
  const v = s.config.extra[name];
  return typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined;
}

function line(be: BackendRuntime, s: ServerRuntime): string {
  const t = s.target;
  const addr = t.kind === 'unix' ? t.path : t.host;
  const port = t.kind === 'unix' ? 0 : (t.port ?? 0);
  const idle = s.idle.length;
  const purge = numberOption(s, 'pool-purge-delay') ?? DEFAULT_PURGE_DELAY;
  const limit = numberOption(s, 'pool-max-conn') ?? -1;
  return [
    `${be.name}/${s.name}`, `${be.id}/${s.id}`, addr, port, '-', purge,
    // The estimate of connections needed follows the most used at once, as HAProxy's settles.
    s.counters.curSess, s.counters.maxSess, s.counters.maxSess, 0, idle, limit, idle, idle,
  ].join(' ') + '\n';
}

export function showServersConn(rt: Runtime, backend: string | undefined): string {
  const list = [...rt.backends.values()];
  const chosen = backend ? list.filter((b) => b.name === backend) : list;
  if (backend && chosen.length === 0) return "Can't find backend.\n";
  let out = HEADER;
  for (const be of chosen) for (const s of be.servers) out += line(be, s);
  return out;
}
