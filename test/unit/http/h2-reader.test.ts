import { describe, expect, it } from 'vitest';
import { H1Reader, INTERNAL_LIMITS } from '../../../src/http/h2/h1-reader.js';
import { parseResponseHead, type ParsedResponse } from '../../../src/http/h1/response.js';
import { parseRequestHead, type ParsedRequest } from '../../../src/http/h1/request.js';

interface Log {
  events: string[];
  body: string[];
}

function responseReader(method = 'GET'): { r: H1Reader<ParsedResponse>; log: Log } {
  const log: Log = { events: [], body: [] };
  const r = new H1Reader<ParsedResponse>(
    (b) => parseResponseHead(b, 0, b.length, method, INTERNAL_LIMITS),
    {
      interim: (h) => log.events.push(`interim ${h.head.status}`),
      head: (h) => log.events.push(`head ${h.head.status} ${h.framing}`),
      data: (d) => log.body.push(d.toString('latin1')),
      end: (t) => log.events.push(`end ${t.join('=')}`),
      error: (m) => log.events.push(`error ${m}`),
    },
    (h) => h.head.status < 200 && h.head.status !== 101,
  );
  return { r, log };
}

/** Feeds `text` in pieces of `size` bytes. */
function feed(r: H1Reader<ParsedResponse> | H1Reader<ParsedRequest>, text: string, size: number): void {
  const b = Buffer.from(text, 'latin1');
  for (let i = 0; i < b.length; i += size) r.feed(b.subarray(i, i + size));
}

const CHUNKED = 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\nx-sum: 42\r\n\r\n';

describe('H1Reader', () => {
  it.each([1, 3, 7, 1000])('de-frames a chunked response with trailers fed %i bytes at a time', (size) => {
    const { r, log } = responseReader();
    feed(r, CHUNKED, size);
    expect(log.events).toEqual(['head 200 chunked', 'end x-sum=42']);
    expect(log.body.join('')).toBe('hello world');
    expect(r.idle).toBe(true);
  });

  it('passes interim responses, then the final one with a content-length body', () => {
    const { r, log } = responseReader();
    feed(r, 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nlink: </s.css>\r\n\r\nHTTP/1.1 201 Created\r\ncontent-length: 4\r\n\r\nbody', 5);
    expect(log.events).toEqual(['interim 100', 'interim 103', 'head 201 length', 'end ']);
    expect(log.body.join('')).toBe('body');
  });

  it('ends a close-delimited body at finish(), and reports a truncated one', () => {
    const a = responseReader();
    feed(a.r, 'HTTP/1.1 200 OK\r\n\r\nuntil the end', 4);
    expect(a.r.finish()).toBe(true);
    expect(a.log.events).toEqual(['head 200 until-close', 'end ']);
    expect(a.log.body.join('')).toBe('until the end');
    const b = responseReader();
    feed(b.r, 'HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nshort', 100);
    expect(b.r.finish()).toBe(false);
    expect(b.log.events.at(-1)).toMatch(/^error /);
  });

  it('has no body for HEAD answers and reads messages back to back', () => {
    const { r, log } = responseReader('HEAD');
    feed(r, 'HTTP/1.1 200 OK\r\ncontent-length: 50\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n', 9);
    expect(log.events).toEqual(['head 200 none', 'end ', 'head 204 none', 'end ']);
  });

  it('stops at invalid bytes', () => {
    const { r, log } = responseReader();
    feed(r, 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n', 100);
    expect(log.events[0]).toBe('head 200 chunked');
    expect(log.events[1]).toMatch(/^error /);
    expect(r.failed).toBe(true);
    r.feed(Buffer.from('more'));
    expect(log.events.length).toBe(2);
  });

  it('reads requests with their bodies (proto h2 servers)', () => {
    const events: string[] = [];
    const body: string[] = [];
    const r = new H1Reader<ParsedRequest>((b) => parseRequestHead(b, 0, b.length, INTERNAL_LIMITS), {
      head: (h) => events.push(`${h.head.method} ${h.head.uri} ${h.framing}`),
      data: (d) => body.push(d.toString()),
      end: () => events.push('end'),
      error: (m) => events.push(`error ${m}`),
    });
    feed(r, 'POST /a HTTP/1.1\r\nhost: x\r\ncontent-length: 3\r\n\r\nabcGET /b HTTP/1.1\r\nhost: x\r\n\r\n', 2);
    expect(events).toEqual(['POST /a length', 'end', 'GET /b none', 'end']);
    expect(body.join('')).toBe('abc');
  });
});
