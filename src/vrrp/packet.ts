/**
 * VRRP advertisement encoding and decoding for IPv4: version 2 (RFC 3768) and version 3 (RFC 5798).
 * Pure functions over Buffers; the decoder never throws on a peer's bytes, it returns a reason instead.
 */

export const VRRP_PROTOCOL = 112;
export const VRRP_MULTICAST = '224.0.0.18';
export const VRRP_TTL = 255;
/** DSCP class selector 6 (internetwork control), as keepalived sends it. */
export const VRRP_TOS = 0xc0;

export const AUTH_NONE = 0;
export const AUTH_PASS = 1;
/** RFC 2338's IP Authentication Header: keepalived still accepts it; portico does not implement it. */
export const AUTH_AH = 2;

export interface Advertisement {
  version: 2 | 3;
  vrid: number;
  priority: number;
  /** Advertisement interval in milliseconds (v2 carries whole seconds, v3 centiseconds). */
  intervalMs: number;
  addresses: string[];
  /** v2 only: 0 none, 1 simple password. */
  authType: number;
  /** v2 only: the password as sent (at most 8 bytes, trailing NULs removed). */
  authData: string;
}

export function ipToBytes(ip: string): number[] {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`invalid IPv4 address '${ip}'`);
  return parts;
}

export function bytesToIp(b: Buffer, offset: number): string {
  return `${b[offset]}.${b[offset + 1]}.${b[offset + 2]}.${b[offset + 3]}`;
}

export function isIPv4(text: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  return m !== null && m.slice(1).every((p) => Number(p) <= 255);
}

