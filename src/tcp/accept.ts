/**
 * What happens to an accepted connection before an engine takes it, in HAProxy's order:
 * tcp-request connection rules → PROXY header (accept-proxy, expect-proxy layer4) →
 * tcp-request session rules → the "Connect from" log line when the frontend has no log format →
 * tcp-request content rules during `tcp-request inspect-delay` → the TCP engine (use_backend on
 * the inspected bytes) or the HTTP engine (with the inspected bytes given back to the socket).
 */
import type { Socket } from 'node:net';
import type { Runtime } from '../runtime/runtime.js';
import type { FrontendRuntime } from '../runtime/frontend.js';
import type { Listener } from '../runtime/listeners.js';
import { startHttpSession } from '../http/session.js';
import { serveH2, wantsH2 } from '../http/h2/frontend.js';
import { chooseTcpBackend } from '../runtime/routing.js';
import { runtimeLookup } from '../rules/context.js';
import { createSampleContext, Vars, type SampleContext } from '../sample/context.js';
import type { Sample } from '../sample/types.js';
import type { LogFormatContext } from '../log/logformat.js';
import { Diagnostics } from '../core/diag.js';
import { logSystemOf } from '../log/attach.js';
import { setConnInfo, overrideAddresses, type ConnInfo } from './conninfo.js';
import { parseProxyHeader, PROXY_ERRORS } from './proxy-protocol.js';
import { compileTcpRules, type CompiledTcp, type TcpRuleState } from './rules.js';
import { runTcpRules, type PayloadWatch } from './run-rules.js';
import { startTcpSession } from './stream.js';
import { terminateTls, type TlsInfo } from '../tls/terminate.js';

interface TcpRuntimeState {
  rules: Map<object, CompiledTcp>;
  procVars: Map<string, Sample>;
}

const states = new WeakMap<Runtime, TcpRuntimeState>();

/** The runtime's compiled tcp rules (compiled on first use; problems go to the runtime's log). */
export function tcpStateOf(rt: Runtime): TcpRuntimeState {
  let s = states.get(rt);
  if (!s) {
    const diags = new Diagnostics();
    s = { rules: compileTcpRules(rt.config, diags), procVars: new Map() };
    for (const d of diags.list) rt.options.log?.(d.level, d.file ? `config : parsing [${d.file}:${d.line}] : ${d.message}` : d.message);
    states.set(rt, s);
  }
  return s;
}

const strip = (a: string | undefined) => (a?.startsWith('::ffff:') ? a.slice(7) : a);

/** Maximum bytes kept while inspecting (tune.bufsize). */
const INSPECT_LIMIT = 16384;

class Connection {
  private readonly info: ConnInfo;
  private readonly compiled: CompiledTcp | undefined;
  private state: TcpRuleState | undefined;
  private readonly procVars: Map<string, Sample>;
  private readonly watch: PayloadWatch = { touched: false };
  private buffered: Buffer | undefined;
  private clientEnded = false;
  /** What the TLS handshake said, on an `ssl` bind. */
  private tls: TlsInfo | undefined;

  constructor(
    private readonly rt: Runtime,
    private readonly fe: FrontendRuntime,
    private socket: Socket,
    private readonly listener: Listener,
    private readonly done: () => void,
  ) {
    this.info = { acceptedAt: Date.now(), handshakeMs: 0 };
    setConnInfo(socket, this.info);
    const tcp = tcpStateOf(rt);
    this.compiled = tcp.rules.get(fe.config);
    this.procVars = tcp.procVars;
  }

  /** The rules' state, made on first use: connections without tcp rules never pay for it. */
  private get st(): TcpRuleState {
    return (this.state ??= this.makeState());
  }

  private makeState(): TcpRuleState {
    const { rt, fe, socket } = this;
    const self = this;
    const ref = { name: fe.name, id: fe.id };
    const sample: SampleContext = createSampleContext({
      conn: this.connFacts(),
      frontend: ref,
      backend: ref,
      vars: new Vars(this.procVars, new Map()),
      proxies: runtimeLookup(rt),
    });
    Object.defineProperty(sample, 'reqPayload', {
      get() {
        self.watch.touched = true;
        return self.buffered ?? EMPTY;
      },
      configurable: true,
      enumerable: true,
    });
    const lf: LogFormatContext = { sample, mode: 'value', variable: (n) => this.variable(n) };
    const st: TcpRuleState = { sample, lf, captures: [] };
    const c = this.compiled;
    if (c && (c.connection.length || c.session.length || c.content.length)) {
      const stick = rt.stick?.session(socket.remoteAddress);
      if (stick) {
        stick.proxy(fe.name);
        sample.stick = stick.fetch;
        st.stick = stick;
        this.info.stick = stick;
      }
    }
    return st;
  }

