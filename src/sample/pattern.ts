/**
 * Match methods (7.1): patterns are compiled once into the structure their method needs
 * (hash maps for exact strings and hosts, prefix maps by length, numeric ranges, CIDR masks),
 * then matched against samples. A PatternSet also serves map files: each pattern may carry a value.
 */
import { castTo, toInt, toIp } from './cast.js';
import { networkContains, parseNetwork, v4ToV6, v6ToV4, type Network } from './ip.js';
import type { Sample } from './types.js';

export const MATCH_METHODS = ['found', 'bool', 'int', 'ip', 'bin', 'len', 'str', 'beg', 'sub', 'dir', 'dom', 'end', 'reg', 'regm'] as const;
export type MatchMethod = (typeof MATCH_METHODS)[number];

export interface Pattern {
  text: string;
  icase: boolean;
  /** The associated value when the set comes from a map file. */
  value?: Sample;
  /** Compiled forms, depending on the method. */
  re?: RegExp;
  min?: number;
  max?: number;
  net?: Network;
  bin?: Buffer;
}

export type IntOperator = 'eq' | 'ge' | 'gt' | 'le' | 'lt';
export const INT_OPERATORS: readonly string[] = ['eq', 'ge', 'gt', 'le', 'lt'];

/** Returned by match() for methods without patterns (found, bool). */
export const MATCHED: Pattern = { text: '', icase: false };

const DIR_DELIMS = '/?';
const DOM_DELIMS = '/?.:';

/** `pat` found in `s` at a position bounded by delimiters or the string's ends. */
function matchWord(s: string, pat: string, delims: string): boolean {
  if (pat === '') return true;
  let from = 0;
  for (;;) {
    const i = s.indexOf(pat, from);
    if (i < 0) return false;
    const end = i + pat.length;
    if ((i === 0 || delims.includes(s[i - 1]!)) && (end === s.length || delims.includes(s[end]!))) return true;
    from = i + 1;
  }
}

function stripDelims(p: string, delims: string): string {
  let a = 0;
  let b = p.length;
  while (a < b && delims.includes(p[a]!)) a++;
  while (b > a && delims.includes(p[b - 1]!)) b--;
  return p.slice(a, b);
}

/** "12", "1:5", ":5", "3.1" (dotted versions: major*65536+minor) → [min, max]. */
export function parseIntRange(text: string, dotted: boolean): { min: number; max: number } | undefined {
  const num = (t: string): number | undefined => {
    if (dotted) {
      const m = /^(\d+)(?:\.(\d+))?$/.exec(t);
      return m ? Number(m[1]) * 65536 + Number(m[2] ?? 0) : undefined;
    }
    return /^[-+]?\d+$/.test(t) ? Number(t) : undefined;
  };
  const colon = text.indexOf(':');
  if (colon < 0) {
    const n = num(text);
    return n === undefined ? undefined : { min: n, max: n };
  }
  const lo = text.slice(0, colon);
  const hi = text.slice(colon + 1);
  const min = lo === '' ? -Infinity : num(lo);
  const max = hi === '' ? Infinity : num(hi);
  if (min === undefined || max === undefined || (lo === '' && hi === '')) return undefined;
  return { min, max };
}

function applyOperator(r: { min: number; max: number }, op: IntOperator): { min: number; max: number } {
  switch (op) {
    case 'eq':
      return r;
    case 'ge':
      return { min: r.min, max: Infinity };
    case 'gt':
      return { min: r.min + 1, max: Infinity };
    case 'le':
      return { min: -Infinity, max: r.max };
    case 'lt':
      return { min: -Infinity, max: r.max - 1 };
  }
}

