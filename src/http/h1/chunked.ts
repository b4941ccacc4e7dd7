/**
 * Chunked transfer coding (RFC 9112 7.1): a streaming decoder that validates the framing
 * without copying the data, and an encoder for re-chunking.
 *
 * HAProxy 2.6 rules (checked on loopback): chunk sizes are hex with any number of leading zeros
 * and must stay below 2^52 (13 significant hex digits); blanks may follow the size; a chunk
 * extension after ';' is skipped whatever it holds except a lone CR; bare LF line ends are
 * accepted; the CRLF after the data is mandatory; trailers follow the header-field rules of a
 * request head (see feedTrailers).
 */
import type { HeaderList } from '../message.js';
import { CR, HT, LF, SP, latin1 } from './chars.js';
import { FieldScan, SCAN_ERROR, SCAN_MORE, TE_LAST_CHUNKED, TE_SEEN, dropScannedHeader, scanFields } from './fields.js';
import { DEFAULT_H1_LIMITS, type H1Limits } from './limits.js';
import { h1Error, type H1Error } from './types.js';

const MAX_CHUNK_SIZE = 2 ** 52;

const enum St {
  SizeStart,
  Size,
  SizeBlank,
  Ext,
  SizeLf,
  Data,
  DataEnd,
  DataLf,
  Trailers,
  Done,
  Failed,
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  if (l >= 0x61 && l <= 0x66) return l - 0x61 + 10;
  return -1;
}

export class ChunkedDecoder {
  /** set once the last chunk and the trailers have been read */
  done = false;
  /** set on malformed framing; feed() then consumes nothing more */
  error: H1Error | undefined = undefined;
  /** trailer fields (lower-cased names), once done */
  trailers: HeaderList = [];
  /** payload bytes seen so far (without the framing) */
  bodyBytes = 0;

  private state = St.SizeStart;
  private size = 0;
  private remaining = 0;
  /** bytes fed so far, to report error offsets */
  private offset = 0;
  private trailerBytes: Buffer | undefined = undefined;
  private readonly limits: H1Limits;
  private readonly errorStatus: number;

  /** errorStatus: 400 when decoding a request body, 502 for a response body. */
  constructor(limits: H1Limits = DEFAULT_H1_LIMITS, errorStatus = 400) {
    this.limits = limits;
    this.errorStatus = errorStatus;
  }

  /**
   * Decodes buf[start, end). Returns how many bytes belong to this body: fewer than offered only
   * when the body ended (the rest is the next message) or on error. When `ranges` is given,
   * pushes [from, to) pairs of payload bytes inside buf.
   */
  feed(buf: Buffer, start: number, end: number, ranges?: number[]): number {
    let pos = start;
    while (pos < end) {
      switch (this.state) {
        case St.Data: {
          const take = Math.min(this.remaining, end - pos);
          if (ranges) ranges.push(pos, pos + take);
          this.bodyBytes += take;
          this.remaining -= take;
          pos += take;
          if (this.remaining === 0) this.state = St.DataEnd;
          break;
        }
        case St.SizeStart:
        case St.Size: {
          const c = buf[pos]!;
          const h = hexValue(c);
          if (h >= 0) {
            this.size = this.size * 16 + h;
            if (this.size >= MAX_CHUNK_SIZE) return this.fail('chunk size too large', pos, start);
            this.state = St.Size;
            pos++;
          } else if (this.state === St.SizeStart) {
            return this.fail('invalid chunk size', pos, start);
          } else {
            this.state = St.SizeBlank;
          }
          break;
        }
        case St.SizeBlank: {
          const c = buf[pos]!;
          if (c === SP || c === HT) pos++;
          else if (c === 0x3b) {
            this.state = St.Ext;
            pos++;
          } else if (c === CR) {
            this.state = St.SizeLf;
            pos++;
          } else if (c === LF) {
            pos++;
            this.sizeLineDone();
          } else return this.fail('invalid chunk size line', pos, start);
          break;
        }
        case St.Ext: {
          // Skip the extension up to the end of the line.
          const c = buf[pos]!;
          pos++;
          if (c === CR) this.state = St.SizeLf;
          else if (c === LF) this.sizeLineDone();
          break;
        }
        case St.SizeLf:
          if (buf[pos] !== LF) return this.fail('lone CR in chunk size line', pos, start);
          pos++;
          this.sizeLineDone();
          break;
        case St.DataEnd: {
          const c = buf[pos]!;
          if (c === CR) this.state = St.DataLf;
          else if (c === LF) this.state = St.SizeStart;
          else return this.fail('missing CRLF after chunk data', pos, start);
          pos++;
          break;
        }
        case St.DataLf:
          if (buf[pos] !== LF) return this.fail('missing CRLF after chunk data', pos, start);
          pos++;
          this.state = St.SizeStart;
          break;
        case St.Trailers:
          return this.feedTrailers(buf, pos, end, start);
        case St.Done:
        case St.Failed:
          this.offset += pos - start;
          return pos - start;
      }
    }
    this.offset += pos - start;
    return pos - start;
  }

