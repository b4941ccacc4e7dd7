/**
 * Connects the stats page and the Prometheus exporter to the HTTP engine's hook points:
 * which URIs the stats page answers, the page itself (with `stats admin if COND` evaluated
 * per request), and `http-request use-service prometheus-exporter`.
 */
import { Diagnostics } from '../core/diag.js';
import type { Proxy } from '../config/model.js';
import { compileCondition, evalCondition, type Condition } from '../sample/condition.js';
import { txnEval, type CompiledRules, type EvalEnv } from '../rules/index.js';
import { serveStats, servePrometheus, statsRequestMatches } from '../stats/service.js';
import type { HttpHooks } from '../http/txn-hooks.js';
import type { Runtime } from './runtime.js';

export function attachStatsHooks(rt: Runtime, hooks: HttpHooks, compiled: CompiledRules, env: EvalEnv, diags = new Diagnostics()): void {
  const admin = new Map<Proxy, Condition>();
  for (const [p, cp] of compiled.byProxy) {
    const line = p.stats.admin;
    if (!line) continue;
    const c = compileCondition(line.args, { acls: cp.acls, usage: 'http-req', file: line.where.file, line: line.where.line, diags, rule: 'stats admin' });
    if (c) admin.set(p, c);
  }
  hooks.statsMatches = statsRequestMatches;
  hooks.stats = (txn, proxy, body) => {
    const head = txn.req!.head;
    const cond = admin.get(proxy);
    return serveStats(rt, proxy, {
      method: head.method,
      uri: head.uri,
      headers: head.headers,
      body,
      src: txn.session.conn.src,
      secure: txn.session.conn.ssl !== undefined,
      admin: cond ? evalCondition(cond, txnEval(txn, env).sample) : false,
    });
  };
  hooks.service = (txn, name) => {
    if (name !== 'prometheus-exporter') throw new Error(`unknown service '${name}'`);
    return servePrometheus(rt, { uri: txn.req!.head.uri });
  };
}
