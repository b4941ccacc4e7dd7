/** Runs a compiled rule list: the first action with an outcome ends it. */
import { evalCondition } from '../sample/condition.js';
import type { Outcome, Rule, RunState } from './types.js';

export function runRules(rules: readonly Rule[], st: RunState, from = 0): Outcome {
  for (let i = from; i < rules.length; i++) {
    const r = rules[i]!;
    if (r.cond && !evalCondition(r.cond, st.sample)) continue;
    const o = r.action.run(st);
    // A pause (wait-for-body) resumes at the next rule.
    if (o) return o.kind === 'wait-body' ? { ...o, next: i + 1 } : o;
  }
  return undefined;
}
