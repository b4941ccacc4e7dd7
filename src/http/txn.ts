/**
 * One HTTP transaction (request + response) and what it records for counters and the log:
 * timings (HAProxy's TR/Tw/Tc/Tr/Ta), bytes, status, termination state, chosen backend/server.
 */
import type { ParsedRequest } from './h1/request.js';
import type { ParsedResponse } from './h1/response.js';
import type { BackendRuntime } from '../runtime/backend.js';
import type { ServerRuntime } from '../runtime/server.js';
import type { ConnectResult } from '../runtime/connect.js';
import type { HttpSession } from './session.js';

export type TxnResult = 'complete' | 'aborted';

export class HttpTxn {
  backend: BackendRuntime | undefined;
  server: ServerRuntime | undefined;
  /** Server chosen by persistence or use-server before load balancing. */
  preferred: ServerRuntime | undefined;
  connect: ConnectResult | undefined;
  res: ParsedResponse | undefined;
  /** Status sent to the client (-1 while unknown). */
  status = -1;
  termination = '----';
  /** Cookie persistence status characters 3-4 of the log's termination state ("--" without a cookie). */
  cookieStatus = '--';
  bytesIn = 0;
  bytesOut = 0;
  connectedAt = 0;
  requestSentAt = 0;
  responseAt = 0;
  endedAt = 0;
  ended = false;
  /** Close the client connection after this response. */
  closeAfter = false;
  /** The server said it closes after this response. */
  serverClose = false;
  clientClosed = false;
  /** Answered by portico itself (error page, redirect, return, stats). */
  local = false;
  /**
   * The internal service that answered, as HAProxy names its applets in the log's server field
   * ("<STATS>", "<PROMEX>"); its "connection" takes no time (Tw and Tc are 0).
   */
  applet: string | undefined = undefined;
  badRequest = false;
  serverFailed = false;
  /**
   * Owned by the stats module (stats/accounting.ts): whether the transaction opened an HTTP/1
   * stream, and the backend whose session it holds. Fields rather than weak maps: they are
   * written for every request.
   */
  statsStreamOpen = false;
  statsBackend: BackendRuntime | undefined = undefined;
  /** Links in the list of transactions in progress that `show sess` reads (cli-api/streams.ts). */
  streamPrev: HttpTxn | undefined = undefined;
  streamNext: HttpTxn | undefined = undefined;
  streamListed = false;
  private scratchState: Record<string, unknown> | undefined = undefined;
  /** Per-transaction variables and rule state, owned by the rules engine (made when first used). */
  get scratch(): Record<string, unknown> {
    return (this.scratchState ??= {});
  }
  /** For the log: this stream's accept date (the connection's, or the previous response's end). */
  readonly acceptedAt: number;
  /**
   * For the log: first byte of this request (0: none); startedAt is the end of its head, moved to
   * the end of a wait for its body (wait-for-body, http-buffer-request) as HAProxy's TR counts it.
   */
  readonly firstByteAt: number;

  constructor(
    readonly session: HttpSession,
    readonly req: ParsedRequest | undefined,
    public startedAt: number,
  ) {
    this.acceptedAt = session.streamAcceptedAt ?? startedAt;
    this.firstByteAt = session.firstByteAt ?? 0;
  }

  /** The request's version as the client spoke it: "HTTP/2.0" for an h2 stream (the engine works on HTTP/1.1). */
  get clientVersion(): string | undefined {
    return this.req ? (this.session.conn.clientVersion ?? this.req.head.version) : undefined;
  }

  /** Updates frontend, backend and server counters once the transaction ends. */
  account(): void {
    const fe = this.session.fe;
    if (this.status > 0) fe.counters.countResponse(this.status);
    fe.counters.bytesIn += this.bytesIn;
    fe.counters.bytesOut += this.bytesOut;
    const be = this.backend;
    if (!be) return;
    if (this.status > 0 && !this.local) be.counters.countResponse(this.status);
    be.counters.bytesIn += this.bytesIn;
    be.counters.bytesOut += this.bytesOut;
    const s = this.server;
    if (s && this.connect?.socket) {
      if (this.res) s.counters.countResponse(this.res.head.status);
      s.counters.bytesIn += this.bytesIn;
      s.counters.bytesOut += this.bytesOut;
      if (this.res) s.counters.cumReq++;
    }
    const c = this.connect;
    const queue = c ? c.queueMs : -1;
    const connect = c?.socket ? c.connectMs : -1;
    const response = this.responseAt > 0 && this.connectedAt > 0 ? this.responseAt - this.connectedAt : -1;
    const total = this.endedAt - this.startedAt;
    be.counters.recordTimes(queue, connect, response, total);
    if (s && c?.socket) s.counters.recordTimes(queue, connect, response, total);
  }
}
