/**
 * `balance random[(draws)]`: draws random points on the consistent-hash ring (so weights count) and
 * keeps the least loaded of the drawn servers relative to its weight ("power of N choices", N = 2 by
 * default). A server that is full is not returned, so the request waits in the backend queue.
 */
import { createChashRing } from './chash-ring.js';
import type { ServerState } from './server-state.js';
import type { LbAlgorithm, LbOptions, LbServerSpec } from './types.js';

const defaultRandom32 = (): number => (Math.random() * 0x100000000) >>> 0;

export function createRandom(cfg: { draws: number }, specs: readonly LbServerSpec[], options: LbOptions = {}) {
  const ring = createChashRing(specs, options);
  const pool = ring.pool;
  const random32 = options.random32 ?? defaultRandom32;
  const draws = Math.max(1, cfg.draws);
  return {
    name: 'random',
    dynamic: true,
    servers: pool.servers,
    pick(_req, avoid) {
      const a = avoid === undefined ? undefined : pool.own(avoid);
      let best: ServerState | undefined;
      for (let i = 0; i < draws; i++) {
        const s = ring.byHash(random32(), a);
        if (!s) break;
        // The new draw wins unless it serves more connections per unit of weight than the earlier one.
        if (!best || s.served * best.eweight <= best.served * s.eweight) best = s;
      }
      return best && !best.full ? best : undefined;
    },
    serverUp: (s) => ring.serverUp(pool.own(s)),
    serverDown: (s) => ring.serverDown(pool.own(s)),
    setWeight: (s, w) => ring.setWeight(pool.own(s), w),
    takeConn(s) {
      pool.own(s).served++;
    },
    releaseConn(s) {
      const x = pool.own(s);
      if (x.served > 0) x.served--;
    },
  } satisfies LbAlgorithm;
}
