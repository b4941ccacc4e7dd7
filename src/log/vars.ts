/**
 * The values of log-format variables at the end of an HTTP transaction or a TCP session: the
 * timers (Th Ti TR Tw Tc Tr Ta Tt Tq Td Tu), counters, termination state and captures. HTTP
 * request facts come from the rules engine's txnVariable; what only the end knows is here.
 * The objects are reused: set `txn`/`tcp` and evaluate, no closure per request.
 */
import { hostname } from 'node:os';
import type { Socket } from 'node:net';
import { formatGmtDate, formatLocalDate, formatLogDateMs, type LfValue } from './logformat.js';
import { txnVariable } from '../rules/lfvars.js';
import type { HttpTxn } from '../http/txn.js';
import type { FrontendRuntime } from '../runtime/frontend.js';
import type { BackendRuntime } from '../runtime/backend.js';
import type { ServerRuntime } from '../runtime/server.js';
import type { ConnectResult } from '../runtime/connect.js';
import type { Listener } from '../runtime/listeners.js';
import { connInfo } from '../tcp/conninfo.js';
import { escapeCapture, escapeRequestLine } from './escape.js';
import type { Captured } from './capture.js';

const HOST = hostname();
/** Printed instead of a variable when it must print nothing at all (no capture declared). */
export const NOTHING = '\u0000';

const strip = (a: string | undefined) => (a?.startsWith('::ffff:') ? a.slice(7) : a);

/** What the TCP engine records for the log line of a session. */
export interface TcpLogInfo {
  fe: FrontendRuntime;
  client: Socket;
  listener: Listener;
  acceptedAt: number;
  handshakeMs: number;
  backend?: BackendRuntime;
  server?: ServerRuntime;
  connect?: ConnectResult;
  /** Server side source address, read when connected. */
  backendSource?: { address?: string; port?: number };
  endedAt: number;
  bytesIn: number;
  bytesOut: number;
  /** Two characters and "--" (cookie characters do not apply). */
  termination: string;
  /** tcp-request content capture values. */
  captures: string[];
  uniqueId?: string;
}

/** Per-transaction log state kept in txn.scratch.log. */
export interface TxnLogState {
  captured?: Captured;
  uniqueId?: string;
}

export function txnLogState(txn: HttpTxn): TxnLogState {
  let s = txn.scratch['log'] as TxnLogState | undefined;
  if (!s) {
    s = {};
    txn.scratch['log'] = s;
  }
  return s;
}

function timers(connect: ConnectResult | undefined): { Tw: number; Tc: number } {
  if (!connect) return { Tw: -1, Tc: -1 };
  const Tw = connect.failure === 'no-server' ? -1 : connect.queueMs;
  const Tc = connect.socket ? connect.connectMs : -1;
  return { Tw, Tc };
}

/**
 * %sq / %bq: HAProxy logs the request's position in the server / backend queue when it was
 * queued (1 for the head). portico knows whether it waited, not for how many others: 1 or 0.
 */
function queuePos(connect: ConnectResult | undefined, server: boolean, preferred: boolean): number {
  if (!connect) return 0;
  const queued = connect.failure === 'queue-timeout' || connect.queueMs > 0;
  return queued && server === preferred ? 1 : 0;
}

function retries(connect: ConnectResult | undefined): LfValue {
  if (!connect) return 0;
  return connect.redispatched ? `+${connect.retries}` : connect.retries;
}

function captureList(values: (string | undefined)[] | undefined, extra: string[], declared: number): { braces: string; list: string[] } | undefined {
  const mine = values ?? [];
  const all = [...mine, ...new Array<string | undefined>(Math.max(0, declared - mine.length)), ...extra];
  if (all.length === 0) return undefined;
  const list = all.map((v) => escapeCapture(v ?? ''));
  return { braces: `{${list.join('|')}}`, list };
}

let requestCounter = 0;

export class HttpLogVars {
  txn!: HttpTxn;
  /** Number of declared request/response header captures of the frontend. */
  declaredReq = 0;
  declaredRes = 0;
  logCount = 0;
  /** The first transaction of its connection (Th applies, %t is the connection's accept date). */
  first = true;

