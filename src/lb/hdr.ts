/**
 * `balance hdr(NAME) [use_domain_only]`: the first value of a request header picks the server;
 * use_domain_only keeps only the main domain label of a Host-like value. No header or an empty
 * one: round robin.
 */
import type { HashTypeConfig } from './config.js';
import { createHashed } from './hashed.js';
import { firstHeaderValue, hashString, mainDomain, makeHasher } from './hash-keys.js';
import { createTable } from './table.js';
import type { LbOptions, LbServerSpec } from './types.js';

export function createHdr(
  cfg: { header: string; useDomainOnly: boolean },
  hashType: HashTypeConfig,
  specs: readonly LbServerSpec[],
  options: LbOptions = {},
) {
  const hasher = makeHasher(hashType);
  const name = cfg.header.toLowerCase();
  return createHashed('hdr', createTable(hashType, specs, options), (req) => {
    if (req.head === undefined) return undefined;
    const v = firstHeaderValue(req.head.headers, name);
    // An absent header or one without a value: round robin, as HAProxy's get_server_hh.
    if (v === undefined || v === '') return undefined;
    return hashString(hasher, cfg.useDomainOnly ? mainDomain(v) : v);
  });
}
