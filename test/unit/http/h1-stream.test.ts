import { describe, expect, it } from 'vitest';
import { parseRequestHead, type ParsedRequest } from '../../../src/http/h1/request.js';
import { parseResponseHead } from '../../../src/http/h1/response.js';
import { ChunkedDecoder } from '../../../src/http/h1/chunked.js';

const b = (s: string) => Buffer.from(s, 'latin1');

/** Reads every request (head + body) from a buffer, as the engine would for pipelined requests. */
function readAll(buf: Buffer): Array<{ method: string; uri: string; body: string }> {
  const out: Array<{ method: string; uri: string; body: string }> = [];
  let pos = 0;
  for (let guard = 0; guard < 100 && pos < buf.length; guard++) {
    const r = parseRequestHead(buf, pos);
    if (r.kind !== 'request') throw new Error(`unexpected ${r.kind} at ${pos}`);
    pos += r.consumed;
    let body = '';
    if (r.framing === 'length') {
      body = buf.toString('latin1', pos, pos + r.contentLength);
      pos += r.contentLength;
    } else if (r.framing === 'chunked') {
      const d = new ChunkedDecoder();
      const ranges: number[] = [];
      pos += d.feed(buf, pos, buf.length, ranges);
      for (let i = 0; i < ranges.length; i += 2) body += buf.toString('latin1', ranges[i], ranges[i + 1]);
      if (!d.done) throw new Error('unfinished chunked body');
    }
    out.push({ method: r.head.method, uri: r.head.uri, body });
  }
  return out;
}

describe('pipelining', () => {
  it('parses back-to-back requests with bodies in order', () => {
    const wire = b(
      'GET /1 HTTP/1.1\r\nHost: a\r\n\r\n' +
        'POST /2 HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc' +
        'POST /3 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nxy\r\n0\r\n\r\n' +
        '\r\nHEAD /4 HTTP/1.1\n\n',
    );
    expect(readAll(wire)).toEqual([
      { method: 'GET', uri: '/1', body: '' },
      { method: 'POST', uri: '/2', body: 'abc' },
      { method: 'POST', uri: '/3', body: 'xy' },
      { method: 'HEAD', uri: '/4', body: '' },
    ]);
  });
});

const MESSAGES = [
  'GET /index.html?q=1 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: t\r\nAccept: */*\r\nConnection: keep-alive\r\n\r\n',
  'POST /f HTTP/1.0\nContent-Length:  12 \nX: a\n  folded\n\n',
  '\r\nGET http://a:80/ HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n',
];

describe('partial feeds', () => {
  for (const msg of MESSAGES) {
    it(`gives the same request at every split point: ${JSON.stringify(msg.slice(0, 30))}`, () => {
      const full = parseRequestHead(b(msg)) as ParsedRequest;
      expect(full.kind).toBe('request');
      expect(full.consumed).toBe(msg.length);
      const buf = b(msg);
      for (let cut = 0; cut < buf.length; cut++) {
        // What the engine sees: the first `cut` bytes, then everything.
        expect(parseRequestHead(buf, 0, cut).kind, `cut ${cut}`).toBe('incomplete');
        expect(parseRequestHead(Buffer.concat([buf.subarray(0, cut), buf.subarray(cut)]))).toEqual(full);
      }
    });
  }

  it('finds an error as soon as the bad byte arrives', () => {
    const buf = b('GET /a HTTP/1.1\r\nBad Name: x\r\n');
    const at = buf.indexOf(' Name');
    expect(parseRequestHead(buf, 0, at).kind).toBe('incomplete');
    expect(parseRequestHead(buf, 0, at + 1)).toMatchObject({ kind: 'error', status: 400, offset: at });
  });

  it('does the same for responses', () => {
    const msg = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX: a\r\n b\r\n\r\n';
    const buf = b(msg);
    const full = parseResponseHead(buf);
    expect(full).toMatchObject({ kind: 'response', consumed: msg.length });
    for (let cut = 0; cut < buf.length; cut++) expect(parseResponseHead(buf, 0, cut).kind, `cut ${cut}`).toBe('incomplete');
  });
});
