/**
 * HTTP/1.1 heads to HTTP/2 header blocks: the response HttpSession produced for an h2 client,
 * and the request HttpSession sends to a `proto h2` server. Hop-by-hop fields (Connection, the
 * fields it names, Keep-Alive, Transfer-Encoding, Upgrade, Proxy-Connection) do not exist in
 * HTTP/2 and are dropped; the framing is HTTP/2's own. Repeated fields stay separate fields.
 */
import type { OutgoingHttpHeaders } from 'node:http2';
import { headerTokens } from '../h1/headers.js';
import type { HeaderList, HttpRequestHead, HttpResponseHead } from '../message.js';
import { splitTarget } from '../../rules/uri.js';

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade'];

/** Fields to send in HTTP/2, grouped by name (an array for a repeated field), without hop-by-hop ones. */
function h2Fields(h: HeaderList, out: OutgoingHttpHeaders, skip: ReadonlySet<string>): void {
  const drop = new Set(HOP_BY_HOP);
  for (const t of headerTokens(h, 'connection')) drop.add(t);
  for (let i = 0; i + 1 < h.length; i += 2) {
    const name = h[i]!;
    if (drop.has(name) || skip.has(name)) continue;
    const value = h[i + 1]!;
    const cur = out[name];
    if (cur === undefined) out[name] = value;
    else if (Array.isArray(cur)) cur.push(value);
    else out[name] = [String(cur), value];
  }
}

const NOTHING = new Set<string>();

/** The response head for an h2 client: `:status` and the end-to-end fields. */
export function h1ResponseToH2(head: HttpResponseHead): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = { ':status': head.status };
  h2Fields(head.headers, out, NOTHING);
  return out;
}

/** Fields whose meaning moves into pseudo-headers, or that only `trailers` may keep. */
const REQUEST_SKIP = new Set(['host']);

/**
 * The request for a `proto h2` server: `:method`, `:scheme` (https over TLS), `:authority`
 * from the absolute URI or the Host header, and `:path` in origin form. `te` survives only as
 * "trailers" (RFC 9113 8.2.2).
 */
export function h1RequestToH2(head: HttpRequestHead, secure: boolean): OutgoingHttpHeaders {
  let host: string | undefined;
  for (let i = 0; i + 1 < head.headers.length; i += 2) {
    if (head.headers[i] === 'host') {
      host = head.headers[i + 1];
      break;
    }
  }
  if (head.method === 'CONNECT') {
    const out: OutgoingHttpHeaders = { ':method': 'CONNECT', ':authority': head.uri };
    h2Fields(head.headers, out, REQUEST_SKIP);
    return out;
  }
  let scheme = secure ? 'https' : 'http';
  let path = head.uri;
  const t = splitTarget(head.uri);
  if (t.prefix) {
    // Absolute form: scheme://authority/path?query
    const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/]*)$/.exec(t.prefix);
    if (m) {
      scheme = m[1]!.toLowerCase();
      host = m[2]!;
    }
    const rest = head.uri.slice(t.prefix.length);
    path = rest.startsWith('/') ? rest : `/${rest}`;
  }
  const out: OutgoingHttpHeaders = { ':method': head.method, ':scheme': scheme, ':path': path };
  if (host !== undefined) out[':authority'] = host;
  const skip = new Set(REQUEST_SKIP);
  const te = headerTokens(head.headers, 'te');
  skip.add('te');
  h2Fields(head.headers, out, skip);
  if (te.includes('trailers')) out['te'] = 'trailers';
  return out;
}
