/**
 * `balance leastconn` (HAProxy's lb_fwlc): an idle server has load 0, a busy one (n+1) × 4096 / (weight × 16)
 * for n connections. Among equal loads the server that reached that load first wins, which makes
 * servers of equal load take turns.
 */
import { createLeastLoaded } from './least-loaded.js';
import type { LbOptions, LbServerSpec } from './types.js';
import { MAX_WEIGHT, WEIGHT_SCALE } from './types.js';

const SCALE = MAX_WEIGHT * WEIGHT_SCALE;

export function createLeastconn(specs: readonly LbServerSpec[], options: LbOptions = {}) {
  return createLeastLoaded(
    {
      name: 'leastconn',
      eweight: (w) => w * WEIGHT_SCALE,
      key: (s) => (s.served ? Math.floor(((s.served + 1) * SCALE) / s.eweight) : 0),
      ties: 'insertion',
    },
    specs,
    options,
  );
}
