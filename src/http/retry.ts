/**
 * `retry-on`: which failures of a request send it again (HAProxy 2.6 configuration.txt
 * "retry-on"). Connection failures are retried by runtime/connect.ts; the layer-7 conditions
 * (empty or junk response, response timeout, listed statuses) by the HTTP session, which keeps a
 * copy of the request for that. Every retry, of either kind, counts against `retries`.
 */
import type { Proxy } from '../config/model.js';

export interface RetryPolicy {
  /** conn-failure: the connection could not be established (the default) */
  readonly connFailure: boolean;
  /** empty-response: the server closed without sending anything */
  readonly emptyResponse: boolean;
  /** junk-response: something that is not a complete response head (partial head, not HTTP) */
  readonly junkResponse: boolean;
  /** response-timeout: `timeout server` struck before the response head */
  readonly responseTimeout: boolean;
  /** response statuses that are retried */
  readonly statuses: ReadonlySet<number>;
  /** Any layer-7 condition: the request has to be kept (up to a buffer) to be sent again. */
  readonly l7: boolean;
}

const DEFAULT: RetryPolicy = { connFailure: true, emptyResponse: false, junkResponse: false, responseTimeout: false, statuses: new Set(), l7: false };

/** The default policy (no `retry-on`): connection failures only. */
export const NO_RETRY_ON: RetryPolicy = DEFAULT;

/** What `all-retryable-errors` stands for (0rtt-rejected has no effect here: portico sends no early data). */
const ALL_RETRYABLE = ['conn-failure', 'empty-response', 'junk-response', 'response-timeout', '0rtt-rejected', '500', '502', '503', '504'];

/** The policy of a `retry-on` keyword list (the last `retry-on` line replaces earlier ones; none: never retry). */
export function parseRetryOn(words: readonly string[] | undefined): RetryPolicy {
  if (words === undefined) return DEFAULT;
  const set = new Set<string>();
  for (const w of words) {
    if (w === 'all-retryable-errors') ALL_RETRYABLE.forEach((x) => set.add(x));
    else set.add(w);
  }
  const statuses = new Set<number>();
  for (const w of set) if (/^\d{3}$/.test(w)) statuses.add(Number(w));
  const p = {
    connFailure: set.has('conn-failure'),
    emptyResponse: set.has('empty-response'),
    junkResponse: set.has('junk-response'),
    responseTimeout: set.has('response-timeout'),
    statuses,
  };
  return { ...p, l7: p.emptyResponse || p.junkResponse || p.responseTimeout || statuses.size > 0 };
}

const cache = new WeakMap<Proxy, RetryPolicy>();

/** The retry policy of a backend's configuration, parsed once. */
export function retryPolicy(proxy: Proxy): RetryPolicy {
  let p = cache.get(proxy);
  if (p === undefined) {
    p = parseRetryOn(proxy.retryOn);
    cache.set(proxy, p);
  }
  return p;
}

/** Which layer-7 failure happened, for the policy check. */
export type L7Failure = 'empty' | 'junk' | 'timeout' | number;

export function retries(policy: RetryPolicy, failure: L7Failure): boolean {
  if (typeof failure === 'number') return policy.statuses.has(failure);
  if (failure === 'empty') return policy.emptyResponse;
  if (failure === 'junk') return policy.junkResponse;
  return policy.responseTimeout;
}
