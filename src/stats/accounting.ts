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

/** Termination states of rule outcomes: "P" a denial (deny, tarpit, reject), "L" a local answer. */
const denied = (termination: string) => termination.startsWith('P');
const answered = (termination: string) => termination.startsWith('L');

/** The socket counts already added to the h1 byte counters (a connection carries several transactions). */
const wire = new WeakMap<Socket, { read: number; written: number }>();

/** Adds what `s` read and wrote since the last call to `m`'s h1 byte counters (in = read). */
function countWire(s: Socket, m: MuxCounters): void {
  let w = wire.get(s);
  if (!w) wire.set(s, (w = { read: 0, written: 0 }));
  m.h1BytesIn += s.bytesRead - w.read;
  m.h1BytesOut += s.bytesWritten - w.written;
  w.read = s.bytesRead;
  w.written = s.bytesWritten;
}

/**
 * At a request's start only the bytes read can have moved since the previous transaction's end
 * (which counted both directions): Socket.bytesWritten copies the write queue at each call.
 */
function countWireRead(s: Socket, m: MuxCounters): void {
  const w = wire.get(s);
  if (!w) return countWire(s, m);
  m.h1BytesIn += s.bytesRead - w.read;
  w.read = s.bytesRead;
}

/** A client connection of an HTTP/1 frontend, counted once (open until it closes). */
function countClientConnection(s: Socket, m: MuxCounters): void {
  if (wire.has(s)) return;
  wire.set(s, { read: 0, written: 0 });
  m.h1TotalConns++;
  if (s.destroyed) return;
  m.h1OpenConns++;
  s.once('close', () => m.h1OpenConns--);
}

/** HTTP/2 streams run through the same engine; they are not HTTP/1 figures. */
const overH1 = (txn: HttpTxn) => txn.session.conn.clientVersion === undefined;

/** A request arrived: an HTTP/1 stream opens (and the request's bytes are in). */
export function countStreamStart(txn: HttpTxn): void {
  if (!overH1(txn)) return;
  const m = txn.session.fe.counters.mux;
  countClientConnection(txn.session.client, m);
  m.h1OpenStreams++;
  m.h1TotalStreams++;
  countWireRead(txn.session.client, m);
  txn.statsStreamOpen = true;
}

/** A transaction ended: its stream, and the wire bytes of the client and server connections. */
function countStreamEnd(txn: HttpTxn): void {
  if (!overH1(txn)) return;
  const fe = txn.session.fe.counters.mux;
  countClientConnection(txn.session.client, fe);
  // Counted when the request arrived; without a request, a stream existed if some bytes came.
  if (txn.statsStreamOpen) fe.h1OpenStreams--;
  else if (txn.firstByteAt > 0) fe.h1TotalStreams++;
  countWire(txn.session.client, fe);
  // A backend's h1 connections and streams are its connection counters (see columns.ts).
  const server = txn.connect?.socket;
  const be = txn.backend?.counters.mux;
  if (server && be) countWire(server, be);
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
  be.counters.openSession(Date.now(), false);
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
