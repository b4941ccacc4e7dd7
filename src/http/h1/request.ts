/**
 * Incremental HTTP/1 request head parser with HAProxy 2.6's acceptance rules.
 *
 * Call parseRequestHead(buf, start, end) with whatever bytes have arrived; it either needs more,
 * or returns the head and how many bytes it used (the body and any pipelined request follow),
 * or an error carrying the status HAProxy would answer.
 *
 * The returned headers are the ones HAProxy would forward: names lower-cased, values trimmed and
 * unfolded, repeated identical Host/Content-Length merged, Content-Length dropped when chunked.
 */
import type { HttpRequestHead } from '../message.js';
import { CR, HT, LF, SP, TOKEN, latin1 } from './chars.js';
import { authorityAgrees, connectAuthorityValid, normalizeTarget, targetAuthority } from './authority.js';
import {
  CONN_CLOSE,
  CONN_KEEPALIVE,
  CONN_UPGRADE,
  FieldScan,
  SCAN_ERROR,
  SCAN_MORE,
  TE_LAST_CHUNKED,
  TE_OTHER,
  TE_SEEN,
  countedFieldBytes,
  dropScannedHeader,
  scanFields,
} from './fields.js';
import { DECODE_WHOLE, DEFAULT_H1_LIMITS, HTX_BLOCK, HTX_COUNTED_START_LINE, headBudget, inputLimit, type H1Limits } from './limits.js';
import { INCOMPLETE, h1Error, type H1Error, type H1Incomplete } from './types.js';
import { VERSION_BAD, VERSION_MORE, scanVersion, versionNumber, versionString } from './version.js';

export interface ParsedRequest {
  kind: 'request';
  head: HttpRequestHead;
  /** bytes from `start` up to the end of the head, including skipped leading empty lines */
  consumed: number;
  framing: 'none' | 'length' | 'chunked';
  /** body length when framing is 'length' */
  contentLength: number;
  /** the client wants the connection kept after this exchange (version default + Connection tokens) */
  keepAlive: boolean;
  /** Connection: upgrade together with an Upgrade header */
  upgrade: boolean;
  /** the Upgrade header value ('' when absent) */
  upgradeProtocol: string;
  expectContinue: boolean;
  /** Content-Length and Transfer-Encoding were both present: CL was dropped; close after the response */
  clAndTe: boolean;
  /** the Host header value, undefined when absent */
  host: string | undefined;
  /** major*10+minor as received (HTTP/1.0 → 10), before normalization of the version string */
  versionNumber: number;
  /** the head's size as HAProxy counts it in logs and stats (src/http/htx-size.ts) */
  htxSize: number;
}

export type RequestParseResult = ParsedRequest | H1Incomplete | H1Error;

const END_OF_HEAD = Buffer.from('\r\n\r\n', 'latin1');

const METHODS_WITHOUT_BODY_IN_10 = new Set(['GET', 'HEAD', 'DELETE']);

/**
 * Parses one request head from buf[start, end). `end` defaults to buf.length.
 * Never throws on the peer's bytes.
 */
export function parseRequestHead(
  buf: Buffer,
  start = 0,
  end = buf.length,
  limits: H1Limits = DEFAULT_H1_LIMITS,
): RequestParseResult {
  // Decode the head once. A small read is decoded whole (cheaper than searching the bytes for
  // the end of the head first); from a larger one, just the head when it ends with CRLFCRLF.
  const limit = Math.min(end, start + inputLimit(limits));
  if (limit - start <= DECODE_WHOLE) return parseRequestText(latin1(buf, start, limit), end - start, limits);
  const eoh = buf.indexOf(END_OF_HEAD, start);
  if (eoh >= 0 && eoh + 4 <= limit) {
    const r = parseRequestText(latin1(buf, start, eoh + 4), end - start, limits);
    // Only leading empty lines can make that text too short; then parse everything available.
    if (r !== INCOMPLETE || eoh + 4 === limit) return r;
  }
  return parseRequestText(latin1(buf, start, limit), end - start, limits);
}

