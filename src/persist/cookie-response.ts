/**
 * Response half of cookie persistence: handle the server's own Set-Cookie for our cookie
 * (delete / rewrite / prefix), then insert ours when needed, with `Cache-control: private` for
 * nocache on cacheable responses. Header strings match haproxy 2.6 byte for byte.
 */
import type { CookieConfig } from '../config/model.js';
import type { HeaderList } from '../http/message.js';
import { isCacheableResponse } from './cacheable.js';
import { encodeCookieDate, encodeS30 } from './cookie-date.js';
import { isSpHt, type CookieServer, type CookieTxn } from './cookie-types.js';
import { cookieValueEnd } from './cookie-request.js';

export interface ResponseCookieOpts {
  /** The server that produced the response; undefined when haproxy answered itself. */
  server: CookieServer | undefined;
  /** Request method (postonly, cacheability). */
  method: string;
  /** Response status (cacheability). */
  status: number;
  /** An `ignore-persist` rule matched for this request. */
  ignorePersist: boolean;
  nowSec: number;
}

const EXPIRED = '=; Expires=Thu, 01-Jan-1970 00:00:01 GMT; path=/';

/** The Set-Cookie value haproxy inserts for `server` (no date fields unless maxidle/maxlife). */
export function insertCookieValue(cfg: CookieConfig, server: CookieServer, nowSec: number, firstDate: number): string {
  let v: string;
  if (server.cookie === undefined) v = cfg.name + EXPIRED;
  else {
    v = cfg.name + '=' + server.cookie;
    const maxidle = cfg.maxidle ? Math.floor(cfg.maxidle / 1000) : 0;
    const maxlife = cfg.maxlife ? Math.floor(cfg.maxlife / 1000) : 0;
    if (maxidle || maxlife) {
      v += '|' + encodeCookieDate(nowSec);
      if (maxlife) v += '|' + (firstDate ? encodeS30(Math.floor(firstDate / 4)) : encodeCookieDate(nowSec));
    }
    v += '; path=/';
  }
  for (const d of cfg.domains) v += '; domain=' + d;
  if (cfg.httponly) v += '; HttpOnly';
  if (cfg.secure) v += '; Secure';
  for (const a of cfg.attrs) v += '; ' + a;
  return v;
}

/** Edits the server's Set-Cookie headers naming our cookie and sets txn.setStatus to P, D or R. */
function serverSideCookies(cfg: CookieConfig, headers: HeaderList, opts: ResponseCookieOpts, txn: CookieTxn): void {
  const srv = opts.server;
  for (let i = 0; i < headers.length; i += 2) {
    if (headers[i] !== 'set-cookie') continue;
    let h = headers[i + 1]!;
    // Only the first name=value of a Set-Cookie matters (the rest are attributes).
    let attBeg = 0;
    while (attBeg < h.length && isSpHt(h.charCodeAt(attBeg))) attBeg++;
    let equal = attBeg;
    let attEnd = attBeg;
    while (equal < h.length) {
      const c = h.charCodeAt(equal);
      if (c === 0x3d || c === 0x3b) break;
      equal++;
      if (!isSpHt(c)) attEnd = equal;
    }
    if (equal >= h.length || h.charCodeAt(equal) !== 0x3d) continue;
    let valBeg = equal + 1;
    while (valBeg < h.length && isSpHt(h.charCodeAt(valBeg))) valBeg++;
    let valEnd = cookieValueEnd(h, valBeg, h.length);
    while (valEnd > valBeg && isSpHt(h.charCodeAt(valEnd - 1))) valEnd--;
    if (attEnd !== equal || valBeg > equal + 1) {
      // Spaces around '=' are removed from every cookie haproxy looks at, ours or not.
      const d = attEnd - equal + (equal + 1 - valBeg);
      h = h.slice(0, attEnd) + '=' + h.slice(valBeg);
      headers[i + 1] = h;
      equal = attEnd;
      valBeg = equal + 1;
      valEnd += d;
    }
    if (opts.ignorePersist || attEnd - attBeg !== cfg.name.length || !h.startsWith(cfg.name, attBeg)) continue;
    txn.setStatus = 'P';
    if (cfg.preserve) continue;
    if ((srv && cfg.mode === 'insert') || (txn.direct && cfg.indirect)) {
      headers.splice(i, 2);
      i -= 2;
      txn.setStatus = 'D';
    } else if (srv?.cookie !== undefined && cfg.mode === 'rewrite') {
      headers[i + 1] = h.slice(0, valBeg) + srv.cookie + h.slice(valEnd);
      txn.setStatus = 'R';
    } else if (srv?.cookie !== undefined && cfg.mode === 'prefix') {
      headers[i + 1] = h.slice(0, valBeg) + srv.cookie + '~' + h.slice(valBeg);
      txn.setStatus = 'R';
    }
  }
}

/**
 * Processes a response for the backend's `cookie` settings: edits `headers` in place (appending
 * Set-Cookie / Cache-control when inserting) and sets txn.setStatus. Call once per final response
 * (not for 1xx), after processRequestCookies filled `txn`.
 */
export function processResponseCookies(cfg: CookieConfig, headers: HeaderList, opts: ResponseCookieOpts, txn: CookieTxn): void {
  if (headers.includes('set-cookie')) serverSideCookies(cfg, headers, opts, txn);
  const srv = opts.server;
  if (!srv || cfg.mode !== 'insert' || opts.ignorePersist) return;
  if (txn.setStatus === 'P' && cfg.preserve) return;
  if (cfg.postonly && opts.method !== 'POST') return;
  const now = opts.nowSec;
  const needed =
    !txn.direct ||
    ((cfg.maxidle || txn.lastDate) && (!txn.lastDate || txn.lastDate - now < 0)) ||
    (cfg.maxlife && !txn.firstDate) ||
    (!cfg.maxlife && txn.firstDate);
  if (!needed) return;
  headers.push('set-cookie', insertCookieValue(cfg, srv, now, txn.firstDate));
  txn.setStatus = srv.cookie !== undefined && txn.direct ? 'U' : 'I';
  if (cfg.nocache && isCacheableResponse(opts.method, opts.status, headers)) headers.push('cache-control', 'private');
}
