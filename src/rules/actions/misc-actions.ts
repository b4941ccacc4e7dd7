/**
 * Actions that record something for later stages (log level, captures, wait-for-body), change
 * the status, or hand the request to a service.
 */
import { evalExpr } from '../../sample/expr.js';
import { sampleToString } from '../../sample/cast.js';
import { parseTime } from '../../core/time.js';
import { parseSize } from '../../core/size.js';
import { reasonPhrase } from '../../http/errors.js';
import { txnState } from '../state.js';
import type { ActionCompiler } from './registry.js';

const LOG_LEVELS = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug', 'silent'];

export const setLogLevel: ActionCompiler = (args, cc) => {
  if (args.length !== 1 || !LOG_LEVELS.includes(args[0]!)) return cc.fail(`expects exactly 1 argument (log level name or 'silent').`);
  const level = args[0]!;
  return {
    name: 'set-log-level',
    run(st) {
      txnState(st.txn).logLevel = level;
      return undefined;
    },
  };
};

/** `capture <sample> len <n>` (a new slot) or `id <n>` (a `declare capture` slot). */
export const capture: ActionCompiler = (args, cc, side) => {
  const usage = `expects <expression> [ 'len' <length> | id <idx> ].`;
  if (args.length !== 3 || (args[1] !== 'len' && args[1] !== 'id') || !/^\d+$/.test(args[2]!)) return cc.fail(usage);
  const expr = cc.expr(args[0]!);
  if (!expr) return undefined;
  const n = Number(args[2]);
  const byId = args[1] === 'id';
  return {
    name: 'capture',
    run(st) {
      const v = sampleToString(evalExpr(expr, st.sample));
      if (v === undefined) return undefined;
      const s = txnState(st.txn);
      const list = side === 'req' ? s.reqCaptures : s.resCaptures;
      if (byId) list[n] = v;
      else list.push(v.slice(0, n));
      return undefined;
    },
  };
};

export const waitForBody: ActionCompiler = (args, cc, side) => {
  const usage = `expects time <time> [ at-least <bytes> ].`;
  if (args[0] !== 'time' || args[1] === undefined || (args.length !== 2 && !(args.length === 4 && args[2] === 'at-least'))) return cc.fail(usage);
  const t = parseTime(args[1]);
  if (typeof t !== 'number') return cc.fail(usage);
  let atLeast = 0;
  if (args[3] !== undefined) {
    const s = parseSize(args[3]);
    if (typeof s !== 'number') return cc.fail(usage);
    atLeast = s;
  }
  return {
    name: 'wait-for-body',
    run(st) {
      txnState(st.txn).waitForBody[side] = { timeMs: t, atLeast };
      // Request rules pause while the body is incomplete (response bodies are not waited for).
      if (side !== 'req' || st.txn.session.requestBodyReady(atLeast)) return undefined;
      return { kind: 'wait-body', timeMs: t, atLeast };
    },
  };
};

const SERVICES = ['prometheus-exporter'];

export const useService: ActionCompiler = (args, cc) => {
  const name = args[0];
  if (name === undefined || args.length !== 1) return cc.fail(`expects a service name.`);
  if (!SERVICES.includes(name)) return cc.fail(`use-service: unknown service '${name}'; portico provides: ${SERVICES.join(', ')}.`);
  return { name: 'use-service', run: () => ({ kind: 'service', service: name }) };
};

export const setStatus: ActionCompiler = (args, cc) => {
  const code = args[0];
  if (code === undefined || !/^\d+$/.test(code) || Number(code) < 100 || Number(code) > 999) return cc.fail(`expects an HTTP status code between 100 and 999.`);
  let reason: string | undefined;
  if (args.length > 1) {
    if (args[1] !== 'reason' || args[2] === undefined || args.length > 3) return cc.fail(`expects only 'reason' keyword after the status code.`);
    reason = args[2];
  }
  const status = Number(code);
  return {
    name: 'set-status',
    run(st) {
      if (!st.res) return undefined;
      st.res.status = status;
      st.res.reason = reason ?? reasonPhrase(status);
      st.txn.status = status;
      return undefined;
    },
  };
};

export const strictMode: ActionCompiler = (args, cc) => {
  if (args.length !== 1 || (args[0] !== 'on' && args[0] !== 'off')) return cc.fail(`expects exactly 1 argument ('on' or 'off').`);
  const on = args[0] === 'on';
  return {
    name: 'strict-mode',
    run(st) {
      txnState(st.txn).strictMode = on;
      return undefined;
    },
  };
};
