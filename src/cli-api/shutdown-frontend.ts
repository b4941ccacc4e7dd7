/**
 * `shutdown frontend <frontend>`: the frontend stops for good, as HAProxy's stop_proxy(): its
 * listeners close, its status becomes STOP, `enable`/`disable frontend` refuse it afterwards
 * (they read the same `disabled` flag a proxy disabled in the configuration has), and the
 * process says "Proxy <name> stopped (cumulated conns: FE: n, BE: m).".
 */
import { findFrontend } from '../runtime/admin.js';
import { pauseListener } from '../runtime/listeners.js';
import type { Runtime } from '../runtime/runtime.js';

export async function shutdownFrontend(rt: Runtime, name: string | undefined): Promise<string> {
  if (!name) return 'A frontend name is expected.\n';
  const fe = findFrontend(rt, name);
  if (!fe) return 'No such frontend.\n';
  if (fe.config.disabled) return 'Frontend was already shut down.\n';
  for (const l of rt.listeners.filter((x) => x.proxy === fe.config)) await pauseListener(l);
  fe.config.disabled = true;
  const be = rt.backends.get(fe.name)?.counters.cumSess ?? 0;
  rt.options.log?.('warning', `Proxy ${fe.name} stopped (cumulated conns: FE: ${fe.counters.cumConn}, BE: ${be}).`);
  return '';
}
