/**
 * Getting a connected server socket for a stream: assign a server (load balancer, queue),
 * connect with `timeout connect`, retry refused or timed-out connections up to `retries` times
 * with a pause of up to 1 s, and with `option redispatch` move a retry to another server when
 * HAProxy would (redispatchOnRetry). The HTTP engine's layer-7 retries (retry-on) call in again
 * with the retries already spent.
 */
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, checkServerIdentity } from 'node:tls';
import type { LbRequest } from '../lb/index.js';
import { h2ServerSocket } from '../http/h2/server-socket.js';
import { observeConnect } from '../checks/observe.js';
import { directReads } from './server-conn.js';
import type { BackendRuntime, AssignFailure } from './backend.js';
import type { ServerRuntime } from './server.js';
import type { Waiter } from './queue.js';
import { now } from '../core/clock.js';

export interface ConnectRequest {
  backend: BackendRuntime;
  lbRequest: LbRequest;
  /** Server chosen by persistence, if any. */
  preferred?: ServerRuntime;
  /** Destination port the client connected to (for servers without a port). */
  frontendPort: number;
  /** Bytes to write first on a new connection (PROXY protocol header). */
  preamble?: (server: ServerRuntime) => Buffer | undefined;
  /** Reuse an idle keep-alive connection when the server has one (HTTP). */
  reuse: boolean;
  /** Retries this request already spent (layer-7 retries): they count against `retries`. */
  retriesUsed?: number;
  /** Whether an earlier attempt of this request was redispatched (for the log's "+"). */
  redispatched?: boolean;
  /** False when `retry-on` leaves out conn-failure: a failed connection is not retried. */
  retryConnFailures?: boolean;
  /** A server the load balancer should leave (a layer-7 retry that redispatches). */
  avoid?: ServerRuntime;
  /** The server came from persistence (a cookie, use-server): HAProxy's SF_DIRECT. */
  direct?: boolean;
  /**
   * The caller takes reads through server-conn.ts's adopt() (the HTTP engine), so a plain TCP
   * connection may deliver them without the stream machinery (directReads). The TCP engine
   * pipes sockets and leaves this unset.
   */
  directReads?: boolean;
}

/** Load-balancing algorithms of HAProxy's "hash" kind (BE_LB_KIND_HI): their choice is deterministic. */
const HASHING = new Set(['source', 'uri', 'url_param', 'hdr', 'rdp-cookie', 'hash', 'random']);

/** `option redispatch <interval>` for retry number `retry` of `retries`, as HAProxy 2.6 counts it. */
export function redispatchByCount(after: number, retries: number, retry: number): boolean {
  if (after > 0) return retry % after === 0;
  const every = retries + 1 + after; // -1: the last retry
  return after < 0 && every > 0 && retry % every === 0;
}

/**
 * Whether retry number `retry` (1-based) of a request that failed on `server` goes to another
 * server, as HAProxy 2.6's stream_choose_redispatch() decides with `option redispatch`: when the
 * server is no longer usable, on the retries `option redispatch <interval>` names (by default the
 * last one), or at once when the request is not bound to its server by persistence and a
 * non-hashing algorithm has more than one active server.
 */
export function redispatchOnRetry(backend: BackendRuntime, server: ServerRuntime, retry: number, direct: boolean): boolean {
  if (!backend.redispatch || backend.servers.length < 2) return false;
  if (!server.usable || redispatchByCount(backend.redispatchAfter, backend.retries, retry)) return true;
  return !direct && backend.activeUsable > 1 && !HASHING.has(backend.lb.name);
}

export interface ConnectResult {
  server?: ServerRuntime;
  socket?: Socket;
  /** True when the socket came from the idle pool. */
  reused?: boolean;
  /** Failure: why no server socket could be had. */
  failure?: AssignFailure | 'connect-refused' | 'connect-timeout';
  retries: number;
  redispatched: boolean;
  /** Time spent queued and connecting, ms (-1 when not reached), for logs and stats. */
  queueMs: number;
  connectMs: number;
}

/** A handle the caller keeps to abort a connection attempt when the client leaves. */
export interface ConnectAttempt {
  abort(): void;
}

/** Sets TCP options on a fresh server connection. */
function tune(socket: Socket): void {
  socket.setNoDelay(true);
}

/**
 * Opens a connection to `server`; with `ssl` on the server line it is a TLS connection, and the
 * event that says it is usable is 'secureConnect' instead of 'connect'.
 */
export function openServerSocket(server: ServerRuntime, frontendPort: number, direct = false): { socket: Socket; ready: 'connect' | 'secureConnect' } {
  // `proto h2` hands the socket to node:http2, which reads it as a stream.
  const opened = openRawServerSocket(server, frontendPort, direct && server.config.proto !== 'h2');
  // `proto h2`: the engine speaks HTTP/1.1 to a virtual socket that speaks HTTP/2 to the server.
  if (server.config.proto === 'h2') return { socket: h2ServerSocket(opened.socket, opened.ready, opened.ready === 'secureConnect'), ready: 'connect' };
  return opened;
}

