import { describe, expect, it } from 'vitest';
import { parseRequestHead, type ParsedRequest } from '../../../src/http/h1/request.js';
import { DEFAULT_H1_LIMITS } from '../../../src/http/h1/limits.js';
import { REQUEST_CASES } from './request-cases.js';

const b = (s: string) => Buffer.from(s, 'latin1');

function parse(raw: string): ParsedRequest {
  const r = parseRequestHead(b(raw));
  if (r.kind !== 'request') throw new Error(`expected a request, got ${JSON.stringify(r)}`);
  return r;
}

describe('request head: HAProxy 2.6 acceptance table', () => {
  for (const c of REQUEST_CASES) {
    it(`${c.name} → ${c.status || 'accepted'}`, () => {
      const r = parseRequestHead(b(c.raw));
      if (c.status === 0) expect(r.kind, JSON.stringify(r)).toBe('request');
      else expect(r.kind === 'error' ? r.status : r.kind).toBe(c.status);
    });
  }
});

describe('request head: parsed values', () => {
  it('parses a typical request', () => {
    const r = parse('GET /a?b=1 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: x\r\nAccept: */*\r\n\r\nrest');
    expect(r.head).toEqual({
      method: 'GET',
      uri: '/a?b=1',
      version: 'HTTP/1.1',
      headers: ['host', 'example.com', 'user-agent', 'x', 'accept', '*/*'],
    });
    expect(b('GET /a?b=1 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: x\r\nAccept: */*\r\n\r\n').length).toBe(r.consumed);
    expect(r.framing).toBe('none');
    expect(r.keepAlive).toBe(true);
    expect(r.host).toBe('example.com');
  });

  it('trims values and unfolds obs-fold as HAProxy (each CR and LF becomes a space)', () => {
    expect(parse('GET / HTTP/1.1\r\nX: a\r\n  b\r\n\r\n').head.headers).toEqual(['x', 'a    b']);
    expect(parse('GET / HTTP/1.1\r\nX: a\r\n\tb\r\nY: c\r\n\r\n').head.headers).toEqual(['x', 'a  \tb', 'y', 'c']);
    expect(parse('GET / HTTP/1.1\nX: a\n b\n\n').head.headers).toEqual(['x', 'a  b']);
    expect(parse('GET / HTTP/1.1\r\nX: a\r\n \r\n\r\n').head.headers).toEqual(['x', 'a']);
    expect(parse('GET / HTTP/1.1\r\nX:a\r\nY:\t b \t\r\n\r\n').head.headers).toEqual(['x', 'a', 'y', 'b']);
  });

  it('frames bodies by Content-Length and merges repeated values', () => {
    const r = parse('POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 05\r\n\r\nhello');
    expect(r.framing).toBe('length');
    expect(r.contentLength).toBe(5);
    expect(r.head.headers).toEqual(['content-length', '5']);
    expect(parse('POST / HTTP/1.1\r\nContent-Length: 05, 5\r\n\r\n').head.headers).toEqual(['content-length', '5']);
    expect(parse('POST / HTTP/1.1\r\nContent-Length: 05\r\n\r\n').head.headers).toEqual(['content-length', '05']);
    expect(parse('POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n').framing).toBe('none');
  });

  it('drops Content-Length when chunked and flags it', () => {
    const r = parse('POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n');
    expect(r.framing).toBe('chunked');
    expect(r.clAndTe).toBe(true);
    expect(r.head.headers).toEqual(['transfer-encoding', 'chunked']);
  });

  it('keeps Transfer-Encoding spelling and a trailing comma as received', () => {
    const r = parse('POST / HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n');
    expect(r.framing).toBe('chunked');
    expect(r.clAndTe).toBe(false);
    expect(r.head.headers).toEqual(['transfer-encoding', 'Chunked']);
  });

  it('derives keep-alive from the version and Connection tokens', () => {
    expect(parse('GET / HTTP/1.1\r\n\r\n').keepAlive).toBe(true);
    expect(parse('GET / HTTP/1.1\r\nConnection: foo, Close\r\n\r\n').keepAlive).toBe(false);
    expect(parse('GET / HTTP/1.0\r\n\r\n').keepAlive).toBe(false);
    expect(parse('GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n').keepAlive).toBe(true);
    expect(parse('GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n').keepAlive).toBe(false);
    expect(parse('GET / HTTP/0.9\r\n\r\n').keepAlive).toBe(false);
  });

  it('reports upgrade, Expect: 100-continue and the version', () => {
    const ws = parse('GET / HTTP/1.1\r\nConnection: keep-alive, Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n');
    expect(ws.upgrade).toBe(true);
    expect(ws.upgradeProtocol).toBe('websocket');
    expect(parse('GET / HTTP/1.1\r\nUpgrade: websocket\r\n\r\n').upgrade).toBe(false);
    expect(parse('PUT / HTTP/1.1\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\n').expectContinue).toBe(true);
    expect(parse('PUT / HTTP/1.1\r\nExpect: 200-ok\r\n\r\n').expectContinue).toBe(false);
    expect(parse('GET / HTTP/2.0\r\n\r\n').head.version).toBe('HTTP/1.1');
    expect(parse('GET / HTTP/2.0\r\n\r\n').versionNumber).toBe(20);
    expect(parse('GET / HTTP/1.0\r\n\r\n').head.version).toBe('HTTP/1.0');
  });

  it('normalizes the request line and absolute URIs as HAProxy forwards them', () => {
    const r = parse('GET\t/x \t HTTP/1.1\r\n\r\n');
    expect([r.head.method, r.head.uri]).toEqual(['GET', '/x']);
    expect(parse('GET http://a:80/p HTTP/1.1\r\nHost: a\r\n\r\n').head.uri).toBe('http://a/p');
    expect(parse('GET https://a:443/ HTTP/1.1\r\n\r\n').head.uri).toBe('https://a/');
    expect(parse('GET http://a:/ HTTP/1.1\r\n\r\n').head.uri).toBe('http://a/');
    expect(parse('GET http://a:8080/ HTTP/1.1\r\n\r\n').head.uri).toBe('http://a:8080/');
    expect(parse('GET http://[::1]/ HTTP/1.1\r\nHost: [::1]:80\r\n\r\n').head.uri).toBe('http://[::1]/');
  });

  it('drops a repeated identical Host', () => {
    expect(parse('GET / HTTP/1.1\r\nHost:  a \r\nHost: A\r\n\r\n').head.headers).toEqual(['host', 'a']);
  });

  it('reports where a parse failed', () => {
    const r = parseRequestHead(b('GET / HTTP/1.1\r\nHost: a\r\nBad Name: x\r\n\r\n'));
    expect(r).toMatchObject({ kind: 'error', status: 400, offset: 28 });
    const u = parseRequestHead(b('GET /a\u0001 HTTP/1.1\r\n\r\n'));
    expect(u).toMatchObject({ kind: 'error', status: 400, offset: 6 });
  });

  it('honours start/end and reports consumed from start', () => {
    const buf = b('xxxxGET / HTTP/1.1\r\n\r\nyyyy');
    const r = parseRequestHead(buf, 4, buf.length - 4);
    expect(r).toMatchObject({ kind: 'request', consumed: 18 });
    expect(parseRequestHead(buf, 4, 10).kind).toBe('incomplete');
  });
});

