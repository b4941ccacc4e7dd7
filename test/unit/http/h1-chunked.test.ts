import { describe, expect, it } from 'vitest';
import { ChunkedDecoder, LengthBody, encodeChunk, encodeLastChunk } from '../../../src/http/h1/chunked.js';
import { CHUNKED_CASES as CASES } from './chunked-cases.js';

const b = (s: string) => Buffer.from(s, 'latin1');

interface Decoded {
  used: number;
  data: string;
  done: boolean;
  error: number | undefined;
  trailers: string[];
}

/** Feeds `raw` in pieces of `step` bytes (the last piece may be shorter), collecting payload ranges. */
function decode(raw: string, step = raw.length, status = 400): Decoded {
  const d = new ChunkedDecoder(undefined, status);
  const buf = b(raw);
  let used = 0;
  let data = '';
  for (let off = 0; off < buf.length && !d.done && !d.error; off += step) {
    const end = Math.min(off + step, buf.length);
    const ranges: number[] = [];
    const n = d.feed(buf, off, end, ranges);
    for (let i = 0; i < ranges.length; i += 2) data += buf.toString('latin1', ranges[i], ranges[i + 1]);
    used += n;
    if (n < end - off) break;
  }
  return { used, data, done: d.done, error: d.error?.status, trailers: d.trailers };
}

describe('chunked decoder', () => {
  for (const [name, raw, status] of CASES) {
    it(`${name}`, () => {
      const r = decode(raw);
      if (status === 0) {
        expect(r.error).toBeUndefined();
        expect(r.done).toBe(true);
        expect(r.used).toBe(raw.length);
      } else if (status === -1) {
        expect([r.error, r.done]).toEqual([undefined, false]);
      } else {
        expect(r.error).toBe(status);
      }
    });
  }

  it('yields the payload without framing and reads trailers', () => {
    const r = decode('5;x=y\r\nhello\r\n6\r\n world\r\n0\r\nX-Sum: 1\r\n\r\n');
    expect(r.data).toBe('hello world');
    expect(r.trailers).toEqual(['x-sum', '1']);
  });

  it('gives the same result whatever the split', () => {
    const raw = '5;x=y\r\nhello\r\na\r\n0123456789\r\n0\r\nT: v\r\n\r\n';
    for (let step = 1; step <= raw.length; step++) {
      const r = decode(raw, step);
      expect([r.data, r.done, r.used, r.trailers], `step ${step}`).toEqual(['hello0123456789', true, raw.length, ['t', 'v']]);
    }
  });

  it('stops at the end of the body and leaves the next message', () => {
    const raw = '3\r\nabc\r\n0\r\n\r\nGET / HTTP/1.1\r\n\r\n';
    const r = decode(raw);
    expect(r.used).toBe(raw.indexOf('GET'));
    const withTrailers = '0\r\nA: b\r\n\r\nNEXT';
    expect(decode(withTrailers, 3).used).toBe(withTrailers.length - 4);
  });

  it('reports errors with the response status and an offset', () => {
    const d = new ChunkedDecoder(undefined, 502);
    const buf = b('5\r\nhelloXX');
    expect(d.feed(buf, 0, buf.length)).toBe(8);
    expect(d.error).toMatchObject({ status: 502, offset: 8 });
    expect(d.feed(buf, 0, buf.length)).toBe(0);
  });

  it('refuses oversized trailers', () => {
    const raw = `0\r\nX: ${'a'.repeat(20000)}`;
    expect(decode(raw, 1000).error).toBe(400);
  });
});

describe('chunk encoder and length body', () => {
  it('round-trips through the decoder', () => {
    const parts = [...encodeChunk(b('hello')), ...encodeChunk(b('')), ...encodeChunk(b('x'.repeat(300))), encodeLastChunk(['a', 'b'])];
    const wire = Buffer.concat(parts).toString('latin1');
    expect(wire.startsWith('5\r\nhello\r\n12c\r\n')).toBe(true);
    const r = decode(wire);
    expect([r.data, r.done, r.trailers]).toEqual([`hello${'x'.repeat(300)}`, true, ['a', 'b']]);
    expect(encodeLastChunk().toString()).toBe('0\r\n\r\n');
  });

  it('counts a content-length body', () => {
    const l = new LengthBody(10);
    expect([l.take(4), l.done]).toEqual([4, false]);
    expect([l.take(100), l.done, l.remaining]).toEqual([6, true, 0]);
    expect(l.take(5)).toBe(0);
  });
});
