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
    let value = h[i + 1]!;
    if (name === 'te') {
      // Only "trailers" may cross into HTTP/2 (RFC 9113 8.2.2).
      if (!value.split(',').some((t) => t.trim().toLowerCase() === 'trailers')) continue;
      value = 'trailers';
    }
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


/**
 * The request for a `proto h2` server, as HAProxy 2.6 builds it: an absolute URI gives
 * `:scheme` and `:authority` (and its Host field is dropped); an origin-form one gets
 * `:scheme https` and keeps its Host field in place, which HTTP/2 servers read as the authority
 * (RFC 9113 8.3.1: no authority in the request line, no :authority). `te` survives only as
 * "trailers" (RFC 9113 8.2.2).
 */
export function h1RequestToH2(head: HttpRequestHead): OutgoingHttpHeaders {
  if (head.method === 'CONNECT') {
    const out: OutgoingHttpHeaders = { ':method': 'CONNECT', ':authority': head.uri };
    h2Fields(head.headers, out, new Set(['host']));
    return out;
  }
  const t = splitTarget(head.uri);
  const m = t.prefix ? /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/]*)$/.exec(t.prefix) : null;
  let out: OutgoingHttpHeaders;
  let skip: ReadonlySet<string>;
  if (m) {
    const rest = head.uri.slice(t.prefix.length);
    out = { ':method': head.method, ':scheme': m[1]!.toLowerCase(), ':authority': m[2]!, ':path': rest.startsWith('/') ? rest : `/${rest}` };
    skip = new Set(['host']);
  } else {
    out = { ':method': head.method, ':scheme': 'https', ':path': head.uri };
    skip = NOTHING;
  }
  h2Fields(head.headers, out, skip);
  return out;
}
