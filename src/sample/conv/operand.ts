/** Converter arguments that are either a literal or a variable name ("txn.max"), as arithmetic takes. */
import { toInt, toStr } from '../cast.js';
import { parseVarName, type VarRef } from '../vars.js';
import type { ArgValue } from '../args.js';
import type { Prepared } from '../keywords.js';
import type { SampleContext } from '../context.js';

export type Operand = { kind: 'const'; int: number; str: string } | { kind: 'var'; ref: VarRef };

export function prepareIntOperand(arg: ArgValue): Prepared<Operand> {
  const text = String(arg);
  if (/^[-+]?\d+$/.test(text)) return { value: { kind: 'const', int: Number(text), str: text } };
  const ref = parseVarName(text);
  return typeof ref === 'string' ? { error: ref } : { value: { kind: 'var', ref } };
}

/** A variable when the text names one with a valid scope, else the literal string. */
export function prepareStrOperand(arg: ArgValue): Operand {
  const text = String(arg);
  const ref = parseVarName(text);
  return typeof ref === 'string' ? { kind: 'const', int: 0, str: text } : { kind: 'var', ref };
}

export function operandInt(o: Operand, ctx: SampleContext): number | undefined {
  if (o.kind === 'const') return o.int;
  const s = ctx.vars.get(o.ref.scope, o.ref.name);
  return s === undefined ? undefined : toInt(s);
}

export function operandStr(o: Operand, ctx: SampleContext): string | undefined {
  if (o.kind === 'const') return o.str;
  const s = ctx.vars.get(o.ref.scope, o.ref.name);
  return s === undefined ? undefined : toStr(s);
}