export class PatternSet {
  private readonly exact = new Map<string, Pattern>();
  private readonly exactI = new Map<string, Pattern>();
  /** beg: patterns by prefix, and the distinct prefix lengths longest first (longest match wins). */
  private readonly prefix = new Map<string, Pattern>();
  private readonly prefixI = new Map<string, Pattern>();
  private prefixLens: number[] = [];
  private prefixLensI: number[] = [];
  private readonly hosts4 = new Map<number, Pattern>();
  private readonly hosts6 = new Map<bigint, Pattern>();
  /** Everything matched by scanning, in the order given (networks: finest first). */
  private readonly list: Pattern[] = [];
  private anyIcase = false;
  count = 0;

  constructor(
    readonly method: MatchMethod,
    /** Integers written as "major.minor" (req.ssl_ver). */
    readonly dotted = false,
  ) {}

  /** Adds a pattern; returns HAProxy's message when the text is not valid for the method. */
  add(text: string, icase: boolean, value?: Sample, op?: IntOperator): string | undefined {
    const p: Pattern = { text, icase, ...(value ? { value } : {}) };
    switch (this.method) {
      case 'found':
      case 'bool':
        break;
      case 'int':
      case 'len': {
        const r = parseIntRange(text, this.dotted);
        if (!r) return text.includes(':') ? `'${text}' is not a valid number range.` : `'${text}' is not a number.`;
        const rr = op ? applyOperator(r, op) : r;
        p.min = rr.min;
        p.max = rr.max;
        this.list.push(p);
        break;
      }
      case 'ip': {
        const net = parseNetwork(text);
        if (!net) return `'${text}' is not a valid IPv4 or IPv6 address`;
        const full = net.family === 4 ? net.mask === 0xffffffff : net.mask === (1n << 128n) - 1n;
        if (full && net.family === 4 && !this.hosts4.has(net.net)) this.hosts4.set(net.net, p);
        else if (full && net.family === 6 && !this.hosts6.has(net.net)) this.hosts6.set(net.net, p);
        else if (!full) {
          p.net = net;
          this.list.push(p);
        }
        break;
      }
      case 'bin':
        if (!/^([0-9a-fA-F]{2})*$/.test(text)) return `'${text}' is not a valid hex string.`;
        p.bin = Buffer.from(text, 'hex');
        this.list.push(p);
        break;
      case 'str': {
        const map = icase ? this.exactI : this.exact;
        const key = icase ? text.toLowerCase() : text;
        if (!map.has(key)) map.set(key, p);
        break;
      }
      case 'beg': {
        const map = icase ? this.prefixI : this.prefix;
        const key = icase ? text.toLowerCase() : text;
        if (!map.has(key)) map.set(key, p);
        break;
      }
      case 'reg':
      case 'regm':
        try {
          p.re = new RegExp(text, icase ? 'i' : '');
        } catch (e) {
          return `regex '${text}' is invalid (error=${(e as Error).message.replace(/^Invalid regular expression: /, '')})`;
        }
        this.list.push(p);
        break;
      case 'dir':
      case 'dom':
        p.text = stripDelims(icase ? text.toLowerCase() : text, this.method === 'dir' ? DIR_DELIMS : DOM_DELIMS);
        this.list.push(p);
        break;
      case 'end':
      case 'sub':
        p.text = icase ? text.toLowerCase() : text;
        this.list.push(p);
        break;
    }
    if (icase) this.anyIcase = true;
    this.count++;
    return undefined;
  }

  /** The patterns of an exact-string set as written (http_auth_group's group names). */
  exactTexts(): string[] {
    return [...this.exact.values(), ...this.exactI.values()].map((p) => p.text);
  }

  /** Call once after the last add(): orders prefix lengths and networks for lookups. */
  compile(): this {
    const lens = (m: Map<string, Pattern>) => [...new Set([...m.keys()].map((k) => k.length))].sort((a, b) => b - a);
    this.prefixLens = lens(this.prefix);
    this.prefixLensI = lens(this.prefixI);
    if (this.method === 'ip') {
      const bits = (p: Pattern) => (p.net!.family === 4 ? popcount32(p.net!.mask) : bitsOf128(p.net!.mask));
      this.list.sort((a, b) => bits(b) - bits(a));
    }
    return this;
  }

