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
import type { HeaderList } from './message.js';
import { parseResponseHead } from './h1/response.js';

// The head's part is computed by the H1 parsers as they measure the head (`htxSize` of a parsed
// request or response; HTX_COUNTED_START_LINE in h1/limits.ts).

/** The end of a chunked body: one for the end-of-trailers mark, plus each trailer. */
export function htxChunkedEndSize(trailers: HeaderList): number {
  let n = 1;
  for (let i = 0; i + 1 < trailers.length; i += 2) n += trailers[i]!.length + trailers[i + 1]!.length;
  return n;
}

/**
 * The HTX size of a complete response portico writes itself (error page, redirect, return,
 * stats page): its head, and its body unless the reply carries none (HEAD, 204, 304).
 */
export function htxReplySize(bytes: Buffer, withBody: boolean): number {
  const r = parseResponseHead(bytes);
  if (r.kind !== 'response') return bytes.length;
  return r.htxSize + (withBody ? bytes.length - r.consumed : 0);
}
