/**
 * How much request body HAProxy 2.6 holds before it stops waiting for more (`option
 * http-buffer-request`, `http-request wait-for-body`, `balance url_param check_post`): the
 * request buffer is "full" when what it holds, in HAProxy's internal HTX layout, leaves no more
 * than tune.maxrewrite free. The layout (checked against haproxy 2.6 on loopback: 15211 body
 * bytes for a POST with two headers and the default 16k buffer): a 48-byte HTX header, then one
 * 8-byte block descriptor per item; the start line is a 20-byte structure plus its three words,
 * each header its name and value, the end of headers 1 byte, the body one data block. A
 * Connection header that only says close or keep-alive is not kept there (HAProxy's H1 layer
 * consumes those tokens).
 */
import type { HttpRequestHead } from './message.js';
import type { H1Limits } from './h1/limits.js';

const HTX_HEADER = 48;
const BLOCK = 8;
const START_LINE = 20;

/** Body bytes the request buffer takes for `head` before it counts as full. */
export function bodyRoom(head: HttpRequestHead, limits: H1Limits): number {
  let used = HTX_HEADER + BLOCK + START_LINE + head.method.length + head.uri.length + head.version.length;
  const h = head.headers;
  for (let i = 0; i + 1 < h.length; i += 2) {
    if (h[i] === 'connection' && /^\s*(close|keep-alive)\s*(,\s*(close|keep-alive)\s*)*$/i.test(h[i + 1]!)) continue;
    used += BLOCK + h[i]!.length + h[i + 1]!.length;
  }
  used += BLOCK + 1; // end of headers
  used += BLOCK; // the data block
  return Math.max(0, limits.bufsize - Math.min(limits.maxrewrite, limits.bufsize >> 1) - used);
}
