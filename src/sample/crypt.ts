/**
 * crypt(3) password hashes that node:crypto can compute: MD5-crypt ($1$), SHA-256-crypt ($5$)
 * and SHA-512-crypt ($6$), following Ulrich Drepper's "Unix crypt using SHA-256 and SHA-512"
 * specification and the FreeBSD MD5 scheme. yescrypt ($y$, Debian's default), bcrypt ($2b$),
 * scrypt ($7$) and traditional DES are not supported: verifyCrypt returns undefined for them.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Three bytes (b2 most significant) as `n` characters of crypt's base-64, least significant first. */
function b64From24(b2: number, b1: number, b0: number, n: number): string {
  let w = (b2 << 16) | (b1 << 8) | b0;
  let out = '';
  for (let i = 0; i < n; i++) {
    out += ITOA64[w & 0x3f];
    w >>= 6;
  }
  return out;
}

/** `len` bytes made of `block` repeated (the P and S sequences of the SHA-crypt spec). */
function repeatTo(block: Buffer, len: number): Buffer {
  const out = Buffer.alloc(len);
  for (let off = 0; off < len; off += block.length) block.copy(out, off, 0, Math.min(block.length, len - off));
  return out;
}

function shaCrypt(algo: 'sha256' | 'sha512', id: '5' | '6', password: Buffer, setting: string): string {
  const size = algo === 'sha256' ? 32 : 64;
  let rest = setting;
  let rounds = 5000;
  let customRounds = false;
  const rm = /^rounds=(\d+)\$/.exec(rest);
  if (rm) {
    rounds = Math.min(999_999_999, Math.max(1000, Number(rm[1])));
    customRounds = true;
    rest = rest.slice(rm[0].length);
  }
  const dollar = rest.indexOf('$');
  const salt = Buffer.from((dollar >= 0 ? rest.slice(0, dollar) : rest).slice(0, 16), 'latin1');

  const b = createHash(algo).update(password).update(salt).update(password).digest();
  const a = createHash(algo).update(password).update(salt);
  a.update(repeatTo(b, password.length));
  for (let n = password.length; n > 0; n >>= 1) a.update(n & 1 ? b : password);
  let c = a.digest();

  const dp = createHash(algo);
  for (let i = 0; i < password.length; i++) dp.update(password);
  const p = repeatTo(dp.digest(), password.length);
  const ds = createHash(algo);
  for (let i = 0; i < 16 + c[0]!; i++) ds.update(salt);
  const s = repeatTo(ds.digest(), salt.length);

  for (let i = 0; i < rounds; i++) {
    const h = createHash(algo);
    h.update(i & 1 ? p : c);
    if (i % 3 !== 0) h.update(s);
    if (i % 7 !== 0) h.update(p);
    h.update(i & 1 ? c : p);
    c = h.digest();
  }

  // The digest bytes are emitted in groups of three taken from positions k, k+n, k+2n, rotated by
  // k mod 3 (in opposite directions for the two sizes).
  const third = size === 32 ? 10 : 21;
  let enc = '';
  for (let k = 0; k < third; k++) {
    const x = c[k]!;
    const y = c[k + third]!;
    const z = c[k + 2 * third]!;
    const r = size === 32 ? (3 - (k % 3)) % 3 : k % 3;
    if (r === 0) enc += b64From24(x, y, z, 4);
    else if (r === 1) enc += b64From24(y, z, x, 4);
    else enc += b64From24(z, x, y, 4);
  }
  enc += size === 32 ? b64From24(0, c[31]!, c[30]!, 3) : b64From24(0, 0, c[63]!, 2);
  return `$${id}$${customRounds ? `rounds=${rounds}$` : ''}${salt.toString('latin1')}$${enc}`;
}

function md5Crypt(password: Buffer, setting: string): string {
  const dollar = setting.indexOf('$');
  const salt = Buffer.from((dollar >= 0 ? setting.slice(0, dollar) : setting).slice(0, 8), 'latin1');
  const alt = createHash('md5').update(password).update(salt).update(password).digest();
  const ctx = createHash('md5').update(password).update('$1$').update(salt);
  ctx.update(repeatTo(alt, password.length));
  for (let n = password.length; n > 0; n >>= 1) ctx.update(n & 1 ? Buffer.from([0]) : password.subarray(0, 1));
  let fin = ctx.digest();
  for (let i = 0; i < 1000; i++) {
    const h = createHash('md5');
    h.update(i & 1 ? password : fin);
    if (i % 3 !== 0) h.update(salt);
    if (i % 7 !== 0) h.update(password);
    h.update(i & 1 ? fin : password);
    fin = h.digest();
  }
  let enc = '';
  for (let k = 0; k < 5; k++) enc += b64From24(fin[k]!, fin[k + 6]!, fin[k === 4 ? 5 : k + 12]!, 4);
  enc += b64From24(0, 0, fin[11]!, 2);
  return `$1$${salt.toString('latin1')}$${enc}`;
}

/** crypt(password, setting) for the supported schemes, or undefined when the scheme is unknown. */
export function crypt(password: string, setting: string): string | undefined {
  const pw = Buffer.from(password, 'utf8');
  if (setting.startsWith('$6$')) return shaCrypt('sha512', '6', pw, setting.slice(3));
  if (setting.startsWith('$5$')) return shaCrypt('sha256', '5', pw, setting.slice(3));
  if (setting.startsWith('$1$')) return md5Crypt(pw, setting.slice(3));
  return undefined;
}

export function isSupportedCrypt(hash: string): boolean {
  return hash.startsWith('$6$') || hash.startsWith('$5$') || hash.startsWith('$1$');
}

/** true/false when the scheme is supported, undefined when it is not. */
export function verifyCrypt(password: string, hash: string): boolean | undefined {
  const computed = crypt(password, hash);
  if (computed === undefined) return undefined;
  const a = Buffer.from(computed);
  const b = Buffer.from(hash);
  return a.length === b.length && timingSafeEqual(a, b);
}
