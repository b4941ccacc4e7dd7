/**
 * What the hash-based algorithms need from a server table: find the server for a hash, fall back to
 * round robin when the request carries no key, and follow server state and weight changes.
 * Two tables implement it: the static map (`hash-type map-based`) and the consistent-hash ring.
 */
import type { Pool } from './pool.js';
import type { ServerState } from './server-state.js';

export interface HashLookup {
  readonly pool: Pool;
  /** whether weight changes apply on the fly */
  readonly dynamic: boolean;
  byHash(hash: number, avoid?: ServerState): ServerState | undefined;
  roundRobin(avoid?: ServerState): ServerState | undefined;
  serverUp(s: ServerState): void;
  serverDown(s: ServerState): void;
  setWeight(s: ServerState, weight: number): string | undefined;
}
