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
import type { Runtime } from '../runtime/runtime.js';
import { httpSessionOf } from '../http/session.js';
import { staticBackend } from '../http/txn-hooks.js';
import { drainH2 } from '../http/h2/frontend.js';

/** How long an idle keep-alive connection may stay open once stopping. */
export const IDLE_GRACE_MS = 150;

export class Drainer {
  private stopping = false;
  private stopAt = 0;
  private timer: NodeJS.Timeout | undefined;

  /**
   * Requests that arrive once stopping close their connection after the response. Nothing is
   * tracked per request otherwise: the sessions themselves say whether a transaction is in
   * progress and when they became idle (see closeIdle).
   */
  constructor(private readonly rt: Runtime) {
    const hooks = rt.httpHooks;
    const request = hooks.request ?? ((txn) => ({ kind: 'forward', backend: staticBackend(txn) }));
    hooks.request = (txn) => {
      if (this.stopping) txn.closeAfter = true;
      return request(txn);
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
    this.stopAt = Date.now();
    await this.rt.stop(false);
    // HTTP/2 connections say GOAWAY and close once their streams are done.
    drainH2(this.rt);
    for (const fe of this.rt.frontends) {
      if (fe.mode !== 'http') continue;
      for (const s of fe.sockets) {
        // Requests whose response has not started will close their connection after it.
        const txn = httpSessionOf(s)?.currentTransaction;
        if (txn && txn.responseAt === 0) txn.closeAfter = true;
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

  /**
   * Closes HTTP connections idle for IDLE_GRACE_MS (counted from the later of their last
   * response and the start of the stop) with no byte of a next request. A connection without an
   * HTTP/1 session yet (TLS or tcp-request rules under way) counts as idle while it has read
   * nothing; HTTP/2 connections close by GOAWAY instead.
   */
  private closeIdle(): void {
    const now = Date.now();
    for (const fe of this.rt.frontends) {
      if (fe.mode !== 'http') continue;
      for (const s of fe.sockets) {
        const session = httpSessionOf(s);
        let idleSince: number;
        if (session) {
          if (session.currentTransaction || session.firstByteAt > 0) continue;
          idleSince = Math.max(session.streamAcceptedAt, this.stopAt);
        } else {
          if (s.bytesRead !== 0) continue;
          idleSince = this.stopAt;
        }
        if (now - idleSince >= IDLE_GRACE_MS) s.destroy();
      }
    }
  }
}
