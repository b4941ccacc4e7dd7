/**
 * Request half of cookie persistence: find the persistence cookie in the Cookie headers, pick the
 * server it designates, set the status char, and rewrite the headers (insert+indirect removes the
 * cookie, prefix strips "SRV~"). Follows HAProxy's Cookie header grammar: ';' and ',' separate
 * cookies, values may be quoted, spaces around '=' are removed, '$' attributes are skipped.
 */
import type { CookieConfig } from '../config/model.js';
import type { HeaderList } from '../http/message.js';
import { decodeCookieDate } from './cookie-date.js';
import { CookieTxn, isSpHt, type CookieServer } from './cookie-types.js';

export interface RequestCookieOpts {
  /** `option persist`: a cookie naming a DOWN server still sends the request there. */
  persist: boolean;
  /** A `force-persist` rule matched. */
  forcePersist: boolean;
  /** An `ignore-persist` rule matched. */
  ignorePersist: boolean;
  /**
   * A use-server rule already assigned the server. Like HAProxy this marks the transaction direct
   * (no cookie inserted) and reports the client's cookie as 'U'.
   */
  assigned: boolean;
  /** Current UNIX time in seconds. */
  nowSec: number;
}

const SEMI = 0x3b;
const COMMA = 0x2c;
const EQUAL = 0x3d;
const QUOTE = 0x22;
const BSLASH = 0x5c;
const DOLLAR = 0x24;
const TILDE = 0x7e;
const VBAR = 0x7c;

/** End of a cookie value starting at `s`: the first unquoted ';' or ','. */
export function cookieValueEnd(h: string, s: number, e: number): number {
  let quoted = false;
  let pair = false;
  for (; s < e; s++) {
    const c = h.charCodeAt(s);
    if (pair) pair = false;
    else if (quoted) {
      if (c === BSLASH) pair = true;
      else if (c === QUOTE) quoted = false;
    } else if (c === QUOTE) quoted = true;
    else if (c === COMMA || c === SEMI) return s;
  }
  return s;
}

/**
 * Removes the value between the delimiter at `from` and the one at `next` (or the end). The kept
 * delimiter is followed by one space when there is room, as HAProxy does. Answers the new text and
 * where the kept delimiter now is.
 */
export function deleteHeaderValue(h: string, from: number, next: number): { h: string; from: number } {
  const end = h.length;
  if (from === 0) {
    if (next < end) next++;
    while (next < end && isSpHt(h.charCodeAt(next))) next++;
    return { h: h.slice(next), from: 0 };
  }
  let prev = from;
  while (prev > 0 && isSpHt(h.charCodeAt(prev - 1))) prev--;
  let mid = '';
  if (next < end) {
    mid = h[next]!;
    if (prev + 1 < next) mid += ' ';
    next++;
    while (next < end && isSpHt(h.charCodeAt(next))) next++;
  }
  return { h: h.slice(0, prev) + mid + h.slice(next), from: prev };
}

/**
 * Header lists of requests whose server a stick match chose. HAProxy runs the stick rules after the
 * cookie step, so such a request's cookie (one that designates no usable server, else the stick
 * rule would not have matched) is reported I, D, E or O, not U as after a use-server rule. The
 * stick hook marks the request this way because the engine only tells "assigned or not".
 */
const stickChosen = new WeakSet<HeaderList>();

export function markChosenByStick(headers: HeaderList): void {
  stickChosen.add(headers);
}

/**
 * Processes the Cookie headers of a request for the backend's `cookie` settings. Fills `txn`
 * (status, server, direct, dates) and edits `headers` in place. `txn.reset(true)` must have run.
 */
