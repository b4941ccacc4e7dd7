/**
 * The HTTP/1 engine: one HttpSession per client connection. It frames requests with portico's
 * own codec, picks a backend and a server per request, reuses pooled server connections, and
 * forwards bodies in both directions with back-pressure, under HAProxy's timeouts and with
 * HAProxy's error pages. Each request is a transaction (HttpTxn) evaluated by the rules at
 * the points HAProxy evaluates them (see txn-hooks.ts).
 */
import type { Socket } from 'node:net';
import type { Runtime } from '../runtime/runtime.js';
import type { FrontendRuntime } from '../runtime/frontend.js';
import type { Listener } from '../runtime/listeners.js';
import type { BackendRuntime } from '../runtime/backend.js';
import type { ServerRuntime } from '../runtime/server.js';
import { connectToServer, redispatchOnRetry, type ConnectAttempt, type ConnectResult } from '../runtime/connect.js';
import { parseRequestHead, type ParsedRequest } from './h1/request.js';
import { parseResponseHead, type ParsedResponse } from './h1/response.js';
import { ChunkedDecoder } from './h1/chunked.js';
import { hasHeader, hasToken } from './h1/headers.js';
import { requestHeadText, responseHeadText, serializeResponseHead } from './h1/serialize.js';
import { DEFAULT_H1_LIMITS, type H1Limits } from './h1/limits.js';
import { proxiedErrorBytes, rawErrorBytes } from './errors.js';
import { prepareRequestHeaders, prepareResponseHeaders, type ConnMode, connModeOf } from './forwarding.js';
import { HttpTxn, type TxnResult } from './txn.js';
import { runRequestPhase, runResponsePhase, type HttpHooks, type LocalReply, type RequestVerdict } from './txn-hooks.js';
import { CookieTxn, processRequestCookies, processResponseCookies } from '../persist/cookie.js';
import { serializeLocalReply } from './local-reply.js';
import { encodeChunked, lastChunk, rangesLength, writeChunked } from './rechunk.js';
import { htxChunkedEndSize, htxReplySize } from './htx-size.js';
import { retries as retriesOn, retryPolicy, NO_RETRY_ON, type L7Failure, type RetryPolicy } from './retry.js';
import { balanceInput, hashKey } from './balance-input.js';
import { bodyRoom } from './body-room.js';
import { deleteHeader } from './h1/headers.js';
import type { LbRequest } from '../lb/index.js';
import type { TlsInfo } from '../tls/terminate.js';
import type { ConnectionInfo } from '../sample/context.js';
import { adopt, discard, type ServerConnHandler } from '../runtime/server-conn.js';
import { readDirectly } from '../runtime/direct-reads.js';
import type { SessionStick } from '../runtime/stick.js';
import { connInfo } from '../tcp/conninfo.js';
import { observeHttpFailure, observeHttpStatus } from '../checks/observe.js';
import { bindServerSession, type KillCause } from '../runtime/admin.js';
import { Deadline } from '../core/deadline.js';
import { now } from '../core/clock.js';

/** What a session writes into the process log for each transaction (the log module formats it). */
export type TxnLogger = (txn: HttpTxn) => void;

export function startHttpSession(rt: Runtime, fe: FrontendRuntime, client: Socket, listener: Listener, done: () => void, tls?: TlsInfo): void {
  new HttpSession(rt, fe, client, listener, done, tls).start();
}

const SESSION = Symbol('portico.httpSession');

/** The HTTP/1 session running on a client connection, if any (for a soft stop's bookkeeping). */
export function httpSessionOf(client: Socket): HttpSession | undefined {
  return (client as Socket & { [SESSION]?: HttpSession })[SESSION];
}

const enum State {
  /** waiting for (the rest of) a request head */
  Head,
  /** request head sent to the server; request body and/or response under way */
  Forwarding,
  /** 101 or CONNECT: raw bytes both ways */
  Tunnel,
  Closed,
}

const CONNECTION_CLOSE = Buffer.from('connection: close\r\n', 'latin1');
const CONTINUE = Buffer.from('HTTP/1.1 100 Continue\r\n\r\n', 'latin1');
const EMPTY = Buffer.alloc(0);
const CONNECTION_KEEP_ALIVE = Buffer.from('connection: keep-alive\r\n', 'latin1');
const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');

/** Adds `line` (a Connection header) last to a serialized response that has no Connection header. */
function withConnectionHeader(bytes: Buffer, line: Buffer): Buffer {
  const end = bytes.indexOf(HEAD_END);
  if (end < 0) return bytes;
  const head = bytes.toString('latin1', 0, end).toLowerCase();
  if (head.includes('\r\nconnection:')) return bytes;
  return Buffer.concat([bytes.subarray(0, end + 2), line, bytes.subarray(end + 2)]);
}

/**
 * A local reply to a HEAD request (or a 204/304) goes out without its body, as HAProxy's H1 layer
 * sends it: the head keeps its content-length. Sending the body would put the client's next
 * response out of step on a kept-alive connection.
 */
function headOnly(bytes: Buffer): Buffer {
  const end = bytes.indexOf(HEAD_END);
  return end < 0 || end + 4 === bytes.length ? bytes : bytes.subarray(0, end + 4);
}

/**
 * A 101 HAProxy 2.6 refuses as an invalid response (502): one to a request that did not ask to
 * upgrade, or a switch to WebSocket without a Sec-WebSocket-Accept header (its presence is what
 * HAProxy checks, not its value).
 */
function invalidSwitch(req: ParsedRequest, res: ParsedResponse): boolean {
  if (res.head.status !== 101) return false;
  if (!req.upgrade) return true;
  const h = res.head.headers;
  return hasToken(h, 'upgrade', 'websocket') && !hasHeader(h, 'sec-websocket-accept');
}

/**
 * `http-reuse`: never; safe (the default) reuses an idle server connection only for a client
 * connection's second and later requests, so a first request never lands on a connection that
 * the server may be closing; aggressive and always reuse for every request.
 */
function reuseAllowed(backend: BackendRuntime, requestsSeen: number): boolean {
  if (backend.reuse === 'never') return false;
  return backend.reuse !== 'safe' || requestsSeen > 1;
}

/** The limits for a response head: the request's, with the backend's `option accept-invalid-http-response`. */
const lenientResponse = new WeakMap<H1Limits, H1Limits>();
function responseLimits(limits: H1Limits, acceptInvalid: boolean): H1Limits {
  if (acceptInvalid === (limits.acceptInvalid === true)) return limits;
  let l = lenientResponse.get(limits);
  if (!l) lenientResponse.set(limits, (l = { ...limits, acceptInvalid }));
  return l;
}

