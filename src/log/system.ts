/**
 * The log system of one runtime: the global targets, each proxy's targets (`log global`
 * resolved, `no log`), its compiled format (log-format, option httplog/tcplog/httpslog, or the
 * legacy "Connect from" line) and its options (dontlognull, dontlog-normal,
 * log-separate-errors). Traffic lines are formatted only when a target will take them.
 */
import type { Socket } from 'node:net';
import { hostname } from 'node:os';
import type { Config, LogTarget, Proxy } from '../config/model.js';
import { modeOf } from '../config/finalize.js';
import { Diagnostics } from '../core/diag.js';
import { compileLogFormat, type LogFormat } from './logformat.js';
import { CLF_HTTPLOG_FORMAT, HTTPLOG_FORMAT, HTTPSLOG_FORMAT, TCPLOG_FORMAT } from './formats.js';
import { LogDest } from './dest.js';
import { openSink, type LogSink } from './sink.js';
import { parseLogAddress } from './target.js';
import { compileCaptures, type CaptureConfig } from './capture.js';
import { HttpLogVars, TcpLogVars, type TcpLogInfo } from './vars.js';
import { renderLogLine } from './render.js';
import { levelNumber } from './syslog.js';
import type { HttpTxn } from '../http/txn.js';
import type { Listener } from '../runtime/listeners.js';
import type { FrontendRuntime } from '../runtime/frontend.js';
import { connInfo } from '../tcp/conninfo.js';
import type { SampleContext } from '../sample/context.js';
import { formatLogDateMs } from './logformat.js';
import { txnEval, type EvalEnv } from '../rules/context.js';

export const LOG_INFO = 6;
export const LOG_ERR = 3;

const strip = (a: string | undefined) => (a?.startsWith('::ffff:') ? a.slice(7) : a);

/** Whether a session ended abnormally, as log-separate-errors and dontlog-normal see it. */
export function isErrorEnd(termination: string, retries: number, redispatched: boolean, status: number): boolean {
  const c = termination[0];
  return (c !== '-' && c !== 'L') || retries > 0 || redispatched || status >= 500;
}

export class ProxyLog {
  readonly dests: LogDest[];
  readonly mode: 'http' | 'tcp';
  /** undefined: no log option, the "Connect from" line is logged at accept. */
  format: LogFormat | undefined;
  sdFormat: LogFormat | undefined;
  errorFormat: LogFormat | undefined;
  uniqueId: LogFormat | undefined;
  uniqueIdHeader: string | undefined;
  readonly captures: CaptureConfig;
  readonly dontlognull: boolean;
  readonly dontlogNormal: boolean;
  readonly separateErrors: boolean;
  readonly tag: string | undefined;
  private readonly httpVars = new HttpLogVars();
  private readonly tcpVars = new TcpLogVars();
  private count = 0;

  /** Some format has a `%[...]` expression. */
  needsSample = false;

  constructor(readonly proxy: Proxy, dests: LogDest[], diags: Diagnostics, private readonly evalEnv?: EvalEnv) {
    this.dests = dests;
    this.mode = modeOf(proxy);
    const o = proxy.options;
    this.dontlognull = o['dontlognull'] === true;
    this.dontlogNormal = o['dontlog-normal'] === true;
    this.separateErrors = o['log-separate-errors'] === true;
    this.tag = proxy.logTag;
    this.captures = compileCaptures(proxy);
    this.httpVars.declaredReq = this.captures.request.length;
    this.httpVars.declaredRes = this.captures.response.length;
    const compile = (text: string, where = proxy.where, usage: 'any' | 'http-req' = 'any') =>
      compileLogFormat(text, where, diags, { usage, separators: true, context: `Parsing [${where.file}:${where.line}]` });
    if (proxy.logFormat) {
      this.format = compile(proxy.logFormat.args[1] ?? '', proxy.logFormat.where);
    } else if (o['httplog'] || o['httpslog']) {
      if (this.mode !== 'http') {
        diags.warning(`'option httplog' not usable with ${proxy.kind === 'listen' ? 'proxy' : proxy.kind} '${proxy.name}' (needs 'mode http'). Falling back to 'option tcplog'.`, proxy.where);
        this.format = compile(TCPLOG_FORMAT);
      } else if (o['httpslog']) {
        // The TLS fetches of httpslog exist only where TLS does: fall back to httplog quietly.
        this.format = compileLogFormat(HTTPSLOG_FORMAT, proxy.where, new Diagnostics(), { usage: 'any', separators: true }) ?? compile(HTTPLOG_FORMAT);
      } else {
        const clf = proxy.optionArgs['httplog']?.args.includes('clf');
        this.format = compile(clf ? CLF_HTTPLOG_FORMAT : HTTPLOG_FORMAT);
      }
    } else if (o['tcplog']) {
      this.format = compile(TCPLOG_FORMAT);
    }
    for (const line of proxy.misc) {
      const kw = line.args[0];
      if (kw === 'log-format-sd') this.sdFormat = compile(line.args[1] ?? '', line.where);
      else if (kw === 'error-log-format') this.errorFormat = compile(line.args[1] ?? '', line.where);
      else if (kw === 'unique-id-format') this.uniqueId = compileLogFormat(line.args[1] ?? '', line.where, diags, { usage: 'http-req', separators: true });
      else if (kw === 'unique-id-header') this.uniqueIdHeader = line.args[1]?.toLowerCase();
    }
    this.needsSample = [this.format, this.sdFormat, this.errorFormat, this.uniqueId].some((f) => f?.parts.some((p) => p.kind === 'expr'));
  }

