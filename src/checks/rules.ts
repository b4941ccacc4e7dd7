/**
 * The one rule list every check kind compiles to: connect / send / expect.
 * The runner (runner.ts) executes it; kinds.ts builds it for each kind.
 */
import type { CheckStatus } from './status.js';

/** Info text for a log line: fixed, or computed from the bytes received so far. */
export type InfoSource = string | ((received: Buffer) => string);

export interface ConnectRule {
  type: 'connect';
  port?: number;
  addr?: string;
  sendProxy?: boolean;
  ssl?: boolean;
  sni?: string;
  alpn?: string;
  linger?: boolean;
  /** `default`: take send-proxy/ssl from the server line. */
  useServerDefaults?: boolean;
  /** Added by the compiler, not written by the user (step 0 in messages). */
  implicit?: boolean;
  comment?: string;
}

export interface HttpRequestSpec {
  method: string;
  uri: string;
  version: string;
  headers: Array<[string, string]>;
  body?: string;
}

export interface SendRule {
  type: 'send';
  /** Raw bytes for tcp-check kinds; an HTTP request for http-check; a function for bytes built at send time. */
  data: Buffer | HttpRequestSpec | (() => Buffer);
  comment?: string;
}

export type HeaderMatchMethod = 'str' | 'beg' | 'end' | 'sub' | 'reg';

export type ExpectMatch =
  | { kind: 'string'; value: Buffer }
  | { kind: 'rstring'; re: RegExp }
  | { kind: 'binary'; value: Buffer }
  | { kind: 'rbinary'; re: RegExp }
  | { kind: 'status'; ranges: Array<[number, number]> }
  | { kind: 'rstatus'; re: RegExp }
  | { kind: 'hdr'; full: boolean; name: string; nameMethod: HeaderMatchMethod; value?: string; valueMethod: HeaderMatchMethod }
  | { kind: 'custom'; fn: CustomExpect };

export type CustomExpect = 'mysql-iniths' | 'mysql-ok' | 'ldap-bindrsp' | 'agent';

export interface ExpectRule {
  type: 'expect';
  match: ExpectMatch;
  inverse: boolean;
  /** -1 when unset (wait for more data on a mismatch). */
  minRecv: number;
  okStatus?: CheckStatus;
  errorStatus?: CheckStatus;
  toutStatus?: CheckStatus;
  onSuccess?: InfoSource;
  onError?: InfoSource;
  /** Computes the check code reported with the result (HAProxy's `status-code`). */
  statusCode?: (received: Buffer) => number | undefined;
  comment?: string;
}

export interface CommentRule {
  type: 'comment';
  text: string;
}

export type Rule = ConnectRule | SendRule | ExpectRule | CommentRule;

/**
 * How messages are worded depends on what produced the list: a plain `check`,
 * `option tcp-check` (step numbers in messages), an HTTP check, or a built-in
 * protocol check (mysql, redis... whose messages come from their rules).
 */
export type RulesetKind = 'default' | 'tcp-check' | 'http' | 'protocol';

export interface Ruleset {
  kind: RulesetKind;
  /** For protocol checks: which one, for diagnostics and dumps. */
  name: string;
  rules: Rule[];
  /** `http-check disable-on-404`: a 404 from a running server passes conditionally (L7OKC). */
  disableOn404?: boolean;
}

/** Parses HAProxy hex strings (`send-binary`, `expect binary`); undefined if not an even count of hex digits. */
export function parseHex(text: string): Buffer | undefined {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) return undefined;
  return Buffer.from(text, 'hex');
}

/** Step number HAProxy prints in messages: 0 for the implicit connect, else the 1-based rank among non-comment rules. */
export function stepId(rules: Rule[], index: number): number {
  const rule = rules[index];
  if (rule?.type === 'connect' && rule.implicit) return 0;
  let step = 0;
  for (let i = 0; i <= index && i < rules.length; i++) {
    const r = rules[i]!;
    if (r.type === 'comment' || (r.type === 'connect' && r.implicit)) continue;
    step++;
  }
  return step;
}
