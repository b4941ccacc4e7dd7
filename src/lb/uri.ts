/** `balance uri [whole] [len N] [depth N] [path-only]`: the URI (or its beginning) picks the server. */
import type { HashTypeConfig } from './config.js';
import { createHashed } from './hashed.js';
import { hashString, makeHasher, uriKey, type UriKeyOptions } from './hash-keys.js';
import { createTable } from './table.js';
import type { LbOptions, LbServerSpec } from './types.js';

export function createUri(cfg: UriKeyOptions, hashType: HashTypeConfig, specs: readonly LbServerSpec[], options: LbOptions = {}) {
  const hasher = makeHasher(hashType);
  const opts: UriKeyOptions = { whole: cfg.whole, len: cfg.len, depth: cfg.depth, pathOnly: cfg.pathOnly };
  return createHashed('uri', createTable(hashType, specs, options), (req) =>
    req.head === undefined ? undefined : hashString(hasher, uriKey(req.head.uri, opts)),
  );
}