  private connFacts(): SampleContext['conn'] {
    const s = this.socket;
    const conn: SampleContext['conn'] = { src: s.remoteAddress ?? '', srcPort: s.remotePort ?? 0, dst: s.localAddress ?? '', dstPort: s.localPort ?? this.listener.port };
    const t = this.tls;
    if (t) conn.ssl = { sni: t.sni, protocol: t.protocol, cipher: t.cipher, alpn: t.alpn, clientCert: t.clientCert };
    return conn;
  }

  private variable(name: string): string | number | undefined {
    const s = this.socket;
    switch (name) {
      case 'ci':
        return strip(s.remoteAddress);
      case 'cp':
        return s.remotePort;
      case 'fi':
        return strip(s.localAddress);
      case 'fp':
        return s.localPort ?? this.listener.port;
      case 'f':
      case 'ft':
      case 'b':
        return this.fe.name;
      case 'pid':
        return process.pid;
      default:
        return undefined;
    }
  }

  start(): void {
    const c = this.compiled;
    if (c && c.connection.length > 0) {
      const r = runTcpRules(c.connection, 0, this.st, true);
      if (r.kind === 'done' && r.outcome !== 'accept') {
        this.fe.counters.deniedConn++;
        if (this.listener.counters) this.listener.counters.deniedConn++;
        return this.drop(r.outcome === 'silent-drop');
      }
      this.applyAddresses();
    }
    if (this.listener.bind.acceptProxy || this.state?.expectProxy) return this.readProxyHeader();
    this.afterHandshake();
  }

  private applyAddresses(): void {
    const a = this.state?.setAddr;
    if (!a) return;
    overrideAddresses(this.socket, { ...a, ...(a.src ? { family: a.src.includes(':') ? 'IPv6' : 'IPv4' } : {}) });
    this.st.sample.conn = this.connFacts();
    this.st.setAddr = undefined;
  }

  private drop(silent: boolean): void {
    this.state?.stick?.end(Date.now());
    if (silent) this.socket.resetAndDestroy();
    else this.socket.destroy();
    this.done();
  }

  private readProxyHeader(): void {
    const s = this.socket;
    let buf: Buffer | undefined;
    const timeout = this.fe.timeouts.client;
    let timer: NodeJS.Timeout | undefined;
    const cleanup = () => {
      if (timer) clearTimeout(timer);
      s.pause();
      s.removeListener('data', onData);
      s.removeListener('end', onEnd);
      s.removeListener('close', onEnd);
    };
    const fail = (message: string) => {
      cleanup();
      this.state?.stick?.end(Date.now());
      logSystemOf(this.rt)?.forProxy(this.fe.config)?.logConnError(this.fe, s, this.listener, this.info.acceptedAt, message);
      this.fe.counters.failedReq++;
      if (this.listener.counters) this.listener.counters.failedReq++;
      s.destroy();
      this.done();
    };
    const onData = (d: Buffer) => {
      buf = buf ? Buffer.concat([buf, d]) : d;
      const r = parseProxyHeader(buf);
      if (r.kind === 'incomplete') return;
      if (r.kind === 'error') return fail(r.message);
      cleanup();
      if (r.addresses) {
        const a = r.addresses;
        overrideAddresses(s, { src: a.src, srcPort: a.srcPort, dst: a.dst, dstPort: a.dstPort, family: a.family });
        if (this.state) this.state.sample.conn = this.connFacts();
      }
      this.info.handshakeMs = Date.now() - this.info.acceptedAt;
      if (r.consumed < buf.length) s.unshift(buf.subarray(r.consumed));
      this.afterHandshake();
    };
    const onEnd = () => fail(buf && buf.length > 0 ? PROXY_ERRORS.truncated : PROXY_ERRORS.aborted);
    s.on('data', onData);
    s.on('end', onEnd);
    s.on('close', onEnd);
    if (timeout > 0) timer = setTimeout(() => fail(PROXY_ERRORS.timeout), timeout);
    s.resume();
  }

