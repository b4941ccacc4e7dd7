import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { chunkSizeLine, encodeChunked, lastChunk, rangesLength, writeChunked } from '../../../src/http/rechunk.js';

describe('rechunk', () => {
  it('writes sizes as upper-case hex without leading zeros', () => {
    expect(chunkSizeLine(10).toString()).toBe('A\r\n');
    expect(chunkSizeLine(0x1f2e).toString()).toBe('1F2E\r\n');
  });

  it('last chunk with and without trailers', () => {
    expect(lastChunk([]).toString()).toBe('0\r\n\r\n');
    expect(lastChunk(['x-a', '1', 'x-b', 'two']).toString()).toBe('0\r\nx-a: 1\r\nx-b: two\r\n\r\n');
  });

  it('writes the ranges of one read as one chunk', () => {
    const out = new PassThrough();
    const got: Buffer[] = [];
    out.on('data', (d: Buffer) => got.push(d));
    const buf = Buffer.from('5;e\r\nhello\r\n6\r\n world\r\n0\r\n\r\n');
    const ranges = [5, 10, 15, 21];
    expect(rangesLength(ranges)).toBe(11);
    const n = writeChunked(out, buf, ranges, lastChunk([]));
    expect(Buffer.concat(got).toString()).toBe('B\r\nhello world\r\n0\r\n\r\n');
    expect(n).toBe(Buffer.concat(got).length);
  });

  it('writes nothing for a read with framing only', () => {
    const out = new PassThrough();
    expect(writeChunked(out, Buffer.from('\r\n'), [], undefined)).toBe(0);
  });

  it('encodes kept payload as one chunk', () => {
    expect(Buffer.concat(encodeChunked([Buffer.from('ab'), Buffer.from('c')], lastChunk([]))).toString()).toBe('3\r\nabc\r\n0\r\n\r\n');
    expect(encodeChunked([], undefined)).toEqual([]);
  });
});
