/** Variable names as written in configs: "txn.user" → scope txn, name user. */
import { VAR_SCOPES, type VarScope } from './context.js';

export interface VarRef {
  scope: VarScope;
  name: string;
}

/** The reference, or HAProxy's error message. */
export function parseVarName(text: string): VarRef | string {
  const dot = text.indexOf('.');
  const scope = dot > 0 ? text.slice(0, dot) : '';
  const name = dot > 0 ? text.slice(dot + 1) : '';
  if (!(VAR_SCOPES as readonly string[]).includes(scope) || !/^[A-Za-z0-9._]+$/.test(name)) {
    return `invalid variable name '${text}'. A variable name must be start by its scope. The scope can be 'proc', 'sess', 'txn', 'req', 'res' or 'check'`;
  }
  return { scope: scope as VarScope, name };
}
