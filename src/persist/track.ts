/**
 * Per-session stick counters (track-sc0/1/2). A slot, once set, stays for the session (or for the
 * HTTP transaction when set by http-request / tcp-request content rules), as in HAProxy: the first
 * track-scN wins. Tracking counts a connection (conn_cur, conn_cnt, conn_rate); conn_cur drops when
 * the tracker is released. The engine reports requests, errors and bytes; the clock is passed in.
 */
import type { StickEntry, StickTable } from './stick-table.js';

/** Where the track-sc rule ran: content/http trackers are released at the end of each transaction. */
export type TrackStage = 'connection' | 'session' | 'content' | 'http';

export const MAX_TRACKERS = 3;

export class Trackers {
  readonly tables: (StickTable | undefined)[] = [undefined, undefined, undefined];
  readonly entries: (StickEntry | undefined)[] = [undefined, undefined, undefined];
  private readonly perTxn = [false, false, false];

  /**
   * `track-scN KEY [table T]`: tracks `key` (already normalized for `table`). Answers false when the
   * slot was already in use or the table is full.
   */
  track(n: number, table: StickTable, key: string, stage: TrackStage, now: number): boolean {
    if (n < 0 || n >= MAX_TRACKERS || this.entries[n]) return false;
    const e = table.getOrCreate(key, now);
    if (!e) return false;
    e.ref++;
    this.tables[n] = table;
    this.entries[n] = e;
    this.perTxn[n] = stage === 'content' || stage === 'http';
    table.add(e, 'conn_cur', 1, now);
    table.add(e, 'conn_cnt', 1, now);
    table.add(e, 'conn_rate', 1, now);
    // An http-request track-sc counts the request being processed for the new entry.
    if (stage === 'http') {
      table.add(e, 'http_req_cnt', 1, now);
      table.add(e, 'http_req_rate', 1, now);
    }
    table.touch(e, now);
    return true;
  }

  tracked(n: number): boolean {
    return this.entries[n] !== undefined;
  }

  private each(now: number, fn: (t: StickTable, e: StickEntry) => void): void {
    for (let i = 0; i < MAX_TRACKERS; i++) {
      const e = this.entries[i];
      if (!e) continue;
      const t = this.tables[i]!;
      fn(t, e);
      t.touch(e, now);
    }
  }

  /** The session passed the tcp-request connection/session rules: sess_cnt, sess_rate. */
  sessionAccepted(now: number): void {
    this.each(now, (t, e) => {
      t.add(e, 'sess_cnt', 1, now);
      t.add(e, 'sess_rate', 1, now);
    });
  }

  /** A new HTTP request arrived (before http-request rules). */
  httpRequest(now: number): void {
    this.each(now, (t, e) => {
      t.add(e, 'http_req_cnt', 1, now);
      t.add(e, 'http_req_rate', 1, now);
    });
  }

  /** A client error: invalid request, deny, tarpit, failed auth, or a 4xx from the server. */
  httpError(now: number): void {
    this.each(now, (t, e) => {
      t.add(e, 'http_err_cnt', 1, now);
      t.add(e, 'http_err_rate', 1, now);
    });
  }

  /** A server failure: invalid response or a 5xx other than 501/505. */
  httpFailure(now: number): void {
    this.each(now, (t, e) => {
      t.add(e, 'http_fail_cnt', 1, now);
      t.add(e, 'http_fail_rate', 1, now);
    });
  }

  bytesIn(n: number, now: number): void {
    this.each(now, (t, e) => {
      t.add(e, 'bytes_in_cnt', n, now);
      t.add(e, 'bytes_in_rate', n, now);
    });
  }

  bytesOut(n: number, now: number): void {
    this.each(now, (t, e) => {
      t.add(e, 'bytes_out_cnt', n, now);
      t.add(e, 'bytes_out_rate', n, now);
    });
  }

  private release(i: number, now: number): void {
    const e = this.entries[i];
    if (!e) return;
    const t = this.tables[i]!;
    t.add(e, 'conn_cur', -1, now);
    e.ref--;
    t.touch(e, now);
    this.entries[i] = undefined;
    this.tables[i] = undefined;
    this.perTxn[i] = false;
  }

  /** End of an HTTP transaction: content/http trackers are released. */
  transactionEnd(now: number): void {
    for (let i = 0; i < MAX_TRACKERS; i++) if (this.perTxn[i]) this.release(i, now);
  }

  /** End of the session: every tracker is released. */
  sessionEnd(now: number): void {
    for (let i = 0; i < MAX_TRACKERS; i++) this.release(i, now);
  }
}

/** http_err_cnt counts server 4xx responses; http_fail_cnt 5xx other than 501 and 505. */
export function isClientError(status: number): boolean {
  return status >= 400 && status < 500;
}
export function isServerFailure(status: number): boolean {
  return status >= 500 && status < 600 && status !== 501 && status !== 505;
}
