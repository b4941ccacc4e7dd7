/**
 * IPv4/IPv6 addresses as numbers, so that CIDR matching is a mask and a compare.
 * IPv4 is an unsigned 32-bit number, IPv6 a 128-bit bigint.
 */
export type Ip = { family: 4; addr: number } | { family: 6; addr: bigint };

const V4_MAPPED_PREFIX = 0xffffn << 32n;
const ALL128 = (1n << 128n) - 1n;

/**
 * Dotted IPv4, including HAProxy's abbreviated forms where omitted octets are zeros
 * in the middle: "127.1" is 127.0.0.1 and "10.12" is 10.0.0.12.
 */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length < 1 || parts.length > 4) return undefined;
  const nums: number[] = [];
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    nums.push(n);
  }
  if (nums.length === 1) return undefined;
  const last = nums.pop()!;
  while (nums.length < 3) nums.push(0);
  return ((nums[0]! << 24) | (nums[1]! << 16) | (nums[2]! << 8) | last) >>> 0;
}

/** Strict four-part dotted quad, as found in IPv6 tails and on the wire. */
function parseDottedQuad(text: string): number | undefined {
  return text.split('.').length === 4 ? parseIpv4(text) : undefined;
}

export function parseIpv6(text: string): bigint | undefined {
  const pct = text.indexOf('%');
  if (pct >= 0) text = text.slice(0, pct);
  if (!/^[0-9a-fA-F:.]+$/.test(text) || text.length < 2) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parseGroups = (s: string, allowV4Tail: boolean): number[] | undefined => {
    if (s === '') return [];
    const groups = s.split(':');
    const out: number[] = [];
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i]!;
      if (allowV4Tail && i === groups.length - 1 && g.includes('.')) {
        const v4 = parseDottedQuad(g);
        if (v4 === undefined) return undefined;
        out.push(v4 >>> 16, v4 & 0xffff);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
        out.push(parseInt(g, 16));
      }
    }
    return out;
  };
  let words: number[];
  if (halves.length === 2) {
    const head = parseGroups(halves[0]!, false);
    const tail = parseGroups(halves[1]!, true);
    if (!head || !tail || head.length + tail.length > 7) return undefined;
    words = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    const all = parseGroups(text, true);
    if (!all || all.length !== 8) return undefined;
    words = all;
  }
  let v = 0n;
  for (const w of words) v = (v << 16n) | BigInt(w);
  return v;
}

/** An address as written in a config or given by the socket layer ("::ffff:1.2.3.4" stays IPv6). */
export function parseIp(text: string): Ip | undefined {
  if (text.includes(':')) {
    const v6 = parseIpv6(text);
    return v6 === undefined ? undefined : { family: 6, addr: v6 };
  }
  const v4 = parseDottedQuad(text);
  return v4 === undefined ? undefined : { family: 4, addr: v4 };
}

export function formatIpv4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** RFC 5952 text like inet_ntop: longest zero run compressed, ::ffff:a.b.c.d and ::a.b.c.d kept dotted. */
export function formatIpv6(v: bigint): string {
  const words: number[] = [];
  for (let i = 7; i >= 0; i--) words.push(Number((v >> BigInt(i * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen && j - i > 1) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number): string[] => words.slice(from, to).map((w) => w.toString(16));
  if (bestStart === 0 && (bestLen === 6 || (bestLen === 5 && words[5] === 0xffff))) {
    const v4 = formatIpv4(Number(v & 0xffffffffn));
    return bestLen === 6 ? `::${v4}` : `::ffff:${v4}`;
  }
  if (bestStart < 0) return hex(0, 8).join(':');
  return `${hex(0, bestStart).join(':')}::${hex(bestStart + bestLen, 8).join(':')}`;
}

export function formatIp(ip: Ip): string {
  return ip.family === 4 ? formatIpv4(ip.addr) : formatIpv6(ip.addr);
}

export function v4ToV6(n: number): bigint {
  return V4_MAPPED_PREFIX | BigInt(n);
}

/** The IPv4 address inside ::ffff:a.b.c.d, ::a.b.c.d or 2002:a.b.c.d::, as HAProxy's v6tov4 accepts. */
export function v6ToV4(v: bigint): number | undefined {
  const top96 = v >> 32n;
  if (top96 === 0xffffn || top96 === 0n) return Number(v & 0xffffffffn);
  if (v >> 112n === 0x2002n) return Number((v >> 80n) & 0xffffffffn);
  return undefined;
}

export function ipEquals(a: Ip, b: Ip): boolean {
  return a.family === b.family && a.addr === b.addr;
}

/** A network: address and mask of the same family. */
export type Network = { family: 4; net: number; mask: number } | { family: 6; net: bigint; mask: bigint };

export function v4MaskFromBits(bits: number): number {
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

export function v6MaskFromBits(bits: number): bigint {
  return bits === 0 ? 0n : (ALL128 << BigInt(128 - bits)) & ALL128;
}

/** An IPv4 mask either as a bit count ("24") or dotted ("255.255.255.0"). */
export function parseV4Mask(text: string): number | undefined {
  if (/^\d{1,2}$/.test(text)) {
    const bits = Number(text);
    return bits <= 32 ? v4MaskFromBits(bits) : undefined;
  }
  const m = parseDottedQuad(text);
  if (m === undefined) return undefined;
  // A dotted mask must be contiguous ones followed by zeros.
  const inv = ~m >>> 0;
  return (inv & (inv + 1)) === 0 ? m : undefined;
}

export function parseV6Mask(text: string): bigint | undefined {
  if (!/^\d{1,3}$/.test(text)) return undefined;
  const bits = Number(text);
  return bits <= 128 ? v6MaskFromBits(bits) : undefined;
}

/** "10.0.0.0/8", "192.168.1", "2001:db8::/32" or a plain address (full mask). */
export function parseNetwork(text: string): Network | undefined {
  const slash = text.indexOf('/');
  const addrText = slash >= 0 ? text.slice(0, slash) : text;
  const maskText = slash >= 0 ? text.slice(slash + 1) : undefined;
  if (addrText.includes(':')) {
    const a = parseIpv6(addrText);
    const mask = maskText === undefined ? ALL128 : parseV6Mask(maskText);
    if (a === undefined || mask === undefined) return undefined;
    return { family: 6, net: a & mask, mask };
  }
  const a = parseIpv4(addrText);
  const mask = maskText === undefined ? 0xffffffff : parseV4Mask(maskText);
  if (a === undefined || mask === undefined) return undefined;
  return { family: 4, net: (a & mask) >>> 0, mask };
}

/** Whether `ip` is inside `net`, crossing families the way HAProxy's ip match does. */
export function networkContains(net: Network, ip: Ip): boolean {
  if (net.family === 4) {
    let a: number | undefined;
    if (ip.family === 4) a = ip.addr;
    else a = v6ToV4(ip.addr);
    return a !== undefined && ((a & net.mask) >>> 0) === net.net;
  }
  const a = ip.family === 6 ? ip.addr : v4ToV6(ip.addr);
  return (a & net.mask) === net.net;
}