  /** The first (or finest) pattern matching the sample, or undefined. */
  match(s: Sample): Pattern | undefined {
    switch (this.method) {
      case 'found':
        return MATCHED;
      case 'bool': {
        const n = s.type === 'bool' ? (s.value ? 1 : 0) : toInt(s);
        return n ? MATCHED : undefined;
      }
      case 'int':
      case 'len': {
        let n: number | undefined;
        if (this.method === 'len') {
          const v = castTo(s, s.type === 'bin' ? 'bin' : 'str');
          n = v ? (v.type === 'bin' ? v.value.length : (v.value as string).length) : undefined;
        } else n = toInt(s);
        if (n === undefined) return undefined;
        for (const p of this.list) if (n >= p.min! && n <= p.max!) return p;
        return undefined;
      }
      case 'ip': {
        const ip = toIp(s);
        if (!ip) return undefined;
        const host = ip.family === 4 ? this.hosts4.get(ip.addr) : this.hosts6.get(ip.addr);
        if (host) return host;
        // ::ffff:a.b.c.d (and ::a.b.c.d, 2002:a.b.c.d::) match an IPv4 pattern; an IPv4 sample
        // matches an IPv6 pattern as ::ffff:a.b.c.d.
        if (ip.family === 6 && this.hosts4.size > 0) {
          const v4 = v6ToV4(ip.addr);
          const p = v4 === undefined ? undefined : this.hosts4.get(v4);
          if (p) return p;
        } else if (ip.family === 4 && this.hosts6.size > 0) {
          const p = this.hosts6.get(v4ToV6(ip.addr));
          if (p) return p;
        }
        for (const p of this.list) if (networkContains(p.net!, ip)) return p;
        return undefined;
      }
      case 'bin': {
        const b = castTo(s, 'bin');
        if (!b || b.type !== 'bin') return undefined;
        for (const p of this.list) if (p.bin!.equals(b.value)) return p;
        return undefined;
      }
      default:
        break;
    }
    const v = castTo(s, 'str');
    if (!v || v.type !== 'str') return undefined;
    const text = v.value;
    const lower = this.anyIcase ? text.toLowerCase() : text;
    switch (this.method) {
      case 'str':
        return this.exact.get(text) ?? (this.exactI.size ? this.exactI.get(lower) : undefined);
      case 'beg': {
        for (const len of this.prefixLens) {
          if (len > text.length) continue;
          const p = this.prefix.get(text.slice(0, len));
          if (p) return p;
        }
        for (const len of this.prefixLensI) {
          if (len > lower.length) continue;
          const p = this.prefixI.get(lower.slice(0, len));
          if (p) return p;
        }
        return undefined;
      }
      case 'end':
        for (const p of this.list) if ((p.icase ? lower : text).endsWith(p.text)) return p;
        return undefined;
      case 'sub':
        for (const p of this.list) if ((p.icase ? lower : text).includes(p.text)) return p;
        return undefined;
      case 'dir':
      case 'dom': {
        const delims = this.method === 'dir' ? DIR_DELIMS : DOM_DELIMS;
        for (const p of this.list) if (matchWord(p.icase ? lower : text, p.text, delims)) return p;
        return undefined;
      }
      case 'reg':
      case 'regm':
        for (const p of this.list) if (p.re!.test(text)) return p;
        return undefined;
      default:
        return undefined;
    }
  }
}

function popcount32(n: number): number {
  n = n - ((n >>> 1) & 0x55555555);
  n = (n & 0x33333333) + ((n >>> 2) & 0x33333333);
  return (((n + (n >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

function bitsOf128(m: bigint): number {
  let c = 0;
  while (m) {
    c += Number(m & 1n);
    m >>= 1n;
  }
  return c;
}