  variable(name: string): LfValue {
    const txn = this.txn;
    const s = txn.session;
    const info = connInfo(s.client);
    const first = this.first;
    const acceptedAt = first && info ? info.acceptedAt : txn.acceptedAt;
    const Th = first && info ? info.handshakeMs : 0;
    const reqStart = txn.firstByteAt || 0;
    const Ti = reqStart ? Math.max(0, reqStart - acceptedAt - Th) : -1;
    // A tarpitted request: HAProxy reports TR -1 and the time held in Tw.
    const tarpit = txn.termination[1] === 'T';
    const TR = reqStart && txn.req && !tarpit ? Math.max(0, txn.startedAt - reqStart) : -1;
    switch (name) {
      case 't':
        return formatLogDateMs(acceptedAt);
      case 'tr':
        return formatLogDateMs(reqStart || acceptedAt);
      case 'T':
        return formatGmtDate(acceptedAt);
      case 'trg':
        return formatGmtDate(reqStart || acceptedAt);
      case 'Tl':
        return formatLocalDate(acceptedAt);
      case 'trl':
        return formatLocalDate(reqStart || acceptedAt);
      case 'Ts':
        return Math.floor(acceptedAt / 1000);
      case 'ms':
        return String(acceptedAt % 1000).padStart(3, '0');
      case 'Th':
        return Th;
      case 'Ti':
        return Ti;
      case 'TR':
        return TR;
      case 'Tq':
        return Ti < 0 || TR < 0 ? -1 : Th + Ti + TR;
      case 'Tw':
        return tarpit ? txn.endedAt - txn.startedAt : txn.applet ? 0 : timers(txn.connect).Tw;
      case 'Tc':
        return txn.applet ? 0 : timers(txn.connect).Tc;
      case 'Tr':
        return txn.responseAt > 0 && txn.connectedAt > 0 ? txn.responseAt - txn.connectedAt : -1;
      case 'Ta':
        return txn.endedAt - (reqStart || acceptedAt);
      case 'Tt':
        return txn.endedAt - acceptedAt;
      case 'Tu':
        return txn.endedAt - acceptedAt - Math.max(0, Ti);
      case 'Td': {
        const { Tw, Tc } = txn.applet ? { Tw: 0, Tc: 0 } : timers(txn.connect);
        const Tr = txn.responseAt > 0 && txn.connectedAt > 0 ? txn.responseAt - txn.connectedAt : -1;
        if (TR < 0 || Tw < 0 || Tc < 0 || Tr < 0) return -1;
        return txn.endedAt - (reqStart || acceptedAt) - (TR + Tw + Tc + Tr);
      }
      case 'ST':
        return txn.status;
      case 'ts':
        return txn.termination.slice(0, 2);
      case 'tsc':
        return txn.termination.slice(0, 2) + txn.cookieStatus;
      case 'rc':
        return retries(txn.connect);
      case 'sq':
      case 'bq':
        return queuePos(txn.connect, name === 'sq', txn.preferred !== undefined);
      case 'lc':
        return this.logCount;
      case 'rt':
        return ++requestCounter;
      case 'r':
        return txn.req ? escapeRequestLine(`${txn.req.head.method} ${txn.req.head.uri} ${txn.clientVersion}`) : '<BADREQ>';
      case 'ID':
        return txnLogState(txn).uniqueId;
      case 'CC':
        return esc(txnLogState(txn).captured?.reqCookie);
      case 'CS':
        return esc(txnLogState(txn).captured?.resCookie);
      case 'B':
        // Errors the H1 layer sends by itself (unparsable or incomplete requests) are not counted.
        return txn.req ? txn.bytesOut : 0;
      case 'hr':
      case 'hrl': {
        if (!txn.req) return NOTHING;
        const c = captureList(txnLogState(txn).captured?.request, reqRuleCaptures(txn), this.declaredReq);
        if (!c) return NOTHING;
        return name === 'hr' ? c.braces : c.list.join('" "');
      }
      case 'hs':
      case 'hsl': {
        if (!txn.req) return NOTHING;
        const c = captureList(txnLogState(txn).captured?.response, resRuleCaptures(txn), this.declaredRes);
        if (!c) return NOTHING;
        return name === 'hs' ? c.braces : c.list.join('" "');
      }
      case 'bi':
      case 'bp': {
        const sock = txn.connect?.socket;
        if (!sock) return undefined;
        return name === 'bi' ? strip(sock.localAddress) : sock.localPort;
      }
      case 'sp':
        return txn.server ? txn.server.portFor(s.listener.port) : undefined;
      case 'H':
        return HOST;
      default:
        return txnVariable(txn, name);
    }
  }
}

