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
 * - A backend counts the replies given in its name (its rules' answers, 502/503/504) in hrsp and
 *   req_tot, where only real responses count for the server.
 */
import type { HttpTxn } from '../http/txn.js';
import type { RequestVerdict, ResponseVerdict } from '../http/txn-hooks.js';

/** Termination states of rule outcomes: "P" a denial (deny, tarpit, reject), "L" a local answer. */
const denied = (termination: string) => termination.startsWith('P');
const answered = (termination: string) => termination.startsWith('L');

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
  const be = txn.backend;
  if (be && txn.local) {
    // Replies given in the backend's name: its rules' answers and the proxy's error pages.
    if (txn.status !== 0) be.counters.countResponse(txn.status);
    if (!txn.connect) be.counters.cumReq++;
  }
}