  private afterHandshake(): void {
    // TLS on an `ssl` bind: after the PROXY header, before the session rules, as in HAProxy.
    const tls = this.rt.tlsFor(this.listener.bind);
    if (tls && !this.tls) {
      const raw = this.socket;
      terminateTls(raw, tls, this.fe.timeouts.httpRequest || this.fe.timeouts.client, (sock, info) => {
        if (!sock || !info) {
          this.fe.counters.failedReq++;
          if (this.listener.counters) this.listener.counters.failedReq++;
          return this.done();
        }
        // Fetches and logs keep seeing the client the PROXY header (or the socket) named.
        overrideAddresses(sock, { src: raw.remoteAddress, srcPort: raw.remotePort, dst: raw.localAddress, dstPort: raw.localPort, family: raw.remoteFamily === 'IPv6' ? 'IPv6' : 'IPv4' });
        setConnInfo(sock, this.info);
        sock.pause();
        this.socket = sock;
        this.tls = info;
        if (this.state) this.state.sample.conn = this.connFacts();
        this.afterHandshake();
      });
      return;
    }
    const c = this.compiled;
    if (c && c.session.length > 0) {
      const r = runTcpRules(c.session, 0, this.st, true);
      if (r.kind === 'done' && r.outcome !== 'accept') {
        this.fe.counters.deniedSess++;
        if (this.listener.counters) this.listener.counters.deniedSess++;
        return this.drop(r.outcome === 'silent-drop');
      }
      this.applyAddresses();
    }
    logSystemOf(this.rt)?.forProxy(this.fe.config)?.logConnect(this.socket, this.listener);
    const inspect = c && (c.content.length > 0 || (this.fe.mode === 'tcp' && c.useBackends.some((u) => u.cond || u.format)));
    if (!inspect || !c) return this.engine(undefined);
    this.inspect(c);
  }

  /** tcp-request content rules over the bytes received within inspect-delay. */
  private inspect(c: CompiledTcp): void {
    const s = this.socket;
    let at = 0;
    let timer: NodeJS.Timeout | undefined;
    let finished = false;
    const cleanup = () => {
      finished = true;
      if (timer) clearTimeout(timer);
      s.pause();
      s.removeListener('data', onData);
      s.removeListener('end', onEnd);
      s.removeListener('error', onAbort);
      s.removeListener('close', onAbort);
    };
    const evaluate = (final: boolean) => {
      if (finished) return;
      this.st.sample.waitEnd = final;
      this.st.sample.cache.invalidate();
      const r = runTcpRules(c.content, at, this.st, final, this.watch);
      if (r.kind === 'wait') {
        at = r.at;
        return;
      }
      cleanup();
      this.applyAddresses();
      if (r.outcome === 'accept') return this.engine(undefined);
      this.fe.counters.deniedReq++;
      if (this.listener.counters) this.listener.counters.deniedReq++;
      if (r.outcome === 'silent-drop') return this.drop(true);
      this.engine('PR');
    };
    const onData = (d: Buffer) => {
      this.buffered = this.buffered ? Buffer.concat([this.buffered, d]) : d;
      evaluate(this.buffered.length >= INSPECT_LIMIT);
    };
    const onEnd = () => {
      this.clientEnded = true;
      evaluate(true);
    };
    const onAbort = () => {
      if (finished) return;
      cleanup();
      this.engine('CR');
    };
    s.on('data', onData);
    s.on('end', onEnd);
    s.on('error', onAbort);
    s.on('close', onAbort);
    if (c.inspectDelay > 0) timer = setTimeout(() => evaluate(true), c.inspectDelay);
    evaluate(c.inspectDelay === 0);
    if (!finished) s.resume();
  }

  /** Hands the connection to its engine; `termination` ends a TCP session at once (reject). */
  private engine(termination: string | undefined): void {
    const { rt, fe, socket, listener } = this;
    if (fe.mode === 'http') {
      if (termination) {
        this.state?.stick?.end(Date.now());
        socket.destroy();
        return this.done();
      }
      if (this.buffered?.length) socket.unshift(this.buffered);
      if (wantsH2(listener.bind, this.tls)) return serveH2(rt, fe, socket, listener, this.done, this.tls);
      return startHttpSession(rt, fe, socket, listener, this.done, this.tls);
    }
    const backend = termination ? undefined : chooseTcpBackend(fe, this.compiled, this.state?.sample, this.state?.lf);
    backend?.counters.openSession(Date.now(), false); // the stream is the backend's until fe.record()
    const log = logSystemOf(rt)?.forProxy(fe.config);
    // A log-format with %[...] needs a sample context even without rules.
    const st = this.state ?? (log?.needsSample ? this.st : undefined);
    startTcpSession(
      fe,
      socket,
      listener,
      {
        backend,
        ...(this.buffered ? { buffered: this.buffered } : {}),
        clientEnded: this.clientEnded,
        acceptedAt: this.info.acceptedAt,
        handshakeMs: this.info.handshakeMs,
        captures: st?.captures ?? [],
        ...(termination ? { termination } : {}),
      },
      (e, info) => {
        fe.record(e, listener);
        if (st?.stick) {
          const now = Date.now();
          st.stick.transactionEnd(e.bytesIn, e.bytesOut, now);
          st.stick.end(now);
        }
        log?.logTcp(info, st?.sample, st?.logLevel);
        this.done();
      },
    );
  }
}

const EMPTY = Buffer.alloc(0);

/** Serves an accepted connection of `fe` (the socket is paused). */
export function serveConnection(rt: Runtime, fe: FrontendRuntime, socket: Socket, listener: Listener, done: () => void): void {
  new Connection(rt, fe, socket, listener, done).start();
}
