/**
 * HAProxy's static server map (lb_map): an array with one slot per unit of weight, filled so that servers
 * are spread evenly and the first declared server comes first. `static-rr` walks it; map-based hashing
 * indexes it with hash % total_weight. Weights are divided by their greatest common divisor to keep the
 * map small, which also decides which slot a hash lands on. The map is rebuilt only after a state change.
 */
import type { HashLookup } from './lookup.js';
import { Pool } from './pool.js';
import type { ServerState } from './server-state.js';
import { checkWeight, STATIC_WEIGHT_ERROR } from './server-state.js';
import type { LbOptions, LbServerSpec } from './types.js';

function gcdOfWeights(weights: number[]): number {
  let g = 0;
  for (const w of weights) {
    let a = w;
    let b = g;
    while (b) [a, b] = [b, a % b];
    g = a;
  }
  return g || 1;
}

export function createStaticMap(specs: readonly LbServerSpec[], options: LbOptions = {}): HashLookup {
  const gcd = gcdOfWeights(specs.map((s) => Math.max(0, Math.min(256, Math.trunc(s.weight ?? 1)))));
  const eweightOf = (uweight: number) => Math.ceil(uweight / gcd);
  const pool = new Pool(specs, options, (s) => eweightOf(s.uweight));
  let map: ServerState[] = [];
  let stale = true;
  let rrIdx = 0;

  const rebuild = (): void => {
    stale = false;
    const tot = pool.totWeight;
    map = new Array<ServerState>(tot);
    if (pool.totUsed === 0) return;
    const backups = pool.usingBackups;
    const candidates = pool.servers.filter((s) => s.usable && s.backup === backups);
    for (const s of candidates) s.wscore = 0;
    for (let o = 0; o < tot; o++) {
      let best: ServerState | undefined;
      let max = 0;
      for (const s of candidates) {
        if (tot === 1) {
          best = s;
          break;
        }
        s.wscore += s.eweight;
        const v = Math.floor((s.wscore + tot) / tot);
        if (best === undefined || v > max) {
          max = v;
          best = s;
        }
      }
      map[o] = best!;
      best!.wscore -= tot;
    }
  };

  const changed = (): void => {
    pool.recount();
    stale = true;
  };

  return {
    pool,
    dynamic: false,
    byHash(hash) {
      if (pool.totWeight === 0) return undefined;
      if (stale) rebuild();
      return map[hash % pool.totWeight];
    },
    roundRobin(avoid) {
      const tot = pool.totWeight;
      if (tot === 0) return undefined;
      if (stale) rebuild();
      if (rrIdx < 0 || rrIdx >= tot) rrIdx = 0;
      let idx = rrIdx;
      let avoided: ServerState | undefined;
      let avoidedIdx = 0;
      do {
        const s = map[idx++]!;
        if (!s.full) {
          avoided = s;
          avoidedIdx = idx;
          if (s !== avoid) {
            rrIdx = idx;
            return s;
          }
        }
        if (idx === tot) idx = 0;
      } while (idx !== rrIdx);
      if (avoided) rrIdx = avoidedIdx;
      return avoided;
    },
    serverUp(s) {
      if (s.up) return;
      s.up = true;
      changed();
    },
    serverDown(s) {
      if (!s.up) return;
      s.up = false;
      changed();
    },
    setWeight(s, weight) {
      const err = checkWeight(weight);
      if (err) return err;
      if (weight !== 0 && weight !== s.iweight) return STATIC_WEIGHT_ERROR;
      s.uweight = weight;
      s.eweight = eweightOf(weight);
      changed();
      return undefined;
    },
  };
}
