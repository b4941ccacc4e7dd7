/**
 * The header-field scanner shared by request heads, response heads and chunked trailers.
 * One pass over the bytes: validates names (token chars), values (anything but CR/LF, a CR must
 * precede LF), unfolds obs-fold, accepts bare LF, lower-cases names, and records what the framing
 * code needs (Content-Length, Transfer-Encoding, Host, Connection, Upgrade, Expect).
 */
import { COLON, CR, HT, LF, SP, TOKEN, asciiLower, equalsLower, sameAsciiCaseless } from './chars.js';
import { HTX_BLOCK, MAX_HEADER_NAME } from './limits.js';
import { headerName } from './names.js';

export const SCAN_MORE = -1;
export const SCAN_ERROR = -2;

// Transfer-Encoding state, after HAProxy's flags.
export const TE_SEEN = 1;
/** chunked appeared in the list */
export const TE_CHUNKED = 2;
/** the last coding seen is chunked */
export const TE_LAST_CHUNKED = 4;
/** a coding other than chunked appeared */
export const TE_OTHER = 8;

export const CONN_CLOSE = 1;
export const CONN_KEEPALIVE = 2;
export const CONN_UPGRADE = 4;

const TWO_64_MINUS_1 = '18446744073709551615';

/** Everything one scan learns; a fresh object per message keeps the shape monomorphic. */
export class FieldScan {
  headers: string[] = [];
  /**
   * headers kept so far; merged duplicates (same Host, same Content-Length) are not kept and,
   * as in HAProxy, do not count against tune.http.maxhdr
   */
  kept = 0;
  /** running HTX size of the kept headers */
  htx = 0;
  /** names and values of the Connection fields (not counted in logs and stats: see countedFieldBytes) */
  connectionBytes = 0;
  errStatus = 0;
  errMsg = '';
  errPos = 0;
  /** number of Content-Length header lines */
  clCount = 0;
  clValue = 0;
  /** significant digits of the Content-Length, to compare values beyond 2^53 exactly */
  clDigits = '';
  te = 0;
  host: string | undefined = undefined;
  conn = 0;
  upgrade: string | undefined = undefined;
  expectContinue = false;
  wsKeyLength = -1;
  /**
   * Every line is exactly `name: value` CRLF with a lower-case name, the block ends with CRLF and
   * nothing was merged or dropped: serializing the kept headers gives back the bytes received.
   */
  canonical = true;

  constructor(
    /** responses accept codings after chunked at parse time; requests do not */
    readonly isResponse: boolean,
    /** status to report for malformed fields: 400 for requests, 502 for responses */
    readonly badStatus: number,
    /** interpret Content-Length, Transfer-Encoding, Host & co */
    readonly special: boolean,
    /** option accept-invalid-http-request/-response: any byte but LF (and ':') in a header name */
    readonly acceptInvalid = false,
  ) {}

  fail(status: number, msg: string, pos: number): number {
    this.errStatus = status;
    this.errMsg = msg;
    this.errPos = pos;
    return SCAN_ERROR;
  }
}

/**
 * Scans header lines of `str` (the head decoded as latin1, one char per byte) from `pos` up to
 * and including the empty line that ends them. Returns the position after that empty line,
 * SCAN_MORE when the text ends first, or SCAN_ERROR (details in `s`, errPos relative to `base`).
 *
 * At most `maxHeaders` headers are kept. As HAProxy counts them: a header counts once it is
 * complete (the first byte of the next line is in), the one after `maxHeaders + 1` is refused at
 * once, and the end of the block needs a free slot of its own.
 */