function esc(v: string | undefined): string | undefined {
  return v === undefined ? undefined : escapeCapture(v);
}

function reqRuleCaptures(txn: HttpTxn): string[] {
  const r = txn.scratch['rules'] as { reqCaptures?: string[] } | undefined;
  return r?.reqCaptures ?? [];
}

function resRuleCaptures(txn: HttpTxn): string[] {
  const r = txn.scratch['rules'] as { resCaptures?: string[] } | undefined;
  return r?.resCaptures ?? [];
}

export class TcpLogVars {
  tcp!: TcpLogInfo;
  logCount = 0;

  variable(name: string): LfValue {
    const t = this.tcp;
    const c = t.client;
    switch (name) {
      case 'ci':
        return strip(c.remoteAddress);
      case 'cp':
        return c.remotePort;
      case 'fi':
        return strip(c.localAddress);
      case 'fp':
        return c.localPort ?? t.listener.port;
      case 'f':
      case 'ft':
        return t.fe.name;
      case 'b':
        return t.backend?.name ?? t.fe.name;
      case 's':
        return t.server ? t.server.name : '<NOSRV>';
      case 'si':
        return t.server && t.server.target.kind === 'inet' ? t.server.target.host : undefined;
      case 'sp':
        return t.server ? t.server.portFor(t.listener.port) : undefined;
      case 'bi':
        return strip(t.backendSource?.address);
      case 'bp':
        return t.backendSource?.port;
      case 't':
      case 'tr':
        return formatLogDateMs(t.acceptedAt);
      case 'T':
      case 'trg':
        return formatGmtDate(t.acceptedAt);
      case 'Tl':
      case 'trl':
        return formatLocalDate(t.acceptedAt);
      case 'Ts':
        return Math.floor(t.acceptedAt / 1000);
      case 'ms':
        return String(t.acceptedAt % 1000).padStart(3, '0');
      case 'Th':
        return t.handshakeMs;
      case 'Ti':
      case 'TR':
      case 'Tr':
      case 'Tq':
        return -1;
      case 'Tw':
        return timers(t.connect).Tw;
      case 'Tc':
        return timers(t.connect).Tc;
      case 'Tt':
      case 'Ta':
      case 'Tu':
        return t.endedAt - t.acceptedAt;
      case 'Td': {
        const { Tw, Tc } = timers(t.connect);
        if (Tw < 0 || Tc < 0) return -1;
        return t.endedAt - t.acceptedAt - (t.handshakeMs + Tw + Tc);
      }
      case 'B':
        return t.bytesOut;
      case 'U':
        return t.bytesIn;
      case 'ST':
        return undefined;
      case 'ts':
        return t.termination.slice(0, 2);
      case 'tsc':
        return t.termination;
      case 'ac':
        return t.fe.global.current;
      case 'fc':
        return t.fe.sockets.size;
      case 'bc':
        return t.backend ? t.backend.counters.curSess : 0;
      case 'sc':
        return t.server ? t.server.served : 0;
      case 'rc':
        return retries(t.connect);
      case 'sq':
      case 'bq':
        return queuePos(t.connect, name === 'sq', false);
      case 'lc':
        return this.logCount;
      case 'rt':
        return ++requestCounter;
      case 'H':
        return HOST;
      case 'pid':
        return process.pid;
      case 'ID':
        return t.uniqueId;
      case 'hr':
      case 'hrl': {
        if (t.captures.length === 0) return NOTHING;
        const list = t.captures.map((v) => escapeCapture(v));
        return name === 'hr' ? `{${list.join('|')}}` : list.join('" "');
      }
      case 'hs':
      case 'hsl':
        return NOTHING;
      case 'r':
        return undefined;
      default:
        return undefined;
    }
  }
}
