/**
 * Sample values: what fetches produce, converters transform and match methods compare.
 * The type names follow HAProxy's (section 7.3 of its manual).
 */
import type { Ip } from './ip.js';

export type SampleType = 'bool' | 'int' | 'ip' | 'str' | 'bin' | 'meth';

export type Sample =
  | { type: 'bool'; value: boolean }
  | { type: 'int'; value: number }
  | { type: 'ip'; value: Ip }
  | { type: 'str'; value: string }
  | { type: 'bin'; value: Buffer }
  /** An HTTP method; kept apart from str because method matching has its own rules. */
  | { type: 'meth'; value: string };

/**
 * Where a rule runs. Each fetch declares the capabilities it needs and each usage provides some,
 * so that `status` in an http-request rule is caught at config time.
 */
export type Usage =
  | 'tcp-conn'
  | 'tcp-session'
  | 'tcp-content'
  | 'tcp-res'
  | 'http-req'
  | 'http-res'
  | 'after-res'
  /** Anywhere, for expressions not tied to a rule (tests, the Runtime API). */
  | 'any';

/** What a fetch needs from the stream. */
export type Capability =
  /** Addresses and ports of the connection, constants, variables, proxy states: always available. */
  | 'l4'
  /** TLS session facts (ssl_fc, ssl_fc_sni): after the handshake. */
  | 'l5'
  /** Raw request bytes in tcp mode. */
  | 'req-payload'
  /** Raw response bytes in tcp mode. */
  | 'res-payload'
  /** The HTTP request head. */
  | 'http-req'
  /** Facts about the HTTP transaction kept after the request (method). */
  | 'http-txn'
  /** The HTTP response head. */
  | 'http-res';

const PROVIDES: Record<Usage, ReadonlySet<Capability>> = {
  'tcp-conn': new Set(['l4']),
  'tcp-session': new Set(['l4', 'l5']),
  'tcp-content': new Set(['l4', 'l5', 'req-payload', 'http-req', 'http-txn']),
  'tcp-res': new Set(['l4', 'l5', 'res-payload']),
  'http-req': new Set(['l4', 'l5', 'req-payload', 'http-req', 'http-txn']),
  'http-res': new Set(['l4', 'l5', 'res-payload', 'http-txn', 'http-res']),
  'after-res': new Set(['l4', 'l5', 'http-txn', 'http-res']),
  any: new Set(['l4', 'l5', 'req-payload', 'res-payload', 'http-req', 'http-txn', 'http-res']),
};

export function usageProvides(usage: Usage, cap: Capability): boolean {
  return PROVIDES[usage].has(cap);
}

/** True for the usages that run on the response side (direction-dependent fetches like `hdr`). */
export function isResponseUsage(usage: Usage): boolean {
  return usage === 'tcp-res' || usage === 'http-res' || usage === 'after-res';
}

/** HAProxy's wording for a capability in "needs '...' which is not available here". */
export const CAPABILITY_TEXT: Record<Capability, string> = {
  l4: 'internal states',
  l5: 'Layer 5 information',
  'req-payload': 'request buffer',
  'res-payload': 'response buffer',
  'http-req': 'HTTP request headers',
  'http-txn': 'HTTP transaction',
  'http-res': 'HTTP response',
};

/** HAProxy's wording for a usage in "incompatible with 'frontend http-request header rule'". */
export function usageText(usage: Usage, proxy: 'frontend' | 'backend' = 'frontend'): string {
  switch (usage) {
    case 'tcp-conn':
      return `${proxy} tcp-request connection rule`;
    case 'tcp-session':
      return `${proxy} tcp-request session rule`;
    case 'tcp-content':
      return `${proxy} tcp-request content rule`;
    case 'tcp-res':
      return `${proxy} tcp-response content rule`;
    case 'http-req':
      return `${proxy} http-request header rule`;
    case 'http-res':
      return `${proxy} http-response header rule`;
    case 'after-res':
      return `${proxy} http-after-response rule`;
    case 'any':
      return 'any rule';
  }
}

export interface Where {
  file: string;
  line: number;
}
