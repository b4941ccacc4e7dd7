/**
 * `balance url_param NAME [check_post]`: the value of a query-string parameter picks the server; with
 * check_post, a POST body is searched when the query string lacks it. No value: round robin.
 */
import type { HashTypeConfig } from './config.js';
import { createHashed } from './hashed.js';
import { hashString, makeHasher, postParamValue, urlParamValue } from './hash-keys.js';
import { createTable } from './table.js';
import type { LbOptions, LbServerSpec } from './types.js';

export function createUrlParam(
  cfg: { param: string; checkPost: boolean },
  hashType: HashTypeConfig,
  specs: readonly LbServerSpec[],
  options: LbOptions = {},
) {
  const hasher = makeHasher(hashType);
  return createHashed('url_param', createTable(hashType, specs, options), (req) => {
    const head = req.head;
    if (head === undefined) return undefined;
    let v = urlParamValue(head.uri, cfg.param);
    if (v === undefined && cfg.checkPost && head.method === 'POST') {
      const body = req.body?.();
      if (body !== undefined) v = postParamValue(body, cfg.param);
    }
    return v === undefined ? undefined : hashString(hasher, v);
  });
}