/** Parses the head in `str` (latin1 text of the bytes from the message start); `avail` = bytes available. */
function parseRequestText(str: string, avail: number, limits: H1Limits): RequestParseResult {
  const end = str.length;
  const start = 0;
  const acceptInvalid = limits.acceptInvalid === true;
  let pos = 0;
  // Empty lines before the request line are ignored (RFC 9112 2.2).
  for (;;) {
    if (pos >= end) return tooBigOrIncomplete(avail, limits);
    const c = str.charCodeAt(pos);
    if (c === LF) pos++;
    else if (c === CR) {
      if (pos + 1 >= end) return tooBigOrIncomplete(avail, limits);
      if (str.charCodeAt(pos + 1) !== LF) return h1Error(400, 'lone CR before request line', pos + 1);
      pos += 2;
    } else break;
  }
  const lineStart = pos;

  // method
  while (pos < end && TOKEN[str.charCodeAt(pos)] !== 0) pos++;
  if (pos >= end) return tooBigOrIncomplete(avail, limits);
  const methodEnd = pos;
  let c = str.charCodeAt(pos);
  if (methodEnd === lineStart || (c !== SP && c !== HT)) return h1Error(400, 'invalid method', pos);
  while (pos < end && ((c = str.charCodeAt(pos)) === SP || c === HT)) pos++;

  // request target
  const uriStart = pos;
  pos = scanTarget(str, pos, end, acceptInvalid);
  if (pos === TARGET_MORE) return tooBigOrIncomplete(avail, limits);
  if (pos < 0) {
    const at = -pos - 2;
    c = str.charCodeAt(at);
    return h1Error(400, c === CR || c === LF ? 'missing HTTP version' : 'invalid character in URI', at);
  }
  const uriEnd = pos;
  while (pos < end && ((c = str.charCodeAt(pos)) === SP || c === HT)) pos++;

  // version then end of line
  const versionStart = pos;
  const versionEnd = scanVersion(str, pos, end, false);
  if (versionEnd === VERSION_MORE) return tooBigOrIncomplete(avail, limits);
  if (versionEnd === VERSION_BAD || versionEnd === versionStart) return h1Error(400, 'invalid HTTP version', pos);
  pos = versionEnd;
  if (str.charCodeAt(pos) === CR) {
    if (pos + 1 >= end) return tooBigOrIncomplete(avail, limits);
    if (str.charCodeAt(pos + 1) !== LF) return h1Error(400, 'invalid request line end', pos + 1);
    pos += 2;
  } else {
    pos++;
  }

  const s = new FieldScan(false, 400, true, acceptInvalid);
  const headEnd = scanFields(s, str, pos, end, limits.maxhdr - 1, start);
  if (headEnd === SCAN_ERROR) return h1Error(s.errStatus, s.errMsg, s.errPos);
  if (headEnd === SCAN_MORE) return tooBigOrIncomplete(avail, limits);
  // The version's format is checked once the line is complete, with the rest of the head.
  const v = versionNumber(str, versionStart, versionEnd);
  if (v === VERSION_BAD) return h1Error(400, 'invalid HTTP version', versionStart);

  const method = str.slice(lineStart, methodEnd);
  let uri = str.slice(uriStart, uriEnd);
  const version = versionString(v);
  const headers = s.headers;

  // The target's authority against Host (HAProxy's parser, before any framing check).
  const isConnect = method === 'CONNECT';
  const target = targetAuthority(uri);
  const agrees = isConnect ? connectAuthorityValid(uri, target, s.host) : authorityAgrees(uri, target, s.host);
  if (!agrees && !acceptInvalid) return h1Error(400, 'request target does not match the Host header', uriStart - start);
  const norm = normalizeTarget(uri, target, isConnect, s.host);
  if (norm !== undefined) {
    if (norm.uri !== undefined) uri = norm.uri;
    if (norm.host !== undefined) s.host = replaceHost(headers, norm.host);
  }

  // Framing (RFC 9112 6.3 as HAProxy applies it), refusals in HAProxy's order: a coding list not
  // ending in chunked (400), an HTTP/1.0 GET/HEAD/DELETE with a body (413), another coding than
  // chunked (422), a websocket upgrade without its key (400).
  let framing: ParsedRequest['framing'] = 'none';
  let clAndTe = false;
  if (s.te & TE_SEEN) {
    if (!(s.te & TE_LAST_CHUNKED)) return h1Error(400, 'Transfer-Encoding without final chunked', headEnd - start);
    framing = 'chunked';
  } else if (s.clCount > 0 && s.clValue > 0) {
    framing = 'length';
  }
  if (v < 11 && framing !== 'none' && METHODS_WITHOUT_BODY_IN_10.has(method)) {
    return h1Error(413, 'HTTP/1.0 request with a body on a method without one', headEnd - start);
  }
  if (s.te & TE_OTHER) return h1Error(422, 'unsupported transfer coding', headEnd - start);
  if (framing === 'chunked' && s.clCount > 0) {
    clAndTe = true;
    dropScannedHeader(s, 'content-length');
  }

  const upgrade = (s.conn & CONN_UPGRADE) !== 0 && s.upgrade !== undefined;
  // HAProxy refuses a websocket upgrade without a well-formed key (24 base64 characters).
  if (upgrade && s.wsKeyLength !== 24 && hasWebsocket(s.upgrade!)) {
    return h1Error(400, 'websocket upgrade without a valid Sec-WebSocket-Key', headEnd - start);
  }

  // Sized as parsed: HAProxy normalises the target and Host once the head is in its buffer.
  const htx = HTX_BLOCK + method.length + (uriEnd - uriStart) + version.length + s.htx + HTX_BLOCK;
  if (htx > headBudget(limits)) return h1Error(400, 'request head too large', headEnd - start);

  const keepAlive = v >= 11 ? (s.conn & CONN_CLOSE) === 0 : (s.conn & (CONN_CLOSE | CONN_KEEPALIVE)) === CONN_KEEPALIVE;

  return {
    kind: 'request',
    head: { method, uri, version, headers },
    consumed: headEnd - start,
    framing,
    contentLength: framing === 'length' ? s.clValue : 0,
    keepAlive,
    upgrade,
    upgradeProtocol: s.upgrade ?? '',
    expectContinue: s.expectContinue,
    clAndTe,
    host: s.host,
    versionNumber: v,
    htxSize: HTX_COUNTED_START_LINE + method.length + (uriEnd - uriStart) + version.length + countedFieldBytes(s),
  };
}

