/**
 * Soft stop of a Runtime, as HAProxy's: stop accepting, let every transaction in flight finish,
 * close keep-alive connections instead of waiting for their next request, and give up after
 * `hard-stop-after`.
 *
 * The HTTP engine is driven through its hooks: once stopping, every new request is answered with
 * `Connection: close` (and the connection closes after it), and a connection left idle between
 * two requests is closed after IDLE_GRACE_MS. The grace matters: a busy keep-alive client sends
 * its next request a few microseconds after reading a response, and closing at that moment would
 * fail the request; given the grace, the request arrives and gets the closing response instead.
 */
import type { Socket } from 'node:net';
import type { Runtime } from '../runtime/runtime.js';
import type { HttpTxn } from '../http/txn.js';
import { staticBackend } from '../http/txn-hooks.js';
import { drainH2 } from '../http/h2/frontend.js';

/** How long an idle keep-alive connection may stay open once stopping. */
export const IDLE_GRACE_MS = 150;

interface ConnState {
  /** The transaction in progress, if any. */
  txn?: HttpTxn;
  /** When the connection last became idle (end of a transaction, or when the stop began). */
  idleSince: number;
  /** socket.bytesRead at that moment: more means a request is on its way. */
  readAtIdle: number;
}

export class Drainer {
  private readonly conns = new WeakMap<Socket, ConnState>();
  private stopping = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly rt: Runtime) {
    const hooks = rt.httpHooks;
    const request = hooks.request;
    const log = hooks.log;
    hooks.request = (txn) => {
      const client = txn.session.client;
      let st = this.conns.get(client);
      if (!st) this.conns.set(client, (st = { idleSince: 0, readAtIdle: 0 }));
      st.txn = txn;
      if (this.stopping) txn.closeAfter = true;
      return request ? request(txn) : { kind: 'forward', backend: staticBackend(txn) };
    };
    hooks.log = (txn) => {
      const client = txn.session.client;
      const st = this.conns.get(client);
      if (st && st.txn === txn) {
        st.txn = undefined;
        st.idleSince = Date.now();
        st.readAtIdle = client.bytesRead;
      }
      log?.(txn);
    };
  }

  /** Open client connections (every frontend). */
  get active(): number {
    return this.rt.activeConnections;
  }

  /**
   * Stops accepting and drains. Resolves when the last connection has closed, or at
   * `hardStopAfter` ms (then every connection left is closed at once, after `onHardStop`).
   */
  async drain(hardStopAfter: number | undefined, onHardStop: () => void): Promise<void> {
    this.stopping = true;
    await this.rt.stop(false);
    // HTTP/2 connections say GOAWAY and close once their streams are done.
    drainH2(this.rt);
    const now = Date.now();
    for (const fe of this.rt.frontends) {
      if (fe.mode !== 'http') continue;
      for (const s of fe.sockets) {
        const st = this.conns.get(s);
        // Requests whose response has not started will close their connection after it.
        if (st?.txn) {
          if (st.txn.responseAt === 0) st.txn.closeAfter = true;
        } else if (!st) {
          // Accepted, no request yet: idle from now on unless bytes have come.
          this.conns.set(s, { idleSince: now, readAtIdle: 0 });
        }
      }
    }
    await new Promise<void>((resolve) => {
      const deadline = hardStopAfter ? Date.now() + hardStopAfter : undefined;
      const tick = () => {
        this.closeIdle();
        if (this.rt.activeConnections === 0) return resolve();
        if (deadline !== undefined && Date.now() >= deadline) {
          onHardStop();
          void this.rt.stop(true).then(() => resolve());
          return;
        }
        this.timer = setTimeout(tick, 20);
      };
      tick();
    });
    if (this.timer) clearTimeout(this.timer);
  }

  /** Closes HTTP connections idle for IDLE_GRACE_MS with no byte of a next request. */
  private closeIdle(): void {
    const now = Date.now();
    for (const fe of this.rt.frontends) {
      if (fe.mode !== 'http') continue;
      for (const s of fe.sockets) {
        const st = this.conns.get(s);
        if (!st || st.txn || s.bytesRead !== st.readAtIdle) continue;
        if (now - st.idleSince >= IDLE_GRACE_MS) s.destroy();
      }
    }
  }
}
