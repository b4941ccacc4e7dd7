/**
 * Incremental HTTP/1 response head parser for server responses, with HAProxy 2.6's rules.
 * Anything HAProxy would refuse comes back as an error with status 502.
 */
import type { HttpResponseHead } from '../message.js';
import { CR, HT, LF, SP, latin1 } from './chars.js';
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
import { INCOMPLETE, h1Error, type BodyFraming, type H1Error, type H1Incomplete } from './types.js';
import { VERSION_BAD, VERSION_MORE, scanVersion, versionNumber, versionString } from './version.js';

export interface ParsedResponse {
  kind: 'response';
  head: H1ResponseHead;
  /** bytes from `start` through the end of the head */
  consumed: number;
  framing: BodyFraming;
  /** body length when framing is 'length' */
  contentLength: number;
  /** the server allows reusing the connection after this response */
  keepAlive: boolean;
  /** status below 200: another head follows (101 switches protocols instead) */
  informational: boolean;
  /** Content-Length and Transfer-Encoding were both present: CL dropped */
  clAndTe: boolean;
  /** major*10+minor as received */
  versionNumber: number;
  /**
   * The head's bytes (the first `consumed`) are exactly what responseHeadText() makes of `head`
   * as parsed: status line `VERSION SP CODE SP REASON` CRLF, canonical header lines (FieldScan).
   * While nothing changes the head, it can be forwarded as received.
   */
  canonical: boolean;
  /** the head's size as HAProxy counts it in logs and stats (src/http/htx-size.ts) */
  htxSize: number;
}

export type ResponseParseResult = ParsedResponse | H1Incomplete | H1Error;

/**
 * A response head as parsed. `statusCode` keeps the status digits as the server wrote them when
 * they are not the number's usual spelling ("0200"): HAProxy forwards them as they came.
 */
export interface H1ResponseHead extends HttpResponseHead {
  statusCode?: string;
}

const BAD = 502;
const END_OF_HEAD = Buffer.from('\r\n\r\n', 'latin1');

/**
 * Parses one response head from buf[start, end).
 * `requestMethod` is the method of the request it answers (HEAD responses carry no body).
 */
export function parseResponseHead(
  buf: Buffer,
  start = 0,
  end = buf.length,
  requestMethod = 'GET',
  limits: H1Limits = DEFAULT_H1_LIMITS,
): ResponseParseResult {
  // Decode the head once: a small read whole, else up to its CRLFCRLF so the body behind it is not decoded.
  const limit = Math.min(end, start + inputLimit(limits));
  if (limit - start <= DECODE_WHOLE) return parseResponseText(latin1(buf, start, limit), end - start, requestMethod, limits);
  const eoh = buf.indexOf(END_OF_HEAD, start);
  const str = latin1(buf, start, eoh >= 0 && eoh + 4 <= limit ? eoh + 4 : limit);
  const r = parseResponseText(str, end - start, requestMethod, limits);
  // Only leading empty lines can make that text too short; then parse everything available.
  if (r === INCOMPLETE && str.length < limit - start) return parseResponseText(latin1(buf, start, limit), end - start, requestMethod, limits);
  return r;
}

