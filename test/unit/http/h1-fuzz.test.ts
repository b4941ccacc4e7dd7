import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { HttpRequestHead } from '../../../src/http/message.js';
import { parseRequestHead } from '../../../src/http/h1/request.js';
import { parseResponseHead } from '../../../src/http/h1/response.js';
import { ChunkedDecoder, encodeChunk, encodeLastChunk } from '../../../src/http/h1/chunked.js';
import { serializeRequestHead } from '../../../src/http/h1/serialize.js';

const RUNS = 300;

const chars = (s: string) => [...s];
const TCHAR = chars("abcdefghijklmnopqrstuvwxyz0123456789-!#$%&'*+.^_`|~");
const URI = chars('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~/?&=%:@!$()*+,;');
const VALUE = chars('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 \t-_.,;:/"()=<>?@[]{}\u00e9\u00ff');
const SPECIAL = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'upgrade', 'expect', 'sec-websocket-key']);

const word = (alphabet: string[], min: number, max: number) =>
  fc.array(fc.constantFrom(...alphabet), { minLength: min, maxLength: max }).map((a) => a.join(''));

const headerName = word(TCHAR, 1, 20).filter((n) => !SPECIAL.has(n));
// Values as the parser returns them: no blanks at either end.
const headerValue = word(VALUE, 0, 40).map((v) => v.replace(/^[ \t]+|[ \t]+$/g, ''));

const head = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'OPTIONS', 'PATCH', 'PROPFIND'),
  uri: word(URI, 0, 60).map((u) => `/${u}`),
  version: fc.constantFrom('HTTP/1.1', 'HTTP/1.0'),
  headers: fc.array(fc.tuple(headerName, headerValue), { maxLength: 20 }).map((pairs) => pairs.flat()),
});

type Body = { kind: 'none' } | { kind: 'length'; data: Buffer } | { kind: 'chunked'; chunks: Buffer[] };
const body: fc.Arbitrary<Body> = fc.oneof(
  fc.constant({ kind: 'none' as const }),
  fc.uint8Array({ minLength: 1, maxLength: 50 }).map((d) => ({ kind: 'length' as const, data: Buffer.from(d) })),
  fc
    .array(fc.uint8Array({ minLength: 1, maxLength: 30 }), { maxLength: 4 })
    .map((cs) => ({ kind: 'chunked' as const, chunks: cs.map((c) => Buffer.from(c)) })),
);

interface Framed {
  head: HttpRequestHead;
  body: Buffer;
  wire: Buffer;
}

function frame(h: HttpRequestHead, bd: Body): Framed {
  const headers = [...h.headers];
  const parts: Buffer[] = [];
  let payload = Buffer.alloc(0);
  if (bd.kind === 'length') {
    headers.push('content-length', String(bd.data.length));
    parts.push(bd.data);
    payload = bd.data;
  } else if (bd.kind === 'chunked') {
    headers.push('transfer-encoding', 'chunked');
    for (const c of bd.chunks) parts.push(...encodeChunk(c));
    parts.push(encodeLastChunk());
    payload = Buffer.concat(bd.chunks);
  }
  // HAProxy refuses (413) an HTTP/1.0 GET with a body: send those as HTTP/1.1.
  const version = bd.kind !== 'none' && h.method === 'GET' ? 'HTTP/1.1' : h.version;
  const full = { ...h, version, headers };
  return { head: full, body: payload, wire: Buffer.concat([serializeRequestHead(full), ...parts]) };
}

/** Parses a stream fed in pieces, the way the engine accumulates socket reads. */
function parseStream(wire: Buffer, cuts: number[]): Array<{ head: HttpRequestHead; body: Buffer }> {
  const out: Array<{ head: HttpRequestHead; body: Buffer }> = [];
  const points = [...new Set(cuts.map((c) => c % (wire.length + 1)))].sort((a, b) => a - b);
  points.push(wire.length);
  let pending = Buffer.alloc(0);
  let cur: { head: HttpRequestHead; chunks: Buffer[]; remaining: number; dec: ChunkedDecoder | undefined } | undefined;
  let last = 0;
  for (const p of points) {
    pending = Buffer.concat([pending, wire.subarray(last, p)]);
    last = p;
    for (let guard = 0; guard < 1000; guard++) {
      if (!cur) {
        const r = parseRequestHead(pending);
        if (r.kind === 'incomplete') break;
        if (r.kind === 'error') throw new Error(`error ${r.status} ${r.message}`);
        pending = pending.subarray(r.consumed);
        cur = { head: r.head, chunks: [], remaining: r.contentLength, dec: r.framing === 'chunked' ? new ChunkedDecoder() : undefined };
      }
      if (cur.dec) {
        const ranges: number[] = [];
        const used = cur.dec.feed(pending, 0, pending.length, ranges);
        for (let i = 0; i < ranges.length; i += 2) cur.chunks.push(Buffer.from(pending.subarray(ranges[i], ranges[i + 1])));
        pending = pending.subarray(used);
        if (!cur.dec.done) break;
      } else {
        const n = Math.min(cur.remaining, pending.length);
        cur.chunks.push(Buffer.from(pending.subarray(0, n)));
        pending = pending.subarray(n);
        cur.remaining -= n;
        if (cur.remaining > 0) break;
      }
      out.push({ head: cur.head, body: Buffer.concat(cur.chunks) });
      cur = undefined;
    }
  }
  return out;
}

describe('h1 fuzz', () => {
  it('never throws on random bytes, and a parsed head never claims more bytes than given', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const buf = Buffer.from(bytes);
        for (const r of [parseRequestHead(buf), parseResponseHead(buf)]) {
          if (r.kind === 'request' || r.kind === 'response') expect(r.consumed).toBeLessThanOrEqual(buf.length);
          if (r.kind === 'error') expect(r.status).toBeGreaterThanOrEqual(400);
        }
        const d = new ChunkedDecoder();
        expect(d.feed(buf, 0, buf.length)).toBeLessThanOrEqual(buf.length);
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it('never throws on mutated valid requests', () => {
    fc.assert(
      fc.property(head, body, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 5 }), (h, bd, muts) => {
        const wire = Buffer.from(frame(h, bd).wire);
        for (const [at, byte] of muts) wire[at % wire.length] = byte;
        const r = parseRequestHead(wire);
        expect(['request', 'incomplete', 'error']).toContain(r.kind);
        if (r.kind === 'request') expect(r.consumed).toBeLessThanOrEqual(wire.length);
      }),
      { numRuns: RUNS },
    );
  });

  it('round-trips serialize → parse for valid heads', () => {
    fc.assert(
      fc.property(head, (h) => {
        const wire = serializeRequestHead(h);
        const r = parseRequestHead(wire);
        expect(r.kind).toBe('request');
        if (r.kind !== 'request') return;
        expect(r.head).toEqual(h);
        expect(r.consumed).toBe(wire.length);
      }),
      { numRuns: RUNS },
    );
  });

  it('parses exactly the framed requests of a pipelined stream, however it is split', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(head, body), { minLength: 1, maxLength: 5 }), fc.array(fc.nat(), { maxLength: 8 }), (reqs, cuts) => {
        const framed = reqs.map(([h, bd]) => frame(h, bd));
        const wire = Buffer.concat(framed.map((f) => f.wire));
        const got = parseStream(wire, cuts);
        expect(got.length).toBe(framed.length);
        for (let i = 0; i < got.length; i++) {
          expect(got[i]!.head).toEqual(framed[i]!.head);
          expect(got[i]!.body.equals(framed[i]!.body)).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