export class HttpSession {
  private state = State.Head;
  /** Unparsed client bytes (a partial head, or pipelined requests waiting their turn). */
  private pending: Buffer | undefined;
  private txn: HttpTxn | undefined;
  private requestsSeen = 0;
  /** The client half-closed (FIN): no more requests will come than those already received. */
  private clientEnded = false;
  /** The head timeout (http-request / http-keep-alive): moved at every request, rarely expires. */
  private readonly headTimeout = new Deadline(() => this.onHeadTimeout());
  /**
   * `timeout server` while a request uses a server connection: inactivity on that connection,
   * moved at each read and write (the socket's own timeout would re-arm a Node timer each time).
   */
  private readonly serverTimeout = new Deadline(() => this.onServerTimeout());
  private serverTimeoutMs = 0;
  private serverSock: Socket | undefined;
  private server: ServerRuntime | undefined;
  private backend: BackendRuntime | undefined;
  private attempt: ConnectAttempt | undefined;
  /** Request body still to forward: bytes for a content-length body, or the chunk decoder. */
  private reqRemaining = 0;
  private reqChunks: ChunkedDecoder | undefined;
  private reqBodyDone = true;
  /** Request payload (decoded: no chunk framing) received before the server connection was ready. */
  private reqBuffered: Buffer[] = [];
  private reqBufferedBytes = 0;
  /** Payload [from, to) offsets the chunk decoders report for one read (reused), per direction. */
  private readonly ranges: number[] = [];
  private readonly resRanges: number[] = [];
  /** Bytes of the first response read already run through resChunks (head and body in one read), else -1. */
  private resFed = -1;
  /** Response parsing and body state. */
  private resPending: Buffer | undefined;
  private res: ParsedResponse | undefined;
  private resRemaining = 0;
  private resChunks: ChunkedDecoder | undefined;
  private resUntilClose = false;
  /**
   * `retry-on`: the request payload kept to be sent again after a layer-7 failure; undefined when
   * the request cannot be retried (no layer-7 retry-on, or it did not fit in one buffer at once).
   */
  private retryBody: Buffer[] | undefined;
  /**
   * For the log's Tc across layer-7 retries: when the server was first assigned, and whether the
   * connection under way is a retry. A retried request's Tc runs from there to its last connection,
   * as HAProxy's does (HAProxy counts the time before a redispatch in Tw instead: Tw here keeps
   * meaning time queued, which the log also reads as "was queued").
   */
  private assignedAt = 0;
  private retrying = false;
  /** The current backend's retry-on policy (looked up once per request). */
  private retryOn: RetryPolicy = NO_RETRY_ON;
  /**
   * A step of the transaction waiting for the request body (http-request wait-for-body, option
   * http-buffer-request, balance url_param check_post): it resumes once the body is in, `atLeast`
   * bytes of it are, or the buffer is full; 408 at the deadline.
   */
  private bodyGate: { atLeast: number; resume: () => void; timer: NodeJS.Timeout | undefined } | undefined;
  /** A local service (stats page, Prometheus) waiting for the request body. */
  private pendingService: ((body: Buffer) => LocalReply) | undefined;
  /** `http-request tarpit`: the delayed reply. */
  private tarpitTimer: NodeJS.Timeout | undefined;
  /** Cookie persistence state of the current transaction. */
  private readonly cookie = new CookieTxn();
  /** The client connection as sample fetches see it. */
  readonly conn: ConnectionInfo;
  /** This session's handlers for server connection events (one object, reused for every request). */
  private readonly serverEvents: ServerConnHandler = {
    data: (d) => this.onServerData(d),
    end: () => this.onServerEnd(),
    error: () => this.onServerError(),
    close: () => this.onServerClose(),
    drain: () => this.client.resume(),
    timeout: () => this.onServerTimeout(),
  };
  /**
   * `shutdown session(s)`, on-marked-down/up: kills the transaction using server connection `sock`
   * (one function per session, bound at each request; a stale binding of a pooled connection
   * finds another socket in use and does nothing).
   */
  private readonly killBound = (why: KillCause, sock: Socket): void => {
    if (this.serverSock !== sock || !this.txn) return;
    if (!this.res) return this.replyError(502, `${why}H--`);
    this.txn.termination = `${why}D--`;
    this.close();
  };
  private readonly limits: H1Limits;
  private readonly connMode: ConnMode;
  /** The frontend's `option http-buffer-request`, read once. */
  private readonly feBufferRequest: boolean;
  /** PROXY protocol header maker for new server connections (made once per client connection). */
  private preamble: ((server: ServerRuntime) => Buffer | undefined) | undefined;
  private readonly hooks: HttpHooks;
  /** Stick counters tracked by this connection (undefined when no proxy has a stick table). */
  readonly stick: SessionStick | undefined;
  /** For the log: when the current stream began (accept, then each response's end) and its request's first byte. */
  streamAcceptedAt: number = now();
  firstByteAt = 0;
  /** Owned by the stats module (stats/accounting.ts): the client connection's wire bytes are counted. */
  statsWireMetered = false;

  constructor(
    readonly rt: Runtime,
    readonly fe: FrontendRuntime,
    readonly client: Socket,
    readonly listener: Listener,
    private readonly done: () => void,
    tls?: TlsInfo,
  ) {
    // What fetches know about the connection: addresses (later from a PROXY header) and TLS.
    this.conn = {
      src: client.remoteAddress ?? '',
      srcPort: client.remotePort ?? 0,
      dst: client.localAddress ?? '',
      dstPort: client.localPort ?? listener.port,
      ...(tls ? { ssl: { sni: tls.sni, protocol: tls.protocol, cipher: tls.cipher, alpn: tls.alpn, clientCert: tls.clientCert } } : {}),
    };
    const tune = rt.config.global.tune;
    this.limits = {
      bufsize: (tune['tune.bufsize'] as number | undefined) ?? DEFAULT_H1_LIMITS.bufsize,
      maxrewrite: (tune['tune.maxrewrite'] as number | undefined) ?? DEFAULT_H1_LIMITS.maxrewrite,
      maxhdr: (tune['tune.http.maxhdr'] as number | undefined) ?? DEFAULT_H1_LIMITS.maxhdr,
      // `option accept-invalid-http-request` is the frontend's; responses use the backend's option.
      ...(fe.config.options['accept-invalid-http-request'] === true ? { acceptInvalid: true } : {}),
    };
    this.connMode = connModeOf(fe.config);
    this.feBufferRequest = fe.config.options['http-buffer-request'] === true;
    this.hooks = rt.httpHooks;
    this.stick = connInfo(client)?.stick ?? rt.stick?.session(client.remoteAddress);
  }

  /** The transaction in progress (request received, not ended), if any. */
  get currentTransaction(): HttpTxn | undefined {
    const txn = this.txn;
    return txn && !txn.ended ? txn : undefined;
  }

  start(): void {
    const c = this.client;
    (c as Socket & { [SESSION]?: HttpSession })[SESSION] = this;
    c.setNoDelay(true);
    const onData = (d: Buffer) => this.onClientData(d);
    // Plain TCP clients are read without the stream machinery; bytes already in the stream's
    // buffer (left by tcp-request inspection or a PROXY header) still come as 'data', first.
    readDirectly(c, onData);
    c.on('data', onData);
    c.on('end', () => this.onClientEnd());
    c.on('error', () => this.onClientError());
    c.on('close', () => this.onClientClose());
    c.on('drain', () => this.serverSock?.resume());
    this.armHeadTimer(true);
    c.resume();
  }

