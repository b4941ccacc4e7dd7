/** `balance rdp-cookie[(NAME)]`: the RDP cookie (mstshash by default) picks the server. None or empty: round robin. */
import type { HashTypeConfig } from './config.js';
import { createHashed } from './hashed.js';
import { hashString, makeHasher } from './hash-keys.js';
import { createTable } from './table.js';
import type { LbOptions, LbServerSpec } from './types.js';

export function createRdpCookie(cfg: { cookie: string }, hashType: HashTypeConfig, specs: readonly LbServerSpec[], options: LbOptions = {}) {
  const hasher = makeHasher(hashType);
  return createHashed('rdp-cookie', createTable(hashType, specs, options), (req) => {
    const v = req.rdpCookie?.(cfg.cookie);
    return v ? hashString(hasher, v) : undefined;
  });
}
