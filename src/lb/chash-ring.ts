/**
 * HAProxy's consistent-hash table (lb_chash): every server owns weight × 16 points on a 32-bit ring,
 * at avalanche(id × 4096 + n), so a server's points depend only on its id and weight. A hash goes to
 * the closest point (the earlier one on a tie). Taking a server out removes only its points, so only the
 * keys it owned move. Lookups are a binary search; the ring is rebuilt on state or weight changes.
 */
import { avalanche } from './hash.js';
import type { HashLookup } from './lookup.js';
import { Pool } from './pool.js';
import type { ServerState } from './server-state.js';
import { checkWeight } from './server-state.js';
import type { LbOptions, LbServerSpec } from './types.js';
import { WEIGHT_SCALE, MAX_WEIGHT } from './types.js';

const POINTS_RANGE = MAX_WEIGHT * WEIGHT_SCALE;

class Ring {
  keys = new Uint32Array(0);
  owners: ServerState[] = [];

  build(servers: ServerState[]): void {
    const points: Array<[number, ServerState]> = [];
    for (const s of servers) {
      for (let n = 0; n < s.eweight; n++) points.push([avalanche((s.id * POINTS_RANGE + n) >>> 0), s]);
    }
    points.sort((a, b) => a[0] - b[0]);
    this.keys = Uint32Array.from(points, (p) => p[0]);
    this.owners = points.map((p) => p[1]);
  }

  /** index of the first point with key >= hash, or keys.length */
  lowerBound(hash: number): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keys[mid]! < hash) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

export function createChashRing(specs: readonly LbServerSpec[], options: LbOptions = {}): HashLookup {
  const pool = new Pool(specs, options, (s) => s.uweight * WEIGHT_SCALE);
  const act = new Ring();
  const bck = new Ring();
  /** the ring point where the round-robin fallback stopped last */
  let last = -1;
  let lastKey = 0;

  const rebuild = (): void => {
    pool.recount();
    act.build(pool.servers.filter((s) => s.usable && !s.backup));
    bck.build(pool.servers.filter((s) => s.usable && s.backup));
    if (last >= 0) last = Math.min(current()?.lowerBound(lastKey) ?? -1, (current()?.keys.length ?? 0) - 1);
  };

  /** The ring in use, or undefined when none (or when the first backup alone serves). */
  const current = (): Ring | undefined => (pool.srvAct ? act : pool.fbck ? undefined : pool.srvBck ? bck : undefined);

  rebuild();

  return {
    pool,
    dynamic: true,
    byHash(hash, avoid) {
      if (!pool.srvAct && pool.fbck) return pool.fbck;
      const ring = current();
      if (!ring || ring.keys.length === 0) return undefined;
      const n = ring.keys.length;
      let next = ring.lowerBound(hash);
      if (next === n) next = 0;
      const prev = next === 0 ? n - 1 : next - 1;
      // Unsigned distances on the ring to the points after and before the hash.
      const dp = (hash - ring.keys[prev]!) >>> 0;
      const dn = (ring.keys[next]! - hash) >>> 0;
      let i = dp <= dn ? prev : next;
      // A redispatch walks on to the next point owned by another server.
      for (let steps = 0; avoid && ring.owners[i] === avoid && steps < n; steps++) i = i + 1 === n ? 0 : i + 1;
      return ring.owners[i];
    },
    roundRobin(avoid) {
      if (!pool.srvAct && pool.fbck) return pool.fbck;
      const ring = current();
      if (!ring || ring.keys.length === 0) return undefined;
      const n = ring.keys.length;
      let avoided: ServerState | undefined;
      let avoidedAt = -1;
      let i = last;
      for (let steps = 0; steps < n; steps++) {
        i = i + 1 >= n ? 0 : i + 1;
        const s = ring.owners[i]!;
        if (!s.full) {
          if (s !== avoid) {
            last = i;
            lastKey = ring.keys[i]!;
            return s;
          }
          avoided = s;
          avoidedAt = i;
        }
      }
      if (avoided) {
        last = avoidedAt;
        lastKey = ring.keys[avoidedAt]!;
      }
      return avoided;
    },
    serverUp(s) {
      if (s.up) return;
      s.up = true;
      rebuild();
    },
    serverDown(s) {
      if (!s.up) return;
      s.up = false;
      rebuild();
    },
    setWeight(s, weight) {
      const err = checkWeight(weight);
      if (err) return err;
      s.uweight = weight;
      s.eweight = weight * WEIGHT_SCALE;
      rebuild();
      return undefined;
    },
  };
}
