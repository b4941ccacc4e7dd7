/**
 * A TCP-mode (L4) session once the frontend's rules accepted it: connect to a server of the
 * chosen backend (retries, redispatch, queue), send the PROXY header the server asks for and
 * the bytes already inspected, then pipe both ways with back-pressure and half-close under
 * HAProxy's timeouts (client/server while connecting, tunnel once established, client-fin /
 * server-fin after a side has closed). Nothing runs per chunk beyond Node's pipe.
 */
import type { Socket } from 'node:net';
import type { FrontendRuntime } from '../runtime/frontend.js';
import type { BackendRuntime } from '../runtime/backend.js';
import type { ServerRuntime } from '../runtime/server.js';
import { connectToServer, type ConnectAttempt, type ConnectResult } from '../runtime/connect.js';
import { relay } from '../runtime/direct-reads.js';
import type { Listener } from '../runtime/listeners.js';
import { bindServerSession } from '../runtime/admin.js';
import type { SessionEnd } from '../runtime/session.js';
import type { TcpLogInfo } from '../log/vars.js';
import { buildProxyV1, buildProxyV2 } from './proxy-protocol.js';

export interface TcpStart {
  backend: BackendRuntime | undefined;
  /** Bytes read while tcp-request content rules inspected the request. */
  buffered?: Buffer;
  /** The client half-closed during inspection. */
  clientEnded?: boolean;
  acceptedAt: number;
  handshakeMs: number;
  captures: string[];
  /** Termination forced by the rules ('PR' for a content reject). */
  termination?: string;
}

/** Called once when the session ends: counters, then the log line. */
export type TcpEnd = (e: SessionEnd, log: TcpLogInfo) => void;

/** The PROXY header for `server`, from the client connection's (possibly proxied) addresses. */
export function proxyHeaderFor(server: ServerRuntime, client: Socket, listener: Listener): Buffer | undefined {
  const ends = { src: client.remoteAddress, srcPort: client.remotePort, dst: client.localAddress, dstPort: client.localPort ?? listener.port };
  if (server.config.sendProxyV2) return buildProxyV2(ends);
  if (server.config.sendProxy) return buildProxyV1(ends);
  return undefined;
}

export function startTcpSession(fe: FrontendRuntime, client: Socket, listener: Listener, start: TcpStart, end: TcpEnd): void {
  new TcpSession(fe, client, listener, start, end).run();
}

const enum Phase {
  Connecting,
  Established,
  Done,
}

class TcpSession {
  private phase = Phase.Connecting;
  private result: ConnectResult | undefined;
  private attempt: ConnectAttempt | undefined;
  private server: Socket | undefined;
  private clientEnded: boolean;
  private serverEnded = false;
  private backendSource: { address?: string; port?: number } | undefined;

  constructor(
    private readonly fe: FrontendRuntime,
    private readonly client: Socket,
    private readonly listener: Listener,
    private readonly start: TcpStart,
    private readonly end: TcpEnd,
  ) {
    this.clientEnded = start.clientEnded === true;
  }

  run(): void {
    const { client, fe, start } = this;
    if (start.termination) return this.finish(start.termination);
    const be = start.backend;
    if (!be) return this.finish('SC');
    // While connecting, the client's inactivity timer runs; a FIN is kept for later (no abortonclose).
    if (fe.timeouts.client > 0) client.setTimeout(fe.timeouts.client);
    client.on('timeout', () => this.finish(this.phase === Phase.Connecting ? 'cC' : 'cD'));
    client.on('error', () => this.finish(this.phase === Phase.Connecting ? 'CC' : 'CD'));
    client.on('close', () => {
      if (this.phase === Phase.Connecting) this.finish('CC');
    });
    client.on('end', () => {
      this.clientEnded = true;
    });
    this.attempt = connectToServer(
      {
        backend: be,
        lbRequest: { src: client.remoteAddress },
        frontendPort: this.listener.port,
        reuse: false,
        preamble: (server) => proxyHeaderFor(server, client, this.listener),
      },
      (r) => this.onConnect(be, r),
    );
  }