  private sizeLineDone(): void {
    if (this.size === 0) {
      this.state = St.Trailers;
      return;
    }
    this.remaining = this.size;
    this.size = 0;
    this.state = St.Data;
  }

  /**
   * Trailers are rare: collect their bytes and run the header-field scanner over them. HAProxy
   * parses a trailer block as a request's header block whatever the message (h1_parse_msg_tlrs):
   * Content-Length, Transfer-Encoding and Host get the same checks and merges, and a coding list
   * must end with chunked. Header names: haproxy 2.6.12 takes invalid ones (as with accept-invalid)
   * in some processes and refuses them in others, decided when the process starts (seen on
   * loopback, 6 starts); portico always refuses them, the safe one of the two.
   */
  private feedTrailers(buf: Buffer, pos: number, end: number, start: number): number {
    const before = this.trailerBytes ? this.trailerBytes.length : 0;
    const chunk = buf.subarray(pos, end);
    const all = this.trailerBytes ? Buffer.concat([this.trailerBytes, chunk]) : chunk;
    const s = new FieldScan(false, this.errorStatus, true);
    const r = scanFields(s, latin1(all, 0, all.length), 0, all.length, this.limits.maxhdr - 1, 0);
    if (r === SCAN_ERROR) return this.fail(s.errMsg, pos + Math.max(0, s.errPos - before), start);
    if (r === SCAN_MORE) {
      if (all.length >= this.limits.bufsize) return this.fail('trailers too large', end, start);
      this.trailerBytes = Buffer.from(all); // own the bytes: the caller may reuse buf
      this.offset += end - start;
      return end - start;
    }
    const tailEnd = pos + (r - before);
    if (s.te & TE_SEEN && !(s.te & TE_LAST_CHUNKED)) return this.fail('Transfer-Encoding without final chunked in trailers', tailEnd, start);
    if (s.te & TE_LAST_CHUNKED && s.clCount > 0) dropScannedHeader(s, 'content-length');
    this.trailerBytes = undefined;
    this.trailers = s.headers;
    this.state = St.Done;
    this.done = true;
    const used = pos + (r - before) - start;
    this.offset += used;
    return used;
  }

  private fail(message: string, at: number, start: number): number {
    this.state = St.Failed;
    this.error = h1Error(this.errorStatus, message, this.offset + (at - start));
    this.offset += at - start;
    return at - start;
  }
}

/** A content-length body: counts how many of the offered bytes belong to it. */
export class LengthBody {
  constructor(public remaining: number) {}

  get done(): boolean {
    return this.remaining === 0;
  }

  /** Returns how many of `available` bytes are body bytes. */
  take(available: number): number {
    const n = Math.min(this.remaining, available);
    this.remaining -= n;
    return n;
  }
}

const CRLF = Buffer.from('\r\n', 'latin1');
/** The last chunk with no trailers. */
export const LAST_CHUNK: Buffer = Buffer.from('0\r\n\r\n', 'latin1');

/** "<hex size>\r\n" for a chunk of `size` bytes (size > 0). */
export function chunkHeader(size: number): Buffer {
  return Buffer.from(`${size.toString(16)}\r\n`, 'latin1');
}

/** The buffers that carry `data` as one chunk (nothing for empty data, which would end the body). */
export function encodeChunk(data: Buffer): Buffer[] {
  if (data.length === 0) return [];
  return [chunkHeader(data.length), data, CRLF];
}

/** The last chunk, with trailer fields if any. */
export function encodeLastChunk(trailers: HeaderList = []): Buffer {
  if (trailers.length === 0) return LAST_CHUNK;
  let s = '0\r\n';
  for (let i = 0; i + 1 < trailers.length; i += 2) s += `${trailers[i]}: ${trailers[i + 1]}\r\n`;
  return Buffer.from(`${s}\r\n`, 'latin1');
}
