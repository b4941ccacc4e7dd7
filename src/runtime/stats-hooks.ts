/**
 * Connects the stats module to the HTTP engine's hook points: which URIs the stats page answers,
 * the page itself behind its access rules (`stats http-request`, `stats auth`, `stats admin if
 * COND`, evaluated per request), `http-request use-service prometheus-exporter`, and the
 * counters the engine leaves to the stats module (denials, intercepted requests, transactions
 * without a request, listener figures: see stats/accounting.ts), and the HTTP transactions in
 * progress that `show sess` lists (cli-api/streams.ts).
 */
import { Diagnostics } from '../core/diag.js';
import type { Proxy } from '../config/model.js';
import { evalCondition } from '../sample/condition.js';
import { txnEval, type CompiledRules, type EvalEnv } from '../rules/index.js';
import { NO_ERROR_PAGES } from '../rules/errors.js';
import { compileAllStatsAccess, statsVerdict } from '../stats/access.js';
import {
  countRequestVerdict, countResponseVerdict, countStreamAssignment, countStreamStart, countTransactionEnd,
} from '../stats/accounting.js';
import { DEFAULT_STATS_REALM, serveStats, servePrometheus, statsRequestMatches, unauthorized } from '../stats/service.js';
import { staticBackend, type HttpHooks, type LocalReply, type RequestVerdict } from '../http/txn-hooks.js';
import type { HttpTxn } from '../http/txn.js';
import type { Runtime } from './runtime.js';
import { httpStreamEnded, httpStreamStarted } from '../cli-api/streams.js';

export function attachStatsHooks(rt: Runtime, hooks: HttpHooks, compiled: CompiledRules, env: EvalEnv, diags = new Diagnostics()): void {
  const access = compileAllStatsAccess(compiled, diags);
  const sampleOf = (txn: HttpTxn) => () => txnEval(txn, env).sample;

  /** A reply the proxy gives in the name of the stats page: its error page for `status`. */
  const errorReply = (proxy: Proxy, status: number): LocalReply => {
    const pages = compiled.byProxy.get(proxy)?.errors ?? NO_ERROR_PAGES;
    return pages.reply(status);
  };

  hooks.statsMatches = statsRequestMatches;
  hooks.stats = (txn, proxy, body) => {
    const head = txn.req!.head;
    const a = access.get(proxy);
    const fe = txn.session.fe;
    const li = txn.session.listener.counters;
    // A stats page of the backend counts as that backend's traffic; the frontend's is intercepted.
    const be = proxy === fe.config ? undefined : rt.backends.get(proxy.name);
    const verdict = statsVerdict(a, sampleOf(txn));
    let reply: LocalReply;
    if (verdict.kind === 'deny') {
      fe.counters.deniedReq++;
      if (li) li.deniedReq++;
      if (be) be.counters.deniedReq++;
      reply = { ...errorReply(proxy, verdict.status), termination: 'PR--' };
    } else {
      if (!be) fe.counters.intercepted++;
      reply = verdict.kind === 'auth'
        ? unauthorized(verdict.realm ?? DEFAULT_STATS_REALM)
        : serveStats(rt, proxy, {
            method: head.method,
            uri: head.uri,
            headers: head.headers,
            body,
            src: txn.session.conn.src,
            secure: txn.session.conn.ssl !== undefined,
            admin: a?.admin ? evalCondition(a.admin, sampleOf(txn)()) : false,
          });
    }
    if (be) {
      be.counters.cumSess++;
      be.counters.cumReq++;
      be.counters.countResponse(reply.status);
    }
    return reply;
  };
  hooks.service = (txn, name) => {
    if (name !== 'prometheus-exporter') throw new Error(`unknown service '${name}'`);
    if (!txn.backend) txn.session.fe.counters.intercepted++;
    return servePrometheus(rt, { uri: txn.req!.head.uri });
  };

  // Counting around the rules and at the end of each transaction; the streams `show sess` lists.
  /** Counts the final verdict of the request rules; one that waits for the body is counted when it resumes. */
  const decided = (txn: HttpTxn, v: RequestVerdict): RequestVerdict => {
    if (v.kind === 'wait-body') {
      const resume = v.resume;
      return { ...v, resume: () => decided(txn, resume()) };
    }
    countRequestVerdict(txn, v);
    const uri = txn.req!.head.uri;
    const stats = statsRequestMatches(txn.session.fe.config, uri) || (v.kind === 'forward' && !!v.backend && statsRequestMatches(v.backend.config, uri));
    countStreamAssignment(txn, v, stats);
    return v;
  };
  const request = hooks.request;
  hooks.request = (txn) => {
    httpStreamStarted(txn);
    countStreamStart(txn);
    return decided(txn, request ? request(txn) : { kind: 'forward', backend: staticBackend(txn) });
  };
  const response = hooks.response;
  if (response) {
    hooks.response = (txn) => {
      const v = response(txn);
      countResponseVerdict(txn, v);
      return v;
    };
  }
  const log = hooks.log;
  hooks.log = (txn) => {
    httpStreamEnded(txn);
    countTransactionEnd(txn);
    log?.(txn);
  };
}
