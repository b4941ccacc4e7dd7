/**
 * The mutable state behind LbServer, with the slots each algorithm keeps per server
 * (positions for weighted round robin, heap links for leastconn, scores for the static map).
 */
import type { LbServer, LbServerSpec } from './types.js';
import { MAX_WEIGHT } from './types.js';

export class ServerState implements LbServer {
  readonly index: number;
  readonly id: number;
  readonly name: string;
  readonly backup: boolean;
  readonly iweight: number;
  uweight: number;
  eweight = 0;
  up: boolean;
  maxconn: number;
  served = 0;

  // --- ordered-heap links (heap.ts)
  /** sort key inside the heap the server is queued in */
  key = 0;
  /** insertion number: equal keys come out in insertion order, like HAProxy's ebtree duplicates */
  seq = 0;
  /** position in its heap's array, -1 when not queued */
  heapPos = -1;

  // --- weighted round robin (roundrobin.ts), HAProxy's npos/lpos/rweight
  npos = 0;
  lpos = 0;
  rweight = 0;
  /** the logical tree the server belongs to (kept while it is briefly out of the heap during a pick) */
  tree: unknown = null;
  /** chain of servers skipped during one pick because they were full or avoided */
  nextFull: ServerState | null = null;

  // --- static map (static-map.ts)
  wscore = 0;

  constructor(spec: LbServerSpec, index: number) {
    this.index = index;
    this.id = spec.id ?? index + 1;
    this.name = spec.name;
    this.backup = spec.backup ?? false;
    const w = spec.weight ?? 1;
    this.iweight = Math.max(0, Math.min(MAX_WEIGHT, Math.trunc(w)));
    this.uweight = this.iweight;
    this.up = spec.up ?? true;
    this.maxconn = spec.maxconn ?? 0;
  }

  /** HAProxy's srv_currently_usable: up and with a non-zero effective weight. */
  get usable(): boolean {
    return this.up && this.eweight > 0;
  }

  /** True when maxconn is set and reached: the server takes no new connection now. */
  get full(): boolean {
    return this.maxconn > 0 && this.served >= this.maxconn;
  }
}

export function makeServers(specs: readonly LbServerSpec[]): ServerState[] {
  return specs.map((s, i) => new ServerState(s, i));
}

/** Checks the weight given to setWeight and answers HAProxy's Runtime API wording when it is out of range. */
export function checkWeight(weight: number): string | undefined {
  if (!Number.isInteger(weight) || weight < 0 || weight > MAX_WEIGHT)
    return 'Absolute weight can only be between 0 and 256 inclusive.';
  return undefined;
}

export const STATIC_WEIGHT_ERROR = "Backend is using a static LB algorithm and only accepts weights '0%' and '100%'.";
