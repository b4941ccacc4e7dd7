/** Byte classification tables for the HTTP/1 parsers (one lookup per byte, no regex on the hot path). */

export const SP = 0x20;
export const HT = 0x09;
export const CR = 0x0d;
export const LF = 0x0a;
export const COLON = 0x3a;

/**
 * tchar (RFC 9110 token characters): 1 for lower-case-safe bytes, 2 for A-Z, 0 for anything else.
 * OR-ing the values while scanning tells whether a name needs lower-casing.
 */
export const TOKEN = new Uint8Array(256);
for (let c = 0x30; c <= 0x39; c++) TOKEN[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) TOKEN[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) TOKEN[c] = 2;
for (const ch of "!#$%&'*+-.^_`|~") TOKEN[ch.charCodeAt(0)] = 1;

/** Bytes HAProxy 2.6 accepts inside a request target: visible ASCII except '#'. */
export const URI_CHAR = new Uint8Array(256);
for (let c = 0x21; c <= 0x7e; c++) URI_CHAR[c] = 1;
URI_CHAR[0x23] = 0;

export function isLws(c: number): boolean {
  return c === SP || c === HT;
}

interface Latin1Buffer extends Buffer {
  latin1Slice(start: number, end: number): string;
}

/** Decodes bytes as latin1 without the encoding dispatch of toString (Node's internal fast path). */
export function latin1(buf: Buffer, start: number, end: number): string {
  return (buf as Latin1Buffer).latin1Slice(start, end);
}

/** ASCII case-insensitive equality against a lower-case literal. */
export function equalsLower(s: string, lower: string): boolean {
  if (s.length !== lower.length) return false;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}
