/**
 * HTTP/2 on the client side: a connection whose TLS handshake chose "h2" (ALPN) or that arrives
 * on a `proto h2` bind is served by node:http2. Each of its streams runs through the HTTP/1
 * engine on a virtual HTTP/1.1 connection (see virtual-client.ts and stream-bridge.ts), so rules,
 * ACLs, cookie persistence, stats and logs are the ones HTTP/1.1 requests get.
 *
 * The connection counts once against maxconn, from accept to close. With no stream in progress
 * it is closed (GOAWAY) after `timeout http-request` (before its first stream) or
 * `timeout http-keep-alive` (after one), each falling back to `timeout client`, as HAProxy's h2
 * layer does. A client's bad frames end its stream or its connection, never the process.
 */
import { createServer, constants, type Http2Server, type ServerHttp2Session, type ServerHttp2Stream, type Settings } from 'node:http2';
import type { Socket } from 'node:net';
import type { Runtime } from '../../runtime/runtime.js';
import type { FrontendRuntime } from '../../runtime/frontend.js';
import type { Listener } from '../../runtime/listeners.js';
import type { Bind } from '../../config/model.js';
import type { TlsInfo } from '../../tls/terminate.js';
import { connInfo, setConnInfo, type ConnInfo } from '../../tcp/conninfo.js';
import type { SessionStick } from '../../runtime/stick.js';
import { h2RequestToH1 } from './h2-to-h1.js';
import { StreamBridge } from './stream-bridge.js';
import { VirtualClient } from './virtual-client.js';

/** After its GOAWAY, how long a closing connection waits for the peer to close first. */
const CLOSE_GRACE_MS = 1000;

/** HAProxy's tune.h2.max-concurrent-streams default. */
const DEFAULT_MAX_STREAMS = 100;

/** Whether a connection of this bind speaks HTTP/2: `proto h2`, or "h2" chosen by ALPN (unless `proto` forces another). */
export function wantsH2(bind: Bind, tls: TlsInfo | undefined): boolean {
  return bind.proto === 'h2' || (bind.proto === undefined && tls?.alpn === 'h2');
}

const servers = new WeakMap<Runtime, Http2Server>();
const live = new WeakMap<Runtime, Set<H2Connection>>();

/** The HTTP/2 settings portico announces, from tune.h2.* (HAProxy's defaults otherwise), within HTTP/2's bounds. */
export function h2Settings(tune: Record<string, number | string>): Settings {
  const num = (name: string, max: number): number | undefined => {
    const v = tune[name];
    return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? Math.min(v, max) : undefined;
  };
  const streams = num('tune.h2.max-concurrent-streams', 0xffffffff);
  const window = num('tune.h2.initial-window-size', 0x7fffffff);
  const table = num('tune.h2.header-table-size', 65535);
  return {
    maxConcurrentStreams: streams ?? DEFAULT_MAX_STREAMS,
    ...(window !== undefined ? { initialWindowSize: window } : {}),
    ...(table !== undefined ? { headerTableSize: table } : {}),
    enablePush: false,
  };
}

/** One (never listening) node:http2 server per runtime: it turns sockets into h2 sessions with its settings. */
function h2ServerFor(rt: Runtime): Http2Server {
  let s = servers.get(rt);
  if (s) return s;
  s = createServer({ settings: h2Settings(rt.config.global.tune) });
  // Errors belong to each session (handled there); the server object itself never listens.
  s.on('sessionError', () => {});
  s.on('unknownProtocol', (sock: Socket) => sock.destroy());
  servers.set(rt, s);
  return s;
}

/** Serves `socket` (paused, TLS already terminated if any) as an HTTP/2 connection. */
export function serveH2(rt: Runtime, fe: FrontendRuntime, socket: Socket, listener: Listener, done: () => void, tls?: TlsInfo): void {
  new H2Connection(rt, fe, socket, listener, done, tls).start();
}

/**
 * Graceful stop: every HTTP/2 connection of `rt` says GOAWAY, lets its streams finish and
 * closes. (An idle h2 connection would otherwise never look idle to the HTTP/1 drain.)
 */
export function drainH2(rt: Runtime): void {
  for (const c of live.get(rt) ?? []) c.shutdown();
}

