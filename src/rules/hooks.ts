/**
 * The HTTP hooks the engine calls for each transaction, in HAProxy's order:
 *   monitor-uri (+ monitor fail) → frontend http-request rules (then its `redirect` rules) →
 *   use_backend / default_backend → backend http-request rules → use-server;
 *   on the response: backend then frontend http-response rules, then backend then frontend
 *   http-after-response rules, which also run on every locally generated reply and error page.
 */
import { Diagnostics } from '../core/diag.js';
import { evalCondition } from '../sample/condition.js';
import { evalLogFormat } from '../log/logformat.js';
import { FORWARD, staticBackend, type HttpHooks, type LocalReply, type RequestVerdict } from '../http/txn-hooks.js';
import type { HttpResponseHead } from '../http/message.js';
import type { HttpTxn } from '../http/txn.js';
import type { Runtime } from '../runtime/runtime.js';
import type { BackendRuntime } from '../runtime/backend.js';
import type { ServerRuntime } from '../runtime/server.js';
import type { FrontendRuntime } from '../runtime/frontend.js';
import { compileProxyRules, type CompiledProxy, type CompiledRules } from './compile.js';
import { newEvalEnv, txnEval, type EvalEnv } from './context.js';
import { runRules } from './run.js';
import { serializeReply, type HttpReply } from './reply.js';
import { txnState } from './state.js';
import { splitTarget, pathq } from './uri.js';
import type { Outcome, RunState } from './types.js';
import { stickOnRequest, stickOnResponse } from './stick-hooks.js';
import { routeByRules } from '../runtime/routing.js';
import { forwardedValue, type ForwardedSpec } from '../http/forwarded.js';
import { addHeader } from './headers.js';

/** Compiles the configuration's rules and returns the hooks; alerts go to `diags`. */
export function buildHttpHooks(rt: Runtime, diags: Diagnostics = new Diagnostics()): HttpHooks {
  return createHttpHooks(compileProxyRules(rt.config, diags), newEvalEnvFor(rt));
}

function newEvalEnvFor(rt: Runtime): EvalEnv {
  return newEvalEnv(new Map(), rt);
}

/** monitor-uri matches the path with its query, or the whole target. */
function isMonitorUri(monitor: string, uri: string): boolean {
  if (uri === monitor) return true;
  return monitor.startsWith('/') && pathq(splitTarget(uri)) === monitor;
}

/** `option forwarded`: appends the RFC 7239 field to the request the server will get. */
function addForwarded(spec: ForwardedSpec, st: RunState): void {
  const h = st.req.headers;
  let host: string | undefined;
  for (let i = 0; i < h.length; i += 2) if (h[i] === 'host') { host = h[i + 1]; break; }
  const v = forwardedValue(spec, { conn: st.txn.session.conn, host, sample: st.sample });
  if (v !== undefined) addHeader(h, 'forwarded', v);
}

