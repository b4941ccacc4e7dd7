/**
 * HAProxy's log escaping (manual 8.6): bytes outside 32..126 and a few delimiters become '#'
 * followed by two hexadecimal digits ('#' itself is "#23").
 */
const HEX = '0123456789ABCDEF';

function escapeWith(s: string, extra: string): string {
  let out: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 32 && c <= 126 && c !== 35 && !extra.includes(s[i]!)) {
      if (out !== undefined) out += s[i];
      continue;
    }
    if (out === undefined) out = s.slice(0, i);
    const b = c & 0xff;
    out += `#${HEX[b >> 4]}${HEX[b & 15]}`;
  }
  return out ?? s;
}

/** The request line (%r): '"' and '#' and non-printable bytes. */
export function escapeRequestLine(s: string): string {
  return escapeWith(s, '"');
}

/** Captured headers and cookies (%hr, %hs, %CC, %CS): also '{', '|' and '}'. */
export function escapeCapture(s: string): string {
  return escapeWith(s, '"{|}');
}
