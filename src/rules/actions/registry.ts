/** The action table: which rule sets accept an action and how its words compile. */
import type { CompileCtx } from '../compile-ctx.js';
import type { Action, RuleSet } from '../types.js';

/**
 * Compiles the words after the action word, up to the condition. `side` says which message the
 * rule edits ('req' for http-request, 'res' otherwise); `word` is the action word as written
 * ("set-var(txn.x)").
 */
export type ActionCompiler = (args: string[], cc: CompileCtx, side: 'req' | 'res', word: string, set: RuleSet) => Action | undefined;

export interface ActionDef {
  sets: readonly RuleSet[];
  compile: ActionCompiler;
}
