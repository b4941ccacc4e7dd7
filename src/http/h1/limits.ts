/**
 * Size limits of HAProxy's HTTP/1 parsing, as parameters so `tune.bufsize`, `tune.maxrewrite` and
 * `tune.http.maxhdr` can change them.
 */
export interface H1Limits {
  /** tune.bufsize: the raw head must fit in one buffer of this size. */
  bufsize: number;
  /** tune.maxrewrite: space reserved for rewrites; HAProxy caps it at bufsize/2. */
  maxrewrite: number;
  /** tune.http.maxhdr: the header slots of a head, one of them taken by its end, so at most maxhdr - 1 headers. */
  maxhdr: number;
  /**
   * `option accept-invalid-http-request` (for request heads) or `-response` (for response heads):
   * accept what HAProxy then accepts (any byte but LF in header names, '#' and bytes 0x80-0xff in
   * the request target, a request target disagreeing with Host). Off when absent.
   */
  acceptInvalid?: boolean;
}

export const DEFAULT_H1_LIMITS: Readonly<H1Limits> = Object.freeze({ bufsize: 16384, maxrewrite: 1024, maxhdr: 101 });

/**
 * HAProxy reads a head into a buffer of tune.bufsize bytes less this reserve: a head that has not
 * ended within bufsize - 64 bytes gets a 400 (502 from a server) at once. Measured on haproxy
 * 2.6.12 with bufsize 1024 and 16384 and maxrewrite 64 and 512 (leading empty lines count too).
 */
export const INPUT_RESERVE = 64;

/** How many bytes of a message head HAProxy looks at before refusing it as too large. */
export function inputLimit(limits: H1Limits): number {
  return limits.bufsize - INPUT_RESERVE;
}

/** HAProxy stores header names with an 8-bit length. */
export const MAX_HEADER_NAME = 255;

/** Per-block overhead of HAProxy's internal message representation (HTX). */
export const HTX_BLOCK = 8;

/**
 * The largest head HAProxy accepts, in HTX bytes: start line = 8 + method + uri + version,
 * each header = 8 + name + value, end of headers = 8. Fitted on haproxy 2.6.12 with five
 * bufsize/maxrewrite pairs: everything above bufsize - min(maxrewrite, bufsize/2) - 69 is a 400.
 */
export function headBudget(limits: H1Limits): number {
  return limits.bufsize - Math.min(limits.maxrewrite, limits.bufsize >> 1) - 69;
}

/**
 * Head parsers decode a read of at most this many bytes whole before parsing, which costs less
 * than first searching the bytes for the end of the head; larger reads are decoded up to it.
 */
export const DECODE_WHOLE = 2048;

/**
 * What HAProxy 2.6 counts for a message's start line beyond its three words in the byte counts
 * of logs and stats (%U, %B, bin, bout); measured, see src/http/htx-size.ts.
 */
export const HTX_COUNTED_START_LINE = 21;
