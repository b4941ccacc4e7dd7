import { describe, expect, it } from 'vitest';
import { parseResponseHead, type ParsedResponse } from '../../../src/http/h1/response.js';
import { RESPONSE_CASES } from './response-cases.js';

const b = (s: string) => Buffer.from(s, 'latin1');

function parse(raw: string, method = 'GET'): ParsedResponse {
  const r = parseResponseHead(b(raw), 0, raw.length, method);
  if (r.kind !== 'response') throw new Error(`expected a response, got ${JSON.stringify(r)}`);
  return r;
}

describe('response head: HAProxy 2.6 acceptance table', () => {
  for (const c of RESPONSE_CASES) {
    it(`${c.name} → ${c.status || 'forwarded'}`, () => {
      const r = parseResponseHead(b(c.raw));
      if (c.status === 0) expect(r.kind, JSON.stringify(r)).toBe('response');
      else expect(r.kind === 'error' ? r.status : r.kind).toBe(c.status);
    });
  }
});

describe('response head: values and framing', () => {
  it('parses status, reason, headers and consumed', () => {
    const raw = 'HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nabc';
    const r = parse(raw);
    expect(r.head).toEqual({
      version: 'HTTP/1.1',
      status: 404,
      reason: 'Not Found',
      headers: ['content-type', 'text/plain', 'content-length', '3'],
    });
    expect(r.consumed).toBe(raw.length - 3);
    expect([r.framing, r.contentLength, r.keepAlive]).toEqual(['length', 3, true]);
  });

  it('keeps an empty reason', () => {
    expect(parse('HTTP/1.1 200\r\n\r\n').head.reason).toBe('');
  });

  it('reads until close without framing and then cannot keep the connection', () => {
    const r = parse('HTTP/1.1 200 OK\r\n\r\n');
    expect([r.framing, r.keepAlive]).toEqual(['until-close', false]);
  });

  it('has no body for 1xx, 204, 304 and HEAD', () => {
    const c = parse('HTTP/1.1 100 Continue\r\n\r\n');
    expect([c.framing, c.informational]).toEqual(['none', true]);
    expect(parse('HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n').framing).toBe('none');
    const nc = parse('HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n');
    expect([nc.framing, nc.head.headers]).toEqual(['none', []]);
    const nm = parse('HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n');
    expect([nm.framing, nm.head.headers]).toEqual(['none', ['content-length', '5']]);
    const head = parse('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n', 'HEAD');
    expect([head.framing, head.keepAlive]).toEqual(['none', true]);
    expect(parse('HTTP/1.1 200 OK\r\n\r\n', 'HEAD').framing).toBe('none');
  });

  it('frames chunked bodies and drops Content-Length beside them', () => {
    const r = parse('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n');
    expect([r.framing, r.clAndTe, r.head.headers]).toEqual(['chunked', true, ['transfer-encoding', 'chunked']]);
  });

  it('derives keep-alive from version and Connection', () => {
    expect(parse('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n').keepAlive).toBe(false);
    expect(parse('HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n').keepAlive).toBe(false);
    expect(parse('HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n').keepAlive).toBe(true);
    expect(parse('HTTP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n').head.version).toBe('HTTP/1.1');
  });

  it('parses consecutive heads (interim then final) from one buffer', () => {
    const raw = b('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    const first = parseResponseHead(raw);
    expect(first.kind).toBe('response');
    const used = (first as ParsedResponse).consumed;
    const second = parseResponseHead(raw, used);
    expect(second).toMatchObject({ kind: 'response', head: { status: 200 }, framing: 'length', contentLength: 2 });
  });

  it('says incomplete until the head is there, and refuses an endless head', () => {
    expect(parseResponseHead(b('HTTP/1.1 200 OK\r\nX: y\r\n')).kind).toBe('incomplete');
    expect(parseResponseHead(b('HTT')).kind).toBe('incomplete');
    // Version bytes are judged as HAProxy does: A-Z, 0-9, '.', '/' may still become a version.
    expect(parseResponseHead(b('HTX')).kind).toBe('incomplete');
    expect(parseResponseHead(b('HTx')).kind).toBe('error');
    expect(parseResponseHead(b('HTX/1.1 200 OK\r\n\r\n')).kind).toBe('error');
    const endless = b(`HTTP/1.1 200 OK\r\nX: ${'a'.repeat(17000)}`);
    expect(parseResponseHead(endless)).toMatchObject({ kind: 'error', status: 502 });
  });
});
