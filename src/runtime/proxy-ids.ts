/**
 * Proxy ids as HAProxy 2.6 numbers them (the iid column, be_id / fe_id, `show servers state`):
 * in declaration order, an explicit `id` is kept, the others take the first free id from a counter
 * that moves on by one for every proxy. The CLI's own "GLOBAL" frontend comes first when the
 * global section has stats keywords; defaults sections take no id.
 */
import type { Config, Proxy } from '../config/model.js';

export function proxyIds(config: Config): Map<Proxy, number> {
  const proxies = config.proxies.filter((p) => p.kind !== 'defaults');
  const used = new Set<number>(proxies.flatMap((p) => (p.id !== undefined ? [p.id] : [])));
  const g = config.global;
  const cliFrontend = g.statsSockets.length > 0 || g.statsTimeout !== undefined || g.statsMaxconn !== undefined;
  let next = 1;
  if (cliFrontend) {
    while (used.has(next)) next++;
    used.add(next++);
  }
  const out = new Map<Proxy, number>();
  for (const p of proxies) {
    if (p.id !== undefined) out.set(p, p.id);
    else {
      while (used.has(next)) next++;
      used.add(next);
      out.set(p, next);
    }
    next++;
  }
  return out;
}