/** Compares two dotted IPv4 addresses numerically: negative, zero or positive. */
export function compareIp(a: string, b: string): number {
  const x = ipToBytes(a);
  const y = ipToBytes(b);
  for (let i = 0; i < 4; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return 0;
}

/** The Internet checksum (RFC 1071) over a sequence of buffers, as if they were one. */
export function internetChecksum(...parts: Buffer[]): number {
  let sum = 0;
  let odd: number | undefined;
  for (const part of parts) {
    for (let i = 0; i < part.length; i++) {
      if (odd === undefined) odd = part[i]!;
      else {
        sum += (odd << 8) | part[i]!;
        odd = undefined;
      }
    }
  }
  if (odd !== undefined) sum += odd << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** The IPv4 pseudo-header v3 checksums cover: source, destination, zero, protocol, length. */
function pseudoHeader(src: string, dst: string, length: number): Buffer {
  return Buffer.from([...ipToBytes(src), ...ipToBytes(dst), 0, VRRP_PROTOCOL, length >> 8, length & 0xff]);
}

/**
 * Encodes an advertisement. v3 needs the source and destination addresses for its checksum;
 * v2 ignores them.
 */
export function encodeAdvertisement(adv: Advertisement, src = '0.0.0.0', dst = VRRP_MULTICAST): Buffer {
  const n = adv.addresses.length;
  if (n > 255) throw new Error('too many virtual addresses in one advertisement (at most 255)');
  const authLen = adv.version === 2 ? 8 : 0;
  const buf = Buffer.alloc(8 + 4 * n + authLen);
  buf[0] = (adv.version << 4) | 1;
  buf[1] = adv.vrid;
  buf[2] = adv.priority;
  buf[3] = n;
  if (adv.version === 2) {
    buf[4] = adv.authType;
    buf[5] = Math.max(1, Math.min(255, Math.round(adv.intervalMs / 1000)));
  } else {
    buf.writeUInt16BE(Math.max(1, Math.min(0xfff, Math.round(adv.intervalMs / 10))), 4);
  }
  adv.addresses.forEach((a, i) => Buffer.from(ipToBytes(a)).copy(buf, 8 + 4 * i));
  if (adv.version === 2 && adv.authType === AUTH_PASS) {
    Buffer.from(adv.authData, 'latin1').subarray(0, 8).copy(buf, 8 + 4 * n);
  }
  const sum = adv.version === 2 ? internetChecksum(buf) : internetChecksum(pseudoHeader(src, dst, buf.length), buf);
  buf.writeUInt16BE(sum, 6);
  return buf;
}

export type DecodeResult = { ok: true; adv: Advertisement } | { ok: false; reason: DropReason; detail: string };

/** Why a received packet was thrown away; counted per reason. */
export type DropReason = 'short' | 'ttl' | 'version' | 'type' | 'checksum' | 'vrid' | 'auth' | 'interval' | 'addresses' | 'source';

/** Decodes a VRRP message (without its IP header). src/dst are the IP header's, for the v3 checksum. */
export function decodeAdvertisement(buf: Buffer, src: string, dst: string): DecodeResult {
  if (buf.length < 8) return { ok: false, reason: 'short', detail: `packet of ${buf.length} bytes is shorter than a VRRP header` };
  const version = buf[0]! >> 4;
  const type = buf[0]! & 0x0f;
  if (version !== 2 && version !== 3) return { ok: false, reason: 'version', detail: `unknown VRRP version ${version}` };
  if (type !== 1) return { ok: false, reason: 'type', detail: `unknown VRRP packet type ${type}` };
  const n = buf[3]!;
  const authLen = version === 2 ? 8 : 0;
  const need = 8 + 4 * n + authLen;
  if (buf.length < need) return { ok: false, reason: 'short', detail: `packet of ${buf.length} bytes announces ${n} addresses (needs ${need})` };
  const msg = buf.subarray(0, need);
  const sum = version === 2 ? internetChecksum(msg) : internetChecksum(pseudoHeader(src, dst, msg.length), msg);
  if (sum !== 0) return { ok: false, reason: 'checksum', detail: 'invalid checksum' };
  const addresses: string[] = [];
  for (let i = 0; i < n; i++) addresses.push(bytesToIp(msg, 8 + 4 * i));
  let authType = AUTH_NONE;
  let authData = '';
  let intervalMs: number;
  if (version === 2) {
    authType = msg[4]!;
    intervalMs = msg[5]! * 1000;
    if (authType === AUTH_PASS) {
      const raw = msg.subarray(8 + 4 * n, need);
      const end = raw.indexOf(0);
      authData = raw.subarray(0, end === -1 ? raw.length : end).toString('latin1');
    }
  } else {
    intervalMs = (msg.readUInt16BE(4) & 0x0fff) * 10;
  }
  return { ok: true, adv: { version: version as 2 | 3, vrid: msg[1]!, priority: msg[2]!, intervalMs, addresses, authType, authData } };
}

export interface Ipv4Header {
  headerLength: number;
  tos: number;
  totalLength: number;
  ttl: number;
  protocol: number;
  src: string;
  dst: string;
}

/** Parses the IPv4 header a raw socket hands back in front of each packet; undefined when malformed. */
export function parseIpv4Header(buf: Buffer): Ipv4Header | undefined {
  if (buf.length < 20 || buf[0]! >> 4 !== 4) return undefined;
  const headerLength = (buf[0]! & 0x0f) * 4;
  if (headerLength < 20 || buf.length < headerLength) return undefined;
  return {
    headerLength,
    tos: buf[1]!,
    totalLength: buf.readUInt16BE(2),
    ttl: buf[8]!,
    protocol: buf[9]!,
    src: bytesToIp(buf, 12),
    dst: bytesToIp(buf, 16),
  };
}

/**
 * Builds the IPv4 header we send with IP_HDRINCL so that the source address (the instance's primary
 * address or unicast_src_ip), TTL 255 and TOS are exactly what peers compare. The kernel fills in
 * the identification and header checksum.
 */
export function buildIpv4Header(src: string, dst: string, payloadLength: number, ttl = VRRP_TTL, tos = VRRP_TOS): Buffer {
  const h = Buffer.alloc(20);
  h[0] = 0x45;
  h[1] = tos;
  h.writeUInt16BE(20 + payloadLength, 2);
  h[8] = ttl;
  h[9] = VRRP_PROTOCOL;
  Buffer.from(ipToBytes(src)).copy(h, 12);
  Buffer.from(ipToBytes(dst)).copy(h, 16);
  h.writeUInt16BE(internetChecksum(h), 10);
  return h;
}
