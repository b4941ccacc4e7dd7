/**
 * Backend selection for TCP frontends: the first `use_backend` rule whose condition holds (a
 * dynamic name that names no backend falls back to default_backend, as in HAProxy), else
 * `default_backend` (for a `listen`, itself). Conditions are compiled once (src/tcp/rules.ts)
 * and may read the bytes inspected by tcp-request content rules (SNI routing).
 */
import { evalCondition } from '../sample/condition.js';
import { evalLogFormat, type LogFormat, type LogFormatContext } from '../log/logformat.js';
import type { Condition } from '../sample/condition.js';
import type { SampleContext } from '../sample/context.js';
import type { FrontendRuntime } from './frontend.js';
import type { BackendRuntime } from './backend.js';
import type { CompiledTcp } from '../tcp/rules.js';

/** A compiled `use_backend` rule, as both engines compile it. */
export interface RoutingRule {
  name: string;
  format?: LogFormat;
  cond?: Condition;
}

/** Routing without evaluating anything: the first unconditional static use_backend, else default_backend. */
export function staticRoute(fe: FrontendRuntime): BackendRuntime | undefined {
  for (const rule of fe.config.useBackends) {
    if (rule.cond || rule.dynamic) continue;
    const be = fe.backends.get(rule.name);
    if (be) return be;
  }
  return fe.defaultBackend;
}

/** The first rule whose condition holds; an unknown dynamic name falls back to default_backend, as in HAProxy. */
export function routeByRules(fe: FrontendRuntime, rules: readonly RoutingRule[], sample: SampleContext, lf: LogFormatContext | undefined): BackendRuntime | undefined {
  for (const ub of rules) {
    if (ub.cond && !evalCondition(ub.cond, sample)) continue;
    if (ub.format) {
      const be = lf ? fe.backends.get(evalLogFormat(ub.format, lf)) : undefined;
      if (!be) break;
      return be;
    }
    const be = fe.backends.get(ub.name);
    if (be) return be;
  }
  return fe.defaultBackend;
}

export function chooseTcpBackend(fe: FrontendRuntime, compiled: CompiledTcp | undefined, sample?: SampleContext, lf?: LogFormatContext): BackendRuntime | undefined {
  return compiled && sample ? routeByRules(fe, compiled.useBackends, sample, lf) : staticRoute(fe);
}
