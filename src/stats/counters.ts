/**
 * Counters the engine increments on the data path. Plain classes with number
 * fields (HAProxy's fe_counters / be_counters): one object per frontend,
 * listener, backend and server, created once, never a map lookup per request.
 * The renderers read them through the snapshot model (model.ts).
 */
import type { Socket } from 'node:net';
import { FreqCtr, SwRate } from './freq.js';

/** Index into `httpRsp` for an HTTP status: 0 = 1xx ... 4 = 5xx, 5 = other. */
export function responseClass(status: number): number {
  const c = Math.floor(status / 100);
  return c >= 1 && c <= 5 ? c - 1 : 5;
}

/** Per-multiplexer counters (the stats modules printed after the `-` column). All zero is fine. */
export class MuxCounters {
  sslSess = 0;
  sslReusedSess = 0;
  sslFailedHandshake = 0;
  h2HeadersRcvd = 0;
  h2DataRcvd = 0;
  h2SettingsRcvd = 0;
  h2RstStreamRcvd = 0;
  h2GoawayRcvd = 0;
  h2ConnProtoErrors = 0;
  h2StrmProtoErrors = 0;
  h2RstStreamResp = 0;
  h2GoawayResp = 0;
  h2OpenConns = 0;
  h2BackendOpenStreams = 0;
  h2TotalConns = 0;
  h2BackendTotalStreams = 0;
  h1OpenConns = 0;
  h1OpenStreams = 0;
  h1TotalConns = 0;
  h1TotalStreams = 0;
  /** Bytes of the connections that closed; the open ones are read live (h1In/h1Out). */
  h1BytesIn = 0;
  h1BytesOut = 0;
  h1SplicedBytesIn = 0;
  h1SplicedBytesOut = 0;
  /** Open connections whose wire bytes count here (stats/accounting.ts meterWire). */
  readonly h1Live = new Set<Socket>();

  /** h1_bytes_in: what the closed connections read, plus what the open ones have read so far. */
  h1In(): number {
    let n = this.h1BytesIn;
    for (const s of this.h1Live) n += s.bytesRead;
    return n;
  }

  /** h1_bytes_out, as h1In for the bytes written. */
  h1Out(): number {
    let n = this.h1BytesOut;
    for (const s of this.h1Live) n += s.bytesWritten ?? 0;
    return n;
  }
}

/** Counters of a frontend, and of each listener when `option socket-stats` is set. */
export class FeCounters {
  /** Current sessions (scur), their peak (smax) and total (stot). */
  curSess = 0;
  maxSess = 0;
  cumSess = 0;
  /** Accepted connections (conn_tot), before tcp-request connection/session rules. */
  cumConn = 0;
  /** HTTP requests (req_tot). */
  cumReq = 0;
  readonly sessPerSec = new FreqCtr();
  spsMax = 0;
  readonly connPerSec = new FreqCtr();
  cpsMax = 0;
  readonly reqPerSec = new FreqCtr();
  rpsMax = 0;

  bytesIn = 0;
  bytesOut = 0;
  /** dreq / dresp / dcon / dses. */
  deniedReq = 0;
  deniedResp = 0;
  deniedConn = 0;
  deniedSess = 0;
  /** ereq: bad requests, client aborts or timeouts before a complete request. */
  failedReq = 0;
  /** wrew: failed header rewrites. */
  failedRewrites = 0;
  /** eint. */
  internalErrors = 0;
  /** Requests answered by the proxy itself (stats, monitor-uri, http-request return...). */
  intercepted = 0;
  cacheLookups = 0;
  cacheHits = 0;
  compIn = 0;
  compOut = 0;
  compByp = 0;
  compRsp = 0;
  /** Responses per class: 1xx, 2xx, 3xx, 4xx, 5xx, other. */
  readonly httpRsp = [0, 0, 0, 0, 0, 0];
  readonly mux = new MuxCounters();

  /** A connection was accepted. */
  acceptConn(now = Date.now()): void {
    this.cumConn++;
    const n = this.connPerSec.add(1, now);
    if (n > this.cpsMax) this.cpsMax = n;
  }

  /** A session starts (the connection passed the tcp-request connection/session rules). */
  openSession(now = Date.now()): void {
    this.cumSess++;
    if (++this.curSess > this.maxSess) this.maxSess = this.curSess;
    const n = this.sessPerSec.add(1, now);
    if (n > this.spsMax) this.spsMax = n;
  }

