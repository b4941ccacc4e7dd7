/**
 * Shapes shared by the rules engine: a compiled rule is an action plus an optional condition;
 * running it against a transaction's state gives an Outcome (continue, stop the rule set, or
 * answer locally).
 */
import type { Condition } from '../sample/condition.js';
import type { SampleContext } from '../sample/context.js';
import type { HttpRequestHead, HttpResponseHead } from '../http/message.js';
import type { HttpTxn } from '../http/txn.js';
import type { LogFormatContext } from '../log/logformat.js';
import type { HttpReply } from './reply.js';
import type { ErrorPages } from './errors.js';

export type RuleSet = 'http-request' | 'http-response' | 'http-after-response';

export interface Where {
  file: string;
  line: number;
}

/** Everything an action may read or change while it runs. */
export interface RunState {
  txn: HttpTxn;
  /** Sample context for the side being processed (inResponse set for response rules). */
  sample: SampleContext;
  /** Log-format context in 'value' mode, bound to `sample`. */
  lf: LogFormatContext;
  /** The request head rules edit (txn.req.head, or a stand-in for replies without request). */
  req: HttpRequestHead;
  /** The response head being edited (server's response, or a local reply in after-response). */
  res?: HttpResponseHead;
  /** The proxy whose rules run: its name is the default auth realm; tarpit waits its timeout. */
  proxy: { name: string; tarpitMs: number };
  /** Error pages in effect (backend's over frontend's once a backend is chosen). */
  errors: ErrorPages;
}

export type Outcome =
  /** go on with the next rule */
  | undefined
  /** `allow`: stop this rule set, go on with processing */
  | { kind: 'allow' }
  /** final: answer with `reply` (after `delayMs` for tarpit); `clientError` counts in http_err_cnt (deny, tarpit, auth) */
  | { kind: 'reply'; reply: HttpReply; termination: string; delayMs?: number; clientError?: boolean }
  /** `use-service`: hand the request to a built-in service */
  | { kind: 'service'; service: string }
  /** `http-request wait-for-body`: pause until the body is in; `next` is the rule to resume at (set by runRules) */
  | { kind: 'wait-body'; timeMs: number; atLeast: number; next?: number };

export interface Action {
  /** "set-header", "deny"... for messages and tests. */
  name: string;
  run(st: RunState): Outcome;
}

export interface Rule {
  action: Action;
  cond?: Condition;
  where: Where;
}
