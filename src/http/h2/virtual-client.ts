/**
 * A virtual HTTP/1.1 client connection inside an h2 connection: a VirtualSocket driven by its
 * own HttpSession, so that every h2 request runs through the same rules, ACLs, cookies, stats
 * and logs as an HTTP/1.1 one. It carries one stream at a time; after a complete exchange it can
 * carry the next stream of the same h2 connection (keep-alive, so `http-reuse safe` lets later
 * streams reuse idle server connections as later HTTP/1.1 requests do).
 */
import type { Socket } from 'node:net';
import type { Runtime } from '../../runtime/runtime.js';
import type { FrontendRuntime } from '../../runtime/frontend.js';
import type { Listener } from '../../runtime/listeners.js';
import type { TlsInfo } from '../../tls/terminate.js';
import { setConnInfo, type ConnInfo } from '../../tcp/conninfo.js';
import { HttpSession } from '../session.js';
import { VirtualSocket, type VirtualPeer } from './virtual-socket.js';
import type { StreamBridge } from './stream-bridge.js';

/** What the log and req.ver report for requests that arrived over HTTP/2. */
export const H2_VERSION = 'HTTP/2.0';

export interface VirtualClientContext {
  rt: Runtime;
  fe: FrontendRuntime;
  listener: Listener;
  /** The real client connection: its addresses are the virtual connection's. */
  client: Socket;
  info: ConnInfo;
  tls: TlsInfo | undefined;
  /** The virtual connection ended or closed. */
  gone(vc: VirtualClient): void;
}

export class VirtualClient implements VirtualPeer {
  readonly socket: VirtualSocket;
  private bridge: StreamBridge | undefined;
  /** HttpSession ended or destroyed the connection: it carries no other stream. */
  dead = false;

  constructor(private readonly ctx: VirtualClientContext) {
    const c = ctx.client;
    this.socket = new VirtualSocket(
      { remoteAddress: c.remoteAddress, remotePort: c.remotePort, remoteFamily: c.remoteFamily, localAddress: c.localAddress, localPort: c.localPort },
      this,
    );
    // Accept date, handshake time and connection-level stick counters are the real connection's.
    setConnInfo(this.socket.asSocket(), ctx.info);
    const session = new HttpSession(ctx.rt, ctx.fe, this.socket.asSocket(), ctx.listener, () => {}, ctx.tls);
    session.conn.clientVersion = H2_VERSION;
    session.start();
  }

  attach(b: StreamBridge): void {
    this.bridge = b;
  }

  detach(b: StreamBridge): void {
    if (this.bridge === b) this.bridge = undefined;
  }

  /** Closes the virtual connection (HttpSession sees its client leave). */
  destroy(): void {
    // Not from inside one of HttpSession's own writes: let it finish what it is doing first.
    setImmediate(() => this.socket.destroy());
  }

  // ---------------------------------------------------------------- VirtualPeer (HttpSession's side)

  write(chunk: Buffer, done: () => void): void {
    // Bytes with no stream to go to (the stream was reset) are dropped.
    if (this.bridge) this.bridge.responseBytes(chunk, done);
    else done();
  }

  end(): void {
    this.markDead();
    this.bridge?.engineEnded();
  }

  closed(): void {
    this.markDead();
    this.bridge?.engineClosed();
  }

  pull(): void {
    this.bridge?.pull();
  }

  private markDead(): void {
    if (this.dead) return;
    this.dead = true;
    this.ctx.gone(this);
  }
}
