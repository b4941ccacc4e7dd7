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
import { CR, HT, LF, SP, TOKEN, URI_CHAR, latin1 } from './chars.js';
import { dropDefaultPort, hostMatchesTarget, targetAuthority } from './authority.js';
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
  dropScannedHeader,
  scanFields,
} from './fields.js';
import { DEFAULT_H1_LIMITS, HTX_BLOCK, headBudget, type H1Limits } from './limits.js';
import { INCOMPLETE, h1Error, type H1Error, type H1Incomplete } from './types.js';
import { VERSION_BAD, VERSION_MORE, matchVersion, versionString } from './version.js';

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
  // Decode the head once. Usually it ends with CRLFCRLF: decode just that, not a body behind it.
  const limit = Math.min(end, start + limits.bufsize);
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
  while (pos < end && URI_CHAR[str.charCodeAt(pos)] !== 0) pos++;
  if (pos >= end) return tooBigOrIncomplete(avail, limits);
  c = str.charCodeAt(pos);
  if ((c !== SP && c !== HT) || pos === uriStart) {
    return h1Error(400, c === CR || c === LF ? 'missing HTTP version' : 'invalid character in URI', pos);
  }
  const uriEnd = pos;
  while (pos < end && ((c = str.charCodeAt(pos)) === SP || c === HT)) pos++;

  // version then end of line
  const v = matchVersion(str, pos, end);
  if (v === VERSION_MORE) return tooBigOrIncomplete(avail, limits);
  if (v === VERSION_BAD) return h1Error(400, 'invalid HTTP version', pos);
  pos += 8;
  if (pos >= end) return tooBigOrIncomplete(avail, limits);
  c = str.charCodeAt(pos);
  if (c === CR) {
    if (pos + 1 >= end) return tooBigOrIncomplete(avail, limits);
    if (str.charCodeAt(pos + 1) !== LF) return h1Error(400, 'invalid request line end', pos + 1);
    pos += 2;
  } else if (c === LF) {
    pos++;
  } else {
    return h1Error(400, 'invalid request line end', pos);
  }

  const s = new FieldScan(false, 400, true);
  const headEnd = scanFields(s, str, pos, end, limits.maxhdr - 1, start);
  if (headEnd === SCAN_ERROR) return h1Error(s.errStatus, s.errMsg, s.errPos);
  if (headEnd === SCAN_MORE) return tooBigOrIncomplete(avail, limits);
  if (headEnd - start > limits.bufsize) return h1Error(400, 'request head larger than the buffer', limits.bufsize);

  const method = str.slice(lineStart, methodEnd);
  let uri = str.slice(uriStart, uriEnd);
  const version = versionString(v);
  const headers = s.headers;

  // Framing (RFC 9112 6.3 as HAProxy applies it).
  let framing: ParsedRequest['framing'] = 'none';
  let clAndTe = false;
  if (s.te & TE_SEEN) {
    if (!(s.te & TE_LAST_CHUNKED)) return h1Error(400, 'Transfer-Encoding without final chunked', headEnd - start);
    if (s.te & TE_OTHER) return h1Error(422, 'unsupported transfer coding', headEnd - start);
    framing = 'chunked';
    if (s.clCount > 0) {
      clAndTe = true;
      dropScannedHeader(s, 'content-length');
    }
  } else if (s.clCount > 0 && s.clValue > 0) {
    framing = 'length';
  }

  const target = targetAuthority(uri, method === 'CONNECT');
  if (target === null) return h1Error(400, 'invalid absolute URI', uriStart - start);
  if (target !== undefined) {
    if (s.host !== undefined && !hostMatchesTarget(target, s.host)) {
      return h1Error(400, 'Host header does not match the URI authority', uriStart - start);
    }
    uri = dropDefaultPort(uri, target);
  }

  const upgrade = (s.conn & CONN_UPGRADE) !== 0 && s.upgrade !== undefined;
  // HAProxy refuses a websocket upgrade without a well-formed key (24 base64 characters).
  if (upgrade && s.wsKeyLength !== 24 && hasWebsocket(s.upgrade!)) {
    return h1Error(400, 'websocket upgrade without a valid Sec-WebSocket-Key', headEnd - start);
  }

  if (v < 11 && framing !== 'none' && METHODS_WITHOUT_BODY_IN_10.has(method)) {
    return h1Error(413, 'HTTP/1.0 request with a body on a method without one', headEnd - start);
  }

  const htx = HTX_BLOCK + method.length + uri.length + version.length + s.htx + HTX_BLOCK;
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
  };
}

/** An unfinished head that already fills the buffer can never complete: HAProxy answers 400. */
function tooBigOrIncomplete(avail: number, limits: H1Limits): H1Incomplete | H1Error {
  if (avail >= limits.bufsize) return h1Error(400, 'request head larger than the buffer', limits.bufsize);
  return INCOMPLETE;
}

function hasWebsocket(upgrade: string): boolean {
  for (const part of upgrade.split(',')) {
    if (part.trim().toLowerCase() === 'websocket') return true;
  }
  return false;
}
