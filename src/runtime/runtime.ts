/**
 * The running proxies built from a Config: backends with their servers, frontends with their
 * listeners, and the engines (TCP or HTTP) that serve each connection. The runtime never parses
 * text; a reload builds a new Runtime from a new Config.
 */
import type { Socket } from 'node:net';
import type { Config } from '../config/model.js';
import { hasBackend, hasFrontend } from '../config/model.js';
import { BackendRuntime } from './backend.js';
import { ConnectionLimiter, FrontendRuntime, type ProxyEngine } from './frontend.js';
import { closeListeners, openListeners, type BindFailure, type Listener } from './listeners.js';
import { serveConnection } from '../tcp/accept.js';
import { attachLogging } from '../log/attach.js';
import { resolveServers } from './resolve.js';
import { startHealthChecks } from './health.js';
import type { HttpHooks } from '../http/txn-hooks.js';
import type { Bind } from '../config/model.js';
import type { BindTls } from '../tls/bind-tls.js';
import { loadConfigTls } from '../tls/load-tls.js';
import { CertError } from '../tls/certs.js';
import { CertStore } from '../tls/cert-store.js';
import { attachStatsHooks } from './stats-hooks.js';
import { Diagnostics } from '../core/diag.js';
import { compileProxyRules, createHttpHooks, newEvalEnv, type CompiledRules } from '../rules/index.js';
import { StickTables } from './stick.js';
import { proxyIds } from './proxy-ids.js';

export interface RuntimeOptions {
  /** Called for messages about the running proxies (server state changes, resolution...). */
  log?: (level: 'notice' | 'warning' | 'alert', message: string) => void;
}

export class Runtime {
  readonly backends = new Map<string, BackendRuntime>();
  readonly frontends: FrontendRuntime[] = [];
  readonly global: ConnectionLimiter;
  listeners: Listener[] = [];
  readonly startedAt = Date.now();
  private stopping = false;
  private stopChecks: (() => void) | undefined;
  /** TLS settings of each `ssl` bind, built at start. */
  private readonly tls = new Map<Bind, BindTls>();
  private tlsLoaded = false;
  /** Certificate files of every `ssl` bind, each read once; `commit ssl cert` replaces them. */
  readonly certs = new CertStore();
  /** Rules, routing, error pages and logging for HTTP transactions (set by the rules and log modules). */
  httpHooks: HttpHooks = {};
  /** Stick tables of every proxy by name, for track-sc, stick rules and `show table`. */
  readonly stick: StickTables;

  constructor(
    readonly config: Config,
    readonly options: RuntimeOptions = {},
    rules?: CompiledRules,
  ) {
    this.global = new ConnectionLimiter(config.global.maxconn ?? 0);
    this.stick = new StickTables(config);
    // Proxy ids as HAProxy numbers them (iid in stats, be_id/fe_id).
    const ids = proxyIds(config);
    for (const p of config.proxies) {
      if (hasBackend(p) && p.kind !== 'defaults') this.backends.set(p.name, new BackendRuntime(p, ids.get(p)!));
    }
    const engine: ProxyEngine = (fe, socket, listener, done) => this.serve(fe, socket, listener, done);
    for (const p of config.proxies) {
      if (hasFrontend(p) && p.kind !== 'defaults' && p.kind !== 'backend') this.frontends.push(new FrontendRuntime(p, ids.get(p)!, this.global, this.backends, engine));
    }
    // Rules are normally compiled by loadConfig (and reported there); compile here for direct use.
    const compiled = rules ?? compileProxyRules(config, new Diagnostics());
    const env = newEvalEnv(new Map(), this);
    this.httpHooks = createHttpHooks(compiled, env);
    attachStatsHooks(this, this.httpHooks, compiled, env);
    attachLogging(this);
  }

  private serve(fe: FrontendRuntime, socket: Socket, listener: Listener, done: () => void): void {
    // tcp-request rules, PROXY header, log line at accept, then the TCP or HTTP engine.
    serveConnection(this, fe, socket, listener, done);
  }

  /** The TLS settings of an `ssl` bind (built at start), or undefined for a clear bind. */
  tlsFor(bind: Bind): BindTls | undefined {
    return this.tls.get(bind);
  }

  /**
   * Loads the certificates of every bind and server (once); throws CertError listing every
   * problem with its location (src/tls/load-tls.ts).
   */
  private loadTls(): void {
    if (this.tlsLoaded) return;
    const { binds, servers, problems } = loadConfigTls(this.config, this.certs);
    if (problems.length > 0) throw new CertError(problems.map((d) => `parsing [${d.file}:${d.line}] : ${d.message}`).join('\n'), problems);
    for (const [bind, tls] of binds) this.tls.set(bind, tls);
    for (const be of this.backends.values()) {
      for (const s of be.servers) {
        const files = servers.get(s.config);
        if (files?.ca !== undefined) s.tlsCa = files.ca;
        if (files?.cert !== undefined) s.tlsCert = files.cert;
      }
    }
    this.tlsLoaded = true;
  }

  /** Resolves server addresses, then opens every listener. Returns bind failures, if any. */
  async start(): Promise<BindFailure[]> {
    this.loadTls();
    await resolveServers(this, this.options.log);
    const byProxy = new Map(this.frontends.map((f) => [f.config, f]));
    const { listeners, failures } = await openListeners(
      this.frontends.map((f) => f.config),
      (socket, listener) => {
        const fe = byProxy.get(listener.proxy);
        if (!fe || this.stopping) return socket.destroy();
        fe.accept(socket, listener);
      },
    );
    this.listeners = listeners;
    if (failures.length === 0 && !this.stopChecks) {
      this.stopChecks = startHealthChecks(this.backends.values(), this.config.global.spreadChecks, (level, text) => this.options.log?.(level, text));
    }
    return failures;
  }

  /** Stops accepting; with `hard`, closes every connection at once, else lets them finish. */
  async stop(hard: boolean): Promise<void> {
    this.stopping = true;
    this.stopChecks?.();
    await closeListeners(this.listeners);
    for (const be of this.backends.values()) for (const s of be.servers) s.closeIdle();
    if (hard) for (const fe of this.frontends) for (const s of fe.sockets) s.destroy();
  }

  /** Connections still open on any frontend. */
  get activeConnections(): number {
    let n = 0;
    for (const fe of this.frontends) n += fe.sockets.size;
    return n;
  }
}