function openRawServerSocket(server: ServerRuntime, frontendPort: number, direct: boolean): { socket: Socket; ready: 'connect' | 'secureConnect' } {
  const t = server.target;
  const c = server.config;
  if (c.ssl && t.kind === 'inet') {
    const sni = server.tlsSni ?? (isIP(t.host) ? undefined : t.host);
    // As HAProxy: the chain is verified; the name only against `verifyhost`, else the SNI sent.
    const expected = typeof c.extra['verifyhost'] === 'string' ? c.extra['verifyhost'] : server.tlsSni;
    const socket = tlsConnect({
      host: t.host,
      port: server.portFor(frontendPort),
      servername: sni,
      rejectUnauthorized: c.verify === 'required',
      checkServerIdentity: (_host, cert) => (expected ? checkServerIdentity(expected, cert) : undefined),
      ...(server.tlsCa ? { ca: server.tlsCa } : {}),
      ...(c.alpn ? { ALPNProtocols: c.alpn.split(',') } : {}),
      ...(server.tlsCert ? { cert: server.tlsCert, key: server.tlsCert } : {}),
    });
    tune(socket);
    return { socket, ready: 'secureConnect' };
  }
  const onread = direct ? directReads(() => socket) : undefined;
  const socket: Socket = t.kind === 'unix' ? netConnect({ path: t.path, onread }) : netConnect({ host: t.host, port: server.portFor(frontendPort), onread });
  tune(socket);
  return { socket, ready: 'connect' };
}

export function connectToServer(req: ConnectRequest, done: (r: ConnectResult) => void): ConnectAttempt {
  const { backend } = req;
  let retries = req.retriesUsed ?? 0;
  let retriesLeft = req.retryConnFailures === false ? 0 : Math.max(0, backend.retries - retries);
  let redispatched = req.redispatched === true;
  let aborted = false;
  let waiter: Waiter | undefined;
  let waiterServer: ServerRuntime | undefined;
  let socket: Socket | undefined;
  let timer: NodeJS.Timeout | undefined;
  let queueMs = -1;
  let current: ServerRuntime | undefined;

  const finish = (
    server: ServerRuntime | undefined,
    socket: Socket | undefined,
    reused: boolean,
    failure: ConnectResult['failure'],
    connectMs: number,
  ) => {
    if (aborted) return;
    aborted = true;
    if (server && socket) observeConnect(server, true);
    done({ server, socket, reused, failure, retries, redispatched, queueMs, connectMs });
  };

  const assign = (preferred: ServerRuntime | undefined, avoid: ServerRuntime | undefined) => {
    waiterServer = preferred && preferred.usable && !(preferred.hasSlot && preferred.queue.length === 0) ? preferred : undefined;
    waiter = backend.assign(
      req.lbRequest,
      (server, failure, queuedMs) => {
        waiter = undefined;
        if (queuedMs !== undefined) queueMs = queuedMs;
        else if (queueMs < 0) queueMs = 0;
        if (aborted) {
          if (server) backend.release(server);
          return;
        }
        if (!server) return finish(undefined, undefined, false, failure ?? 'no-server', -1);
        current = server;
        attempt(server);
      },
      preferred,
      avoid,
    );
  };

  const attempt = (server: ServerRuntime) => {
    if (req.reuse) {
      const idle = server.takeIdle();
      if (idle) {
        server.counters.reuse++;
        backend.counters.reuse++;
        return finish(server, idle, true, undefined, 0);
      }
    }
    const connectStart = now();
    server.counters.connect++;
    backend.counters.connect++;
    const { socket: s, ready } = openServerSocket(server, req.frontendPort, req.directReads === true);
    socket = s;
    const onFail = (kind: 'connect-refused' | 'connect-timeout') => {
      if (timer) clearTimeout(timer);
      s.removeAllListeners(ready);
      s.removeAllListeners('error');
      s.on('error', () => {});
      s.destroy();
      socket = undefined;
      observeConnect(server, false);
      if (aborted) return;
      if (retriesLeft > 0) {
        retriesLeft--;
        retries++;
        // With `option redispatch` a retry may go elsewhere at once; one on the same server waits up to 1 s first.
        const redispatchNow = redispatchOnRetry(backend, server, retries, req.direct === true);
        // As HAProxy: wretr counts retries on the same server (a redispatch counts in wredis), and each attempt is a session of the server.
        if (!redispatchNow) {
          server.counters.retries++;
          backend.counters.retries++;
          server.counters.cumSess++;
        }
        const pause = redispatchNow ? 0 : Math.min(1000, backend.timeouts.connect || 1000);
        timer = setTimeout(() => {
          if (aborted) return;
          if (redispatchNow) {
            redispatched = true;
            server.counters.redispatches++;
            backend.counters.redispatches++;
            backend.release(server);
            assign(undefined, server);
          } else {
            attempt(server);
          }
        }, pause);
        return;
      }
      backend.release(server);
      current = undefined;
      // econ: the attempts that gave up, not each refused connection.
      server.counters.failedConns++;
      backend.counters.failedConns++;
      finish(server, undefined, false, kind, now() - connectStart);
    };
    s.once('error', () => onFail('connect-refused'));
    if (backend.timeouts.connect > 0) timer = setTimeout(() => onFail('connect-timeout'), backend.timeouts.connect);
    s.once(ready, () => {
      if (timer) clearTimeout(timer);
      s.removeAllListeners('error');
      if (aborted) {
        s.destroy();
        return;
      }
      const pre = req.preamble?.(server);
      if (pre) s.write(pre);
      finish(server, s, false, undefined, now() - connectStart);
    });
  };

  assign(req.preferred, req.avoid);

  return {
    abort() {
      if (aborted) return;
      aborted = true;
      if (timer) clearTimeout(timer);
      if (waiter) backend.cancel(waiter, waiterServer);
      if (socket) socket.destroy();
      if (current) backend.release(current);
    },
  };
}
