/** The "HTTP/x.y" token of start lines. */
import { CR, HT, LF, SP, VER_TOKEN } from './chars.js';

export const VERSION_MORE = -1;
export const VERSION_BAD = -2;

/**
 * Finds the end of the version token at `pos` as HAProxy's parser does: it takes A-Z, 0-9, '.'
 * and '/' while the line comes in and refuses any other byte at once; the format is checked only
 * when the token has ended (see versionNumber). A request line's version ends at CR or LF, a
 * status line's at a blank. Returns the position of the byte that ended the token, VERSION_MORE
 * when the text stops first, or VERSION_BAD.
 */
export function scanVersion(str: string, pos: number, end: number, statusLine: boolean): number {
  let c = 0;
  while (pos < end && VER_TOKEN[(c = str.charCodeAt(pos))] === 1) pos++;
  if (pos >= end) return VERSION_MORE;
  if (statusLine ? c === SP || c === HT : c === CR || c === LF) return pos;
  return VERSION_BAD;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/**
 * major*10+minor of the token str[pos, tokenEnd) when it is exactly "HTTP/" DIGIT "." DIGIT
 * (case-sensitive, as HAProxy), else VERSION_BAD.
 */
export function versionNumber(str: string, pos: number, tokenEnd: number): number {
  if (tokenEnd - pos !== 8) return VERSION_BAD;
  if (str.charCodeAt(pos) !== 0x48 || str.charCodeAt(pos + 1) !== 0x54 || str.charCodeAt(pos + 2) !== 0x54) return VERSION_BAD;
  if (str.charCodeAt(pos + 3) !== 0x50 || str.charCodeAt(pos + 4) !== 0x2f || str.charCodeAt(pos + 6) !== 0x2e) return VERSION_BAD;
  const major = str.charCodeAt(pos + 5);
  const minor = str.charCodeAt(pos + 7);
  if (!isDigit(major) || !isDigit(minor)) return VERSION_BAD;
  return (major - 0x30) * 10 + (minor - 0x30);
}

/** HAProxy forwards any version from 1.1 up as HTTP/1.1 and keeps older ones as written. */
export function versionString(v: number): string {
  if (v >= 11) return 'HTTP/1.1';
  if (v === 10) return 'HTTP/1.0';
  return `HTTP/${Math.floor(v / 10)}.${v % 10}`;
}
