/** The "HTTP/x.y" token of start lines. */

export const VERSION_MORE = -1;
export const VERSION_BAD = -2;

const PATTERN = [0x48, 0x54, 0x54, 0x50, 0x2f]; // "HTTP/"

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/**
 * Matches exactly "HTTP/" DIGIT "." DIGIT at pos (case-sensitive, as HAProxy).
 * Returns major*10+minor, VERSION_MORE when the bytes stop inside a valid prefix, or VERSION_BAD.
 */
export function matchVersion(str: string, pos: number, end: number): number {
  for (let i = 0; i < 8; i++) {
    if (pos + i >= end) return VERSION_MORE;
    const c = str.charCodeAt(pos + i);
    if (i < 5) {
      if (c !== PATTERN[i]) return VERSION_BAD;
    } else if (i === 6) {
      if (c !== 0x2e) return VERSION_BAD;
    } else if (!isDigit(c)) {
      return VERSION_BAD;
    }
  }
  return (str.charCodeAt(pos + 5) - 0x30) * 10 + (str.charCodeAt(pos + 7) - 0x30);
}

/** HAProxy forwards any version from 1.1 up as HTTP/1.1 and keeps older ones as written. */
export function versionString(v: number): string {
  if (v >= 11) return 'HTTP/1.1';
  if (v === 10) return 'HTTP/1.0';
  return `HTTP/${Math.floor(v / 10)}.${v % 10}`;
}
