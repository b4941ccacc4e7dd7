/**
 * `balance hash <expr>`: the engine evaluates the sample expression and hands the result over as
 * LbRequest.hashKey; its bytes are hashed with the configured function. No value: round robin.
 */
import type { HashTypeConfig } from './config.js';
import { createHashed } from './hashed.js';
import { hashString, makeHasher } from './hash-keys.js';
import { createTable } from './table.js';
import type { LbOptions, LbServerSpec } from './types.js';

export function createHashExpr(hashType: HashTypeConfig, specs: readonly LbServerSpec[], options: LbOptions = {}) {
  const hasher = makeHasher(hashType);
  return createHashed('hash', createTable(hashType, specs, options), (req) => {
    const k = req.hashKey?.();
    if (k === undefined) return undefined;
    return typeof k === 'string' ? hashString(hasher, k) : hasher(k);
  });
}
