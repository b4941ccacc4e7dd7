/**
 * The HTTP counters the stats module keeps beside what the engine counts itself (HttpTxn.account):
 * requests denied or answered by the rules, transactions that never became a request, local
 * replies of a backend, and the per-listener figures of `option socket-stats`. Each function is
 * called once per event by the hooks in runtime/stats-hooks.ts, as HAProxy 2.6 counts:
 *
 * - dreq: http-request deny / tarpit / reject, on the frontend, its listener, and the backend when
 *   one was assigned (its own rules denied); dresp: http-response deny on all four.
 * - intercepted: a request the frontend answered itself (monitor-uri, stats page, use-service,
 *   return / redirect / auth of its rules); denials and the backend's rules do not count.
 * - A connection closed, timed out or sent garbage before a complete request still counts as a
 *   request (req_tot) with its status (hrsp) and as a request error (ereq).
 * - A backend's sessions are the streams assigned to it (not only those that reach a server).
 * - A backend counts every transaction assigned to it in req_tot and hrsp, the replies given in
 *   its name (its rules' answers, 502/503/504) included; only real responses count for a server.
 * - A transaction that ends without a status (`http-request reject`, a client gone before the
 *   response) counts as a response of the "other" class.
 * - The HTTP/1 multiplexer figures (h1_*): client connections and streams of a frontend, and the
 *   bytes on the wire of a frontend's clients and of a backend's servers (socket counts).
 */
import type { Socket } from 'node:net';
import type { HttpTxn } from '../http/txn.js';
import type { MuxCounters } from './counters.js';
import type { RequestVerdict, ResponseVerdict } from '../http/txn-hooks.js';
import type { BackendRuntime } from '../runtime/backend.js';
import { now } from '../core/clock.js';

/** Termination states of rule outcomes: "P" a denial (deny, tarpit, reject), "L" a local answer. */
const denied = (termination: string) => termination.startsWith('P');
const answered = (termination: string) => termination.startsWith('L');

/**
 * Connections whose wire bytes already count in some h1 byte counters. Their bytes are read from
 * the socket when the stats are (MuxCounters.h1In/h1Out) and added for good when they close, so
 * a request pays nothing for them (reading Socket.bytesWritten copies the write queue).
 */
const metered = new WeakSet<Socket>();

/** Counts `s`'s bytes in `m` (in = read) from now until it closes, all of them since it opened. */
function meterWire(s: Socket, m: MuxCounters, onClose?: () => void): void {
  metered.add(s);
  if (s.destroyed) {
    m.h1BytesIn += s.bytesRead;
    m.h1BytesOut += s.bytesWritten;
    return;
  }
  m.h1Live.add(s);
  s.once('close', () => {
    m.h1Live.delete(s);
    m.h1BytesIn += s.bytesRead;
    m.h1BytesOut += s.bytesWritten ?? 0;
    onClose?.();
  });
}

/** The client connection of an HTTP/1 session, counted once (open until it closes). */
function countClientConnection(session: HttpTxn['session'], m: MuxCounters): void {
  if (session.statsWireMetered) return;
  session.statsWireMetered = true;
  const s = session.client;
  if (metered.has(s)) return;
  m.h1TotalConns++;
  if (!s.destroyed) m.h1OpenConns++;
  meterWire(s, m, () => m.h1OpenConns--);
}

/** HTTP/2 streams run through the same engine; they are not HTTP/1 figures. */
const overH1 = (txn: HttpTxn) => txn.session.conn.clientVersion === undefined;

/** A request arrived: an HTTP/1 stream opens (and the request's bytes are in). */
export function countStreamStart(txn: HttpTxn): void {
  if (!overH1(txn)) return;
  const m = txn.session.fe.counters.mux;
  countClientConnection(txn.session, m);
  m.h1OpenStreams++;
  m.h1TotalStreams++;
  txn.statsStreamOpen = true;
}

/** A transaction ended: its stream, and the wire bytes of the client and server connections. */
function countStreamEnd(txn: HttpTxn): void {
  if (!overH1(txn)) return;
  const fe = txn.session.fe.counters.mux;
  countClientConnection(txn.session, fe);
  // Counted when the request arrived; without a request, a stream existed if some bytes came.
  if (txn.statsStreamOpen) fe.h1OpenStreams--;
  else if (txn.firstByteAt > 0) fe.h1TotalStreams++;
  // A backend's h1 connections and streams are its connection counters (see columns.ts).
  const server = txn.connect?.socket;
  const be = txn.backend?.counters.mux;
  if (server && be && !metered.has(server)) meterWire(server, be);
}

/**
 * The stream belongs to a backend from the moment one is chosen (use_backend, default_backend,
 * the listen itself), whether a server then answers, the backend's rules do, or nobody does:
 * HAProxy's scur/smax/stot/rate/lastsess of a backend. `intercepted`: a stats page or a service
 * answers for the frontend, no backend is involved (a backend's stats page is counted where it
 * is served).
 */
export function countStreamAssignment(txn: HttpTxn, v: RequestVerdict, intercepted: boolean): void {
  const be = v.kind === 'forward' && !v.service && !intercepted ? (v.backend ?? txn.backend) : txn.backend;
  if (!be) return;
  be.counters.openSession(now(), false);
  txn.statsBackend = be;
}

/** After the request rules: denials and frontend answers. `txn.backend` is set once a backend's own rules ran. */
export function countRequestVerdict(txn: HttpTxn, v: RequestVerdict): void {
  if (v.kind !== 'reply') return;
  const fe = txn.session.fe.counters;
  const li = txn.session.listener.counters;
  if (denied(v.termination)) {
    fe.deniedReq++;
    if (li) li.deniedReq++;
    if (txn.backend) txn.backend.counters.deniedReq++;
  } else if (answered(v.termination) && !txn.backend) {
    fe.intercepted++;
  }
}

/** After the response rules: an http-response deny counts everywhere the response went through. */
export function countResponseVerdict(txn: HttpTxn, v: ResponseVerdict): void {
  if (v.kind !== 'reply' || !denied(v.termination)) return;
  txn.session.fe.counters.deniedResp++;
  const li = txn.session.listener.counters;
  if (li) li.deniedResp++;
  if (txn.backend) txn.backend.counters.deniedResp++;
  if (txn.server) txn.server.counters.deniedResp++;
}

/** The end of a transaction, after HttpTxn.account(): what it leaves to the stats module. */
export function countTransactionEnd(txn: HttpTxn): void {
  countStreamEnd(txn);
  txn.statsBackend?.counters.closeSession();
  const fe = txn.session.fe.counters;
  const li = txn.session.listener.counters;
  if (li) {
    li.bytesIn += txn.bytesIn;
    li.bytesOut += txn.bytesOut;
  }
  if (!txn.req) {
    // No complete request: a bad one, a timeout, or a connection closed before its first byte.
    fe.countRequest(txn.startedAt);
    if (li) li.failedReq++;
    if (!txn.local) {
      // The silent close is not answered, so neither the engine's error path nor account() saw it.
      fe.failedReq++;
      if (txn.status > 0) fe.countResponse(txn.status);
    }
    return;
  }
  // Without a status (a reject, a client gone before the response), the transaction still
  // counts, as "other" (HAProxy logs such a status as -1).
  if (txn.status <= 0) fe.countResponse(0);
  const be = txn.backend;
  if (!be) return;
  be.counters.cumReq++;
  // Replies given in the backend's name (its rules' answers, the proxy's error pages) and
  // transactions without a status; account() counted the servers' responses.
  if (txn.local || txn.status <= 0) be.counters.countResponse(txn.status > 0 ? txn.status : 0);
}
