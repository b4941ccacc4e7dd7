/** http-request / http-response stick-counter actions: track-sc0/1/2, sc-inc-gpc*, sc-set-gpt*. */
import { compileStickOp } from '../stick-ops.js';
import type { ActionCompiler } from './registry.js';

export const stickAction: ActionCompiler = (args, cc, _side, word) => {
  const op = compileStickOp(word, args, cc, 'http');
  if (!op) return undefined;
  return {
    name: op.name,
    run(st) {
      op.run(st.txn.session.stick, st.sample, Date.now());
      return undefined;
    },
  };
};
