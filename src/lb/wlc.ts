/**
 * `balance wlc` — a portico extension from the Linux Virtual Server "weighted least-connection" scheduler:
 * overhead = (active × 256 + inactive) / weight, lowest first, ties to the first declared server.
 * A proxy has no inactive (TIME_WAIT) connections, so inactive is 0.
 */
import { createLeastLoaded } from './least-loaded.js';
import type { LbOptions, LbServerSpec } from './types.js';

export function createWlc(specs: readonly LbServerSpec[], options: LbOptions = {}) {
  return createLeastLoaded({ name: 'wlc', eweight: (w) => w, key: (s) => (s.served * 256) / s.eweight, ties: 'declaration' }, specs, options);
}
