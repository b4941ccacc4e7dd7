/**
 * Chunked bodies leave portico re-framed, as HAProxy 2.6's H1 layer writes them (checked on
 * loopback against haproxy 2.6): the payload that is at hand when it is sent goes out as one
 * chunk whose size is upper-case hex without leading zeros, chunk extensions are dropped, line
 * ends are CRLF, and the last chunk carries the trailers with lower-case names.
 *
 * The chunk decoder (h1/chunked.ts) reports where the payload bytes of each read are; these
 * helpers write them back with the new framing, without copying the payload.
 */
import type { Writable } from 'node:stream';
import type { HeaderList } from './message.js';

export const CRLF = Buffer.from('\r\n', 'latin1');
const LAST_CHUNK = Buffer.from('0\r\n\r\n', 'latin1');

/** "<SIZE>\r\n" for a chunk of `size` bytes (size > 0), upper-case hex as HAProxy writes it. */
export function chunkSizeLine(size: number): Buffer {
  return Buffer.from(`${size.toString(16).toUpperCase()}\r\n`, 'latin1');
}

/** The last chunk: "0", the trailer fields if any, the empty line. */
export function lastChunk(trailers: HeaderList): Buffer {
  if (trailers.length === 0) return LAST_CHUNK;
  let s = '0\r\n';
  for (let i = 0; i + 1 < trailers.length; i += 2) s += `${trailers[i]}: ${trailers[i + 1]}\r\n`;
  return Buffer.from(`${s}\r\n`, 'latin1');
}

/** Total payload bytes of [from, to) pairs. */
export function rangesLength(ranges: readonly number[]): number {
  let n = 0;
  for (let i = 0; i + 1 < ranges.length; i += 2) n += ranges[i + 1]! - ranges[i]!;
  return n;
}

/**
 * Writes the payload of `buf` at `ranges` as one chunk (nothing when there is none), then the
 * last chunk when `last` is given, to `out` in one corked burst. Returns the bytes written; the
 * caller checks `writableNeedDrain` for back-pressure.
 */
export function writeChunked(out: Writable, buf: Buffer, ranges: readonly number[], last: Buffer | undefined): number {
  const size = rangesLength(ranges);
  if (size === 0 && last === undefined) return 0;
  let bytes = 0;
  out.cork();
  if (size > 0) {
    const line = chunkSizeLine(size);
    out.write(line);
    for (let i = 0; i + 1 < ranges.length; i += 2) {
      if (ranges[i + 1]! > ranges[i]!) out.write(buf.subarray(ranges[i]!, ranges[i + 1]!));
    }
    out.write(CRLF);
    bytes += line.length + size + 2;
  }
  if (last !== undefined) {
    out.write(last);
    bytes += last.length;
  }
  out.uncork();
  return bytes;
}

/** The bytes of payload `parts` (already decoded) as one chunk, plus the last chunk when given. */
export function encodeChunked(parts: readonly Buffer[], last: Buffer | undefined): Buffer[] {
  let size = 0;
  for (const p of parts) size += p.length;
  const out: Buffer[] = [];
  if (size > 0) out.push(chunkSizeLine(size), ...parts, CRLF);
  if (last !== undefined) out.push(last);
  return out;
}