  // ---------------------------------------------------------------- client side

  private onClientData(d: Buffer): void {
    switch (this.state) {
      case State.Head:
        if (!this.pending?.length) this.firstByteAt = now();
        this.pending = this.pending ? Buffer.concat([this.pending, d]) : d;
        this.tryParseRequest();
        return;
      case State.Forwarding:
        this.onRequestBodyData(d);
        return;
      case State.Tunnel:
        if (this.serverSock && !this.serverSock.write(d)) this.client.pause();
        return;
      default:
        return;
    }
  }

  private tryParseRequest(): void {
    const buf = this.pending;
    if (!buf || buf.length === 0) return;
    const r = parseRequestHead(buf, 0, buf.length, this.limits);
    if (r.kind === 'incomplete') {
      // The rest of a request that will never come: the client half-closed while an earlier
      // one was served. HAProxy answers it as when the FIN comes on an idle connection.
      if (this.clientEnded) return this.incompleteAtFin();
      // The first byte of a keep-alive request switches from http-keep-alive to http-request.
      if (this.requestsSeen > 0 && !this.headTimeout.running) this.armHeadTimer(true);
      return;
    }
    this.clearHeadTimer();
    if (r.kind === 'error') {
      this.fe.counters.failedReq++;
      this.stick?.badRequest(now());
      this.txn = new HttpTxn(this, undefined, now());
      this.txn.status = r.status;
      this.txn.termination = 'PR--';
      this.txn.badRequest = true;
      this.finishWithRaw(r.status);
      return;
    }
    this.pending = r.consumed < buf.length ? buf.subarray(r.consumed) : undefined;
    this.requestsSeen++;
    this.beginTransaction(r);
  }

  private armHeadTimer(first: boolean): void {
    const t = this.fe.timeouts;
    // Before the first byte of a keep-alive request, http-keep-alive applies; then http-request.
    const ms = first && this.requestsSeen === 0 ? t.httpRequest : this.pending?.length ? t.httpRequest : t.httpKeepAlive;
    this.headTimeout.set(ms);
  }

  private clearHeadTimer(): void {
    this.headTimeout.stop();
  }

  private onHeadTimeout(): void {
    if (this.state !== State.Head) return;
    if (this.requestsSeen > 0 && !this.pending?.length) {
      // Idle keep-alive connection: closed silently, as HAProxy does.
      return this.close();
    }
    const ignoreProbe = this.requestsSeen === 0 && !this.pending?.length && this.fe.config.options['http-ignore-probes'] === true;
    if (ignoreProbe) return this.close();
    this.fe.counters.failedReq++;
    this.txn = new HttpTxn(this, undefined, now());
    this.txn.status = 408;
    this.txn.termination = 'cR--';
    this.finishWithRaw(408);
  }

  private onClientEnd(): void {
    this.clientEnded = true;
    if (this.state === State.Head) {
      if (this.pending?.length) return this.incompleteAtFin();
      if (this.requestsSeen === 0 && this.fe.config.options['http-ignore-probes'] !== true) {
        // Closed before a first request: HAProxy logs it (400, CR--, "<BADREQ>") and answers nothing.
        const txn = new HttpTxn(this, undefined, now());
        txn.status = 400;
        txn.termination = 'CR--';
        txn.ended = true;
        txn.endedAt = txn.startedAt;
        this.hooks.log?.(txn);
      }
      return this.close();
    }
    if (this.state === State.Tunnel) {
      this.serverSock?.end();
      return;
    }
    if (this.state === State.Forwarding && !this.reqBodyDone) {
      this.clientAbort('CD');
    }
    // Request complete and the client half-closed: finish the response and any complete
    // pipelined request, then close (nextRequest).
    if (this.txn) this.txn.clientClosed = true;
  }

  /** An incomplete request then FIN: HAProxy answers 400 when there is something to answer. */
  private incompleteAtFin(): void {
    this.clearHeadTimer();
    this.fe.counters.failedReq++;
    this.txn = new HttpTxn(this, undefined, now());
    this.txn.status = 400;
    this.txn.termination = 'CR--';
    this.txn.badRequest = true;
    this.finishWithRaw(400);
  }

  private onClientError(): void {
    if (this.state === State.Forwarding || this.state === State.Tunnel) this.clientAbort(this.state === State.Tunnel ? 'CD' : 'CD');
    else this.close();
  }

  private onClientClose(): void {
    if (this.state !== State.Closed) {
      if (this.state === State.Forwarding || this.state === State.Tunnel) this.clientAbort('CD');
      else this.close();
    }
  }

  private clientAbort(flags: string): void {
    const txn = this.txn;
    if (txn && !txn.ended) {
      txn.termination = `${flags}--`;
      if (this.backend) this.backend.counters.cliAborts++;
      if (this.server) this.server.counters.cliAborts++;
      this.endTransaction(false);
    }
    this.close();
  }

  // ---------------------------------------------------------------- transactions

  private beginTransaction(req: ParsedRequest): void {
    const at = now();
    const txn = new HttpTxn(this, req, at);
    // Counted as HAProxy counts them: the message as received, in its internal form (htx-size.ts).
    txn.bytesIn = req.htxSize;
    this.txn = txn;
    this.state = State.Forwarding;
    this.fe.counters.countRequest(at);
    this.stick?.request(at);
    txn.closeAfter = !req.keepAlive || req.clAndTe || this.connMode === 'close' || this.connMode === 'server-close-client-close';

    // Nothing of a previous response may leak into this one (after an error page the client
    // connection stays open, and the failed response's bytes must be forgotten).
    this.forgetResponse();
    // Request body framing.
    if (this.reqBuffered.length > 0) this.reqBuffered = [];
    this.reqBufferedBytes = 0;
    this.retryBody = undefined;
    this.reqChunks = undefined;
    this.reqRemaining = 0;
    this.reqBodyDone = true;
    if (req.framing === 'length') {
      this.reqRemaining = req.contentLength;
      this.reqBodyDone = req.contentLength === 0;
    } else if (req.framing === 'chunked') {
      this.reqChunks = new ChunkedDecoder(this.limits);
      this.reqBodyDone = false;
    }
    // Bytes after the head may be body; the rest stays pending for the next request.
    const extra = this.pending;
    this.pending = undefined;
    if (extra) this.onRequestBodyData(extra);

    // option http-buffer-request in the frontend: the rules see the body (HAProxy waits before them).
    if (this.feBufferRequest && !this.bodyReady(txn, 0)) {
      return this.waitForBody(txn, this.fe.timeouts.httpRequest, 0, () => this.onRequestVerdict(txn, runRequestPhase(this.hooks, txn)));
    }
    this.onRequestVerdict(txn, runRequestPhase(this.hooks, txn));
  }