export function processRequestCookies(
  cfg: CookieConfig,
  headers: HeaderList,
  servers: readonly CookieServer[],
  opts: RequestCookieOpts,
  txn: CookieTxn,
): void {
  // A use-server rule or a stick match assigns with SF_DIRECT too: no cookie is inserted for it,
  // with or without a Cookie header.
  if (opts.assigned) txn.direct = true;
  // Fast path: no Cookie header at all.
  let i = headers.indexOf('cookie');
  while (i >= 0 && (i & 1) === 1) i = headers.indexOf('cookie', i + 1);
  if (i < 0) return;
  const maxidle = cfg.maxidle ? Math.floor(cfg.maxidle / 1000) : 0;
  const maxlife = cfg.maxlife ? Math.floor(cfg.maxlife / 1000) : 0;
  const removeOurs = cfg.mode === 'insert' && cfg.indirect;
  // A stick match came after the cookie step in HAProxy: the cookie keeps its own status.
  let assigned = opts.assigned && !stickChosen.has(headers);
  let byCookie = false;

  for (; i < headers.length; i += 2) {
    if (headers[i] !== 'cookie') continue;
    const original = headers[i + 1]!;
    let h = original;
    let delFrom = -1;
    let preserve = false;
    let first = true;
    // Each pass consumes at least one character, so the header length bounds the loop.
    let guard = h.length + 2;
    for (let prev = 0; prev < h.length && guard-- > 0; ) {
      let attBeg = first ? prev : prev + 1;
      first = false;
      while (attBeg < h.length && isSpHt(h.charCodeAt(attBeg))) attBeg++;
      let equal = attBeg;
      let attEnd = attBeg;
      while (equal < h.length) {
        const c = h.charCodeAt(equal);
        if (c === EQUAL || c === COMMA || c === SEMI) break;
        equal++;
        if (!isSpHt(c)) attEnd = equal;
      }
      let valBeg: number;
      let valEnd: number;
      let next: number;
      if (equal < h.length && h.charCodeAt(equal) === EQUAL) {
        valBeg = equal + 1;
        while (valBeg < h.length && isSpHt(h.charCodeAt(valBeg))) valBeg++;
        next = cookieValueEnd(h, valBeg, h.length);
        valEnd = next;
        while (valEnd > valBeg && isSpHt(h.charCodeAt(valEnd - 1))) valEnd--;
      } else {
        valBeg = valEnd = next = equal;
      }

      if (h.charCodeAt(attBeg) === DOLLAR) {
        prev = next;
        continue;
      }
      if (equal === next) {
        // A cookie without '=' is kept; a pending removal before it is done now.
        preserve = true;
        if (delFrom >= 0) {
          const r = deleteHeaderValue(h, delFrom, prev);
          next += r.h.length - h.length;
          h = r.h;
          delFrom = -1;
        }
        prev = next;
        continue;
      }
      // Spaces around '=' are removed.
      if (attEnd !== equal || valBeg > equal + 1) {
        const before = attEnd - equal;
        const after = equal + 1 - valBeg;
        h = h.slice(0, attEnd) + '=' + h.slice(valBeg);
        const d = before + after;
        equal = attEnd;
        valBeg = equal + 1;
        valEnd += d;
        next += d;
      }

      if (attEnd - attBeg === cfg.name.length && h.startsWith(cfg.name, attBeg)) {
        let delim: number;
        if (cfg.mode === 'prefix') {
          delim = valBeg;
          while (delim < valEnd && h.charCodeAt(delim) !== TILDE) delim++;
        } else {
          delim = valEnd;
          let bar = h.indexOf('|', valBeg);
          if (bar >= valEnd) bar = -1;
          if (bar >= 0) {
            delim = bar++;
            if (valEnd - bar >= 5) txn.lastDate = decodeCookieDate(h, bar) || txn.lastDate;
            let bar2 = h.indexOf('|', bar);
            if (bar2 >= valEnd) bar2 = -1;
            if (bar2 >= 0 && valEnd - bar2 > 5) txn.firstDate = decodeCookieDate(h, bar2 + 1) || txn.firstDate;
          }
        }
        const now = opts.nowSec;
        // Too old (maxlife) is checked before idle (maxidle); dates over a day in the future are bad too.
        if (txn.firstDate && maxlife && (((now - txn.firstDate) | 0) > maxlife || ((txn.firstDate - now) | 0) > 86400)) {
          txn.status = 'O';
          delim = valBeg; // as if no server were named
          txn.firstDate = txn.lastDate = 0;
        } else if (txn.lastDate && maxidle && (((now - txn.lastDate) | 0) > maxidle || ((txn.lastDate - now) | 0) > 86400)) {
          txn.status = 'E';
          delim = valBeg;
          txn.firstDate = txn.lastDate = 0;
        }

        // The first server with this cookie value that may take the request; an empty value or
        // ignored/already decided persistence designates none.
        let found = -1;
        if (delim !== valBeg && !opts.ignorePersist && !assigned) {
          const len = delim - valBeg;
          for (let s = 0; s < servers.length; s++) {
            const srv = servers[s]!;
            if (srv.cookie === undefined || srv.cookie.length !== len || !h.startsWith(srv.cookie, valBeg)) continue;
            if (srv.up || opts.persist || opts.forcePersist) {
              txn.status = srv.up ? 'V' : 'D';
              txn.direct = true;
              txn.server = s;
              assigned = true;
              byCookie = true;
              found = s;
              break;
            }
            txn.status = 'D';
          }
        }
        // haproxy 2.6 leaves the status alone once an earlier occurrence selected the server.
        if (found < 0 && !byCookie && txn.status !== 'D' && txn.status !== 'E' && txn.status !== 'O') {
          txn.status = opts.ignorePersist || assigned ? 'U' : 'I';
        }

        if (cfg.mode === 'prefix' && delim !== valEnd) {
          // Strip "SRV~" so that the server sees its own value.
          h = h.slice(0, valBeg) + h.slice(delim + 1);
          next -= delim + 1 - valBeg;
          delFrom = -1;
          preserve = true;
        } else if (delFrom < 0 && removeOurs) {
          delFrom = prev;
        }
      } else {
        preserve = true;
        if (delFrom >= 0) {
          const r = deleteHeaderValue(h, delFrom, prev);
          next += r.h.length - h.length;
          h = r.h;
          delFrom = -1;
        }
      }
      prev = next;
    }
    if (delFrom >= 0) h = preserve ? h.slice(0, delFrom) : '';
    if (h !== original) {
      if (h.length > 0) headers[i + 1] = h;
      else {
        headers.splice(i, 2);
        i -= 2;
      }
    }
  }
}

/**
 * Whether the request's persistence cookie designates a server that takes it (HAProxy sets
 * SF_ASSIGNED then). Runs the request half on a copy, so `headers` stay as they are; stick rules
 * use it because HAProxy processes cookies before them: a valid cookie beats `stick match`.
 */
export function cookieDesignatesServer(cfg: CookieConfig, headers: HeaderList, servers: readonly CookieServer[], opts: RequestCookieOpts): boolean {
  const scratch = new CookieTxn();
  scratch.reset(true);
  processRequestCookies(cfg, [...headers], servers, opts, scratch);
  return scratch.server >= 0;
}
