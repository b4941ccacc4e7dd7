/**
 * `balance nq` — a portico extension from LVS "never queue": an idle server if there is one (first declared),
 * otherwise the shortest expected delay (see sed).
 */
import { createLeastLoaded } from './least-loaded.js';
import { sedKey } from './sed.js';
import type { LbOptions, LbServerSpec } from './types.js';

export function createNq(specs: readonly LbServerSpec[], options: LbOptions = {}) {
  // sed keys of busy servers are at least 2 × 256 / 256 = 2 > 0, so 0 sorts every idle server first.
  return createLeastLoaded(
    { name: 'nq', eweight: (w) => w, key: (s) => (s.served === 0 ? 0 : sedKey(s.served, s.eweight)), ties: 'declaration' },
    specs,
    options,
  );
}
