/**
 * `cookie ... dynamic` with `dynamic-cookie-key`: a server without its own cookie value gets
 * XXH64(key + address bytes + port as 4 big-endian bytes) printed as 16 hex digits.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { xxh64 } from './xxh64.js';

function ipBytes(ip: string): number[] | undefined {
  if (isIPv4(ip)) return ip.split('.').map(Number);
  if (!isIPv6(ip)) return undefined;
  let parts = ip.split('::');
  const head = parts[0] ? parts[0].split(':') : [];
  const tail = parts.length > 1 && parts[1] ? parts[1].split(':') : [];
  // An embedded IPv4 tail ("::ffff:1.2.3.4") counts as two groups.
  const expand = (groups: string[]): string[] =>
    groups.flatMap((g) => {
      if (!g.includes('.')) return [g];
      const b = g.split('.').map(Number);
      return [((b[0]! << 8) | b[1]!).toString(16), ((b[2]! << 8) | b[3]!).toString(16)];
    });
  const h = expand(head);
  const t = expand(tail);
  const groups = parts.length > 1 ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  parts = groups;
  const out: number[] = [];
  for (const g of parts) {
    const v = parseInt(g, 16);
    out.push(v >> 8, v & 255);
  }
  return out;
}

/** The dynamic cookie of a server at `ip`:`port`, or undefined for a non-IP address. */
export function dynamicCookie(key: string, ip: string, port: number): string | undefined {
  const addr = ipBytes(ip);
  if (!addr) return undefined;
  const buf = Buffer.concat([Buffer.from(key, 'latin1'), Buffer.from(addr), Buffer.alloc(4)]);
  buf.writeUInt32BE(port >>> 0, buf.length - 4);
  return xxh64(buf).toString(16).padStart(16, '0');
}