export function scanFields(s: FieldScan, str: string, pos: number, end: number, maxHeaders: number, base: number): number {
  const headers = s.headers;
  // Position of the next CR at or after pos (end when none): finds lone CRs in O(n) overall.
  let nextCr = -1;
  for (;;) {
    if (pos >= end) return SCAN_MORE;
    let c = str.charCodeAt(pos);
    if (c === LF || c === CR) {
      if (c === CR) {
        if (pos + 1 >= end) return SCAN_MORE;
        if (str.charCodeAt(pos + 1) !== LF) return s.fail(s.badStatus, 'lone CR in header block', pos + 1 - base);
        pos++;
      } else {
        s.canonical = false;
      }
      if (s.kept > maxHeaders) return s.fail(s.badStatus, 'too many headers', pos - base);
      return pos + 1;
    }
    // A continuation line here has no header to continue (folds are consumed with their header);
    // with accept-invalid HAProxy takes the blank as the start of a name.
    if ((c === SP || c === HT) && !s.acceptInvalid) return s.fail(s.badStatus, 'folded line without a previous header', pos - base);

    const nameStart = pos;
    let kind = 0;
    let t: number;
    while (pos < end && (t = TOKEN[str.charCodeAt(pos)]!) !== 0) {
      kind |= t;
      pos++;
    }
    if (pos >= end) return SCAN_MORE;
    if (str.charCodeAt(pos) !== COLON) {
      if (!s.acceptInvalid) return s.fail(s.badStatus, 'invalid character in header name', pos - base);
      pos = invalidNameEnd(str, pos, end);
      if (pos === SCAN_MORE) return SCAN_MORE;
      if (pos < 0) return s.fail(s.badStatus, 'header name without a colon', -pos - 2 - base);
      kind = 4;
    }
    const nameEnd = pos;
    if (nameEnd === nameStart) return s.fail(s.badStatus, 'empty header name', pos - base);
    if (nameEnd - nameStart > MAX_HEADER_NAME) return s.fail(s.badStatus, 'header name too long', nameStart - base);
    pos++;

    while (pos < end && ((c = str.charCodeAt(pos)) === SP || c === HT)) pos++;
    const valueStart = pos;
    if (kind !== 1 || valueStart !== nameEnd + 2 || str.charCodeAt(nameEnd + 1) !== SP) s.canonical = false;
    let folded = false;
    let lineEnd: number;
    for (;;) {
      const lf = str.indexOf('\n', pos);
      if (nextCr < pos) {
        nextCr = str.indexOf('\r', pos);
        if (nextCr < 0 || nextCr > end) nextCr = end;
      }
      if (lf < 0 || lf >= end) {
        // No end of line yet, but a CR already followed by another byte is a lone CR all the same.
        if (nextCr < end - 1) return s.fail(s.badStatus, 'lone CR in header value', nextCr - base);
        return SCAN_MORE;
      }
      lineEnd = lf;
      if (nextCr < lf) {
        if (nextCr !== lf - 1) return s.fail(s.badStatus, 'lone CR in header value', nextCr - base);
        lineEnd = lf - 1;
      }
      // A following line starting with blanks continues this value (obs-fold).
      if (lf + 1 >= end) return SCAN_MORE;
      const n = str.charCodeAt(lf + 1);
      pos = lf + 1;
      if (n === SP || n === HT) {
        folded = true;
        continue;
      }
      break;
    }
    let valueEnd = lineEnd;
    while (valueEnd > valueStart && ((c = str.charCodeAt(valueEnd - 1)) === SP || c === HT || c === CR || c === LF)) valueEnd--;
    if (folded || valueEnd !== lineEnd || lineEnd !== pos - 2) s.canonical = false;

    const name = kind === 4 ? asciiLower(str.slice(nameStart, nameEnd)) : headerName(str, nameStart, nameEnd, (kind & 2) !== 0);
    let value: string | null = folded ? unfold(str, valueStart, valueEnd) : str.slice(valueStart, valueEnd);
    if (s.special) {
      const noted = noteSpecial(s, name, value, nameStart - base);
      if (s.errStatus !== 0) return SCAN_ERROR;
      if (noted !== value) s.canonical = false;
      if (noted === null) continue; // merged duplicate: neither kept nor counted
      value = noted;
    }
    if (s.kept > maxHeaders) return s.fail(s.badStatus, 'too many headers', nameStart - base);
    headers.push(name, value);
    s.kept++;
    s.htx += HTX_BLOCK + name.length + value.length;
  }
}