  private accepts(level: number): boolean {
    for (const d of this.dests) if (d.accepts(level)) return true;
    return false;
  }

  private send(level: number, line: string, sample: SampleContext | undefined, vars: HttpLogVars | TcpLogVars): void {
    const sd = this.sdFormat ? renderLogLine(this.sdFormat, vars, sample) : undefined;
    for (const d of this.dests) d.emit(level, line, this.tag, sd);
  }

  /** The end of an HTTP transaction. */
  logHttp(txn: HttpTxn): void {
    if (!this.format || this.dests.length === 0) return;
    const info = connInfo(txn.session.client);
    const first = info ? !info.txnSeen : true;
    if (info) info.txnSeen = true;
    const rules = txn.scratch['rules'] as { logLevel?: string; monitor?: boolean } | undefined;
    if (rules?.monitor) return;
    const c = txn.connect;
    const err = isErrorEnd(txn.termination, c?.retries ?? 0, c?.redispatched ?? false, txn.status);
    if (this.dontlogNormal && !err) return;
    if (this.dontlognull && !txn.req && txn.firstByteAt === 0) return;
    let level = err && this.separateErrors ? LOG_ERR : LOG_INFO;
    if (rules?.logLevel) {
      if (rules.logLevel === 'silent') return;
      level = levelNumber(rules.logLevel, LOG_INFO);
    }
    if (!this.accepts(level)) return;
    this.count++;
    const v = this.httpVars;
    v.txn = txn;
    v.first = first;
    v.logCount = this.count;
    const sample = this.sampleOf(txn);
    this.send(level, renderLogLine(this.format, v, sample), sample, v);
  }

  /** The transaction's sample context for `%[...]`: the rules engine's, or one made now when a format needs it. */
  sampleOf(txn: HttpTxn): SampleContext | undefined {
    const ev = txn.scratch['eval'] as { sample?: SampleContext } | undefined;
    if (ev?.sample) return ev.sample;
    if (!this.needsSample || !this.evalEnv) return undefined;
    return txnEval(txn, this.evalEnv).sample;
  }

  /** The end of a TCP session (option tcplog or log-format). */
  logTcp(t: TcpLogInfo, sample: SampleContext | undefined, logLevel: string | undefined): void {
    if (!this.format || this.dests.length === 0) return;
    const c = t.connect;
    const err = isErrorEnd(t.termination, c?.retries ?? 0, c?.redispatched ?? false, 0);
    if (this.dontlogNormal && !err) return;
    if (this.dontlognull && t.bytesIn === 0) return;
    let level = err && this.separateErrors ? LOG_ERR : LOG_INFO;
    if (logLevel) {
      if (logLevel === 'silent') return;
      level = levelNumber(logLevel, LOG_INFO);
    }
    if (!this.accepts(level)) return;
    this.count++;
    const v = this.tcpVars;
    v.tcp = t;
    v.logCount = this.count;
    this.send(level, renderLogLine(this.format, v, sample), sample, v);
  }