describe('request head: limits are parameters', () => {
  it('applies maxhdr', () => {
    const raw = b(`GET / HTTP/1.1\r\n${'X: y\r\n'.repeat(10)}\r\n`);
    expect(parseRequestHead(raw, 0, raw.length, { bufsize: 16384, maxrewrite: 1024, maxhdr: 11 }).kind).toBe('request');
    expect(parseRequestHead(raw, 0, raw.length, { bufsize: 16384, maxrewrite: 1024, maxhdr: 10 }).kind).toBe('error');
  });

  // Thresholds measured on haproxy 2.6.12 with each bufsize/maxrewrite pair (largest raw head accepted).
  const measured: Array<[number, number, number]> = [
    [8192, 512, 7597],
    [16384, 0, 16301],
    [4096, 1024, 2989],
    [4096, 3000, 1965],
    [32768, 1024, 31661],
  ];
  for (const [bufsize, maxrewrite, largest] of measured) {
    it(`bufsize ${bufsize} maxrewrite ${maxrewrite}: largest head ${largest}`, () => {
      const limits = { bufsize, maxrewrite, maxhdr: 101 };
      const make = (total: number) => b(`GET / HTTP/1.1\r\ny: ${'a'.repeat(total - 23)}\r\n\r\n`);
      expect(make(largest).length).toBe(largest);
      expect(parseRequestHead(make(largest), 0, largest, limits).kind).toBe('request');
      expect(parseRequestHead(make(largest + 1), 0, largest + 1, limits)).toMatchObject({ kind: 'error', status: 400 });
    });
  }

  it('fails an unfinished head once it fills the buffer less its 64-byte reserve (measured on haproxy 2.6)', () => {
    const partial = b(`GET / HTTP/1.1\r\nX: ${'a'.repeat(20000)}`);
    expect(parseRequestHead(partial, 0, 16319).kind).toBe('incomplete');
    expect(parseRequestHead(partial, 0, 16320)).toMatchObject({ kind: 'error', status: 400 });
    const small = { ...DEFAULT_H1_LIMITS, bufsize: 1024, maxrewrite: 64 };
    expect(parseRequestHead(partial, 0, 959, small).kind).toBe('incomplete');
    expect(parseRequestHead(partial, 0, 960, small)).toMatchObject({ kind: 'error', status: 400 });
    // Leading empty lines count: 460 of them still leave room for a short request, 470 do not.
    const get = 'GET / HTTP/1.1\r\nHost: a\r\n\r\n';
    expect(parseRequestHead(b('\r\n'.repeat(460) + get), 0, undefined, small).kind).toBe('request');
    expect(parseRequestHead(b('\r\n'.repeat(470) + get), 0, undefined, small)).toMatchObject({ kind: 'error', status: 400 });
  });
});