  closeSession(): void {
    if (this.curSess > 0) this.curSess--;
  }

  /** An HTTP request was received. */
  countRequest(now = Date.now()): void {
    this.cumReq++;
    const n = this.reqPerSec.add(1, now);
    if (n > this.rpsMax) this.rpsMax = n;
  }

  countResponse(status: number): void {
    this.httpRsp[responseClass(status)]!++;
  }
}

/** Counters of a backend, and of each of its servers. */
export class BeCounters {
  /** Sessions being served (scur), their peak (smax) and total (stot). */
  curSess = 0;
  maxSess = 0;
  cumSess = 0;
  /** lbtot: times the load balancer picked this server (or any server of this backend). */
  lbtot = 0;
  readonly sessPerSec = new FreqCtr();
  spsMax = 0;
  /** When the last session was assigned, in ms since the epoch; 0 = never. */
  lastSess = 0;
  /** Queued requests (qcur) and their peak (qmax). */
  queueCur = 0;
  queueMax = 0;

  bytesIn = 0;
  bytesOut = 0;
  deniedReq = 0;
  deniedResp = 0;
  /** econ: failed connection attempts. */
  failedConns = 0;
  /** eresp: bad or aborted responses (srv_abrt is counted here too). */
  failedResp = 0;
  /** wretr / wredis. */
  retries = 0;
  redispatches = 0;
  cliAborts = 0;
  srvAborts = 0;
  failedRewrites = 0;
  internalErrors = 0;
  /** connect: connection attempts; reuse: requests sent over an existing idle connection. */
  connect = 0;
  reuse = 0;
  cumReq = 0;
  cacheLookups = 0;
  cacheHits = 0;
  compIn = 0;
  compOut = 0;
  compByp = 0;
  compRsp = 0;
  readonly httpRsp = [0, 0, 0, 0, 0, 0];

  /** Queue, connect, response (data) and total times over the last 1024 requests, in ms. */
  readonly qTime = new SwRate();
  readonly cTime = new SwRate();
  readonly dTime = new SwRate();
  readonly tTime = new SwRate();
  qtimeMax = 0;
  ctimeMax = 0;
  dtimeMax = 0;
  ttimeMax = 0;

  /** Servers: failed checks while up (chkfail) and UP->DOWN transitions (chkdown, also for a backend going down). */
  failedChecks = 0;
  downTrans = 0;
  readonly mux = new MuxCounters();

  /**
   * A server: a session was given to it, by the load balancer (`picked`, counted in lbtot) or from
   * the queue. A backend: a stream was assigned to it (use_backend, default_backend), whether it
   * then reaches a server, waits in the queue or is answered by the backend's rules.
   */
  openSession(now = Date.now(), picked = true): void {
    this.cumSess++;
    if (picked) this.lbtot++;
    this.lastSess = now;
    if (++this.curSess > this.maxSess) this.maxSess = this.curSess;
    const n = this.sessPerSec.add(1, now);
    if (n > this.spsMax) this.spsMax = n;
  }

  closeSession(): void {
    if (this.curSess > 0) this.curSess--;
  }

  enqueue(): void {
    if (++this.queueCur > this.queueMax) this.queueMax = this.queueCur;
  }

  dequeue(): void {
    if (this.queueCur > 0) this.queueCur--;
  }

  countResponse(status: number): void {
    this.httpRsp[responseClass(status)]!++;
  }

  /**
   * Records the timers of one finished request, in ms (-1 = never reached,
   * not sampled). The total time is always sampled, like HAProxy does.
   */
  recordTimes(queue: number, connect: number, response: number, total: number): void {
    if (queue >= 0) {
      this.qTime.add(queue);
      if (queue > this.qtimeMax) this.qtimeMax = queue;
    }
    if (connect >= 0) {
      this.cTime.add(connect);
      if (connect > this.ctimeMax) this.ctimeMax = connect;
    }
    if (response >= 0) {
      this.dTime.add(response);
      if (response > this.dtimeMax) this.dtimeMax = response;
    }
    const t = Math.max(0, total);
    this.tTime.add(t);
    if (t > this.ttimeMax) this.ttimeMax = t;
  }
}
