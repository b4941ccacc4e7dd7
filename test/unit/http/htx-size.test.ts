// HAProxy's byte counts for HTTP messages (src/http/htx-size.ts; heads measured by the H1
// parsers as `htxSize`): the expected values are what
// haproxy 2.6 logged as %U / %B for these exact messages (test/e2e/log/byte-counts.test.ts runs
// them against haproxy).
import { describe, expect, it } from 'vitest';
import { htxChunkedEndSize, htxReplySize } from '../../../src/http/htx-size.js';
import { parseRequestHead } from '../../../src/http/h1/request.js';
import { parseResponseHead } from '../../../src/http/h1/response.js';
import { proxiedErrorBytes } from '../../../src/http/errors.js';

function request(text: string): number {
  const r = parseRequestHead(Buffer.from(text, 'latin1'));
  if (r.kind !== 'request') throw new Error(`not a request: ${text}`);
  return r.htxSize;
}

function response(text: string): number {
  const r = parseResponseHead(Buffer.from(text, 'latin1'));
  if (r.kind !== 'response') throw new Error(`not a response: ${text}`);
  return r.htxSize;
}

describe('HTX sizes (HAProxy 2.6 byte counts)', () => {
  it('requests: 21, the start-line words, and each field without separators', () => {
    // curl's three fields: 84 in haproxy's log for this 81-byte request.
    expect(request('GET /ka HTTP/1.1\r\nHost: 127.0.0.1:19420\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n')).toBe(84);
    expect(request('GET /len HTTP/1.0\r\n\r\n')).toBe(36);
    // Connection is not counted, whatever it says.
    expect(request('GET /len HTTP/1.1\r\nhost: a.test\r\nconnection: keep-alive\r\n\r\n')).toBe(request('GET /len HTTP/1.1\r\nhost: a.test\r\n\r\n'));
    expect(request('GET /len HTTP/1.1\r\nhost: a.test\r\n\r\n')).toBe(46);
  });

  it('responses: the head as received; values are counted trimmed', () => {
    expect(response('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n') + 5).toBe(54);
    expect(response('HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nContent-Length: 5\r\n\r\n') + 5).toBe(54);
    expect(response('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n')).toBe(56);
    expect(response('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\nX-Long-Header-Name:  padded value \r\n\r\n') + 5).toBe(88);
    expect(response('HTTP/1.1 200 OK\r\nKeep-Alive: timeout=5\r\nContent-Length: 5\r\n\r\n') + 5).toBe(73);
  });

  it('chunked bodies: the payload, one for the end, and the trailers', () => {
    const head = response('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n');
    expect(head + 8 + htxChunkedEndSize([])).toBe(67);
    expect(head + 5 + htxChunkedEndSize(['x-t', '12'])).toBe(69);
  });

  it("portico's own replies: the 503 page is 217, 214 bytes on the wire; a reply to HEAD has no body", () => {
    const page = proxiedErrorBytes(503)!;
    expect(page.length).toBe(214);
    expect(htxReplySize(page, true)).toBe(217);
    expect(htxReplySize(proxiedErrorBytes(403)!, true)).toBe(192);
    expect(htxReplySize(proxiedErrorBytes(403)!, false)).toBe(99);
  });
});
