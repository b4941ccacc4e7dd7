/**
 * The frame shared by the hash-based algorithms (source, uri, url_param, hdr, rdp-cookie, hash):
 * a request's hash picks the server through the map or the ring; a request without a key falls back to
 * round robin on the same table, as HAProxy does.
 */
import type { HashLookup } from './lookup.js';
import type { LbAlgorithm, LbRequest } from './types.js';

export function createHashed(name: string, lookup: HashLookup, hashOf: (req: LbRequest) => number | undefined) {
  const pool = lookup.pool;
  return {
    name,
    dynamic: lookup.dynamic,
    servers: pool.servers,
    pick(req, avoid) {
      if (pool.totWeight === 0) return undefined;
      const a = avoid === undefined ? undefined : pool.own(avoid);
      // With a single server left there is nothing to hash (HAProxy skips it too).
      const h = pool.totUsed === 1 ? 0 : hashOf(req);
      return h === undefined ? lookup.roundRobin(a) : lookup.byHash(h, a);
    },
    serverUp: (s) => lookup.serverUp(pool.own(s)),
    serverDown: (s) => lookup.serverDown(pool.own(s)),
    setWeight: (s, w) => lookup.setWeight(pool.own(s), w),
    takeConn(s) {
      pool.own(s).served++;
    },
    releaseConn(s) {
      const x = pool.own(s);
      if (x.served > 0) x.served--;
    },
  } satisfies LbAlgorithm;
}
