/**
 * The PROXY protocol (versions 1 and 2, haproxy.org's proxy-protocol.txt): parsing the header a
 * load balancer in front sends (`bind ... accept-proxy`, `tcp-request connection expect-proxy
 * layer4`), and building the header portico sends to servers (`send-proxy`, `send-proxy-v2`).
 */
import { isIPv4 } from 'node:net';

export const V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);

export interface ProxiedAddresses {
  family: 'IPv4' | 'IPv6';
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
}

export type ProxyParse =
  | { kind: 'incomplete' }
  /** `local`: PROXY UNKNOWN or v2 LOCAL: keep the connection's own addresses. */
  | { kind: 'ok'; consumed: number; addresses?: ProxiedAddresses; version: 1 | 2 }
  | { kind: 'error'; message: string };

/** HAProxy's wording of connection errors (conn_err_code_str). */
export const PROXY_ERRORS = {
  notHeader: 'Received something which does not look like a PROXY protocol header',
  badHeader: 'Received an invalid PROXY protocol header',
  badProto: 'Received an unhandled protocol in the PROXY protocol header',
  truncated: 'Truncated PROXY protocol header received',
  aborted: 'Connection closed while waiting for PROXY protocol header',
  timeout: 'Timeout while waiting for PROXY protocol header',
} as const;

const V1_PREFIX = Buffer.from('PROXY ');

/** Parses a header at the start of `buf`. */
export function parseProxyHeader(buf: Buffer): ProxyParse {
  if (buf.length === 0) return { kind: 'incomplete' };
  if (buf[0] === 0x0d) {
    const n = Math.min(buf.length, 12);
    if (!buf.subarray(0, n).equals(V2_SIGNATURE.subarray(0, n))) return { kind: 'error', message: PROXY_ERRORS.notHeader };
    if (buf.length < 16) return { kind: 'incomplete' };
    return parseV2(buf);
  }
  const n = Math.min(buf.length, 6);
  if (!buf.subarray(0, n).equals(V1_PREFIX.subarray(0, n))) return { kind: 'error', message: PROXY_ERRORS.notHeader };
  return parseV1(buf);
}

function parseV1(buf: Buffer): ProxyParse {
  // At most 107 bytes including CRLF.
  const limit = Math.min(buf.length, 107);
  let end = -1;
  for (let i = 6; i < limit - 1; i++) {
    if (buf[i] === 0x0d && buf[i + 1] === 0x0a) {
      end = i;
      break;
    }
  }
  if (end < 0) return buf.length >= 107 ? { kind: 'error', message: PROXY_ERRORS.badHeader } : { kind: 'incomplete' };
  const line = buf.toString('latin1', 6, end);
  const consumed = end + 2;
  if (line.startsWith('UNKNOWN')) return { kind: 'ok', consumed, version: 1 };
  const w = line.split(' ');
  if (w.length !== 5) return { kind: 'error', message: PROXY_ERRORS.badHeader };
  const [fam, src, dst, sp, dp] = w as [string, string, string, string, string];
  if (fam !== 'TCP4' && fam !== 'TCP6') return { kind: 'error', message: PROXY_ERRORS.badProto };
  const okAddr = fam === 'TCP4' ? isIPv4(src) && isIPv4(dst) : src.includes(':') && dst.includes(':');
  const port = (p: string) => (/^\d{1,5}$/.test(p) && Number(p) <= 65535 ? Number(p) : -1);
  if (!okAddr || port(sp) < 0 || port(dp) < 0) return { kind: 'error', message: PROXY_ERRORS.badHeader };
  return { kind: 'ok', consumed, version: 1, addresses: { family: fam === 'TCP4' ? 'IPv4' : 'IPv6', src, srcPort: port(sp), dst, dstPort: port(dp) } };
}

function ipv6(b: Buffer, off: number): string {
  const parts: string[] = [];
  for (let i = 0; i < 8; i++) parts.push(b.readUInt16BE(off + i * 2).toString(16));
  // Compress the longest run of zero groups.
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (parts[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && parts[j] === '0') j++;
    if (j - i > bestLen && j - i > 1) (best = i), (bestLen = j - i);
    i = j;
  }
  if (best < 0) return parts.join(':');
  return `${parts.slice(0, best).join(':')}::${parts.slice(best + bestLen).join(':')}`;
}