export function createHttpHooks(compiled: CompiledRules, env: EvalEnv): HttpHooks {
  if (env.userlists.size === 0) for (const [k, v] of compiled.userlists) env.userlists.set(k, v);
  const of = (p: { config: CompiledProxy['proxy'] } | undefined) => (p ? compiled.byProxy.get(p.config) : undefined);

  /** Backend's compiled rules when it differs from the frontend. */
  const backendOf = (txn: HttpTxn, fe: CompiledProxy): CompiledProxy | undefined => {
    const be = of(txn.backend);
    return be && be !== fe ? be : undefined;
  };

  function state(txn: HttpTxn, proxy: CompiledProxy, rtProxy: { timeouts: { tarpit: number } }): RunState {
    const ev = txnEval(txn, env);
    const fe = of(txn.session.fe)!;
    const be = backendOf(txn, fe);
    return {
      txn,
      sample: ev.sample,
      lf: ev.lf,
      req: ev.req,
      proxy: { name: proxy.name, tarpitMs: rtProxy.timeouts.tarpit },
      errors: be ? be.errors.over(fe.errors) : fe.errors,
    };
  }

  /** Runs http-after-response rules (backend's, then frontend's) on a reply, in place. */
  function afterResponse(txn: HttpTxn, reply: HttpReply): HttpReply {
    const fe = of(txn.session.fe);
    if (!fe || reply.status < 0) return reply;
    const be = backendOf(txn, fe);
    const lists = [be, fe].filter((p): p is CompiledProxy => p !== undefined && p.rules['http-after-response'].length > 0);
    if (lists.length === 0) return reply;
    const head: HttpResponseHead = { version: 'HTTP/1.1', status: reply.status, reason: reply.reason, headers: reply.headers };
    const st = state(txn, fe, txn.session.fe);
    st.res = head;
    st.sample.res = head;
    st.sample.inResponse = true;
    st.sample.cache.invalidate();
    txn.status = reply.status;
    for (const p of lists) {
      st.proxy = { ...st.proxy, name: p.name };
      const o = runRules(p.rules['http-after-response'], st);
      if (o && o.kind !== 'allow') break;
    }
    return { ...reply, status: head.status, reason: head.reason, headers: head.headers };
  }

  function replyVerdict(txn: HttpTxn, reply: HttpReply, termination: string, delayMs?: number): RequestVerdict {
    if (reply.status < 0) return { kind: 'reply', bytes: Buffer.alloc(0), status: -1, termination, close: true };
    const r = afterResponse(txn, reply);
    return { kind: 'reply', bytes: serializeReply(r), status: r.status, termination, close: r.close === true, ...(delayMs ? { delayMs } : {}) };
  }

  function route(fe: CompiledProxy, feRt: FrontendRuntime, st: RunState): BackendRuntime | undefined {
    return routeByRules(feRt, fe.useBackends, st.sample, st.lf);
  }

  function useServer(be: CompiledProxy, beRt: BackendRuntime, st: RunState): ServerRuntime | undefined {
    let forced: boolean | undefined;
    for (const us of be.useServers) {
      if (us.cond && !evalCondition(us.cond, st.sample)) continue;
      const srv = beRt.findServer(us.format ? evalLogFormat(us.format, st.lf) : us.name);
      if (!srv) continue;
      // A server that is down is skipped unless `option persist` or a force-persist rule says otherwise.
      forced ??= be.forcePersist.some((c) => evalCondition(c, st.sample));
      if (srv.usable || be.persist || forced) return srv;
    }
    return undefined;
  }

  /** Turns a final outcome of request rules into a verdict; undefined to go on. */
  function requestOutcome(txn: HttpTxn, o: Outcome, backend: BackendRuntime | undefined): RequestVerdict | undefined {
    if (!o || o.kind === 'allow' || o.kind === 'wait-body') return undefined;
    if (o.kind === 'reply' && o.clientError) txn.session.stick?.trackers.httpError(Date.now());
    if (o.kind === 'service') {
      txnState(txn).service = o.service;
      return { kind: 'forward', backend, service: o.service };
    }
    return replyVerdict(txn, o.reply, o.termination, o.delayMs);
  }

  /**
   * The request rules of the frontend, the backend choice and the backend's rules, from the
   * frontend's rule `from` (or, with `inBackend`, the backend's). `http-request wait-for-body`
   * and a backend's `option http-buffer-request` pause them while the body is incomplete: the
   * verdict then says how long to wait and how to go on (HAProxy's rule "yield").
   */
  function requestRules(txn: HttpTxn, fe: CompiledProxy, feRt: FrontendRuntime, st: RunState, inBackend: boolean, from: number): RequestVerdict {
    if (!inBackend) {
      const o = runRules(fe.rules['http-request'], st, from);
      if (o?.kind === 'wait-body') return pause(o, () => requestRules(txn, fe, feRt, st, false, o.next ?? 0));
      const v = requestOutcome(txn, o, undefined);
      if (v) return v;
    }
    const beRt = inBackend && txn.backend ? txn.backend : route(fe, feRt, st);
    if (!beRt) return { kind: 'forward', backend: undefined };
    const be = compiled.byProxy.get(beRt.config);
    if (beRt.config !== fe.proxy) {
      txn.backend = beRt;
      st.sample.backend = { name: beRt.name, id: beRt.id };
      if (be) {
        st.proxy = { name: be.name, tarpitMs: beRt.timeouts.tarpit };
        txn.session.stick?.proxy(be.name);
        st.errors = be.errors.over(fe.errors);
        // option http-buffer-request in the backend: HAProxy waits for the body before its rules.
        if (!inBackend && beRt.config.options['http-buffer-request'] === true && !txn.session.requestBodyReady(0)) {
          return pause({ timeMs: feRt.timeouts.httpRequest, atLeast: 0 }, () => requestRules(txn, fe, feRt, st, true, 0));
        }
        const o = runRules(be.rules['http-request'], st, inBackend ? from : 0);
        if (o?.kind === 'wait-body') return pause(o, () => requestRules(txn, fe, feRt, st, true, o.next ?? 0));
        const bv = requestOutcome(txn, o, beRt);
        if (bv) return bv;
      }
    }
    const server = be ? stickOnRequest(txn, be, beRt, st.sample, useServer(be, beRt, st)) : undefined;
    if (be?.forwarded) addForwarded(be.forwarded, st);
    return { kind: 'forward', backend: beRt, ...(server ? { server } : {}) };
  }

  function pause(w: { timeMs: number; atLeast: number }, resume: () => RequestVerdict): RequestVerdict {
    return { kind: 'wait-body', timeMs: w.timeMs, atLeast: w.atLeast, resume };
  }

  // Fast paths: most transactions meet proxies with nothing to evaluate; they must not pay for an
  // evaluation context (measured: a third of the CPU per request on a rule-less proxy).
  const quietRequest = new Set<CompiledProxy>();
  const quietBackend = new Set<CompiledProxy>();
  const quietResponse = new Set<CompiledProxy>();
  for (const p of compiled.byProxy.values()) {
    if (p.monitorUri === undefined && p.rules['http-request'].length === 0 && p.useBackends.every((u) => !u.cond && !u.format)) quietRequest.add(p);
    if (p.rules['http-request'].length === 0 && p.useServers.length === 0) quietBackend.add(p);
    if (p.rules['http-response'].length === 0 && p.rules['http-after-response'].length === 0) quietResponse.add(p);
  }
  // Stick rules run at the backend's request and response points; option forwarded at its request point.
  for (const p of compiled.byProxy.values()) {
    if (p.stick) quietRequest.delete(p), quietBackend.delete(p), quietResponse.delete(p);
    if (p.forwarded) quietRequest.delete(p), quietBackend.delete(p);
  }

  return {
    request(txn) {
      const feRt = txn.session.fe;
      const fe = of(feRt);
      if (!fe) return { kind: 'forward', backend: staticBackend(txn) };
      if (quietRequest.has(fe)) {
        const beRt = staticBackend(txn);
        const be = beRt && compiled.byProxy.get(beRt.config);
        if (!beRt || !be || be === fe || quietBackend.has(be)) return { kind: 'forward', backend: beRt };
      }
      const st = state(txn, fe, feRt);
      txn.session.stick?.proxy(fe.name);

      if (fe.monitorUri !== undefined && isMonitorUri(fe.monitorUri, st.req.uri)) {
        txnState(txn).monitor = true;
        const fail = fe.monitorFail.some((c) => evalCondition(c, st.sample));
        return replyVerdict(txn, st.errors.reply(fail ? 503 : 200, st), 'LR--');
      }
      return requestRules(txn, fe, feRt, st, false, 0);
    },
    response(txn) {
      const feRt = txn.session.fe;
      const fe = of(feRt);
      const res = txn.res?.head;
      if (!fe || !res) return FORWARD;
      const be = backendOf(txn, fe);
      if (quietResponse.has(fe) && (!be || quietResponse.has(be))) return FORWARD;
      const st = state(txn, fe, feRt);
      st.res = res;
      st.sample.res = res;
      st.sample.inResponse = true;
      st.sample.cache.invalidate();
      stickOnResponse(txn, of(txn.backend), st.sample);
      for (const [p, rtp] of [[be, txn.backend], [fe, feRt]] as const) {
        if (!p || !rtp || p.rules['http-response'].length === 0) continue;
        st.proxy = { name: p.name, tarpitMs: rtp.timeouts.tarpit };
        txn.session.stick?.proxy(p.name);
        const o = runRules(p.rules['http-response'], st);
        if (o && o.kind === 'reply') {
          const r = afterResponse(txn, o.reply);
          return { kind: 'reply', bytes: serializeReply(r), status: r.status, termination: o.termination };
        }
      }
      for (const p of [be, fe]) {
        if (!p || p.rules['http-after-response'].length === 0) continue;
        st.proxy = { ...st.proxy, name: p.name };
        const o = runRules(p.rules['http-after-response'], st);
        if (o && o.kind !== 'allow') break;
      }
      return { kind: 'forward' };
    },

    errorBytes(txn, status) {
      const fe = of(txn.session.fe);
      if (!fe) return undefined;
      const st = state(txn, fe, txn.session.fe);
      const be = backendOf(txn, fe);
      if (st.errors.empty && fe.rules['http-after-response'].length === 0 && (be?.rules['http-after-response'].length ?? 0) === 0) return undefined;
      return serializeReply(afterResponse(txn, st.errors.reply(status, st)));
    },

    localReply(txn, reply: LocalReply) {
      return serializeReply(afterResponse(txn, { ...reply, headers: reply.headers.slice() }));
    },
  };
}
