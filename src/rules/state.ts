/**
 * What the rules record on a transaction for later stages (logging, body buffering, stats):
 * kept in txn.scratch.rules. The log module reads logLevel and captures from here.
 */
import type { HttpTxn } from '../http/txn.js';

export interface TxnRuleState {
  /** `set-log-level`: 'silent' means do not log this transaction. */
  logLevel?: string;
  /** `http-request capture` values, by slot (len-captures append, id-captures use their slot). */
  reqCaptures: string[];
  resCaptures: string[];
  /** `wait-for-body`: the engine may buffer that much body before the rules see it. */
  waitForBody: { req?: { timeMs: number; atLeast: number }; res?: { timeMs: number; atLeast: number } };
  strictMode?: boolean;
  /** `use-service`: the built-in service that answers this request. */
  service?: string;
  /** The request matched monitor-uri: HAProxy does not log it. */
  monitor?: boolean;
}

export function txnState(txn: HttpTxn): TxnRuleState {
  let s = txn.scratch['rules'] as TxnRuleState | undefined;
  if (!s) {
    s = { reqCaptures: [], resCaptures: [], waitForBody: {} };
    txn.scratch['rules'] = s;
  }
  return s;
}
