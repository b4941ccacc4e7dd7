/**
 * Runs a list of tcp-request rules. A condition that reads the request buffer and does not hold
 * yet may hold with more bytes: before the inspect delay ends (not `final`) the run stops there
 * and resumes from that rule when data arrives, as HAProxy does with ACL_TEST_MISS.
 */
import { evalCondition } from '../sample/condition.js';
import type { TcpOutcome, TcpRule, TcpRuleState } from './rules.js';

export type RulesResult = { kind: 'done'; outcome: Exclude<TcpOutcome, undefined> } | { kind: 'wait'; at: number };

export interface PayloadWatch {
  /** Set by the sample context when a fetch read the request buffer. */
  touched: boolean;
}

export function runTcpRules(rules: TcpRule[], from: number, st: TcpRuleState, final: boolean, watch?: PayloadWatch): RulesResult {
  for (let i = from; i < rules.length; i++) {
    const r = rules[i]!;
    if (r.cond) {
      if (watch) watch.touched = false;
      const ok = evalCondition(r.cond, st.sample);
      if (!ok) {
        if (!final && watch?.touched) return { kind: 'wait', at: i };
        continue;
      }
    }
    const o = r.action.run(st);
    if (o) return { kind: 'done', outcome: o };
  }
  return { kind: 'done', outcome: 'accept' };
}
