/**
 * The byte counts HAProxy 2.6 reports for HTTP (%U and %B in logs, bin/bout in stats, the
 * bytes_in/bytes_out stick counters) are not bytes on the wire: they are the size of each message
 * in its internal form (HTX) as it entered the proxy. Measured against haproxy 2.6, a message
 * counts
 *   21 + the three start-line words (method, target, version; or version, status, reason)
 *      + each header's name and value (without ": " and CRLF), the Connection header excepted
 *      + the payload (chunk framing excluded) + 1 when it was chunked + each trailer's name and value.
 * Headers that rules, cookies or `option forwardfor` add later are not counted, nor is the
 * Connection header the proxy writes itself; a reply to HEAD counts no body. So a 503 error page,
 * 214 bytes on the wire, is logged as 217 by HAProxy, and now by portico.
 */
import type { HeaderList, HttpResponseHead } from './message.js';
import { parseResponseHead } from './h1/response.js';

/** What HAProxy's start-line block costs beyond the three words (its struct, measured). */
const START_LINE_OVERHEAD = 21;

/** A head's HTX size: `a`, `b`, `c` are the three start-line words. */
export function htxHeadSize(a: string, b: string, c: string, headers: HeaderList): number {
  let n = START_LINE_OVERHEAD + a.length + b.length + c.length;
  for (let i = 0; i + 1 < headers.length; i += 2) {
    const name = headers[i]!;
    // The H1 parser turns Connection into flags; it never reaches the message.
    if (name.length === 10 && name === 'connection') continue;
    n += name.length + headers[i + 1]!.length;
  }
  return n;
}

/** The end of a chunked body: one for the end-of-trailers mark, plus each trailer. */
export function htxChunkedEndSize(trailers: HeaderList): number {
  let n = 1;
  for (let i = 0; i + 1 < trailers.length; i += 2) n += trailers[i]!.length + trailers[i + 1]!.length;
  return n;
}

/** A response head's HTX size. */
export function htxResponseHeadSize(head: HttpResponseHead): number {
  return htxHeadSize(head.version, String(head.status), head.reason, head.headers);
}

/**
 * The HTX size of a complete response portico writes itself (error page, redirect, return,
 * stats page): its head, and its body unless the reply carries none (HEAD, 204, 304).
 */
export function htxReplySize(bytes: Buffer, withBody: boolean): number {
  const r = parseResponseHead(bytes);
  if (r.kind !== 'response') return bytes.length;
  return htxResponseHeadSize(r.head) + (withBody ? bytes.length - r.consumed : 0);
}