  /** What the request rules decided: answer, wait for the body and go on, or forward to a backend. */
  private onRequestVerdict(txn: HttpTxn, verdict: RequestVerdict): void {
    if (txn.ended || this.txn !== txn) return;
    const req = txn.req!;
    if (verdict.kind === 'wait-body') {
      const resume = verdict.resume;
      return this.waitForBody(txn, verdict.timeMs, verdict.atLeast, () => this.onRequestVerdict(txn, resume()));
    }
    if (verdict.kind === 'reply') {
      if (verdict.delayMs) return this.tarpit(verdict.bytes, verdict.status, verdict.termination, verdict.delayMs);
      return this.replyLocally(verdict.bytes, verdict.status, verdict.termination, verdict.close);
    }
    // The stats page answers on a frontend whose `stats uri` matches, else on the chosen backend.
    const hooks = this.hooks;
    const uri = req.head.uri;
    const feConfig = this.fe.config;
    const beConfig = verdict.backend?.config;
    const statsProxy = feConfig.stats.enabled && hooks.statsMatches?.(feConfig, uri) ? feConfig : beConfig?.stats.enabled && hooks.statsMatches?.(beConfig, uri) ? beConfig : undefined;
    if (statsProxy && hooks.stats) return this.serveLocal(txn, '<STATS>', (body) => hooks.stats!(txn, statsProxy, body));
    if (verdict.service) {
      const name = verdict.service;
      // prometheus-exporter is the one service (rules/actions/misc-actions.ts); HAProxy's applet name.
      if (hooks.service) return this.serveLocal(txn, '<PROMEX>', (body) => hooks.service!(txn, name, body));
      return this.replyError(500, 'PR--');
    }
    const backend = verdict.backend;
    if (!backend) {
      txn.termination = 'SC--';
      return this.replyError(503, 'SC--');
    }
    this.backend = backend;
    txn.backend = backend;
    txn.preferred = verdict.server;
    const cookieCfg = backend.config.cookie;
    this.cookie.reset(cookieCfg !== undefined);
    if (cookieCfg) {
      processRequestCookies(
        cookieCfg,
        req.head.headers,
        backend.cookieServers,
        { persist: backend.config.options['persist'] === true, forcePersist: false, ignorePersist: false, assigned: verdict.server !== undefined, nowSec: Math.floor(now() / 1000) },
        this.cookie,
      );
      if (!txn.preferred && this.cookie.server >= 0) txn.preferred = backend.servers[this.cookie.server];
    }
    this.connectWhenReady(txn, backend);
  }

  /**
   * Connects, after waiting for the request body when the backend asks for it: `option
   * http-buffer-request`, or `balance url_param ... check_post` on a POST (HAProxy waits the same
   * way, up to timeout http-request).
   */
  private connectWhenReady(txn: HttpTxn, backend: BackendRuntime): void {
    const wait = backend.bufferRequest || (backend.lb.name === 'url_param' && txn.req!.head.method === 'POST' && balanceInput(backend).checkPost);
    if (wait && !this.bodyReady(txn, 0)) return this.waitForBody(txn, this.fe.timeouts.httpRequest, 0, () => this.connect(txn, backend));
    this.connect(txn, backend);
  }

  /** For the rules (wait-for-body): whether the current request's body is ready, as bodyReady(). */
  requestBodyReady(atLeast: number): boolean {
    const txn = this.txn;
    return txn?.req === undefined || this.bodyReady(txn, atLeast);
  }

  /** Whether the body a step waits for is in: all of it, `atLeast` bytes (0: no such limit), or a full buffer. */
  private bodyReady(txn: HttpTxn, atLeast: number): boolean {
    const n = this.reqBufferedBytes;
    return this.reqBodyDone || (atLeast > 0 && n >= atLeast) || n >= bodyRoom(txn.req!.head, this.limits);
  }

  /** Runs `resume` once the request body is ready (at once if it is); 408 after `timeMs` (0: no limit). */
  private waitForBody(txn: HttpTxn, timeMs: number, atLeast: number, resume: () => void): void {
    if (this.bodyReady(txn, atLeast)) return resume();
    const req = txn.req!;
    if (req.expectContinue && deleteHeader(req.head.headers, 'expect') > 0) {
      // The client waits for a 100 before sending its body: HAProxy answers it itself, and the
      // server no longer sees the expectation.
      this.client.write(CONTINUE);
    }
    const timer = timeMs > 0 ? setTimeout(() => this.onBodyGateTimeout(txn), timeMs) : undefined;
    this.bodyGate = { atLeast, resume, timer };
  }

  private openBodyGate(): void {
    const g = this.bodyGate!;
    this.bodyGate = undefined;
    if (g.timer) clearTimeout(g.timer);
    // The request counts as received once the wait is over (the log's TR, as HAProxy's).
    if (this.txn) this.txn.startedAt = now();
    g.resume();
  }

  private onBodyGateTimeout(txn: HttpTxn): void {
    if (!this.bodyGate || txn.ended || this.txn !== txn) return;
    this.bodyGate = undefined;
    this.fe.counters.failedReq++;
    this.replyError(408, 'cR--');
  }

  /**
   * The request body received so far and not yet sent to a server (decoded, at most a buffer's
   * worth): what req.body and the url_param check_post balancer read.
   */
  requestBody(): Buffer {
    const txn = this.txn;
    if (!txn?.req || this.reqBuffered.length === 0) return EMPTY;
    const all = this.reqBuffered.length === 1 ? this.reqBuffered[0]! : Buffer.concat(this.reqBuffered);
    const room = bodyRoom(txn.req.head, this.limits);
    return all.length > room ? all.subarray(0, room) : all;
  }

  /** The request's advertised body length (content-length), or for a chunked body what is in so far. */
  requestBodySize(): number | undefined {
    const req = this.txn?.req;
    if (!req) return undefined;
    if (req.framing === 'length') return req.contentLength;
    if (req.framing === 'chunked') return this.requestBody().length;
    return 0;
  }

  /** What the load balancer may read from this request (hash expression, POST body). */
  private lbRequest(txn: HttpTxn, backend: BackendRuntime): LbRequest {
    const lb: LbRequest = { src: this.conn.src || undefined, head: txn.req!.head };
    const name = backend.lb.name;
    if (name === 'hash') {
      const expr = balanceInput(backend).hash;
      if (expr) lb.hashKey = () => hashKey(expr, txn, this.rt);
    } else if (name === 'url_param' && balanceInput(backend).checkPost) {
      lb.body = () => this.requestBody().toString('latin1');
    }
    return lb;
  }

  /** Holds a denied request for `timeout tarpit`, then answers; nothing is sent if the client leaves. */
  private tarpit(bytes: Buffer, status: number, termination: string, delayMs: number): void {
    this.tarpitTimer = setTimeout(() => {
      this.tarpitTimer = undefined;
      if (this.state !== State.Closed) this.replyLocally(bytes, status, termination, false);
    }, delayMs);
  }

