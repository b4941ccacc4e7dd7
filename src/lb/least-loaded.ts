/**
 * The frame of the "fewest connections" algorithms (leastconn, wlc, sed, nq): usable servers sit in a
 * heap ordered by a load key computed from their connections and weight; a server moves only when its key
 * changes, on takeConn/releaseConn. pick() reads the top in O(1) and changes nothing, so the engine must
 * call takeConn right after it.
 */
import { ServerHeap } from './heap.js';
import { Pool } from './pool.js';
import type { ServerState } from './server-state.js';
import { checkWeight } from './server-state.js';
import type { LbAlgorithm, LbOptions, LbServerSpec } from './types.js';

export interface LoadRule {
  name: string;
  /** effective weight from the user weight */
  eweight(uweight: number): number;
  /** load key of a usable server: lower is picked first */
  key(s: ServerState): number;
  /** equal keys: 'insertion' = the server that reached this load first (HAProxy), 'declaration' = list order (LVS) */
  ties: 'insertion' | 'declaration';
}

export function createLeastLoaded(rule: LoadRule, specs: readonly LbServerSpec[], options: LbOptions = {}) {
  const pool = new Pool(specs, options, (s) => rule.eweight(s.uweight));
  const act = new ServerHeap();
  const bck = new ServerHeap();
  const heapOf = (s: ServerState) => (s.backup ? bck : act);
  const enqueue = (s: ServerState): void => {
    if (rule.ties === 'insertion') heapOf(s).insert(s, rule.key(s));
    else heapOf(s).insert(s, rule.key(s), s.index);
  };
  const reposition = (s: ServerState): void => {
    const h = heapOf(s);
    if (!h.has(s)) return;
    if (s.key === rule.key(s)) return;
    h.remove(s);
    enqueue(s);
  };
  for (const s of pool.servers) if (s.usable) enqueue(s);

  /** Rare path: the best server is full or to be avoided; walk the rest in load order. */
  const slowPick = (h: ServerHeap, avoid: ServerState | undefined): ServerState | undefined => {
    let avoided: ServerState | undefined;
    for (const s of h.sorted()) {
      if (s.full) continue;
      if (s !== avoid) return s;
      avoided = s;
    }
    return avoided;
  };

  return {
    name: rule.name,
    dynamic: true,
    servers: pool.servers,
    pick(_req, avoid) {
      let h: ServerHeap;
      if (pool.srvAct) h = act;
      else if (pool.fbck) return pool.fbck;
      else if (pool.srvBck) h = bck;
      else return undefined;
      const top = h.first();
      if (top && !top.full && top !== avoid) return top;
      return slowPick(h, avoid === undefined ? undefined : pool.own(avoid));
    },
    serverUp(x) {
      const s = pool.own(x);
      if (s.up) return;
      s.up = true;
      if (s.usable) enqueue(s);
      pool.recount();
    },
    serverDown(x) {
      const s = pool.own(x);
      if (!s.up) return;
      s.up = false;
      heapOf(s).remove(s);
      pool.recount();
    },
    setWeight(x, weight) {
      const s = pool.own(x);
      const err = checkWeight(weight);
      if (err) return err;
      heapOf(s).remove(s);
      s.uweight = weight;
      s.eweight = rule.eweight(weight);
      if (s.usable) enqueue(s);
      pool.recount();
      return undefined;
    },
    takeConn(x) {
      const s = pool.own(x);
      s.served++;
      reposition(s);
    },
    releaseConn(x) {
      const s = pool.own(x);
      if (s.served > 0) s.served--;
      reposition(s);
    },
  } satisfies LbAlgorithm;
}