/**
 * With accept-invalid, a header name runs up to the colon whatever it holds, but a LF still ends
 * the line without one. Returns the colon's position, SCAN_MORE (-1), or -(LF position) - 2.
 */
function invalidNameEnd(str: string, pos: number, end: number): number {
  for (; pos < end; pos++) {
    const c = str.charCodeAt(pos);
    if (c === COLON) return pos;
    if (c === LF) return -pos - 2;
  }
  return SCAN_MORE;
}

/**
 * An obs-folded value as HAProxy forwards it: each CR and LF of a fold becomes a space, the
 * blanks of the continuation line stay, and blanks at the start go (so a value folded right
 * after the colon starts at its first visible byte).
 */
function unfold(str: string, a: number, b: number): string {
  let c: number;
  while (a < b && ((c = str.charCodeAt(a)) === SP || c === HT || c === CR || c === LF)) a++;
  let out = '';
  let from = a;
  for (let i = a; i < b; i++) {
    c = str.charCodeAt(i);
    if (c === CR || c === LF) {
      out += str.slice(from, i) + ' ';
      from = i + 1;
    }
  }
  return out + str.slice(from, b);
}

/**
 * Records a framing-relevant header. Returns the value to keep (a Content-Length list comes back
 * as one value), or null when the header is not kept (a merged duplicate) or on error (then
 * s.errStatus is set).
 */
function noteSpecial(s: FieldScan, name: string, value: string, at: number): string | null {
  switch (name.length) {
    case 4:
      if (name === 'host') return noteHost(s, value, at) ? value : null;
      return value;
    case 6:
      if (name === 'expect' && equalsLower(value, '100-continue')) s.expectContinue = true;
      return value;
    case 7:
      if (name === 'upgrade') s.upgrade = s.upgrade === undefined ? value : `${s.upgrade}, ${value}`;
      return value;
    case 10:
      if (name === 'connection') {
        s.conn |= connectionFlags(value);
        s.connectionBytes += 10 + value.length;
      }
      return value;
    case 14:
      if (name === 'content-length') return noteContentLength(s, value, at);
      return value;
    case 17:
      if (name === 'transfer-encoding') return noteTransferEncoding(s, value, at) ? value : null;
      if (name === 'sec-websocket-key') s.wsKeyLength = value.length;
      return value;
    default:
      return value;
  }
}

function noteHost(s: FieldScan, value: string, at: number): boolean {
  if (s.host === undefined) {
    s.host = value;
    return true;
  }
  if (sameAsciiCaseless(s.host, value)) return false;
  s.fail(s.badStatus, 'two different Host headers', at);
  return false;
}

/** Calls fn(start, end) for each comma-separated element of v, trimmed of blanks, the way HAProxy walks lists. */
function forEachElement(v: string, fn: (start: number, end: number) => boolean): boolean {
  const len = v.length;
  let i = 0;
  for (;;) {
    // Skip blanks; an element exists only if something remains (so a trailing comma adds nothing).
    while (i < len && (v.charCodeAt(i) === 0x20 || v.charCodeAt(i) === 0x09)) i++;
    if (i >= len) return true;
    let e = i;
    while (e < len && v.charCodeAt(e) !== 0x2c) e++;
    let te = e;
    while (te > i && (v.charCodeAt(te - 1) === 0x20 || v.charCodeAt(te - 1) === 0x09)) te--;
    if (!fn(i, te)) return false;
    i = e + 1;
    if (e >= len) return true;
  }
}

function connectionFlags(v: string): number {
  let flags = 0;
  forEachElement(v, (a, b) => {
    const len = b - a;
    if (len === 5 && equalsLower(v.slice(a, b), 'close')) flags |= CONN_CLOSE;
    else if (len === 10 && equalsLower(v.slice(a, b), 'keep-alive')) flags |= CONN_KEEPALIVE;
    else if (len === 7 && equalsLower(v.slice(a, b), 'upgrade')) flags |= CONN_UPGRADE;
    return true;
  });
  return flags;
}

