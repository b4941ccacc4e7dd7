/**
 * How each hash-based algorithm turns a request into the 32-bit hash HAProxy would compute
 * (backend.c's get_server_sh/uh/ph/hh/rch), given the `hash-type` function and modifier.
 */
import type { HashTypeConfig } from './config.js';
import { avalanche, HASH_FUNCTIONS, keyBytes } from './hash.js';

export type Hasher = (key: Uint8Array) => number;

/** The configured function, followed by the avalanche mix when asked. */
export function makeHasher(t: HashTypeConfig): Hasher {
  const fn = HASH_FUNCTIONS[t.fn];
  return t.avalanche ? (k) => avalanche(fn(k)) : fn;
}

/**
 * `balance source`: HAProxy does not run the hash function on addresses; it XORs the address's 32-bit
 * big-endian words (one for IPv4, four for IPv6), then applies avalanche if configured.
 * Undefined for anything that is not an IP address (e.g. a unix socket), which falls back to round robin.
 */
export function sourceHash(src: string, withAvalanche: boolean): number | undefined {
  const v4 = parseIPv4(src.startsWith('::ffff:') && src.includes('.') ? src.slice(7) : src);
  let h: number;
  if (v4 !== undefined) h = v4;
  else {
    const v6 = parseIPv6(src);
    if (!v6) return undefined;
    h = (v6[0]! ^ v6[1]! ^ v6[2]! ^ v6[3]!) >>> 0;
  }
  return withAvalanche ? avalanche(h) : h;
}

function parseIPv4(s: string): number | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0;
  for (const p of parts) {
    if (!/^[0-9]{1,3}$/.test(p) || Number(p) > 255) return undefined;
    v = v * 256 + Number(p);
  }
  return v;
}

/** The four 32-bit words of an IPv6 address, or undefined. Accepts "::" and a trailing dotted quad. */
function parseIPv6(s: string): number[] | undefined {
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const items = part.split(':');
    for (let i = 0; i < items.length; i++) {
      const it = items[i]!;
      if (i === items.length - 1 && it.includes('.')) {
        const v4 = parseIPv4(it);
        if (v4 === undefined) return undefined;
        out.push(v4 >>> 16, v4 & 0xffff);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(it)) out.push(parseInt(it, 16));
      else return undefined;
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  return [0, 1, 2, 3].map((i) => ((all[2 * i]! << 16) | all[2 * i + 1]!) >>> 0);
}

export interface UriKeyOptions {
  whole: boolean;
  /** 0 = no limit */
  len: number;
  /** 0 = no limit */
  depth: number;
  pathOnly: boolean;
}

/**
 * The part of the URI `balance uri` hashes: up to '?' unless `whole`, at most `len` characters, and
 * stopping before the slash that would start directory level depth+1.
 */
export function uriKey(uri: string, o: UriKeyOptions): string {
  if (o.pathOnly) uri = pathOf(uri);
  let n = o.len && uri.length > o.len ? o.len : uri.length;
  let end = 0;
  let slashes = 0;
  for (; n > 0; n--, end++) {
    const c = uri.charCodeAt(end);
    if (c === 0x2f /* / */) {
      slashes++;
      if (o.depth && slashes === o.depth + 1) break;
    } else if (c === 0x3f /* ? */ && !o.whole) break;
  }
  return uri.slice(0, end);
}

/** The path (with its query) of an origin-form or absolute-form URI; "" when there is none. */
function pathOf(uri: string): string {
  if (uri.startsWith('/')) return uri;
  const scheme = uri.indexOf('://');
  if (scheme < 0) return '';
  const slash = uri.indexOf('/', scheme + 3);
  return slash < 0 ? '' : uri.slice(slash);
}

/**
 * The value of `name=` in the query string of `uri`, up to the next '&'. Names match case-sensitively;
 * an empty value is still a value (it hashes to the same server every time).
 */
export function urlParamValue(uri: string, name: string): string | undefined {
  const q = uri.indexOf('?');
  if (q < 0) return undefined;
  return findParam(uri, q + 1, name, false);
}

/**
 * The same search in a POST body (`check_post`). Like HAProxy, the value is given up when it does not
 * look URL-encoded: a first character that is a space or line end gives an empty value, another
 * non-token character gives none.
 */
export function postParamValue(body: string, name: string): string | undefined {
  return findParam(body, 0, name, true);
}

function findParam(s: string, from: number, name: string, body: boolean): string | undefined {
  let p = from;
  while (s.length - p > name.length) {
    if (s.charCodeAt(p + name.length) === 0x3d /* = */ && s.startsWith(name, p)) {
      const start = p + name.length + 1;
      if (body && start < s.length && !isToken(s.charCodeAt(start))) {
        if (isLws(s.charCodeAt(start))) return '';
        return undefined;
      }
      const amp = s.indexOf('&', start);
      return s.slice(start, amp < 0 ? s.length : amp);
    }
    const amp = s.indexOf('&', p);
    if (amp < 0) return undefined;
    p = amp + 1;
  }
  return undefined;
}

function isLws(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

function isToken(c: number): boolean {
  if (c >= 0x30 && c <= 0x39) return true;
  if ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) return true;
  return c < 128 && "!#$%&'*+-.^_`|~".includes(String.fromCharCode(c));
}

/** The first comma-separated value of the first `name` header, trimmed (what HAProxy's header lookup gives). */
export function firstHeaderValue(headers: readonly string[], name: string): string | undefined {
  for (let i = 0; i + 1 < headers.length; i += 2) {
    if (headers[i] !== name) continue;
    const v = headers[i + 1]!;
    const comma = v.indexOf(',');
    return (comma < 0 ? v : v.slice(0, comma)).trim();
  }
  return undefined;
}

/**
 * `use_domain_only`: the label before the last dot ("haproxy.1wt.eu" → "1wt", "example.com" → "example");
 * a value without a dot is used whole.
 */
export function mainDomain(host: string): string {
  const lastDot = host.lastIndexOf('.');
  // HAProxy never looks at the first character, so a value whose only dot leads is used whole.
  if (lastDot <= 0) return host;
  // The label starts after a dot found at least two characters before the last dot ("a..b" gives "a.").
  const prevDot = lastDot >= 2 ? host.lastIndexOf('.', lastDot - 2) : -1;
  return host.slice(prevDot + 1, lastDot);
}

export function hashString(hasher: Hasher, s: string): number {
  return hasher(keyBytes(s));
}
