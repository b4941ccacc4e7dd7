import { describe, expect, it } from 'vitest';
import { h2RequestToH1, h2ResponseToH1 } from '../../../src/http/h2/h2-to-h1.js';
import { h1RequestToH2, h1ResponseToH2 } from '../../../src/http/h2/h1-to-h2.js';
import { parseRequestHead } from '../../../src/http/h1/request.js';
import { parseResponseHead } from '../../../src/http/h1/response.js';

const GET = [':method', 'GET', ':scheme', 'https', ':path', '/a?b=1', ':authority', 'example.test'];

function head(raw: string[], endStream = true): string {
  const r = h2RequestToH1(raw, endStream);
  if (!r.ok) throw new Error(r.reason);
  return r.head.toString('latin1');
}

describe('h2 request → HTTP/1.1 head', () => {
  it('turns pseudo-headers into a request line and a first Host field', () => {
    expect(head([...GET, 'user-agent', 'ua', 'accept', '*/*'])).toBe('GET /a?b=1 HTTP/1.1\r\nhost: example.test\r\nuser-agent: ua\r\naccept: */*\r\n\r\n');
  });

  it('joins several cookie fields with "; " into one, placed last (as HAProxy)', () => {
    const h = head([...GET, 'cookie', 'a=1', 'x-mid', 'm', 'cookie', 'b=2', 'cookie', 'c=3']);
    expect(h).toBe('GET /a?b=1 HTTP/1.1\r\nhost: example.test\r\nx-mid: m\r\ncookie: a=1; b=2; c=3\r\n\r\n');
    const parsed = parseRequestHead(Buffer.from(h, 'latin1'));
    expect(parsed.kind).toBe('request');
    if (parsed.kind === 'request') expect(parsed.head.headers.filter((x) => x === 'cookie').length).toBe(1);
  });

  it(':authority wins over a host field; without it the host field is the authority', () => {
    expect(head([...GET, 'host', 'other.test'])).toBe('GET /a?b=1 HTTP/1.1\r\nhost: example.test\r\n\r\n');
    expect(head([':method', 'GET', ':scheme', 'http', ':path', '/', 'host', 'h.test'])).toBe('GET / HTTP/1.1\r\nhost: h.test\r\n\r\n');
  });

  it('frames a body: content-length kept, otherwise chunked; no framing without a body', () => {
    const post = [':method', 'POST', ':scheme', 'http', ':path', '/p', ':authority', 'x'];
    const withCl = h2RequestToH1([...post, 'content-length', '5'], false);
    expect(withCl.ok && withCl.chunked).toBe(false);
    expect(withCl.ok && withCl.head.toString()).toBe('POST /p HTTP/1.1\r\nhost: x\r\ncontent-length: 5\r\n\r\n');
    const without = h2RequestToH1(post, false);
    expect(without.ok && without.chunked).toBe(true);
    expect(without.ok && without.head.toString()).toBe('POST /p HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n');
    const parsed = parseRequestHead(without.ok ? without.head : Buffer.alloc(0));
    expect(parsed.kind === 'request' && parsed.framing).toBe('chunked');
    const none = h2RequestToH1(post, true);
    expect(none.ok && none.hasBody).toBe(false);
    expect(none.ok && none.head.toString()).toBe('POST /p HTTP/1.1\r\nhost: x\r\n\r\n');
  });

  it('keeps te: trailers and turns CONNECT into the authority form', () => {
    expect(head([...GET, 'te', 'trailers'])).toContain('\r\nte: trailers\r\n');
    const c = h2RequestToH1([':method', 'CONNECT', ':authority', 'db.test:5432'], false);
    expect(c.ok && c.head.toString()).toBe('CONNECT db.test:5432 HTTP/1.1\r\nhost: db.test:5432\r\n\r\n');
    expect(c.ok && c.chunked).toBe(false);
  });

  it.each([
    ['a connection-specific field', [...GET, 'connection', 'close']],
    ['transfer-encoding', [...GET, 'transfer-encoding', 'chunked']],
    ['te other than trailers', [...GET, 'te', 'gzip']],
    ['an upper-case field name', [...GET, 'X-Up', 'v']],
    ['an empty field name', [...GET, '', 'v']],
    ['CR LF in a value', [...GET, 'x-a', 'v\r\nx-injected: 1']],
    ['NUL in a value', [...GET, 'x-a', 'v\u0000']],
    ['a character beyond one byte', [...GET, 'x-a', 'snow\u2603']],
    ['a missing :path', [':method', 'GET', ':scheme', 'http', ':authority', 'x']],
    ['a missing :method', [':scheme', 'http', ':path', '/', ':authority', 'x']],
    ['a repeated pseudo-header', [...GET, ':path', '/again'].slice(0, 8).concat([':path', '/twice'])],
    ['a pseudo-header after a regular field', [':method', 'GET', ':scheme', 'http', 'x-a', '1', ':path', '/']],
    ['an unknown pseudo-header', [...GET, ':protocol', 'websocket']],
    ['a space in :path', [':method', 'GET', ':scheme', 'http', ':path', '/a b', ':authority', 'x']],
    ['a bad method', [':method', 'G(T', ':scheme', 'http', ':path', '/', ':authority', 'x']],
    ['CONNECT with a path', [':method', 'CONNECT', ':authority', 'x:1', ':path', '/']],
    ['a space in :authority', [':method', 'GET', ':scheme', 'http', ':path', '/', ':authority', 'a b']],
  ])('refuses %s', (_what, raw) => {
    expect(h2RequestToH1(raw as string[], true).ok).toBe(false);
  });
});

