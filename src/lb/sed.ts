/**
 * `balance sed` — a portico extension from LVS "shortest expected delay": (active + 1) × 256 / weight,
 * lowest first, ties to the first declared server. Unlike wlc it prefers a heavy idle server to a light idle one.
 */
import { createLeastLoaded } from './least-loaded.js';
import type { LbOptions, LbServerSpec } from './types.js';

export const sedKey = (served: number, weight: number): number => ((served + 1) * 256) / weight;

export function createSed(specs: readonly LbServerSpec[], options: LbOptions = {}) {
  return createLeastLoaded({ name: 'sed', eweight: (w) => w, key: (s) => sedKey(s.served, s.eweight), ties: 'declaration' }, specs, options);
}