  /** Runs a local service once the request body is complete (at most one buffer of it). */
  private serveLocal(txn: HttpTxn, applet: string, produce: (body: Buffer) => LocalReply): void {
    txn.applet = applet;
    txn.connectedAt = now();
    this.pendingService = produce;
    if (this.reqBodyDone) this.runService(txn);
  }

  private runService(txn: HttpTxn): void {
    const produce = this.pendingService!;
    this.pendingService = undefined;
    const body = Buffer.concat(this.reqBuffered);
    this.reqBuffered = [];
    this.reqBufferedBytes = 0;
    let reply: LocalReply;
    try {
      reply = produce(body);
    } catch {
      return this.replyError(500, 'PR--');
    }
    txn.responseAt = now();
    const bytes = this.hooks.localReply ? this.hooks.localReply(txn, reply) : serializeLocalReply(reply);
    this.replyLocally(bytes, reply.status, reply.termination ?? 'LR--', reply.close === true);
  }

  private connect(txn: HttpTxn, backend: BackendRuntime): void {
    this.retrying = false;
    this.retryOn = retryPolicy(backend.config);
    this.dispatch(txn, backend);
  }

  /**
   * Asks for a server connection for `txn`, the first time or, with `retry`, again after a
   * layer-7 failure (then on a new connection, to the server or away from it as `retry` says).
   */
  private dispatch(txn: HttpTxn, backend: BackendRuntime, retry?: { preferred?: ServerRuntime; avoid?: ServerRuntime; retriesUsed: number; redispatched: boolean }): void {
    let settled = false;
    const attempt = connectToServer(
      {
        backend,
        lbRequest: this.lbRequest(txn, backend),
        preferred: retry ? retry.preferred : txn.preferred,
        avoid: retry?.avoid,
        frontendPort: this.listener.port,
        reuse: retry ? false : reuseAllowed(backend, this.requestsSeen),
        preamble: (this.preamble ??= this.fe.proxyPreamble(this.client, this.listener)),
        retriesUsed: retry?.retriesUsed,
        redispatched: retry?.redispatched,
        retryConnFailures: this.retryOn.connFailure,
        direct: txn.preferred !== undefined,
        directReads: true,
      },
      (r) => {
        settled = true;
        this.onConnected(txn, r);
      },
    );
    // A pooled connection is handed over before connectToServer returns: nothing is left to abort.
    if (!settled) this.attempt = attempt;
  }

  /**
   * A layer-7 retry (`retry-on`): the failed server connection is dropped and the kept request is
   * sent again, to the same server or, when HAProxy would redispatch, to another one. False when
   * the failure is not one to retry, the request was not kept, or `retries` are spent.
   */
  private retryRequest(txn: HttpTxn, failure: L7Failure): boolean {
    const backend = this.backend;
    const server = this.server;
    const body = this.retryBody;
    if (body === undefined || !backend || !server || txn.ended || !retriesOn(this.retryOn, failure)) return false;
    const retry = (txn.connect?.retries ?? 0) + 1;
    if (retry > backend.retries) return false;
    server.counters.retries++;
    backend.counters.retries++;
    this.discardServer();
    backend.release(server);
    this.server = undefined;
    txn.server = undefined;
    txn.res = undefined;
    txn.status = -1;
    txn.responseAt = 0;
    this.forgetResponse();
    // The kept request goes out again as it did the first time.
    this.retryBody = undefined;
    this.reqBuffered = body;
    this.reqBufferedBytes = 0;
    for (const b of body) this.reqBufferedBytes += b.length;
    const redispatch = redispatchOnRetry(backend, server, retry, txn.preferred !== undefined);
    // Tc of the retried request runs from its first server assignment.
    if (!this.retrying) this.assignedAt = txn.connectedAt - Math.max(0, txn.connect?.connectMs ?? 0);
    this.retrying = true;
    if (redispatch) {
      server.counters.redispatches++;
      backend.counters.redispatches++;
    }
    this.dispatch(txn, backend, {
      preferred: redispatch ? undefined : server,
      avoid: redispatch ? server : undefined,
      retriesUsed: retry,
      redispatched: redispatch || txn.connect?.redispatched === true,
    });
    return true;
  }

  private onConnected(txn: HttpTxn, r: ConnectResult): void {
    this.attempt = undefined;
    if (this.retrying && r.socket) r.connectMs = now() - this.assignedAt;
    txn.connect = r;
    if (this.state === State.Closed || txn.ended) {
      if (r.server) this.backend?.release(r.server);
      r.socket?.destroy();
      return;
    }
    if (!r.socket || !r.server) {
      this.server = r.server;
      txn.server = r.server;
      if (r.failure === 'queue-timeout') return this.replyError(503, 'sQ--');
      if (r.failure === 'connect-timeout') return this.replyError(503, 'sC--');
      return this.replyError(503, 'SC--');
    }
    const server = r.server;
    const sock = r.socket;
    this.server = server;
    this.serverSock = sock;
    txn.server = server;
    txn.connectedAt = now();
    bindServerSession(server, sock, this.killBound);
    // Request head, adjusted for the server side.
    const req = txn.req!;
    const headers = prepareRequestHeaders(txn, this.connMode, this.client, this.listener);
    const head = requestHeadText(req.head, headers); // latin1: its length is its size in bytes
    this.serverTimeoutMs = this.backend!.timeouts.server || 0;
    adopt(sock, this.serverEvents);
    if (sock.isPaused()) sock.resume(); // paused by back-pressure of an earlier response
    // Send the head together with body bytes already received, in one write when possible.
    const body = this.reqBuffered;
    const chunks = this.reqChunks;
    // retry-on: a request that is complete and fits in a buffer is kept to be sent again.
    this.retryBody = this.reqBodyDone && head.length + this.reqBufferedBytes <= this.limits.bufsize && this.retryOn.l7 ? body : undefined;
    this.reqBuffered = [];
    this.reqBufferedBytes = 0;
    const framed = chunks ? encodeChunked(body, this.reqBodyDone ? lastChunk(chunks.trailers) : undefined) : body;
    // A head alone goes out as a string: Node writes a short one without a Buffer in between.
    if (framed.length > 0) sock.write(Buffer.concat([Buffer.from(head, 'latin1'), ...framed]));
    else sock.write(head, 'latin1');
    this.serverTimeout.set(this.serverTimeoutMs);
    if (this.reqBodyDone) txn.requestSentAt = now();
  }