  /** At accept, for a frontend without a log format: "Connect from A:p to B:q (fe/HTTP)". */
  logConnect(client: Socket, listener: Listener): void {
    if (this.format || this.dests.length === 0 || !this.accepts(LOG_INFO)) return;
    const src = client.remoteAddress ? `${strip(client.remoteAddress)}:${client.remotePort}` : 'unix:' + (listener.port || 1);
    const dst = client.localAddress ? `${strip(client.localAddress)}:${client.localPort ?? listener.port}` : 'unix:' + (listener.port || 1);
    const line = `Connect from ${src} to ${dst} (${this.proxy.name}/${this.mode === 'http' ? 'HTTP' : 'TCP'})`;
    for (const d of this.dests) d.emit(LOG_INFO, line, this.tag);
  }

  /** A connection that failed before a stream existed (bad PROXY header...). */
  logConnError(fe: FrontendRuntime, client: Socket, listener: Listener, acceptedAt: number, message: string): void {
    if (this.dests.length === 0) return;
    if (this.dontlognull && client.bytesRead === 0) return;
    const level = this.separateErrors ? LOG_ERR : LOG_INFO;
    if (!this.accepts(level)) return;
    if (this.errorFormat) {
      const v = this.tcpVars;
      v.tcp = { fe, client, listener, acceptedAt, handshakeMs: Date.now() - acceptedAt, endedAt: Date.now(), bytesIn: client.bytesRead, bytesOut: 0, termination: 'CR--', captures: [] };
      const line = renderLogLine(this.errorFormat, v, undefined);
      for (const d of this.dests) d.emit(level, line, this.tag);
      return;
    }
    const bindName = listener.bind.name ?? String(this.proxy.binds.indexOf(listener.bind) + 1);
    const line = `${strip(client.remoteAddress) ?? 'unix'}:${client.remotePort ?? 0} [${formatLogDateMs(acceptedAt)}] ${this.proxy.name}/${bindName}: ${message}`;
    for (const d of this.dests) d.emit(level, line, this.tag);
  }

  /** Server state and health-check lines of a backend. */
  logEvent(level: number, text: string): void {
    for (const d of this.dests) d.emit(level, text, this.tag);
  }
}

export class LogSystem {
  private readonly sinks = new Map<string, LogSink>();
  readonly global: LogDest[];
  private readonly byProxy = new Map<Proxy, ProxyLog>();
  private readonly byName = new Map<string, ProxyLog>();

  constructor(config: Config, readonly diags: Diagnostics, private readonly warn: (msg: string) => void, evalEnv?: EvalEnv) {
    const g = config.global;
    const host = g.logSendHostname === true ? hostname() : g.logSendHostname;
    const base = { tag: g.logTag ?? 'haproxy', hostname: host, pid: process.pid };
    this.global = g.logs.flatMap((t) => this.dest(t, base));
    for (const p of config.proxies) {
      if (p.kind === 'defaults' || p.disabled) continue;
      const dests = p.noLog ? [] : p.logs.flatMap((t) => (t.target === 'global' ? this.global : this.dest(t, { ...base, tag: p.logTag ?? base.tag })));
      const pl = new ProxyLog(p, dests, diags, evalEnv);
      this.byProxy.set(p, pl);
      this.byName.set(p.name, pl);
    }
  }

  private dest(t: LogTarget, o: { tag: string; hostname: string | undefined; pid: number }): LogDest[] {
    const a = parseLogAddress(t.target);
    if ('error' in a) {
      this.diags.alert(`log: ${a.error}.`, t.where);
      return [];
    }
    const key = JSON.stringify(a);
    let sink = this.sinks.get(key);
    if (!sink) {
      sink = openSink(a, this.warn);
      this.sinks.set(key, sink);
    }
    return [new LogDest(t, sink, o)];
  }

  forProxy(p: Proxy): ProxyLog | undefined {
    return this.byProxy.get(p);
  }

  /** The log settings of every proxy. */
  proxyLogs(): IterableIterator<ProxyLog> {
    return this.byProxy.values();
  }

  byProxyName(name: string): ProxyLog | undefined {
    return this.byName.get(name);
  }

  /** A process message (start, stop, alerts) to the global targets. */
  processMessage(level: number, text: string): void {
    for (const d of this.global) d.emit(level, text);
  }

  close(): void {
    for (const s of this.sinks.values()) s.close();
    this.sinks.clear();
  }
}
