/**
 * Dates inside insert-mode cookies (`SRV=s1|awHDO|awHDO`): a UNIX date in 4-second units,
 * 30 bits written as 5 base64 characters, most significant first.
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const REVERSE = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) REVERSE[ALPHABET.charCodeAt(i)] = i;

/** Encodes a 30-bit value as 5 characters. */
export function encodeS30(value: number): string {
  let out = '';
  for (let i = 4; i >= 0; i--) out += ALPHABET[(value >>> (6 * i)) & 63];
  return out;
}

/** Decodes 5 characters of `text` at `at`; -1 when one is outside the alphabet or missing. */
export function decodeS30(text: string, at: number): number {
  if (at + 5 > text.length) return -1;
  let out = 0;
  for (let i = 0; i < 5; i++) {
    const c = text.charCodeAt(at + i);
    const v = c < 128 ? REVERSE[c]! : -1;
    if (v < 0) return -1;
    out = out * 64 + v;
  }
  return out;
}

/** The date field HAProxy writes for "now": rounded up to the next 4-second step (+3, then /4). */
export function encodeCookieDate(nowSec: number): string {
  return encodeS30(Math.floor((nowSec + 3) / 4));
}

/** Seconds since the epoch encoded by a date field, or 0 when it does not decode to a positive value. */
export function decodeCookieDate(text: string, at: number): number {
  const v = decodeS30(text, at);
  return v > 0 ? v * 4 : 0;
}