  private onRequestBodyData(d: Buffer): void {
    const txn = this.txn;
    if (!txn || this.reqBodyDone) {
      // Pipelined request bytes: keep them for when this transaction ends.
      this.pending = this.pending ? Buffer.concat([this.pending, d]) : d;
      if (this.pending.length > this.limits.bufsize) this.client.pause();
      return;
    }
    let used: number;
    const chunks = this.reqChunks;
    const ranges = this.ranges;
    if (chunks) {
      ranges.length = 0;
      used = chunks.feed(d, 0, d.length, ranges);
      if (chunks.error) {
        // Framing errors in a body are the H1 layer's, as for the head: its raw 400, then close.
        this.fe.counters.failedReq++;
        this.discardServer();
        txn.status = 400;
        txn.termination = 'PR--';
        return this.finishWithRaw(400);
      }
      if (chunks.done) this.reqBodyDone = true;
    } else {
      used = Math.min(this.reqRemaining, d.length);
      this.reqRemaining -= used;
      if (this.reqRemaining === 0) this.reqBodyDone = true;
    }
    const rest = used < d.length ? d.subarray(used) : undefined;
    txn.bytesIn += chunks ? rangesLength(ranges) + (this.reqBodyDone ? htxChunkedEndSize(chunks.trailers) : 0) : used;
    const sock = this.serverSock;
    if (sock && !this.pendingService) {
      this.serverTimeout.set(this.serverTimeoutMs);
      // Straight through: a content-length body as it came, a chunked one re-framed.
      if (chunks) {
        writeChunked(sock, d, ranges, this.reqBodyDone ? lastChunk(chunks.trailers) : undefined);
        if (sock.writableNeedDrain) this.client.pause();
      } else if (used > 0 && !sock.write(used === d.length ? d : d.subarray(0, used))) {
        this.client.pause();
      }
    } else {
      // Not connected yet, or a local service waiting for the body: keep the payload.
      if (chunks) {
        for (let i = 0; i + 1 < ranges.length; i += 2) {
          if (ranges[i + 1]! > ranges[i]!) this.keepBody(d.subarray(ranges[i]!, ranges[i + 1]!));
        }
      } else if (used > 0) {
        this.keepBody(used === d.length ? d : d.subarray(0, used));
      }
      if (this.pendingService) {
        if (this.reqBufferedBytes > this.limits.bufsize) {
          this.pendingService = undefined;
          this.reqBuffered = [];
          this.reqBufferedBytes = 0;
          return this.replyError(413, 'PR--');
        }
        if (rest) this.pending = this.pending ? Buffer.concat([this.pending, rest]) : rest;
        if (this.reqBodyDone) this.runService(txn);
        return;
      }
    }
    if (this.reqBodyDone) txn.requestSentAt = now();
    if (rest) {
      this.pending = this.pending ? Buffer.concat([this.pending, rest]) : rest;
      if (this.pending.length > this.limits.bufsize) this.client.pause();
    }
    if (this.bodyGate && this.bodyReady(txn, this.bodyGate.atLeast)) this.openBodyGate();
  }

  /** Keeps request payload bytes (decoded) until the server connection is ready or a service reads them. */
  private keepBody(b: Buffer): void {
    this.reqBuffered.push(b);
    this.reqBufferedBytes += b.length;
  }

  // ---------------------------------------------------------------- server side

  private onServerData(d: Buffer): void {
    if (this.state === State.Tunnel) {
      if (!this.client.write(d)) this.serverSock?.pause();
      return;
    }
    const txn = this.txn;
    if (!txn) return;
    this.serverTimeout.set(this.serverTimeoutMs);
    if (!this.res) {
      this.resPending = this.resPending ? Buffer.concat([this.resPending, d]) : d;
      this.tryParseResponse(txn);
      return;
    }
    this.forwardResponseBody(txn, d);
  }

  private tryParseResponse(txn: HttpTxn): void {
    for (;;) {
      const buf = this.resPending;
      if (!buf) return;
      const r = parseResponseHead(buf, 0, buf.length, txn.req!.head.method, responseLimits(this.limits, txn.backend?.acceptInvalidResponse === true));
      if (r.kind === 'incomplete') return;
      if (r.kind === 'error') {
        if (this.retryRequest(txn, 'junk')) return;
        this.backend!.counters.failedResp++;
        this.server!.counters.failedResp++;
        observeHttpFailure(this.server, 'headers');
        return this.replyError(502, 'PH--', true);
      }
      this.resPending = r.consumed < buf.length ? buf.subarray(r.consumed) : undefined;
      // Chunks that came in the same read as the head are checked before the head goes out: a
      // bad one makes it a bad response (502, PH), as HAProxy parses the whole read first.
      if (r.framing === 'chunked' && this.resPending && !this.prefeedChunks(this.resPending)) {
        if (this.retryRequest(txn, 'junk')) return;
        this.backend!.counters.failedResp++;
        this.server!.counters.failedResp++;
        observeHttpFailure(this.server, 'headers');
        return this.replyError(502, 'PH--', true);
      }
      if (invalidSwitch(txn.req!, r)) {
        if (this.retryRequest(txn, 'junk')) return;
        this.backend!.counters.failedResp++;
        this.server!.counters.failedResp++;
        observeHttpFailure(this.server, 'headers');
        return this.replyError(502, 'PH--', true);
      }
      const status = r.head.status;
      // retry-on <status>: the response is dropped and the request sent again.
      if (status >= 200 && this.retryRequest(txn, status)) return;
      observeHttpStatus(this.server, status);
      if (status >= 100 && status < 200 && status !== 101) {
        // Interim responses (100 Continue, 103 Early Hints) pass through; the final one follows.
        const bytes = serializeResponseHead(r.head);
        this.client.write(bytes);
        txn.bytesOut += r.htxSize;
        continue;
      }
      this.res = r;
      txn.res = r;
      // The head as received, measured by the parser (htx-size.ts).
      txn.bytesOut += r.htxSize;
      txn.responseAt = now();
      txn.status = status;
      this.stick?.response(status, txn.responseAt);
      return this.startResponse(txn, r, buf);
    }
  }

  /** Drops all response state: a new request, or a retry whose first response is thrown away. */
  private forgetResponse(): void {
    this.res = undefined;
    this.resPending = undefined;
    this.resChunks = undefined;
    this.resFed = -1;
    this.resRemaining = 0;
    this.resUntilClose = false;
  }

  /** Starts decoding a chunked response body with `d`; false when its framing is already bad. */
  private prefeedChunks(d: Buffer): boolean {
    const chunks = new ChunkedDecoder(this.limits, 502);
    this.resRanges.length = 0;
    this.resFed = chunks.feed(d, 0, d.length, this.resRanges);
    if (chunks.error) {
      this.resFed = -1;
      return false;
    }
    this.resChunks = chunks;
    return true;
  }

  /** The payload bytes of a response's body that arrived with its head, as HAProxy counts them. */
  private bodyReceivedWithHead(r: ParsedResponse): number {
    const rest = this.resPending?.length ?? 0;
    if (r.framing === 'length') return Math.min(rest, r.contentLength);
    if (r.framing === 'until-close') return rest;
    const chunks = this.resChunks;
    if (r.framing === 'chunked' && chunks && this.resFed >= 0) return rangesLength(this.resRanges) + (chunks.done ? htxChunkedEndSize(chunks.trailers) : 0);
    return 0;
  }