function parseResponseText(str: string, avail: number, requestMethod: string, limits: H1Limits): ResponseParseResult {
  const end = str.length;
  const start = 0;
  let pos = 0;
  // HAProxy skips empty lines before the status line too.
  for (;;) {
    if (pos >= end) return incomplete(avail, limits);
    const c = str.charCodeAt(pos);
    if (c === LF) pos++;
    else if (c === CR) {
      if (pos + 1 >= end) return incomplete(avail, limits);
      if (str.charCodeAt(pos + 1) !== LF) return h1Error(BAD, 'lone CR before status line', pos + 1);
      pos += 2;
    } else break;
  }
  const versionStart = pos;
  const versionEnd = scanVersion(str, pos, end, true);
  if (versionEnd === VERSION_MORE) return incomplete(avail, limits);
  if (versionEnd === VERSION_BAD || versionEnd === versionStart) return h1Error(BAD, 'invalid HTTP version in status line', pos);
  pos = versionEnd;
  let c = 0;
  while (pos < end && ((c = str.charCodeAt(pos)) === SP || c === HT)) pos++;

  // HAProxy takes any run of digits as the status code.
  const codeStart = pos;
  let status = 0;
  while (pos < end && (c = str.charCodeAt(pos)) >= 0x30 && c <= 0x39) {
    if (pos - codeStart < 9) status = status * 10 + (c - 0x30);
    pos++;
  }
  if (pos >= end) return incomplete(avail, limits);
  if (pos === codeStart || (c !== SP && c !== HT && c !== CR && c !== LF)) {
    return h1Error(BAD, 'invalid status code', pos);
  }
  const codeEnd = pos;
  while (pos < end && ((c = str.charCodeAt(pos)) === SP || c === HT)) pos++;
  const reasonStart = pos;
  while (pos < end && (c = str.charCodeAt(pos)) !== CR && c !== LF) pos++;
  if (pos >= end) return incomplete(avail, limits);
  const reasonEnd = pos;
  if (c === CR) {
    if (pos + 1 >= end) return incomplete(avail, limits);
    if (str.charCodeAt(pos + 1) !== LF) return h1Error(BAD, 'lone CR in status line', pos + 1);
    pos += 2;
  } else {
    pos++;
  }

  const s = new FieldScan(true, BAD, true, limits.acceptInvalid === true);
  const headEnd = scanFields(s, str, pos, end, limits.maxhdr - 1, start);
  if (headEnd === SCAN_ERROR) return h1Error(s.errStatus, s.errMsg, s.errPos);
  if (headEnd === SCAN_MORE) return incomplete(avail, limits);
  const v = versionNumber(str, versionStart, versionEnd);
  if (v === VERSION_BAD) return h1Error(BAD, 'invalid HTTP version in status line', versionStart);

  const version = versionString(v);
  const reason = str.slice(reasonStart, reasonEnd);
  const statusCode = str.charCodeAt(codeStart) === 0x30 || codeEnd - codeStart > 9 ? str.slice(codeStart, codeEnd) : undefined;
  const headers = s.headers;
  // The status line as responseHeadText() writes it (the header lines are FieldScan's part).
  const lineCanonical =
    versionStart === 0 &&
    versionEnd === version.length &&
    sameText(str, version) &&
    str.charCodeAt(versionEnd) === SP &&
    codeStart === versionEnd + 1 &&
    str.charCodeAt(codeEnd) === SP &&
    reasonStart === codeEnd + 1 &&
    str.charCodeAt(reasonEnd) === CR;

  let framing: BodyFraming;
  let clAndTe = false;
  if (s.te & TE_SEEN) {
    // HAProxy 2.6 refuses any coding other than a single final chunked, in responses too.
    if (!(s.te & TE_LAST_CHUNKED) || s.te & TE_OTHER) return h1Error(BAD, 'unsupported transfer coding', headEnd - start);
    framing = 'chunked';
    if (s.clCount > 0) {
      clAndTe = true;
      dropScannedHeader(s, 'content-length');
    }
  } else if (s.clCount > 0) {
    framing = s.clValue > 0 ? 'length' : 'none';
  } else {
    framing = 'until-close';
  }

  const informational = status < 200;
  // HAProxy switches protocols only when the server says Connection: upgrade.
  if (status === 101 && !(s.conn & CONN_UPGRADE)) return h1Error(BAD, '101 response without Connection: upgrade', headEnd - start);
  if (informational || status === 204 || status === 304 || requestMethod === 'HEAD') {
    framing = 'none';
    // HAProxy drops Content-Length from a 204 and both framing headers from a 1xx (it forwards
    // those of a 304 or a HEAD answer).
    if ((informational || status === 204) && s.clCount > 0) dropScannedHeader(s, 'content-length');
    if (informational && s.te & TE_SEEN) dropScannedHeader(s, 'transfer-encoding');
  }

  const htx = HTX_BLOCK + version.length + (codeEnd - codeStart) + reason.length + s.htx + HTX_BLOCK;
  if (htx > headBudget(limits)) return h1Error(BAD, 'response head too large', headEnd - start);

  let keepAlive = v >= 11 ? (s.conn & CONN_CLOSE) === 0 : (s.conn & (CONN_CLOSE | CONN_KEEPALIVE)) === CONN_KEEPALIVE;
  if (framing === 'until-close') keepAlive = false;

  return {
    kind: 'response',
    head: statusCode === undefined ? { version, status, reason, headers } : { version, status, reason, headers, statusCode },
    consumed: headEnd - start,
    framing,
    contentLength: framing === 'length' ? s.clValue : 0,
    keepAlive,
    informational,
    clAndTe,
    versionNumber: v,
    canonical: lineCanonical && s.canonical,
    htxSize: HTX_COUNTED_START_LINE + version.length + (codeEnd - codeStart) + reason.length + countedFieldBytes(s),
  };
}

function incomplete(avail: number, limits: H1Limits): H1Incomplete | H1Error {
  if (avail >= inputLimit(limits)) return h1Error(BAD, 'response head larger than the buffer', inputLimit(limits));
  return INCOMPLETE;
}

/** Whether `str` starts with `prefix` (a loop: startsWith costs more on these short strings). */
function sameText(str: string, prefix: string): boolean {
  for (let i = 0; i < prefix.length; i++) if (str.charCodeAt(i) !== prefix.charCodeAt(i)) return false;
  return true;
}
