/**
 * A small reference framer for the fuzz test: given the bytes a client sent on one connection,
 * the request targets a correct HTTP/1 proxy may forward, in order. It is lenient on syntax (a
 * proxy may reject more) but exact on framing: Transfer-Encoding with chunked last, else one
 * agreed Content-Length, else no body; the connection ends after `Connection: close`, an HTTP/1.0
 * request without keep-alive, CL together with TE, or anything it cannot frame. A proxy whose
 * backend receives a target that is not in this list framed the client's bytes differently:
 * that is request smuggling (or at least a divergence worth a look).
 */

/** One line of `s` starting at `pos`: its text without CR/LF, and where the next line starts (-1: no LF yet). */
function line(s: string, pos: number): { text: string; next: number } {
  const lf = s.indexOf('\n', pos);
  if (lf < 0) return { text: s.slice(pos), next: -1 };
  const text = s.slice(pos, lf);
  return { text: text.endsWith('\r') ? text.slice(0, -1) : text, next: lf + 1 };
}

export function referenceTargets(bytes: string, maxRequests = 64): string[] {
  const out: string[] = [];
  let pos = 0;
  for (let n = 0; n < maxRequests; n++) {
    // Empty lines before a request line are ignored.
    for (;;) {
      if (bytes.startsWith('\r\n', pos)) pos += 2;
      else if (bytes.startsWith('\n', pos)) pos += 1;
      else break;
    }
    if (pos >= bytes.length) break;
    const first = line(bytes, pos);
    if (first.next < 0) break;
    const parts = first.text.split(/[ \t]+/);
    if (parts.length !== 3 || !/^HTTP\/1\.[01]$/.test(parts[2]!) || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(parts[0]!)) break;
    const [method, target, version] = parts as [string, string, string];
    const headers: [string, string][] = [];
    let p = first.next;
    let complete = false;
    let bad = false;
    for (let i = 0; i < 200; i++) {
      const l = line(bytes, p);
      if (l.next < 0) break;
      p = l.next;
      if (l.text === '') {
        complete = true;
        break;
      }
      if (/^[ \t]/.test(l.text)) {
        // obs-fold: continues the previous value
        if (headers.length === 0) {
          bad = true;
          break;
        }
        headers[headers.length - 1]![1] += ` ${l.text.trim()}`;
        continue;
      }
      const colon = l.text.indexOf(':');
      if (colon <= 0) {
        bad = true;
        break;
      }
      headers.push([l.text.slice(0, colon).trim().toLowerCase(), l.text.slice(colon + 1).trim()]);
    }
    if (!complete || bad) break;
    const values = (name: string) => headers.filter(([k]) => k === name).map(([, v]) => v);
    const tokens = (name: string) => values(name).flatMap((v) => v.split(',')).map((t) => t.trim().toLowerCase()).filter(Boolean);
    const te = tokens('transfer-encoding');
    const cls = values('content-length');
    const conn = tokens('connection');
    let closeAfter = conn.includes('close') || (version === 'HTTP/1.0' && !conn.includes('keep-alive'));
    pos = p;
    if (values('transfer-encoding').length > 0) {
      if (te.at(-1) !== 'chunked') break;
      if (cls.length > 0) closeAfter = true;
      // The head may be forwarded before a bad chunk is seen: the target counts, then stop.
      out.push(target);
      let ok = false;
      for (let c = 0; c < 10_000; c++) {
        const sz = line(bytes, pos);
        if (sz.next < 0) break;
        const hex = sz.text.split(';')[0]!.trim();
        if (!/^[0-9a-fA-F]{1,15}$/.test(hex)) break;
        const size = parseInt(hex, 16);
        pos = sz.next;
        if (size === 0) {
          // trailers up to an empty line
          let t = 0;
          for (; t < 100; t++) {
            const tl = line(bytes, pos);
            if (tl.next < 0) break;
            pos = tl.next;
            if (tl.text === '') break;
          }
          ok = t < 100 && pos <= bytes.length && bytes.slice(0, pos).endsWith('\n');
          break;
        }
        if (pos + size > bytes.length) break;
        pos += size;
        const end = line(bytes, pos);
        if (end.next < 0 || end.text !== '') break;
        pos = end.next;
      }
      if (!ok || closeAfter) break;
      continue;
    }
    if (cls.length > 0) {
      const all = cls.flatMap((v) => v.split(',')).map((v) => v.trim());
      if (!all.every((v) => /^\d+$/.test(v)) || new Set(all.map((v) => BigInt(v).toString())).size !== 1) break;
      // HAProxy takes any length that fits in 64 bits; a huge one just means "the rest".
      const big = BigInt(all[0]!);
      if (big >= 1n << 63n) break;
      if (big > 0n && version === 'HTTP/1.0' && ['GET', 'HEAD', 'DELETE'].includes(method)) break;
      out.push(target);
      if (BigInt(pos) + big > BigInt(bytes.length)) break;
      pos += Number(big);
    } else {
      out.push(target);
    }
    if (closeAfter) break;
  }
  return out;
}