  /** `received`: the bytes the head was parsed from (it starts them; the body bytes after it are resPending). */
  private startResponse(txn: HttpTxn, r: ParsedResponse, received: Buffer): void {
    const verdict = runResponsePhase(this.hooks, txn);
    if (verdict.kind === 'reply') {
      // The body bytes that came with the head were in the proxy before the reply replaced them:
      // HAProxy counts them (htx-size.ts).
      txn.bytesOut += this.bodyReceivedWithHead(r);
      this.discardServer();
      return this.replyLocally(verdict.bytes, verdict.status, verdict.termination, true);
    }
    const upgrade = r.head.status === 101 || (txn.req!.head.method === 'CONNECT' && r.head.status >= 200 && r.head.status < 300);
    if (!r.keepAlive && !upgrade) txn.serverClose = true;
    if (r.framing === 'until-close' || (!txn.req!.keepAlive)) txn.closeAfter = true;
    const cookieCfg = this.backend?.config.cookie;
    if (cookieCfg) {
      const server = txn.server;
      // A redispatched request did not go where the cookie said: a new cookie is due.
      if (server !== txn.preferred) this.cookie.direct = false;
      processResponseCookies(
        cookieCfg,
        r.head.headers,
        { server: server ? this.backend!.cookieServers[server.lb.index] : undefined, method: txn.req!.head.method, status: r.head.status, ignorePersist: false, nowSec: Math.floor(now() / 1000) },
        this.cookie,
      );
    }
    txn.cookieStatus = `${this.cookie.status}${this.cookie.setStatus}`;
    const headers = prepareResponseHeaders(txn, this.connMode, upgrade);
    this.resRemaining = 0;
    this.resUntilClose = false;
    if (r.framing !== 'chunked') this.resChunks = undefined;
    if (r.framing === 'length') this.resRemaining = r.contentLength;
    else if (r.framing === 'chunked') this.resChunks ??= new ChunkedDecoder(this.limits, 502);
    else if (r.framing === 'until-close') this.resUntilClose = true;
    // Nothing changed a head whose bytes are what serializing it gives: it leaves as received,
    // with the body bytes of the same read, without being written again.
    const rest = this.resPending;
    if (rest && !upgrade && r.framing === 'length' && r.canonical && verdict.untouched && !cookieCfg && sameFields(headers, r.head.headers)) {
      this.resPending = undefined;
      return this.forwardResponseBody(txn, rest, received);
    }
    const text = responseHeadText(r.head, headers);
    if (upgrade) {
      this.client.write(text, 'latin1');
      return this.enterTunnel(txn);
    }
    this.resPending = undefined;
    if (r.framing === 'none' || (r.framing === 'length' && r.contentLength === 0)) {
      if (rest && rest.length > 0) txn.serverClose = true; // bytes after a body-less response
      this.client.write(text, 'latin1');
      return this.endResponse(txn);
    }
    if (!rest) {
      this.client.write(text, 'latin1');
      return;
    }
    if (this.resChunks) {
      // Head and the re-framed chunks that came with it leave in one writev.
      this.client.cork();
      this.client.write(text, 'latin1');
      this.forwardResponseBody(txn, rest);
      this.client.uncork();
      return;
    }
    // Head and the body bytes that came with it leave in one buffer: one plain write per small response.
    this.forwardResponseBody(txn, rest, text);
  }

  /**
   * Forwards response body bytes `d`. `head`, when given, goes out in the same write: as text, or
   * as the received bytes that `d` ends (the head as the server sent it, then `d`).
   */
  private forwardResponseBody(txn: HttpTxn, d: Buffer, head?: string | Buffer): void {
    let used = d.length;
    let complete = false;
    const chunks = this.resChunks;
    if (chunks) {
      const ranges = this.resRanges;
      if (this.resFed >= 0) {
        // Already decoded with the head (prefeedChunks).
        used = this.resFed;
        this.resFed = -1;
      } else {
        ranges.length = 0;
        used = chunks.feed(d, 0, d.length, ranges);
      }
      if (chunks.error) {
        this.backend!.counters.failedResp++;
        observeHttpFailure(this.server, 'body');
        txn.termination = 'SD--';
        this.endTransaction(false);
        return this.close();
      }
      complete = chunks.done;
      // Re-framed as HAProxy sends it (see rechunk.ts).
      writeChunked(this.client, d, ranges, complete ? lastChunk(chunks.trailers) : undefined);
      txn.bytesOut += rangesLength(ranges) + (complete ? htxChunkedEndSize(chunks.trailers) : 0);
      if (this.client.writableNeedDrain) this.serverSock?.pause();
    } else {
      if (!this.resUntilClose) {
        used = Math.min(this.resRemaining, d.length);
        this.resRemaining -= used;
        complete = this.resRemaining === 0;
      }
      txn.bytesOut += used;
      let out: Buffer | undefined = used === d.length ? d : used > 0 ? d.subarray(0, used) : undefined;
      if (typeof head === 'string') {
        const joined = Buffer.allocUnsafe(head.length + used);
        joined.write(head, 0, 'latin1');
        if (out !== undefined) joined.set(out, head.length);
        out = joined;
      } else if (head !== undefined) {
        out = used === d.length ? head : head.subarray(0, head.length - d.length + used);
      }
      if (out !== undefined && !this.client.write(out)) this.serverSock?.pause();
    }
    // Bytes beyond the end of the response: the server is out of step, its connection must not
    // be reused (they would become another client's response).
    if (used < d.length) txn.serverClose = true;
    if (complete) this.endResponse(txn);
  }

  /** The server closed (FIN), or with `reset` its connection failed (an error, never retried). */
  private onServerEnd(reset = false): void {
    const txn = this.txn;
    if (this.state === State.Tunnel) {
      this.client.end();
      return;
    }
    if (!txn || txn.ended) return;
    if (this.res && this.resUntilClose) {
      // The server's close ends the response; its socket's later events (close) are not ours.
      if (this.serverSock) discard(this.serverSock);
      this.serverSock = undefined;
      return this.endResponse(txn, true);
    }
    if (!this.res) {
      // retry-on: nothing at all (empty-response) or part of a head (junk-response).
      if (!reset && this.retryRequest(txn, this.resPending?.length ? 'junk' : 'empty')) return;
      // Closed before a complete response head: 502, as HAProxy's "SH" case.
      this.backend!.counters.failedResp++;
      this.server!.counters.failedResp++;
      if (!txn.connect?.reused) observeHttpFailure(this.server, 'broken-pipe');
      return this.replyError(502, 'SH--', true);
    }
    // Truncated body: nothing more can be said to the client.
    for (const c of [this.backend!.counters, this.server?.counters]) if (c) { c.srvAborts++; c.failedResp++; }
    txn.termination = 'SD--';
    this.endTransaction(false);
    this.close();
  }

  private onServerError(): void {
    this.onServerEnd(true);
  }

  private onServerClose(): void {
    if (this.state === State.Tunnel) {
      this.client.end();
      return;
    }
    const txn = this.txn;
    if (txn && !txn.ended && this.serverSock) this.onServerEnd();
  }