function parseV2(buf: Buffer): ProxyParse {
  const verCmd = buf[12]!;
  if (verCmd >> 4 !== 2) return { kind: 'error', message: PROXY_ERRORS.badHeader };
  const cmd = verCmd & 0x0f;
  const famProto = buf[13]!;
  const len = buf.readUInt16BE(14);
  const total = 16 + len;
  if (buf.length < total) return { kind: 'incomplete' };
  if (cmd === 0) return { kind: 'ok', consumed: total, version: 2 };
  if (cmd !== 1) return { kind: 'error', message: PROXY_ERRORS.badHeader };
  const fam = famProto >> 4;
  if (fam === 1) {
    if (len < 12) return { kind: 'error', message: PROXY_ERRORS.badHeader };
    const a = (o: number) => `${buf[o]}.${buf[o + 1]}.${buf[o + 2]}.${buf[o + 3]}`;
    return { kind: 'ok', consumed: total, version: 2, addresses: { family: 'IPv4', src: a(16), dst: a(20), srcPort: buf.readUInt16BE(24), dstPort: buf.readUInt16BE(26) } };
  }
  if (fam === 2) {
    if (len < 36) return { kind: 'error', message: PROXY_ERRORS.badHeader };
    return { kind: 'ok', consumed: total, version: 2, addresses: { family: 'IPv6', src: ipv6(buf, 16), dst: ipv6(buf, 32), srcPort: buf.readUInt16BE(48), dstPort: buf.readUInt16BE(50) } };
  }
  // AF_UNSPEC or AF_UNIX: the connection's own addresses stay.
  return { kind: 'ok', consumed: total, version: 2 };
}

export interface EndPoints {
  src?: string;
  srcPort?: number;
  dst?: string;
  dstPort?: number;
}

const unmapped = (a: string) => (a.startsWith('::ffff:') ? a.slice(7) : a);

function familyOf(e: EndPoints): 4 | 6 | 0 {
  if (!e.src || !e.dst || e.srcPort === undefined || e.dstPort === undefined) return 0;
  const s = unmapped(e.src);
  const d = unmapped(e.dst);
  if (isIPv4(s) && isIPv4(d)) return 4;
  return 6;
}

/** "PROXY TCP4 src dst sport dport\r\n" (or "PROXY UNKNOWN\r\n"). */
export function buildProxyV1(e: EndPoints): Buffer {
  const f = familyOf(e);
  if (f === 0) return Buffer.from('PROXY UNKNOWN\r\n');
  const s = f === 4 ? unmapped(e.src!) : e.src!;
  const d = f === 4 ? unmapped(e.dst!) : e.dst!;
  return Buffer.from(`PROXY TCP${f} ${s} ${d} ${e.srcPort} ${e.dstPort}\r\n`);
}

function v6Bytes(a: string): Buffer {
  const out = Buffer.alloc(16);
  let addr = a;
  if (isIPv4(addr)) addr = `::ffff:${addr}`;
  const m = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(addr);
  let tail: number[] = [];
  if (m) {
    const o = m[2]!.split('.').map(Number);
    tail = [(o[0]! << 8) | o[1]!, (o[2]! << 8) | o[3]!];
    addr = `${m[1]}0:0`;
  }
  const [head, rest] = addr.includes('::') ? addr.split('::') : [addr, undefined];
  const h = head ? head.split(':').filter((x) => x !== '') : [];
  const r = rest !== undefined && rest !== '' ? rest.split(':') : [];
  const groups = rest === undefined ? h : [...h, ...new Array<string>(8 - h.length - r.length).fill('0'), ...r];
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16) || 0, i * 2));
  if (tail.length) (out.writeUInt16BE(tail[0]!, 12), out.writeUInt16BE(tail[1]!, 14));
  return out;
}

/** A v2 header: PROXY command over TCP, or LOCAL when the addresses are unknown. */
export function buildProxyV2(e: EndPoints, local = false): Buffer {
  const f = local ? 0 : familyOf(e);
  if (f === 0) return Buffer.concat([V2_SIGNATURE, Buffer.from([0x20, 0x00, 0x00, 0x00])]);
  if (f === 4) {
    const b = Buffer.alloc(16 + 12);
    V2_SIGNATURE.copy(b, 0);
    b[12] = 0x21;
    b[13] = 0x11;
    b.writeUInt16BE(12, 14);
    unmapped(e.src!).split('.').forEach((o, i) => (b[16 + i] = Number(o)));
    unmapped(e.dst!).split('.').forEach((o, i) => (b[20 + i] = Number(o)));
    b.writeUInt16BE(e.srcPort!, 24);
    b.writeUInt16BE(e.dstPort!, 26);
    return b;
  }
  const b = Buffer.alloc(16 + 36);
  V2_SIGNATURE.copy(b, 0);
  b[12] = 0x21;
  b[13] = 0x21;
  b.writeUInt16BE(36, 14);
  v6Bytes(e.src!).copy(b, 16);
  v6Bytes(e.dst!).copy(b, 32);
  b.writeUInt16BE(e.srcPort!, 48);
  b.writeUInt16BE(e.dstPort!, 50);
  return b;
}
