/** `balance static-rr`: walks HAProxy's static weighted map; weights can only be set to 0 or back to the initial value. */
import { createStaticMap } from './static-map.js';
import type { LbAlgorithm, LbOptions, LbServerSpec } from './types.js';

export function createStaticRr(specs: readonly LbServerSpec[], options: LbOptions = {}) {
  const map = createStaticMap(specs, options);
  const pool = map.pool;
  return {
    name: 'static-rr',
    dynamic: false,
    servers: pool.servers,
    pick: (_req, avoid) => map.roundRobin(avoid === undefined ? undefined : pool.own(avoid)),
    serverUp: (s) => map.serverUp(pool.own(s)),
    serverDown: (s) => map.serverDown(pool.own(s)),
    setWeight: (s, w) => map.setWeight(pool.own(s), w),
    takeConn(s) {
      pool.own(s).served++;
    },
    releaseConn(s) {
      const x = pool.own(s);
      if (x.served > 0) x.served--;
    },
  } satisfies LbAlgorithm;
}
