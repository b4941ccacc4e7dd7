/**
 * HTTP/2 header blocks to HTTP/1.1 heads, as HAProxy's h2 layer converts them:
 * - a client's request (pseudo-headers :method :path :authority) becomes a request line and a
 *   Host header placed first; several `cookie` fields are joined with "; " into one, placed
 *   last; a body without content-length is sent chunked;
 * - a server's response (:status) becomes a status line; a body without content-length is
 *   sent chunked so that trailers can follow.
 * Anything that could not be an HTTP/1.1 field (bad names, CR/LF/NUL in values, connection-
 * specific fields, which RFC 9113 8.2.2 makes malformed) is refused rather than forwarded.
 */
import { TOKEN } from '../h1/chars.js';

/** Connection-specific fields: forbidden in HTTP/2 (RFC 9113 8.2.2). */
const REQUEST_PSEUDO = new Set([':method', ':path', ':authority', ':scheme']);

const CONNECTION_SPECIFIC = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

export type H2RequestTranslation =
  | {
      ok: true;
      /** The HTTP/1.1 request head, CRLFCRLF included. */
      head: Buffer;
      method: string;
      /** The body follows in chunked coding (no content-length was given). */
      chunked: boolean;
      /** A body is announced (not END_STREAM on the headers). */
      hasBody: boolean;
    }
  | { ok: false; reason: string };

/** A lower-case token: what HTTP/2 requires of field names. */
export function isLowerToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (TOKEN[s.charCodeAt(i)] !== 1) return false;
  return true;
}

/** A field value HTTP/1 can carry: no NUL, CR or LF, and nothing beyond one byte per character. */
export function isFieldValue(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0 || c === 0x0a || c === 0x0d || c > 0xff) return false;
  }
  return true;
}

/** A request target made of visible ASCII only (the H1 parser then applies HAProxy's own rules). */
function isTarget(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}

/**
 * Translates a client's request header block (`raw` as node:http2 gives it: name, value, ...).
 * `endStream`: the HEADERS frame ended the stream (no body).
 */
export function h2RequestToH1(raw: readonly string[], endStream: boolean): H2RequestTranslation {
  const pseudo = new Map<string, string>();
  let host: string | undefined;
  let contentLength = false;
  const cookies: string[] = [];
  let fields = '';
  let regularSeen = false;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    if (!isFieldValue(value)) return { ok: false, reason: `invalid character in the value of '${name}'` };
    if (name.startsWith(':')) {
      if (regularSeen) return { ok: false, reason: 'pseudo-header after a regular header' };
      if (!REQUEST_PSEUDO.has(name)) return { ok: false, reason: `unsupported pseudo-header '${name}'` };
      if (pseudo.has(name)) return { ok: false, reason: `repeated pseudo-header '${name}'` };
      pseudo.set(name, value);
      continue;
    }
    regularSeen = true;
    if (!isLowerToken(name)) return { ok: false, reason: `invalid header name '${name}'` };
    if (CONNECTION_SPECIFIC.has(name)) return { ok: false, reason: `connection-specific header '${name}'` };
    if (name === 'te' && value.trim().toLowerCase() !== 'trailers') return { ok: false, reason: "'te' other than 'trailers'" };
    if (name === 'cookie') {
      cookies.push(value);
      continue;
    }
    if (name === 'host') {
      // :authority wins over Host (RFC 9113 8.3.1); without it, the first Host is the authority.
      if (host === undefined) host = value;
      continue;
    }
    if (name === 'content-length') contentLength = true;
    fields += `${name}: ${value}\r\n`;
  }
  const method = pseudo.get(':method');
  const path = pseudo.get(':path');
  const authority = pseudo.get(':authority');
  const scheme = pseudo.get(':scheme');
  if (method === undefined || !isLowerToken(method.toLowerCase())) return { ok: false, reason: 'missing or invalid :method' };
  const connect = method === 'CONNECT';
  let target: string;
  if (connect) {
    if (authority === undefined || path !== undefined || scheme !== undefined) return { ok: false, reason: 'CONNECT needs :authority only' };
    target = authority;
  } else {
    if (path === undefined || scheme === undefined) return { ok: false, reason: 'missing :path or :scheme' };
    target = path;
  }
  if (!isTarget(target)) return { ok: false, reason: 'invalid character in :path' };
  const hostValue = authority ?? host;
  if (hostValue !== undefined && !isTarget(hostValue)) return { ok: false, reason: 'invalid authority' };
  const hasBody = !endStream;
  const chunked = hasBody && !contentLength && !connect;
  let text = `${method} ${target} HTTP/1.1\r\n`;
  if (hostValue !== undefined) text += `host: ${hostValue}\r\n`;
  text += fields;
  if (cookies.length > 0) text += `cookie: ${cookies.join('; ')}\r\n`;
  if (chunked) text += 'transfer-encoding: chunked\r\n';
  text += '\r\n';
  return { ok: true, head: Buffer.from(text, 'latin1'), method, chunked, hasBody };
}

export interface H2ResponseTranslation {
  /** The HTTP/1.1 response head, CRLFCRLF included. */
  head: Buffer;
  /** The body is sent chunked (no usable content-length), so trailers can follow. */
  chunked: boolean;
  /** The response has no body at all (HEAD, 1xx, 204, 304). */
  bodiless: boolean;
}

/**
 * Translates a server's response header block (`raw`: name, value, ...) into an HTTP/1.1 head.
 * Returns undefined when it cannot be one (no valid :status, bad fields). HTTP/2 has no reason
 * phrase: the status line has an empty one, as HAProxy sends it ("HTTP/1.1 200 "). A body
 * without content-length is chunked, even for an HTTP/1.0 client, as HAProxy 2.6 does.
 */
export function h2ResponseToH1(raw: readonly string[], requestMethod: string): H2ResponseTranslation | undefined {
  let status: number | undefined;
  let contentLength: string | undefined;
  let fields = '';
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    if (!isFieldValue(value)) return undefined;
    if (name === ':status') {
      if (status !== undefined || !/^[1-9]\d\d$/.test(value)) return undefined;
      status = Number(value);
      continue;
    }
    if (name.startsWith(':') || !isLowerToken(name)) return undefined;
    if (CONNECTION_SPECIFIC.has(name)) continue;
    if (name === 'content-length') {
      if (!/^\d+$/.test(value) || (contentLength !== undefined && contentLength !== value)) return undefined;
      if (contentLength !== undefined) continue;
      contentLength = value;
    }
    fields += `${name}: ${value}\r\n`;
  }
  if (status === undefined) return undefined;
  const bodiless = status < 200 || status === 204 || status === 304 || requestMethod === 'HEAD';
  const chunked = !bodiless && contentLength === undefined;
  let text = `HTTP/1.1 ${status} \r\n${fields}`;
  if (chunked) text += 'transfer-encoding: chunked\r\n';
  text += '\r\n';
  return { head: Buffer.from(text, 'latin1'), chunked, bodiless };
}
