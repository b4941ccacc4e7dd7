/**
 * The rules engine: http-request / http-response / http-after-response rules, routing
 * (use_backend, use-server, monitor-uri) and error pages, compiled once from the Config.
 *
 * Start:  rt.httpHooks = buildHttpHooks(rt, diags);
 * Check:  compileProxyRules(config, diags)   (portico -c: rule errors with file:line)
 */
export { buildHttpHooks, createHttpHooks } from './hooks.js';
export { compileProxyRules, buildUserlists, type CompiledProxy, type CompiledRules } from './compile.js';
export { newEvalEnv, runtimeLookup, txnEval, type EvalEnv } from './context.js';
export { txnState, type TxnRuleState } from './state.js';
export { txnVariable } from './lfvars.js';
export { serializeReply, parseRawResponse, type HttpReply } from './reply.js';
export { ErrorPages } from './errors.js';
export type { Action, Outcome, Rule, RuleSet, RunState } from './types.js';
export { compileStickOp, STICK_OPS, type StickOp } from './stick-ops.js';
export { stickRequest, stickResponse, type ProxyStick, type PendingStore } from './stick-rules.js';
export { tcpStickRequest, tcpStickConnected } from './stick-tcp.js';
