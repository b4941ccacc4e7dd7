/**
 * Plugs the log system into a runtime: the HTTP engine's end-of-transaction hook, header and
 * cookie captures and unique-id when a request arrives, and server state / health-check lines
 * to the syslog targets of their backend. The TCP path asks logSystemOf(rt) directly.
 */
import type { Runtime } from '../runtime/runtime.js';
import { Diagnostics } from '../core/diag.js';
import { LogSystem, type ProxyLog } from './system.js';
import { captureCookie, captureHeaders } from './capture.js';
import { txnLogState } from './vars.js';
import type { HttpTxn } from '../http/txn.js';
import { evalLogFormat } from './logformat.js';
import { txnVariable } from '../rules/lfvars.js';
import { newEvalEnv } from '../rules/context.js';
import { FORWARD } from '../http/txn-hooks.js';

const systems = new WeakMap<Runtime, LogSystem>();

export function logSystemOf(rt: Runtime): LogSystem | undefined {
  return systems.get(rt);
}

const SYSLOG_LEVEL: Record<string, number> = { emerg: 0, alert: 1, crit: 2, err: 3, warning: 4, notice: 5, info: 6, debug: 7 };

function onRequest(pl: ProxyLog, txn: HttpTxn): void {
  const req = txn.req?.head;
  if (!req) return;
  const c = pl.captures;
  const st = txnLogState(txn);
  if (c.request.length || c.cookie) {
    st.captured = { request: captureHeaders(c.request, req.headers), response: [] };
    if (c.cookie) {
      const v = captureCookie(req.headers, 'cookie', c.cookie.name, c.cookie.len);
      if (v !== undefined) st.captured.reqCookie = v;
    }
  }
}

/** unique-id-format, once the request rules made the transaction's evaluation context. */
function uniqueId(pl: ProxyLog, txn: HttpTxn): void {
  const req = txn.req?.head;
  if (!req || !pl.uniqueId) return;
  const ev = txn.scratch['eval'] as { lf?: Parameters<typeof evalLogFormat>[1] } | undefined;
  const sample = ev?.lf ? undefined : pl.sampleOf(txn);
  const id = evalLogFormat(pl.uniqueId, ev?.lf ?? { ...(sample ? { sample } : {}), mode: 'value', variable: (n) => txnVariable(txn, n) });
  txnLogState(txn).uniqueId = id;
  if (pl.uniqueIdHeader) req.headers.push(pl.uniqueIdHeader, id);
}

function onResponse(pl: ProxyLog, txn: HttpTxn): void {
  const res = txn.res?.head;
  if (!res) return;
  const c = pl.captures;
  if (!c.response.length && !c.cookie) return;
  const st = txnLogState(txn);
  st.captured ??= { request: [], response: [] };
  st.captured.response = captureHeaders(c.response, res.headers);
  if (c.cookie) {
    const v = captureCookie(res.headers, 'set-cookie', c.cookie.name, c.cookie.len);
    if (v !== undefined) st.captured.resCookie = v;
  }
}

/** Builds the runtime's log system and hooks it in. Returns it (tests close it). */
export function attachLogging(rt: Runtime, diags: Diagnostics = new Diagnostics()): LogSystem {
  const warn = (m: string) => rt.options.log?.('warning', m);
  const sys = new LogSystem(rt.config, diags, warn, newEvalEnv(new Map(), rt));
  systems.set(rt, sys);
  for (const d of diags.list) rt.options.log?.(d.level, d.file ? `config : parsing [${d.file}:${d.line}] : ${d.message}` : d.message);

  const hooks = rt.httpHooks;
  const request = hooks.request;
  const response = hooks.response;
  const logOf = (txn: HttpTxn) => sys.forProxy(txn.session.fe.config);
  // Only the hooks some proxy needs are wrapped: each layer is paid at every request.
  const pls = [...sys.proxyLogs()];
  const capturesRequest = pls.some((pl) => pl.captures.request.length > 0 || pl.captures.cookie !== undefined || pl.uniqueId !== undefined);
  const capturesResponse = pls.some((pl) => pl.captures.response.length > 0 || pl.captures.cookie !== undefined);
  const logsHttp = pls.some((pl) => pl.format !== undefined && pl.dests.length > 0);
  if (request && capturesRequest) {
    hooks.request = (txn) => {
      const pl = logOf(txn);
      if (pl && (pl.captures.request.length || pl.captures.cookie)) onRequest(pl, txn);
      const verdict = request(txn);
      if (pl?.uniqueId) uniqueId(pl, txn);
      return verdict;
    };
  }
  if (capturesResponse) {
    hooks.response = (txn) => {
      const pl = logOf(txn);
      if (pl && (pl.captures.response.length || pl.captures.cookie)) onResponse(pl, txn);
      return response ? response(txn) : FORWARD;
    };
  }
  const previous = hooks.log;
  if (logsHttp) {
    hooks.log = (txn) => {
      previous?.(txn);
      logOf(txn)?.logHttp(txn);
    };
  }

  // Server state and health-check lines also go to the syslog targets of their backend.
  const processLog = rt.options.log;
  rt.options.log = (level, message) => {
    processLog?.(level, message);
    const m = /^(?:(?:Backup )?Server|Health check for (?:backup )?server|Agent check for (?:backup )?server) ([^/\s]+)\//.exec(message);
    const noServer = /^backend '([^']+)' has no server available!$/.exec(message);
    const name = m?.[1] ?? noServer?.[1];
    const pl = name ? sys.byProxyName(name) : undefined;
    if (noServer) {
      const text = `backend ${noServer[1]} has no server available!`;
      if (pl) pl.logEvent(SYSLOG_LEVEL['emerg']!, text);
      else sys.processMessage(SYSLOG_LEVEL['emerg']!, text);
      return;
    }
    if (!m) return;
    const lvl = / is DOWN\b|is going DOWN/.test(message) ? SYSLOG_LEVEL['alert']! : SYSLOG_LEVEL['notice']!;
    if (pl) pl.logEvent(lvl, message);
    else sys.processMessage(lvl, message);
  };
  return sys;
}
