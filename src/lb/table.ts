/** Chooses the server table for the hash-based algorithms from `hash-type`. */
import { createChashRing } from './chash-ring.js';
import type { HashTypeConfig } from './config.js';
import type { HashLookup } from './lookup.js';
import { createStaticMap } from './static-map.js';
import type { LbOptions, LbServerSpec } from './types.js';

export function createTable(hashType: HashTypeConfig, specs: readonly LbServerSpec[], options: LbOptions): HashLookup {
  return hashType.method === 'consistent' ? createChashRing(specs, options) : createStaticMap(specs, options);
}