  private onServerTimeout(): void {
    const txn = this.txn;
    if (this.state === State.Tunnel) {
      if (txn) txn.termination = 'sD--';
      return this.close();
    }
    if (!txn || txn.ended) return;
    if (!this.res) {
      if (this.retryRequest(txn, 'timeout')) return;
      this.backend!.counters.failedResp++;
      observeHttpFailure(this.server, 'read-timeout');
      return this.replyError(504, 'sH--', true);
    }
    txn.termination = 'sD--';
    this.endTransaction(false);
    this.close();
  }

  private enterTunnel(txn: HttpTxn): void {
    this.state = State.Tunnel;
    this.serverTimeout.stop(); // the sockets' own timeouts govern a tunnel
    const tunnel = this.backend?.timeouts.tunnel || 0;
    const rest = this.resPending;
    this.resPending = undefined;
    if (rest) this.client.write(rest);
    if (this.pending) {
      this.serverSock?.write(this.pending);
      this.pending = undefined;
    }
    const clientT = tunnel || this.fe.timeouts.client;
    const serverT = tunnel || this.backend?.timeouts.server || 0;
    this.client.setTimeout(clientT);
    this.client.on('timeout', () => {
      txn.termination = 'cD--';
      this.close();
    });
    this.serverSock?.setTimeout(serverT);
    this.client.resume();
  }

  // ---------------------------------------------------------------- endings

  /** The response was fully forwarded: account, pool the server connection, next request. */
  private endResponse(txn: HttpTxn, serverClosed = false): void {
    const sock = this.serverSock;
    const reusable = !serverClosed && !txn.serverClose && this.reqBodyDone && this.connMode !== 'close' && this.connMode !== 'server-close' && sock !== undefined;
    this.res = undefined;
    this.resChunks = undefined;
    this.serverTimeout.stop();
    if (sock) {
      if (reusable && this.server?.usable) this.server.parkIdle(sock, this.serverTimeoutMs);
      else discard(sock);
    }
    this.serverSock = undefined;
    this.endTransaction(true);
    if (txn.closeAfter) return this.closeAfterFlush();
    this.nextRequest();
  }

  /**
   * After a response on a connection that stays: the next request. A client that half-closed
   * still gets an answer to every complete request it sent before its FIN, as with HAProxy;
   * then the connection closes (after a 400 when part of a request is left).
   */
  private nextRequest(): void {
    this.state = State.Head;
    if (this.clientEnded && !this.pending?.length) return this.closeAfterFlush();
    // The client may have been paused for back-pressure (pipelined bytes, a discarded server).
    this.client.resume();
    if (!this.clientEnded) this.armHeadTimer(false);
    if (this.pending?.length) this.tryParseRequest();
  }

  /** Ends the current transaction: server slot, counters, log. */
  private endTransaction(_complete: boolean): void {
    const txn = this.txn;
    if (!txn || txn.ended) return;
    txn.ended = true;
    txn.endedAt = now();
    if (this.bodyGate) {
      if (this.bodyGate.timer) clearTimeout(this.bodyGate.timer);
      this.bodyGate = undefined;
    }
    if (this.attempt) {
      this.attempt.abort();
      this.attempt = undefined;
    }
    if (this.server && txn.connect?.server === this.server) this.backend?.release(this.server);
    txn.account();
    this.hooks.log?.(txn);
    this.stick?.transactionEnd(txn.bytesIn, txn.bytesOut, txn.endedAt);
    this.streamAcceptedAt = txn.endedAt;
    this.firstByteAt = this.pending?.length ? txn.endedAt : 0;
    this.server = undefined;
    this.backend = undefined;
  }

  /** Drops the server side of the current transaction (error or local reply). */
  private discardServer(): void {
    this.serverTimeout.stop();
    if (this.attempt) {
      this.attempt.abort();
      this.attempt = undefined;
    }
    if (this.serverSock) {
      discard(this.serverSock);
      this.serverSock = undefined;
    }
  }

  /** Answers with HAProxy's error page for `status` (proxied form) and ends the transaction. */
  private replyError(status: number, termination: string, serverFailed = false): void {
    const txn = this.txn!;
    txn.status = status;
    txn.termination = termination;
    if (serverFailed) {
      txn.serverFailed = true;
      this.stick?.serverFailure(now());
    }
    this.discardServer();
    const bytes = this.hooks.errorBytes?.(txn, status) ?? proxiedErrorBytes(status)!;
    // As HAProxy: a keep-alive client stays after an error page (502, 503, 504...) unless the
    // request is unfinished or the status is one the H1 layer closes after (400, 408).
    this.replyLocally(bytes, status, termination, status === 400 || status === 408);
  }

  /** Sends a complete response produced by portico itself (error, redirect, return, stats...). */
  private replyLocally(bytes: Buffer, status: number, termination: string, close: boolean): void {
    const txn = this.txn!;
    txn.status = status;
    txn.termination = termination;
    txn.local = true;
    // With a request body still arriving, the connection cannot be reused safely.
    const mustClose = close || !this.reqBodyDone || txn.closeAfter;
    // As HAProxy's H1 layer: a response after which the connection closes says so, last.
    // An HTTP/1.0 client kept alive is told so, as for forwarded responses.
    let out = mustClose ? withConnectionHeader(bytes, CONNECTION_CLOSE) : txn.req?.head.version === 'HTTP/1.0' ? withConnectionHeader(bytes, CONNECTION_KEEP_ALIVE) : bytes;
    const bodiless = txn.req?.head.method === 'HEAD' || status === 204 || status === 304;
    if (bodiless) out = headOnly(out);
    txn.bytesOut += htxReplySize(bytes, !bodiless);
    this.client.write(out);
    this.endTransaction(true);
    if (mustClose) return this.closeAfterFlush();
    this.nextRequest();
  }

  /** Raw H1-layer replies for unparsable or incomplete requests: sent, then the connection closes. */
  private finishWithRaw(status: number): void {
    const bytes = rawErrorBytes(status)!;
    const txn = this.txn!;
    // No message reached the proxy: HAProxy counts no bytes either way (stats, logs).
    txn.local = true;
    this.client.write(bytes);
    this.endTransaction(false);
    this.closeAfterFlush();
  }

  private closeAfterFlush(): void {
    this.state = State.Closed;
    this.headTimeout.dispose();
    this.serverTimeout.dispose();
    this.discardServer();
    this.client.end();
    // A client that never reads its response must not keep the connection forever.
    const t = this.fe.timeouts.client || 5000;
    setTimeout(() => this.client.destroy(), t).unref();
    this.finalize();
  }

  close(): void {
    if (this.state === State.Closed && this.finalized) return;
    this.state = State.Closed;
    this.headTimeout.dispose();
    this.serverTimeout.dispose();
    if (this.tarpitTimer) clearTimeout(this.tarpitTimer);
    if (this.txn && !this.txn.ended) this.endTransaction(false);
    this.discardServer();
    this.client.destroy();
    this.finalize();
  }

  private finalized = false;
  private finalize(): void {
    if (this.finalized) return;
    this.finalized = true;
    this.stick?.end(now());
    this.done();
  }
}

export type { TxnResult };

/** Whether two header lists hold the same fields in the same order. */
function sameFields(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
