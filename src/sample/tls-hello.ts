/**
 * Just enough of a TLS ClientHello to route on it before any decryption: the handshake type,
 * the protocol version and the server name (SNI). Returns undefined while the bytes are
 * incomplete or not TLS, as HAProxy's req.ssl_* fetches do.
 */

/** Handshake type of the first record (1 = ClientHello), if it is a TLS handshake record. */
export function tlsHelloType(buf: Buffer): number | undefined {
  if (buf.length < 6 || buf[0] !== 0x16 || buf[1] !== 3) return undefined;
  return buf[5];
}

/**
 * Protocol version as major*65536 + minor (TLS 1.2 is 3.3 → 196611): the ClientHello's
 * client_version when present, else the record's. SSLv2-compatible hellos give 2.0's layout.
 */
export function tlsVersion(buf: Buffer): number | undefined {
  if (buf.length < 3) return undefined;
  if (buf[0] === 0x16) {
    if (buf[1] !== 3) return undefined;
    if (buf.length >= 11 && buf[5] === 1) return (buf[9]! << 16) | buf[10]!;
    return (buf[1]! << 16) | buf[2]!;
  }
  // SSLv2 record header with the high bit set, message type 1 (CLIENT-HELLO), then version.
  if (buf[0]! & 0x80 && buf.length >= 5 && buf[2] === 1) return (buf[3]! << 16) | buf[4]!;
  return undefined;
}

/** The host_name entry of the server_name extension, or undefined. */
export function tlsSni(buf: Buffer): string | undefined {
  if (buf.length < 5 || buf[0] !== 0x16 || buf[1] !== 3) return undefined;
  const recordEnd = Math.min(buf.length, 5 + buf.readUInt16BE(3));
  let p = 5;
  if (p + 4 > recordEnd || buf[p] !== 1) return undefined;
  const helloEnd = Math.min(recordEnd, p + 4 + ((buf[p + 1]! << 16) | (buf[p + 2]! << 8) | buf[p + 3]!));
  p += 4 + 2 + 32; // header, client_version, random
  if (p + 1 > helloEnd) return undefined;
  p += 1 + buf[p]!; // session_id
  if (p + 2 > helloEnd) return undefined;
  p += 2 + buf.readUInt16BE(p); // cipher_suites
  if (p + 1 > helloEnd) return undefined;
  p += 1 + buf[p]!; // compression_methods
  if (p + 2 > helloEnd) return undefined;
  const extEnd = Math.min(helloEnd, p + 2 + buf.readUInt16BE(p));
  p += 2;
  while (p + 4 <= extEnd) {
    const type = buf.readUInt16BE(p);
    const len = buf.readUInt16BE(p + 2);
    p += 4;
    if (p + len > extEnd) return undefined;
    if (type === 0) {
      // server_name: list length, then entries of (type, length, name)
      let q = p + 2;
      const listEnd = Math.min(p + len, q + buf.readUInt16BE(p));
      while (q + 3 <= listEnd) {
        const nameType = buf[q]!;
        const nameLen = buf.readUInt16BE(q + 1);
        q += 3;
        if (q + nameLen > listEnd) return undefined;
        if (nameType === 0) return buf.toString('latin1', q, q + nameLen);
        q += nameLen;
      }
      return undefined;
    }
    p += len;
  }
  return undefined;
}

/** Builds a minimal ClientHello (for tests and health checks): version 3.3, one cipher, optional SNI. */
export function buildClientHello(sni?: string): Buffer {
  const ext: Buffer[] = [];
  if (sni !== undefined) {
    const name = Buffer.from(sni, 'latin1');
    const entry = Buffer.concat([Buffer.from([0, name.length >> 8, name.length & 255]), name]);
    const list = Buffer.concat([Buffer.from([entry.length >> 8, entry.length & 255]), entry]);
    ext.push(Buffer.from([0, 0, list.length >> 8, list.length & 255]), list);
  }
  const exts = Buffer.concat(ext);
  const body = Buffer.concat([
    Buffer.from([3, 3]),
    Buffer.alloc(32, 7),
    Buffer.from([0]), // no session id
    Buffer.from([0, 2, 0x13, 0x01]),
    Buffer.from([1, 0]),
    Buffer.from([exts.length >> 8, exts.length & 255]),
    exts,
  ]);
  const hs = Buffer.concat([Buffer.from([1, body.length >> 16, (body.length >> 8) & 255, body.length & 255]), body]);
  return Buffer.concat([Buffer.from([0x16, 3, 1, hs.length >> 8, hs.length & 255]), hs]);
}
