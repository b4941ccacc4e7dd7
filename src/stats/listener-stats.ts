/**
 * The listener rows of `option socket-stats`: one per listening address of a frontend, named
 * after the bind's `name` or "sock-<id>", numbered as HAProxy numbers listeners (a bind's `id`,
 * else the next free id of the proxy in declaration order).
 */
import type { Proxy } from '../config/model.js';
import type { Listener } from '../runtime/listeners.js';
import type { ListenerStats } from './model.js';

/** The id of each listener of one proxy, in order: `id N` binds first, then 1, 2, ... skipping used ids. */
export function listenerIds(listeners: readonly Listener[]): number[] {
  const forced = listeners.map((l) => {
    const id = l.bind.extra['id'];
    return typeof id === 'string' && /^\d+$/.test(id) ? Number(id) : undefined;
  });
  const used = new Set(forced.filter((id): id is number => id !== undefined));
  let next = 1;
  return forced.map((id) => {
    if (id !== undefined) return id;
    while (used.has(next)) next++;
    used.add(next);
    return next;
  });
}

/** "unix" for UNIX sockets, else the listening address as "ip:port" / "[ipv6]:port". */
function listenerAddr(l: Listener): string {
  return l.address?.kind === 'unix' ? 'unix' : l.label;
}

/** The rows of `proxy`'s listeners, or undefined without `option socket-stats`. */
export function listenerStats(all: readonly Listener[], proxy: Proxy): ListenerStats[] | undefined {
  if (proxy.options['socket-stats'] !== true) return undefined;
  const mine = all.filter((l) => l.proxy === proxy && l.counters);
  const ids = listenerIds(mine);
  return mine.map((l, i) => {
    const id = ids[i]!;
    const maxconn = l.bind.maxconn ?? 0;
    const counters = l.counters!;
    return {
      name: l.bind.name ?? `sock-${id}`,
      id,
      addr: listenerAddr(l),
      counters,
      maxconn,
      status: maxconn > 0 && counters.curSess >= maxconn ? 'FULL' : 'OPEN',
    };
  });
}