describe('h2 response → HTTP/1.1 head (proto h2 servers)', () => {
  it('builds a status line without reason (as HAProxy); chunked without content-length', () => {
    const r = h2ResponseToH1([':status', '200', 'content-type', 'text/plain', 'set-cookie', 'a=1', 'set-cookie', 'b=2'], 'GET')!;
    expect(r.chunked).toBe(true);
    expect(r.head.toString()).toBe('HTTP/1.1 200 \r\ncontent-type: text/plain\r\nset-cookie: a=1\r\nset-cookie: b=2\r\ntransfer-encoding: chunked\r\n\r\n');
    const parsed = parseResponseHead(r.head);
    expect(parsed.kind === 'response' && parsed.framing).toBe('chunked');
  });

  it('keeps content-length framing, and no body for HEAD, 204 and 304', () => {
    const cl = h2ResponseToH1([':status', '404', 'content-length', '12'], 'GET')!;
    expect(cl.chunked).toBe(false);
    expect(cl.head.toString()).toBe('HTTP/1.1 404 \r\ncontent-length: 12\r\n\r\n');
    for (const [status, method] of [['200', 'HEAD'], ['204', 'GET'], ['304', 'GET']] as const) {
      const r = h2ResponseToH1([':status', status], method)!;
      expect(r.bodiless).toBe(true);
      expect(r.chunked).toBe(false);
    }
  });

  it('drops connection-specific fields and refuses what HTTP/1.1 cannot carry', () => {
    expect(h2ResponseToH1([':status', '200', 'connection', 'close', 'content-length', '0'], 'GET')!.head.toString()).toBe('HTTP/1.1 200 \r\ncontent-length: 0\r\n\r\n');
    expect(h2ResponseToH1(['content-length', '0'], 'GET')).toBeUndefined();
    expect(h2ResponseToH1([':status', '2000'], 'GET')).toBeUndefined();
    expect(h2ResponseToH1([':status', '200', ':status', '200'], 'GET')).toBeUndefined();
    expect(h2ResponseToH1([':status', '200', 'x-a', 'a\r\nb'], 'GET')).toBeUndefined();
    expect(h2ResponseToH1([':status', '200', 'content-length', '1', 'content-length', '2'], 'GET')).toBeUndefined();
    expect(h2ResponseToH1([':status', '200', 'content-length', 'abc'], 'GET')).toBeUndefined();
  });
});

describe('HTTP/1.1 heads → h2 header blocks', () => {
  it('response: hop-by-hop fields go, fields named by Connection too, repeats stay in order', () => {
    const h = h1ResponseToH2({
      version: 'HTTP/1.1',
      status: 200,
      reason: 'OK',
      headers: ['connection', 'close, x-hop', 'x-hop', '1', 'keep-alive', 'timeout=5', 'transfer-encoding', 'chunked', 'set-cookie', 'a=1', 'content-type', 'text/html', 'set-cookie', 'b=2', 'upgrade', 'h2c'],
    });
    expect(h).toEqual({ ':status': 200, 'set-cookie': ['a=1', 'b=2'], 'content-type': 'text/html' });
  });

  it('request: an origin-form target keeps its Host field and gets :scheme https (as HAProxy 2.6)', () => {
    const h = h1RequestToH2({ method: 'POST', uri: '/x?y', version: 'HTTP/1.1', headers: ['host', 'api.test', 'te', 'trailers, deflate', 'cookie', 'a=1; b=2', 'content-length', '3'] });
    expect(h).toEqual({ ':method': 'POST', ':scheme': 'https', ':path': '/x?y', host: 'api.test', te: 'trailers', cookie: 'a=1; b=2', 'content-length': '3' });
    expect(Object.keys(h)).toEqual([':method', ':scheme', ':path', 'host', 'te', 'cookie', 'content-length']);
    // te other than trailers, and fields the Connection header names, do not cross.
    expect(h1RequestToH2({ method: 'GET', uri: '/', version: 'HTTP/1.1', headers: ['host', 'h', 'te', 'gzip', 'connection', 'x-hop', 'x-hop', '1'] })).toEqual({ ':method': 'GET', ':scheme': 'https', ':path': '/', host: 'h' });
  });

  it('request: an absolute URI gives scheme and authority; CONNECT keeps only :authority', () => {
    expect(h1RequestToH2({ method: 'GET', uri: 'http://abs.test:8080?q=1', version: 'HTTP/1.1', headers: ['host', 'abs.test:8080'] })).toEqual({
      ':method': 'GET',
      ':scheme': 'http',
      ':path': '/?q=1',
      ':authority': 'abs.test:8080',
    });
    expect(h1RequestToH2({ method: 'CONNECT', uri: 'db:5432', version: 'HTTP/1.1', headers: ['host', 'db:5432'] })).toEqual({ ':method': 'CONNECT', ':authority': 'db:5432' });
  });
});
