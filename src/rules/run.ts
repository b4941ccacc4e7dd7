/** Runs a compiled rule list: the first action with an outcome ends it. */
import { evalCondition } from '../sample/condition.js';
import type { Outcome, Rule, RunState } from './types.js';

export function runRules(rules: readonly Rule[], st: RunState): Outcome {
  for (const r of rules) {
    if (r.cond && !evalCondition(r.cond, st.sample)) continue;
    const o = r.action.run(st);
    if (o) return o;
  }
  return undefined;
}
