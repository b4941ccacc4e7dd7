/**
 * Size limits of HAProxy's HTTP/1 parsing, as parameters so `tune.bufsize`, `tune.maxrewrite` and
 * `tune.http.maxhdr` can change them.
 */
export interface H1Limits {
  /** tune.bufsize: the raw head must fit in one buffer of this size. */
  bufsize: number;
  /** tune.maxrewrite: space reserved for rewrites; HAProxy caps it at bufsize/2. */
  maxrewrite: number;
  /** tune.http.maxhdr: counts the start line, so at most maxhdr - 1 header lines. */
  maxhdr: number;
}

export const DEFAULT_H1_LIMITS: Readonly<H1Limits> = Object.freeze({ bufsize: 16384, maxrewrite: 1024, maxhdr: 101 });

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
