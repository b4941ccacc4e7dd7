/**
 * The load-balancing algorithms behind one interface. The config layer parses `balance` and `hash-type`
 * with parseBalance/parseHashType; the engine builds one LbAlgorithm per backend with createLb and calls
 * pick() per request, takeConn/releaseConn around each connection, serverUp/serverDown from health checks
 * and setWeight from the Runtime API.
 */
import type { BalanceConfig, HashTypeConfig } from './config.js';
import { DEFAULT_HASH_TYPE } from './config.js';
import { createFirst } from './first.js';
import { createHashExpr } from './hash-expr.js';
import { createHdr } from './hdr.js';
import { createLeastconn } from './leastconn.js';
import { createNq } from './nq.js';
import { createRandom } from './random.js';
import { createRdpCookie } from './rdp-cookie.js';
import { createRoundRobin } from './roundrobin.js';
import { createSed } from './sed.js';
import { createSource } from './source.js';
import { createStaticRr } from './static-rr.js';
import { createUri } from './uri.js';
import { createUrlParam } from './url-param.js';
import { createWlc } from './wlc.js';
import type { LbAlgorithm, LbOptions, LbServerSpec } from './types.js';

export type { LbAlgorithm, LbOptions, LbRequest, LbServer, LbServerSpec } from './types.js';
export type { BalanceAlgorithm, BalanceConfig, HashTypeConfig, Parsed } from './config.js';
export { BALANCE_ALGORITHMS, DEFAULT_HASH_TYPE, HAPROXY_ALGORITHMS, LVS_ALGORITHMS, parseBalance, parseHashType } from './config.js';
export type { HashFunctionName } from './hash.js';

export function createLb(
  config: BalanceConfig,
  hashType: HashTypeConfig = DEFAULT_HASH_TYPE,
  servers: readonly LbServerSpec[],
  options: LbOptions = {},
): LbAlgorithm {
  switch (config.algorithm) {
    case 'roundrobin':
      return createRoundRobin(servers, options);
    case 'static-rr':
      return createStaticRr(servers, options);
    case 'leastconn':
      return createLeastconn(servers, options);
    case 'first':
      return createFirst(servers, options);
    case 'source':
      return createSource(hashType, servers, options);
    case 'uri':
      return createUri(config, hashType, servers, options);
    case 'url_param':
      return createUrlParam(config, hashType, servers, options);
    case 'hdr':
      return createHdr(config, hashType, servers, options);
    case 'rdp-cookie':
      return createRdpCookie(config, hashType, servers, options);
    case 'hash':
      return createHashExpr(hashType, servers, options);
    case 'random':
      return createRandom(config, servers, options);
    case 'wlc':
      return createWlc(servers, options);
    case 'sed':
      return createSed(servers, options);
    case 'nq':
      return createNq(servers, options);
  }
}