  private onConnect(be: BackendRuntime, r: ConnectResult): void {
    this.attempt = undefined;
    this.result = r;
    if (this.phase === Phase.Done) {
      r.socket?.destroy();
      return;
    }
    if (!r.socket || !r.server) {
      if (r.failure === 'queue-timeout') return this.finish('sQ');
      if (r.failure === 'connect-timeout') return this.finish('sC');
      return this.finish('SC');
    }
    this.phase = Phase.Established;
    const { client, fe } = this;
    const server = r.socket;
    this.server = server;
    bindServerSession(r.server, server, (why) => this.finish(`${why}-`));
    server.allowHalfOpen = true;
    this.backendSource = { address: server.localAddress, port: server.localPort };
    const t = be.timeouts;
    client.setTimeout(t.tunnel || fe.timeouts.client);
    server.setTimeout(t.tunnel || t.server);
    server.on('timeout', () => this.finish('sD'));
    server.on('error', () => this.finish('SD'));
    client.removeAllListeners('close');
    client.removeAllListeners('end');
    client.removeAllListeners('timeout');
    client.removeAllListeners('error');
    client.on('timeout', () => this.finish('cD'));
    client.on('error', () => this.finish('CD'));
    // A FIN from one side goes to the other, which may still send; both FINs end the session.
    client.on('end', () => {
      this.clientEnded = true;
      if (fe.timeouts.clientFin > 0) client.setTimeout(fe.timeouts.clientFin);
      if (this.serverEnded) this.closeWhenFlushed();
    });
    server.on('end', () => {
      this.serverEnded = true;
      if (t.serverFin > 0) server.setTimeout(t.serverFin);
      if (this.clientEnded) this.closeWhenFlushed();
    });
    client.on('close', () => this.finish(this.clientEnded && this.serverEnded ? '--' : 'CD'));
    server.on('close', () => this.finish(this.clientEnded && this.serverEnded ? '--' : 'SD'));
    const buffered = this.start.buffered;
    if (buffered && buffered.length > 0) server.write(buffered);
    relay(server, client);
    if (this.clientEnded) {
      server.end();
      if (this.serverEnded) this.closeWhenFlushed();
    } else {
      relay(client, server);
      client.resume();
    }
  }

  /** Both sides sent their FIN: close once the last bytes are written. */
  private closeWhenFlushed(): void {
    const c = this.client;
    const s = this.server;
    const done = () => {
      if ((c.writableLength ?? 0) === 0 && (!s || (s.writableLength ?? 0) === 0)) this.finish('--');
    };
    if (c.writableNeedDrain) c.once('drain', done);
    else setImmediate(done);
  }

  private finish(flags: string): void {
    if (this.phase === Phase.Done) return;
    const wasConnecting = this.phase === Phase.Connecting;
    this.phase = Phase.Done;
    this.attempt?.abort();
    const { client, fe } = this;
    const be = this.start.backend;
    const r = this.result;
    const server = this.server;
    const bytesIn = client.bytesRead;
    const bytesOut = client.bytesWritten;
    client.destroy();
    if (server) {
      server.destroy();
      if (r?.server) {
        r.server.counters.bytesIn += server.bytesWritten;
        r.server.counters.bytesOut += server.bytesRead;
      }
    }
    if (r?.server && r.socket) be?.release(r.server);
    if (be) {
      be.counters.bytesIn += bytesIn;
      be.counters.bytesOut += bytesOut;
      if (flags[0] === 'C' || flags[0] === 'c') be.counters.cliAborts++;
      if ((flags[0] === 'S' || flags[0] === 's') && !wasConnecting) be.counters.srvAborts++;
    }
    const endedAt = Date.now();
    const termination = `${flags}--`;
    this.end(
      { backend: be, server: r?.server, termination, bytesIn, bytesOut, acceptedAt: this.start.acceptedAt, connect: r },
      {
        fe,
        client,
        listener: this.listener,
        acceptedAt: this.start.acceptedAt,
        handshakeMs: this.start.handshakeMs,
        ...(be ? { backend: be } : {}),
        ...(r?.server ? { server: r.server } : {}),
        ...(r ? { connect: r } : {}),
        ...(this.backendSource ? { backendSource: this.backendSource } : {}),
        endedAt,
        bytesIn,
        bytesOut,
        termination,
        captures: this.start.captures,
      },
    );
  }
}
