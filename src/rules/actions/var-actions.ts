/** set-var(scope.name[,cond...]) EXPR, set-var-fmt(scope.name[,cond...]) FMT, unset-var(scope.name). */
import { evalExpr } from '../../sample/expr.js';
import { parseVarName, type VarRef } from '../../sample/vars.js';
import { evalLogFormat } from '../../log/logformat.js';
import { toInt } from '../../sample/cast.js';
import type { Sample } from '../../sample/types.js';
import type { CompileCtx } from '../compile-ctx.js';
import type { ActionCompiler } from './registry.js';

const CONDS = ['ifexists', 'ifnotexists', 'ifempty', 'ifnotempty', 'ifset', 'ifnotset', 'ifgt', 'iflt'] as const;
type VarCond = (typeof CONDS)[number];

/** "set-var(txn.x,ifnotexists)" → variable and conditions, or undefined after an error. */
function varArgs(word: string, cc: CompileCtx, allowConds: boolean): { ref: VarRef; conds: VarCond[] } | undefined {
  const open = word.indexOf('(');
  if (open < 0 || !word.endsWith(')')) return cc.fail(`expects a variable name between parentheses, e.g. '${word}(txn.name)'.`);
  const [name, ...conds] = word.slice(open + 1, -1).split(',').map((s) => s.trim());
  const ref = parseVarName(name ?? '');
  if (typeof ref === 'string') return cc.fail(`${ref}.`);
  for (const c of conds) {
    if (!allowConds || !(CONDS as readonly string[]).includes(c)) return cc.fail(`unknown variable condition '${c}'; expects one of ${CONDS.join(', ')}.`);
  }
  return { ref, conds: conds as VarCond[] };
}

function isEmpty(s: Sample): boolean {
  return (s.type === 'str' || s.type === 'meth') ? s.value === '' : s.type === 'bin' ? s.value.length === 0 : false;
}

/** Whether the set-var conditions let `next` replace `prev`. */
function allowed(conds: VarCond[], prev: Sample | undefined, next: Sample): boolean {
  for (const c of conds) {
    switch (c) {
      case 'ifexists':
      case 'ifset':
        if (!prev) return false;
        break;
      case 'ifnotexists':
      case 'ifnotset':
        if (prev) return false;
        break;
      case 'ifempty':
        if (!isEmpty(next)) return false;
        break;
      case 'ifnotempty':
        if (isEmpty(next)) return false;
        break;
      case 'ifgt':
      case 'iflt': {
        const a = prev ? toInt(prev) : undefined;
        const b = toInt(next);
        if (a === undefined || b === undefined || (c === 'ifgt' ? !(b > a) : !(b < a))) return false;
      }
    }
  }
  return true;
}

export const setVar = (fmt: boolean): ActionCompiler => (args, cc, _side, word) => {
  const v = varArgs(word, cc, true);
  if (!v) return undefined;
  if (args.length === 0) return cc.fail(fmt ? 'missing format.' : 'missing fetch method.');
  if (args.length > 1) return cc.fail(`expects either 'if' or 'unless' followed by a condition but found '${args[1]}'.`, true);
  const { ref, conds } = v;
  if (fmt) {
    const lf = cc.logFormat(args[0]!);
    if (!lf) return undefined;
    return {
      name: 'set-var-fmt',
      run(st) {
        const next: Sample = { type: 'str', value: evalLogFormat(lf, st.lf) };
        if (allowed(conds, st.sample.vars.get(ref.scope, ref.name), next)) st.sample.vars.set(ref.scope, ref.name, next);
        return undefined;
      },
    };
  }
  const expr = cc.expr(args[0]!);
  if (!expr) return undefined;
  return {
    name: 'set-var',
    run(st) {
      const next = evalExpr(expr, st.sample);
      if (next && allowed(conds, st.sample.vars.get(ref.scope, ref.name), next)) st.sample.vars.set(ref.scope, ref.name, next);
      return undefined;
    },
  };
};

export const unsetVar: ActionCompiler = (args, cc, _side, word) => {
  const v = varArgs(word, cc, false);
  if (!v) return undefined;
  if (args.length) return cc.fail(`expects either 'if' or 'unless' followed by a condition but found '${args[0]}'.`, true);
  return {
    name: 'unset-var',
    run(st) {
      st.sample.vars.unset(v.ref.scope, v.ref.name);
      return undefined;
    },
  };
};
