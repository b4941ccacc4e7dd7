/**
 * The values of log-format `%` variables while rules run (what HAProxy knows at that point:
 * addresses, names, the request line, dates; timers not reached yet are -1). The log module can
 * reuse this for the request-related variables and supply timers itself.
 */
import { hostname } from 'node:os';
import { formatGmtDate, formatLocalDate, formatLogDateMs, type LfValue } from '../log/logformat.js';
import { splitTarget } from './uri.js';
import type { HttpTxn } from '../http/txn.js';

const BADREQ = '<BADREQ>';

const HOST = hostname();

function stripV4Mapped(a: string | undefined): string | undefined {
  return a?.startsWith('::ffff:') ? a.slice(7) : a;
}

/** The value of `%name` for a transaction being processed by the rules. */
export function txnVariable(txn: HttpTxn, name: string): LfValue {
  const s = txn.session;
  const req = txn.req?.head;
  switch (name) {
    case 'ci':
      return stripV4Mapped(s.client.remoteAddress);
    case 'cp':
      return s.client.remotePort;
    case 'fi':
      return stripV4Mapped(s.client.localAddress);
    case 'fp':
      return s.client.localPort ?? s.listener.port;
    case 'f':
    case 'ft':
      return s.fe.name;
    case 'b':
      return txn.backend?.name ?? s.fe.name;
    case 's':
      return txn.server?.name ?? txn.applet ?? '<NOSRV>';
    case 'si':
      return txn.server && txn.server.target.kind === 'inet' ? txn.server.target.host : undefined;
    case 'sp':
      return txn.server ? txn.server.portFor(s.listener.port) : undefined;
    case 'ST':
      return txn.status;
    case 'H':
      return HOST;
    case 'pid':
      return process.pid;
    // A request that could not be parsed shows as HAProxy shows it, in each of its parts.
    case 'HM':
      return req ? req.method : BADREQ;
    case 'HU':
      return req ? req.uri : BADREQ;
    case 'HV':
      return req ? txn.clientVersion : BADREQ;
    case 'HP':
    case 'HPO':
    case 'HQ': {
      if (!req) return BADREQ;
      const t = splitTarget(req.uri);
      // No query string: HAProxy prints nothing at all, not "-".
      if (name === 'HQ') return t.query === undefined ? '' : `?${t.query}`;
      return name === 'HP' ? t.prefix + t.path : t.path;
    }
    case 'r':
      return req ? `${req.method} ${req.uri} ${txn.clientVersion}` : BADREQ;
    case 't':
    case 'tr':
      return formatLogDateMs(txn.startedAt);
    case 'T':
    case 'trg':
      return formatGmtDate(txn.startedAt);
    case 'Tl':
    case 'trl':
      return formatLocalDate(txn.startedAt);
    case 'Ts':
      return Math.floor(txn.startedAt / 1000);
    case 'ms':
      return String(txn.startedAt % 1000).padStart(3, '0');
    case 'ts':
      return txn.termination.slice(0, 2);
    case 'tsc':
      return txn.termination;
    case 'B':
      return txn.bytesOut;
    case 'U':
      return txn.bytesIn;
    case 'fc':
      return s.fe.sockets.size;
    case 'ac':
      return s.fe.global.current;
    case 'bc':
      return txn.backend ? txn.backend.counters.curSess : 0;
    case 'sc':
      return txn.server ? txn.server.served : 0;
    case 'bq':
      return txn.backend ? txn.backend.queue.length : 0;
    case 'sq':
      return txn.server ? txn.server.queue.length : 0;
    case 'rc':
    case 'lc':
    case 'rt':
      return 0;
    case 'Th':
    case 'Ti':
      return 0;
    case 'Tt':
      return Date.now() - txn.startedAt;
    case 'ID':
    case 'CC':
    case 'CS':
    case 'hr':
    case 'hrl':
    case 'hs':
    case 'hsl':
    case 'sslc':
    case 'sslv':
    case 'bi':
    case 'bp':
      return undefined;
    default:
      // Timers not reached while rules run (Tw, Tc, Tr, TR, Ta, Tq, Td, Tu).
      return -1;
  }
}
