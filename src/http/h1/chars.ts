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

/** Bytes HAProxy's parser lets into an HTTP version token while the line is still coming: A-Z, 0-9, '.', '/'. */
export const VER_TOKEN = new Uint8Array(256);
for (let c = 0x41; c <= 0x5a; c++) VER_TOKEN[c] = 1;
for (let c = 0x30; c <= 0x39; c++) VER_TOKEN[c] = 1;
VER_TOKEN[0x2e] = 1;
VER_TOKEN[0x2f] = 1;

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

/** ASCII-only case-insensitive equality of two strings (C's tolower: latin1 letters are not folded). */
export function sameAsciiCaseless(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0x41 && x <= 0x5a) x |= 0x20;
    if (y >= 0x41 && y <= 0x5a) y |= 0x20;
    if (x !== y) return false;
  }
  return true;
}

/** Lower-cases A-Z only, as HAProxy does for header names (latin1 letters stay as they are). */
export function asciiLower(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) {
      let out = s.slice(0, i);
      for (let j = i; j < s.length; j++) {
        const d = s.charCodeAt(j);
        out += d >= 0x41 && d <= 0x5a ? String.fromCharCode(d | 0x20) : s[j];
      }
      return out;
    }
  }
  return s;
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
