/**
 * Seeded generator of HTTP/1 request streams for the fuzz test: one to three requests per
 * connection, well-formed or framed in tricky ways (CL, chunked, CL+TE, obfuscated TE, bodies
 * that look like requests), then byte- and line-level mutations. Same seed, same cases.
 */

export type Rng = () => number;

/** mulberry32: small, fast, good enough to spread cases. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: Rng, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
const int = (r: Rng, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

/** A request the backend must never see unless the client's own framing makes it a request. */
export const SMUGGLED = (c: number) => `GET /c${c}/SMUGGLED HTTP/1.1\r\nHost: evil\r\n\r\n`;

const TE_VARIANTS = [
  'chunked', 'Chunked', ' chunked', 'chunked ', '\tchunked', 'chunked, chunked', 'gzip, chunked', 'chunked, gzip', 'xchunked',
  'chunked;q=1', 'identity', '"chunked"', 'chunked\u000b', 'ch unked',
];
const CL_VARIANTS = (n: number) => [`${n}`, `0${n}`, `+${n}`, `-${n}`, `${n}, ${n}`, `${n},${n + 1}`, `0x${n.toString(16)}`, ` ${n} `, `${n}abc`, '', `${n}.0`, '99999999999999999999'];

function chunked(r: Rng, body: string): string {
  let out = '';
  let i = 0;
  while (i < body.length) {
    const n = Math.min(body.length - i, int(r, 1, 40));
    const ext = r() < 0.1 ? ';ext=1' : '';
    const size = r() < 0.1 ? n.toString(16).toUpperCase().padStart(4, '0') : n.toString(16);
    out += `${size}${ext}\r\n${body.slice(i, i + n)}\r\n`;
    i += n;
  }
  return `${out}0\r\n${r() < 0.15 ? 'x-trailer: 1\r\n' : ''}\r\n`;
}

/** One request, possibly with odd framing. `c` is the case number, `k` the request's index. */
function request(r: Rng, c: number, k: number): string {
  const method = pick(r, ['GET', 'GET', 'POST', 'POST', 'PUT', 'HEAD', 'DELETE', 'OPTIONS', 'PATCH']);
  const version = r() < 0.85 ? 'HTTP/1.1' : 'HTTP/1.0';
  const path = `/c${c}/r${k}${r() < 0.3 ? `?q=${int(r, 0, 999)}` : ''}`;
  const headers: string[] = [];
  if (r() < 0.95) headers.push(`Host: ${pick(r, ['example.test', 'a.test:8080', '127.0.0.1'])}`);
  for (let i = int(r, 0, 3); i > 0; i--) headers.push(`X-F${i}: ${'v'.repeat(int(r, 0, 20))}`);
  if (r() < 0.2) headers.push(`Connection: ${pick(r, ['close', 'keep-alive', 'close, x-f1', 'Upgrade'])}`);
  let body = '';
  const bodyKind = r();
  const smuggle = r() < 0.4;
  const payload = smuggle ? SMUGGLED(c) : 'x'.repeat(int(r, 0, 60));
  if (bodyKind < 0.3) {
    // no body
  } else if (bodyKind < 0.55) {
    headers.push(`Content-Length: ${r() < 0.7 ? String(payload.length) : pick(r, CL_VARIANTS(payload.length))}`);
    body = payload;
  } else if (bodyKind < 0.8) {
    headers.push(`Transfer-Encoding: ${r() < 0.6 ? 'chunked' : pick(r, TE_VARIANTS)}`);
    body = chunked(r, payload);
  } else if (bodyKind < 0.9) {
    // CL + TE (the classic smuggling shape), in either order
    const cl = `Content-Length: ${r() < 0.5 ? 0 : int(r, 1, 80)}`;
    const te = `Transfer-Encoding: ${pick(r, TE_VARIANTS)}`;
    headers.push(...(r() < 0.5 ? [cl, te] : [te, cl]));
    body = chunked(r, payload);
  } else {
    // Two Content-Length headers
    headers.push(`Content-Length: ${payload.length}`, `Content-Length: ${r() < 0.5 ? payload.length : 0}`);
    body = payload;
  }
  for (let i = headers.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [headers[i], headers[j]] = [headers[j]!, headers[i]!];
  }
  return `${method} ${path} ${version}\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n${body}`;
}

const INSERTS = ['\r', '\n', '\r\n', ' ', '\t', '\0', ':', ',', '\x7f', '\xff', '\r\n ', '\r\n\r\n', 'Transfer-Encoding: chunked\r\n', 'Content-Length: 3\r\n'];

/** Byte and line mutations applied to a serialized stream. */
function mutate(r: Rng, s: string): string {
  const at = () => int(r, 0, s.length);
  switch (int(r, 0, 9)) {
    case 0: {
      const i = at();
      return s.slice(0, i) + String.fromCharCode(int(r, 0, 255)) + s.slice(i + 1);
    }
    case 1: {
      const i = at();
      return s.slice(0, i) + pick(r, INSERTS) + s.slice(i);
    }
    case 2: {
      const i = at();
      return s.slice(0, i) + s.slice(i + int(r, 1, 4));
    }
    case 3:
      // CRLF -> LF somewhere, or LF -> CR
      return r() < 0.5 ? s.replace('\r\n', '\n') : s.replace(/\r\n(?=[^\r])/, '\r');
    case 4: {
      // duplicate a line
      const lines = s.split('\r\n');
      const i = int(r, 1, Math.max(1, lines.length - 2));
      lines.splice(i, 0, lines[i] ?? '');
      return lines.join('\r\n');
    }
    case 5:
      // obs-fold a header value
      return s.replace(/(\r\n[A-Za-z-]+: [^\r]*?)( )/, '$1\r\n ');
    case 6:
      // space before the colon, or uppercase/lowercase a framing header name
      return r() < 0.5 ? s.replace(/(Content-Length|Transfer-Encoding):/, '$1 :') : s.replace(/Transfer-Encoding/, 'transfer-encoding');
    case 7:
      // truncate
      return s.slice(0, at());
    case 8:
      // a huge header
      return s.replace('\r\n', `\r\nX-Huge: ${'h'.repeat(int(r, 8000, 20000))}\r\n`);
    default:
      return s;
  }
}

export interface FuzzCase {
  id: number;
  bytes: string;
  /** How to write: sizes of successive writes (sum = bytes length). */
  writes: number[];
  /** Half-close after writing. */
  end: boolean;
}

export function generateCase(seed: number, id: number): FuzzCase {
  const r = rng(seed * 1_000_003 + id);
  const n = int(r, 1, 3);
  let s = '';
  for (let k = 0; k < n; k++) s += request(r, id, k);
  if (r() < 0.15) s += SMUGGLED(id).replace('SMUGGLED', 'tail');
  for (let m = r() < 0.35 ? 0 : int(r, 1, 3); m > 0; m--) s = mutate(r, s);
  const writes: number[] = [];
  let left = s.length;
  while (left > 0) {
    const w = r() < 0.6 ? left : Math.min(left, int(r, 1, Math.max(1, Math.floor(left / 2))));
    writes.push(w);
    left -= w;
  }
  return { id, bytes: s, writes, end: r() < 0.7 };
}
