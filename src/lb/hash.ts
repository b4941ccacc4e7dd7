/**
 * The hash functions of `hash-type` (sdbm, djb2, wt6, crc32, none) and the avalanche modifier,
 * re-implemented so that portico maps the same keys to the same servers as HAProxy.
 * All results are unsigned 32-bit integers.
 */

export type HashFunctionName = 'sdbm' | 'djb2' | 'wt6' | 'crc32' | 'none';
export type HashFunction = (key: Uint8Array) => number;

export function sdbm(key: Uint8Array): number {
  let h = 0;
  // h = c + (h << 6) + (h << 16) - h, modulo 2^32
  for (let i = 0; i < key.length; i++) h = (key[i]! + (h << 6) + (h << 16) - h) | 0;
  return h >>> 0;
}

export function djb2(key: Uint8Array): number {
  let h = 5381;
  for (let i = 0; i < key.length; i++) h = (Math.imul(h, 33) + key[i]!) | 0;
  return h >>> 0;
}

/** HAProxy's own hash: two state words rotated by amounts that depend on the data seen so far. */
export function wt6(key: Uint8Array): number {
  let h0 = 0xa53c965a | 0;
  let h1 = 0x5ca6953a | 0;
  let step0 = 6;
  let step1 = 18;
  for (let i = 0; i < key.length; i++) {
    const c = key[i]!;
    h0 = ~(h0 ^ c);
    h1 = ~(h1 + c);
    // A rotation by 0 must leave the word unchanged (in C, x >> 32 is undefined; x86 treats it as x >> 0).
    const t = rotl(h1, step0);
    h1 = rotl(h0, step1);
    h0 = t;
    const mix = ((h0 >>> 16) ^ h1) & 0xffff;
    step0 = mix & 0x1f;
    step1 = mix >>> 11;
  }
  return (h0 ^ h1) >>> 0;
}

function rotl(x: number, n: number): number {
  return n === 0 ? x | 0 : (x << n) | (x >>> (32 - n));
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** The usual reflected CRC-32 (Ethernet, gzip, PNG). */
export function crc32(key: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < key.length; i++) c = CRC_TABLE[(c ^ key[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * `none` (a portico extension taken from newer HAProxy; 2.6 refuses it): the key is a decimal number
 * used as the hash itself, e.g. after a converter has hashed it already.
 */
export function noHash(key: Uint8Array): number {
  let i = 0;
  let neg = false;
  if (key[0] === 0x2d || key[0] === 0x2b) {
    neg = key[0] === 0x2d;
    i = 1;
  }
  let v = 0n;
  for (; i < key.length && key[i]! >= 0x30 && key[i]! <= 0x39; i++) v = v * 10n + BigInt(key[i]! - 0x30);
  return Number(BigInt.asUintN(32, neg ? -v : v));
}

/** Bob Jenkins' 32-bit integer mix times a prime, HAProxy's "avalanche" modifier and its consistent-hash node keys. */
export function avalanche(a: number): number {
  a = (a + 0x7ed55d16 + (a << 12)) | 0;
  a = (a ^ 0xc761c23c ^ (a >>> 19)) | 0;
  a = (a + 0x165667b1 + (a << 5)) | 0;
  a = ((a + 0xd3a2646c) ^ (a << 9)) | 0;
  a = (a + 0xfd7046c5 + (a << 3)) | 0;
  a = (a ^ 0xb55a4f09 ^ (a >>> 16)) | 0;
  // HAProxy then multiplies by a large prime (about 3/4 of 2^32) to spread values over its trees.
  return Math.imul(a, 0xc0000001 | 0) >>> 0;
}

export const HASH_FUNCTIONS: Readonly<Record<HashFunctionName, HashFunction>> = {
  sdbm,
  djb2,
  wt6,
  crc32,
  none: noHash,
};

const encoder = new TextEncoder();

/**
 * The bytes HAProxy would hash for a string. HTTP heads arrive as latin1 strings (one char per byte);
 * anything wider is taken as UTF-8.
 */
export function keyBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) return encoder.encode(s);
    out[i] = c;
  }
  return out;
}