const TARGET_MORE = -1;

/**
 * Finds the end of the request target at `pos` with the byte rules of HAProxy 2.6 on x86-64:
 * a word-at-a-time fast path takes whole 4-byte words whose bytes are all within 0x24..0xa3 with
 * at least one below 0x7f, so bytes 0x7f-0xa3 pass when they share such a word (aligned on the
 * target's first byte) with ordinary ones. From the first word that fails, each byte is checked:
 * visible ASCII but '#' passes, a blank ends the target, 0x80-0xff is refused (accepted with
 * accept-invalid, as '#' is), and CR, LF (no version), controls and 0x7f are refused.
 * The fast path reads up to the end of the bytes available, as HAProxy's does.
 * Returns the position of the blank after the target, TARGET_MORE (-1), or -(offending position) - 2.
 */
function scanTarget(str: string, pos: number, end: number, acceptInvalid: boolean): number {
  while (pos + 4 <= end) {
    const a = str.charCodeAt(pos);
    const b = str.charCodeAt(pos + 1);
    const c = str.charCodeAt(pos + 2);
    const d = str.charCodeAt(pos + 3);
    if (a < 0x24 || a > 0xa3 || b < 0x24 || b > 0xa3 || c < 0x24 || c > 0xa3 || d < 0x24 || d > 0xa3) break;
    if (a >= 0x7f && b >= 0x7f && c >= 0x7f && d >= 0x7f) break;
    pos += 4;
  }
  for (; pos < end; pos++) {
    const c = str.charCodeAt(pos);
    if (c >= 0x21 && c <= 0x7e) {
      if (c === 0x23 && !acceptInvalid) return -pos - 2;
      continue;
    }
    if (c === SP || c === HT) return pos;
    if (c < 0x80 || !acceptInvalid) return -pos - 2;
  }
  return TARGET_MORE;
}

/** Sets the (single, duplicates being merged) Host header to `value`; returns it. */
function replaceHost(headers: string[], value: string): string {
  for (let i = 0; i < headers.length; i += 2) {
    if (headers[i] === 'host') headers[i + 1] = value;
  }
  return value;
}

/** An unfinished head that already fills HAProxy's input buffer can never complete: 400. */
function tooBigOrIncomplete(avail: number, limits: H1Limits): H1Incomplete | H1Error {
  if (avail >= inputLimit(limits)) return h1Error(400, 'request head larger than the buffer', inputLimit(limits));
  return INCOMPLETE;
}

function hasWebsocket(upgrade: string): boolean {
  for (const part of upgrade.split(',')) {
    if (part.trim().toLowerCase() === 'websocket') return true;
  }
  return false;
}