/** A stick tracker shared by the streams of a connection: only the connection's end releases it. */
function sharedStick(stick: SessionStick): SessionStick {
  return new Proxy(stick, {
    get(target, prop) {
      if (prop === 'end') return () => {};
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

class H2Connection {
  private session: ServerHttp2Session | undefined;
  private readonly idle: VirtualClient[] = [];
  private readonly bridges = new Set<StreamBridge>();
  private readonly info: ConnInfo;
  /** The connection's own stick tracker (from tcp-request rules), released at its end. */
  private readonly stick: SessionStick | undefined;
  private active = 0;
  private streamsSeen = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private finished = false;
  private closing = false;

  constructor(
    private readonly rt: Runtime,
    private readonly fe: FrontendRuntime,
    private readonly socket: Socket,
    private readonly listener: Listener,
    private readonly done: () => void,
    private readonly tls: TlsInfo | undefined,
  ) {
    let info = connInfo(socket);
    if (!info) setConnInfo(socket, (info = { acceptedAt: Date.now(), handshakeMs: 0 }));
    this.info = info;
    if (info.stick) {
      this.stick = info.stick;
      info.stick = sharedStick(info.stick);
    }
  }

  start(): void {
    const sock = this.socket;
    sock.on('error', () => {});
    sock.on('close', () => this.finish());
    let session: ServerHttp2Session | undefined;
    const server = h2ServerFor(this.rt);
    // A TLSSocket made without a tls.Server keeps secureConnecting set after its handshake, and
    // node:http2 would wait for a 'secureConnect' that never comes: the handshake is over here.
    const tlsSock = sock as Socket & { secureConnecting?: boolean; alpnProtocol?: string | false };
    if (this.tls && tlsSock.secureConnecting) tlsSock.secureConnecting = false;
    // `proto h2` on an ssl bind forces HTTP/2 whatever ALPN said; node:http2 would refuse a
    // TLS socket whose ALPN is not h2.
    if (this.tls && this.listener.bind.proto === 'h2' && tlsSock.alpnProtocol !== 'h2') tlsSock.alpnProtocol = 'h2';
    const capture = (s: ServerHttp2Session) => (session = s);
    server.once('session', capture);
    try {
      server.emit('connection', sock);
    } catch {
      // node:http2 refused the socket: nothing to serve.
    }
    server.removeListener('session', capture);
    if (!session) {
      sock.destroy();
      return this.finish();
    }
    this.session = session;
    let set = live.get(this.rt);
    if (!set) live.set(this.rt, (set = new Set()));
    set.add(this);
    // A bad preface, a protocol error or a flood ends this connection only.
    session.on('error', () => {});
    session.on('frameError', () => {});
    session.on('stream', (stream: ServerHttp2Stream, _headers: unknown, flags: number, raw: string[]) => this.onStream(stream, flags, raw));
    session.on('close', () => this.finish());
    session.on('goaway', () => (this.closing = true));
    // The client's FIN ends the connection (HTTP/2 has no half-closed connection): requests
    // still arriving are aborted, complete ones get their responses, then it closes. Reading
    // must flow for 'end' to be seen.
    sock.on('end', () => this.onClientEnd());
    // `timeout client`: nothing at all from or to the client for that long aborts the streams
    // still waiting for request data (the client was expected to send). This also ends streams
    // of a connection node:http2 stopped reading after a protocol error (it reports nothing).
    const ct = this.fe.timeouts.client;
    if (ct > 0) session.setTimeout(ct, () => this.onClientTimeout());
    this.armIdle();
    sock.resume();
  }

  private onStream(stream: ServerHttp2Stream, flags: number, raw: string[]): void {
    stream.on('error', () => {});
    if (this.finished || this.closing) {
      stream.close(constants.NGHTTP2_REFUSED_STREAM);
      return;
    }
    const endStream = (flags & constants.NGHTTP2_FLAG_END_STREAM) !== 0 || stream.endAfterHeaders;
    const tr = h2RequestToH1(raw, endStream);
    if (!tr.ok) {
      // A malformed request is a stream error (RFC 9113 8.1.1), counted as a failed request.
      this.fe.counters.failedReq++;
      stream.close(constants.NGHTTP2_PROTOCOL_ERROR);
      return;
    }
    this.streamsSeen++;
    this.active++;
    this.clearIdle();
    const vc = this.takeIdle() ?? this.newVirtualClient();
    const bridge = new StreamBridge(this, stream, vc, tr);
    this.bridges.add(bridge);
    bridge.start();
  }

  private newVirtualClient(): VirtualClient {
    return new VirtualClient({
      rt: this.rt,
      fe: this.fe,
      listener: this.listener,
      client: this.socket,
      info: this.info,
      tls: this.tls,
      gone: (vc) => this.forget(vc),
    });
  }

  private takeIdle(): VirtualClient | undefined {
    while (this.idle.length > 0) {
      const vc = this.idle.pop()!;
      if (!vc.dead) return vc;
    }
    return undefined;
  }

  private forget(vc: VirtualClient): void {
    const i = this.idle.indexOf(vc);
    if (i >= 0) this.idle.splice(i, 1);
  }

  /** BridgeOwner: a stream is over. */
  streamDone(bridge: StreamBridge, vc: VirtualClient, reusable: boolean): void {
    this.bridges.delete(bridge);
    this.active--;
    if (reusable && !vc.dead && !this.finished) this.idle.push(vc);
    else vc.destroy();
    if (this.active === 0) {
      if (this.closing) this.closeSession();
      else this.armIdle();
    }
  }

  private armIdle(): void {
    this.clearIdle();
    if (this.finished) return;
    const t = this.fe.timeouts;
    const ms = this.streamsSeen === 0 ? t.httpRequest || t.client : t.httpKeepAlive || t.httpRequest || t.client;
    if (ms > 0) this.idleTimer = setTimeout(() => this.shutdown(), ms);
  }

  private clearIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  private onClientEnd(): void {
    this.closing = true;
    for (const b of [...this.bridges]) b.clientEnded();
    // Nothing left to answer: no need to wait for a peer that is gone.
    if (this.active === 0) this.socket.destroy();
  }

  private onClientTimeout(): void {
    for (const b of [...this.bridges]) b.clientEnded();
  }

  /** GOAWAY: no new stream; the connection closes once the streams in progress are done. */
  shutdown(): void {
    if (this.finished) return;
    this.closing = true;
    if (this.active === 0) this.closeSession();
  }

  private closeSession(): void {
    const s = this.session;
    if (!s || s.closed || s.destroyed) return;
    try {
      s.close(() => this.socket.destroy());
    } catch {
      this.socket.destroy();
    }
    // The GOAWAY has had time to leave; a peer that neither closes nor reads does not hold the
    // connection any longer (as HAProxy, which closes right after its GOAWAY).
    setTimeout(() => this.socket.destroy(), Math.min(CLOSE_GRACE_MS, this.fe.timeouts.client || CLOSE_GRACE_MS)).unref();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.clearIdle();
    live.get(this.rt)?.delete(this);
    for (const vc of this.idle.splice(0)) vc.destroy();
    if (this.session && !this.session.destroyed && !this.session.closed) this.session.destroy();
    this.socket.destroy();
    this.stick?.end(Date.now());
    this.done();
  }
}