function noteTransferEncoding(s: FieldScan, v: string, at: number): boolean {
  s.te |= TE_SEEN;
  return forEachElement(v, (a, b) => {
    s.te &= ~TE_LAST_CHUNKED;
    if (b - a === 7 && equalsLower(v.slice(a, b), 'chunked')) {
      if (s.te & TE_CHUNKED) {
        s.fail(s.badStatus, 'chunked applied twice', at);
        return false;
      }
      s.te |= TE_CHUNKED | TE_LAST_CHUNKED;
    } else {
      if (!s.isResponse && s.te & TE_CHUNKED) {
        s.fail(s.badStatus, 'transfer coding after chunked', at);
        return false;
      }
      s.te |= TE_OTHER;
    }
    return true;
  });
}

/**
 * Content-Length: a list of equal decimal values (RFC 9110 8.6), each at most 2^64-1.
 * Repeated equal values are merged into the first header; a list is rewritten to one value.
 */
function noteContentLength(s: FieldScan, v: string, at: number): string | null {
  const len = v.length;
  // The usual value, plain digits without a leading zero, is its own digits.
  if (len > 0 && len < 16 && (len === 1 || v.charCodeAt(0) !== 0x30)) {
    const n = digitsValue(v);
    if (n >= 0) return recordContentLength(s, v, v, n, at);
  }
  // Unlike list headers, every element must hold a value: "5," and ",5" are errors.
  let digits = '';
  let count = 0;
  let ok = true;
  let i = 0;
  while (ok) {
    while (i < len && (v.charCodeAt(i) === 0x20 || v.charCodeAt(i) === 0x09)) i++;
    let e = i;
    while (e < len && v.charCodeAt(e) >= 0x30 && v.charCodeAt(e) <= 0x39) e++;
    if (e === i) {
      ok = false;
      break;
    }
    let z = i;
    while (z < e - 1 && v.charCodeAt(z) === 0x30) z++; // leading zeros
    const d = v.slice(z, e);
    if (d.length > 20 || (d.length === 20 && d > TWO_64_MINUS_1) || (count > 0 && d !== digits)) ok = false;
    digits = d;
    count++;
    while (e < len && (v.charCodeAt(e) === 0x20 || v.charCodeAt(e) === 0x09)) e++;
    if (e >= len) break;
    if (v.charCodeAt(e) !== 0x2c) ok = false;
    i = e + 1;
  }
  if (!ok || count === 0) {
    s.fail(s.badStatus, 'invalid Content-Length', at);
    return null;
  }
  // A list is kept as one value, as HAProxy forwards it.
  return recordContentLength(s, digits, count > 1 ? digits : v, Number(digits), at);
}

/** The number `v` spells when it is made of decimal digits only (short enough to be exact), else -1. */
function digitsValue(v: string): number {
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return -1;
    n = n * 10 + (c - 0x30);
  }
  return n;
}

/**
 * Notes a valid Content-Length (`digits`: its significant digits, `value` their number); returns
 * `kept`, or null for a duplicate.
 */
function recordContentLength(s: FieldScan, digits: string, kept: string, value: number, at: number): string | null {
  if (s.clCount > 0) {
    if (digits !== s.clDigits) s.fail(s.badStatus, 'two different Content-Length values', at);
    s.clCount++;
    return null;
  }
  s.clCount = 1;
  s.clDigits = digits;
  s.clValue = value;
  return kept;
}

/**
 * The kept fields' names and values as HAProxy counts them in logs and stats (src/http/htx-size.ts):
 * without separators, and without the Connection fields, which its H1 parser turns into flags.
 */
export function countedFieldBytes(s: FieldScan): number {
  return s.htx - HTX_BLOCK * (s.headers.length >> 1) - s.connectionBytes;
}

/** Removes every kept header called `name` (lower case) and its HTX size. */
export function dropScannedHeader(s: FieldScan, name: string): void {
  const h = s.headers;
  s.canonical = false;
  for (let i = h.length - 2; i >= 0; i -= 2) {
    if (h[i] === name) {
      s.htx -= HTX_BLOCK + name.length + h[i + 1]!.length;
      h.splice(i, 2);
    }
  }
}
