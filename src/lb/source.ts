/** `balance source`: the client address picks the server (see sourceHash for what is hashed). */
import type { HashTypeConfig } from './config.js';
import { createHashed } from './hashed.js';
import { sourceHash } from './hash-keys.js';
import { createTable } from './table.js';
import type { LbOptions, LbServerSpec } from './types.js';

export function createSource(hashType: HashTypeConfig, specs: readonly LbServerSpec[], options: LbOptions = {}) {
  return createHashed('source', createTable(hashType, specs, options), (req) =>
    req.src === undefined ? undefined : sourceHash(req.src, hashType.avalanche),
  );
}
