/**
 * A frontend at run time: accepts connections from its listeners within its maxconn (and the
 * process's), picks the backend for each session or request, and hands the connection to the
 * TCP or HTTP engine.
 */
import type { Socket } from 'node:net';
import type { Proxy } from '../config/model.js';
import { modeOf } from '../config/finalize.js';
import { FeCounters } from '../stats/counters.js';
import { effectiveTimeouts, type Timeouts } from './timeouts.js';
import type { BackendRuntime } from './backend.js';
import type { Listener } from './listeners.js';
import type { SessionEnd } from './session.js';
import type { ServerRuntime } from './server.js';
import { proxyHeaderFor } from '../tcp/stream.js';

/** Process-wide connection accounting (global maxconn). */
export class ConnectionLimiter {
  current = 0;
  readonly waiting: (() => void)[] = [];
  constructor(public max: number) {}

  /** Runs `start` now if under the limit, else when a connection ends. */
  admit(start: () => void): void {
    if (this.max === 0 || this.current < this.max) {
      this.current++;
      start();
    } else {
      this.waiting.push(start);
    }
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.current--;
  }
}

export type ProxyEngine = (fe: FrontendRuntime, socket: Socket, listener: Listener, done: () => void) => void;

export class FrontendRuntime {
  readonly name: string;
  readonly id: number;
  readonly config: Proxy;
  readonly mode: 'http' | 'tcp';
  readonly counters = new FeCounters();
  readonly timeouts: Timeouts;
  readonly limiter: ConnectionLimiter;
  /** Static default backend; dynamic routing is evaluated per request by the engines. */
  defaultBackend: BackendRuntime | undefined;
  /** All connections currently open, to close them on shutdown. */
  readonly sockets = new Set<Socket>();
  paused = false;

  constructor(
    config: Proxy,
    id: number,
    readonly global: ConnectionLimiter,
    readonly backends: Map<string, BackendRuntime>,
    private readonly engine: ProxyEngine,
  ) {
    this.config = config;
    this.name = config.name;
    this.id = config.id ?? id;
    this.mode = modeOf(config);
    this.timeouts = effectiveTimeouts(config);
    this.limiter = new ConnectionLimiter(config.maxconn ?? 0);
    if (config.kind === 'listen') this.defaultBackend = backends.get(config.name);
    if (config.defaultBackend) this.defaultBackend = backends.get(config.defaultBackend.name);
  }

  /** `bind ... maxconn N`: one limiter per bind line. */
  private readonly bindLimiters = new Map<object, ConnectionLimiter>();

  private bindLimiter(listener: Listener): ConnectionLimiter {
    let l = this.bindLimiters.get(listener.bind);
    if (!l) this.bindLimiters.set(listener.bind, (l = new ConnectionLimiter(listener.bind.maxconn ?? 0)));
    return l;
  }

  /** A connection arrived on one of this frontend's listeners (socket is paused). */
  accept(socket: Socket, listener: Listener): void {
    this.counters.acceptConn();
    socket.on('error', () => {}); // errors before the engine attaches its own handlers
    const bind = this.bindLimiter(listener);
    // Limits from the narrowest to the widest (bind line, frontend, process): a connection that
    // waits for one limit never holds a slot of a wider one that other binds need.
    bind.admit(() =>
      this.limiter.admit(() =>
        this.global.admit(() => {
          if (socket.destroyed) return this.released(bind);
          this.sockets.add(socket);
          this.counters.openSession();
          listener.counters?.openSession();
          this.engine(this, socket, listener, () => {
            this.sockets.delete(socket);
            this.counters.closeSession();
            listener.counters?.closeSession();
            this.released(bind);
          });
        }),
      ),
    );
  }

  private released(bind: ConnectionLimiter): void {
    this.global.release();
    this.limiter.release();
    bind.release();
  }

  /** Bytes to send before a new server connection's first byte: the PROXY protocol header when asked. */
  proxyPreamble(client: Socket, listener: Listener): (server: ServerRuntime) => Buffer | undefined {
    return (server) => proxyHeaderFor(server, client, listener);
  }

  /** Counts a finished TCP session: it leaves its backend; bytes (on its listener too with `option socket-stats`). */
  record(e: SessionEnd, listener?: Listener): void {
    e.backend?.counters.closeSession();
    this.counters.bytesIn += e.bytesIn;
    this.counters.bytesOut += e.bytesOut;
    if (listener?.counters) {
      listener.counters.bytesIn += e.bytesIn;
      listener.counters.bytesOut += e.bytesOut;
    }
  }
}
