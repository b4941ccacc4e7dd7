/**
 * The contract between the load-balancing algorithms and the engine that calls them.
 * Algorithms are pure in-process state machines: no sockets, no timers.
 */
import type { HttpRequestHead } from '../http/message.js';

/** HAProxy scales user weights (0..256) by 16 for the dynamic algorithms (BE_WEIGHT_SCALE). */
export const WEIGHT_SCALE = 16;
export const MAX_WEIGHT = 256;

/** What the engine declares about one server of a backend. */
export interface LbServerSpec {
  /** HAProxy's numeric id (`id` keyword); defaults to the 1-based position. Consistent hashing uses it. */
  id?: number;
  name: string;
  /** configured weight 0..256, default 1 */
  weight?: number;
  backup?: boolean;
  /** false when the server starts down (e.g. `disabled`, or health checks not yet passed) */
  up?: boolean;
  /** 0 = unlimited */
  maxconn?: number;
}

/** Live state of one server, owned by the algorithm; change it only through LbAlgorithm's methods. */
export interface LbServer {
  /** position in the list given to the algorithm (the engine's own array index) */
  readonly index: number;
  readonly id: number;
  readonly name: string;
  readonly backup: boolean;
  /** configured weight (HAProxy's initial weight, `iweight`) */
  readonly iweight: number;
  /** current user weight 0..256 (`uweight`, changed by setWeight) */
  readonly uweight: number;
  /** effective weight the algorithm works with (uweight × 16 for dynamic algorithms, uweight / gcd for map-based) */
  readonly eweight: number;
  readonly up: boolean;
  readonly maxconn: number;
  /** connections currently held, counted by takeConn/releaseConn */
  readonly served: number;
}

/**
 * What hashing may need from a request. Everything is optional and read only by the algorithms that need it,
 * so a request costs nothing extra under roundrobin or leastconn.
 */
export interface LbRequest {
  /** client source address, "192.0.2.7" or "2001:db8::1" (an IPv4-mapped "::ffff:a.b.c.d" counts as IPv4) */
  src?: string;
  head?: HttpRequestHead;
  /** request body already buffered, for `url_param NAME check_post` */
  body?: () => string | undefined;
  /** the RDP cookie value for `rdp-cookie(NAME)` (TCP payload `Cookie: NAME=value`) */
  rdpCookie?: (name: string) => string | undefined;
  /** the evaluated sample for `balance hash <expr>` */
  hashKey?: () => string | Uint8Array | undefined;
}

export interface LbAlgorithm {
  /** the balance algorithm's name, as written after `balance` */
  readonly name: string;
  /** true when weight changes apply on the fly (HAProxy's "dynamic" algorithms) */
  readonly dynamic: boolean;
  readonly servers: readonly LbServer[];
  /**
   * The server for this request, or undefined when none is usable (or all are full, for the algorithms
   * that honour maxconn: the engine then queues). `avoid` is the server a redispatch wants to leave;
   * it is still returned when it is the only choice.
   */
  pick(req: LbRequest, avoid?: LbServer): LbServer | undefined;
  serverUp(s: LbServer): void;
  serverDown(s: LbServer): void;
  /** New user weight 0..256. Answers an error in HAProxy's wording, or undefined when applied. */
  setWeight(s: LbServer, weight: number): string | undefined;
  /** A connection to `s` was established (or assigned); releaseConn when it ends. */
  takeConn(s: LbServer): void;
  releaseConn(s: LbServer): void;
}

export interface LbOptions {
  /** `option allbackups`: balance over all backups instead of only the first usable one */
  allBackups?: boolean;
  /** random source for `random`, returning an unsigned 32-bit integer; tests pass a seeded one */
  random32?: () => number;
}
