/**
 * How a request and a response are adjusted when they cross portico: hop-by-hop headers are
 * dropped (RFC 9110 7.6.1), the connection mode decides the `connection` header on each side,
 * and `option forwardfor` / `option originalto` add the client's addresses.
 */
import type { Socket } from 'node:net';
import type { Proxy } from '../config/model.js';
import type { HeaderList } from './message.js';
import { getHeaders, removeHopByHop } from './h1/headers.js';
import { parseIp, parseNetwork, networkContains, type Network } from '../sample/ip.js';
import type { HttpTxn } from './txn.js';
import type { Listener } from '../runtime/listeners.js';

/**
 * keep-alive: both sides persistent (HAProxy's default); server-close: the server side closes
 * after each response; close: both sides close (`option httpclose`).
 */
export type ConnMode = 'keep-alive' | 'server-close' | 'close' | 'server-close-client-close';

/** The mode of a proxy alone; a transaction combines its frontend's and its backend's. */
export function connModeOf(p: Proxy): ConnMode {
  if (p.options['httpclose']) return 'close';
  if (p.options['http-server-close']) return 'server-close';
  return 'keep-alive';
}

export function combineModes(a: ConnMode, b: ConnMode): ConnMode {
  if (a === 'close' || b === 'close') return 'close';
  if (a === 'server-close' || b === 'server-close') return 'server-close';
  return 'keep-alive';
}

/** Whether a TE field of `h` lists the "trailers" token (in lower case: HAProxy drops "Trailers"). */
function teHasTrailers(h: HeaderList): boolean {
  for (let i = 0; i < h.length; i += 2) {
    if (h[i] !== 'te') continue;
    for (const t of h[i + 1]!.split(',')) if (t.split(';')[0]!.trim() === 'trailers') return true;
  }
  return false;
}

/**
 * Copies `h` without hop-by-hop headers and those the Connection header names. Transfer-Encoding
 * is hop-by-hop too, but portico forwards chunked bodies as they are: with `keepTransferEncoding`
 * it stays where it was, with its value, as HAProxy forwards it. With `keepTeTrailers` (requests)
 * a TE field that lists "trailers" stays as `te: trailers`, its other codings dropped, as HAProxy
 * does: gRPC servers refuse requests without it.
 */
export function withoutHopByHop(h: HeaderList, keepUpgrade: boolean, keepTransferEncoding: boolean, keepTeTrailers = false): HeaderList {
  const kept = removeHopByHop(h, keepUpgrade);
  const teTrailers = keepTeTrailers && teHasTrailers(h);
  if (!keepTransferEncoding && !teTrailers) return kept;
  // `kept` is `h` in order minus some fields: walk both to put the kept ones back in place.
  const out: HeaderList = [];
  let j = 0;
  let found = false;
  let teDone = false;
  for (let i = 0; i < h.length; i += 2) {
    if (j < kept.length && kept[j] === h[i] && kept[j + 1] === h[i + 1]) {
      out.push(kept[j]!, kept[j + 1]!);
      j += 2;
    } else if (keepTransferEncoding && h[i] === 'transfer-encoding') {
      // Trimmed: a value that started on a folded line keeps no leading blanks (as HAProxy's).
      out.push('transfer-encoding', h[i + 1]!.trim());
      found = true;
    } else if (teTrailers && !teDone && h[i] === 'te') {
      out.push('te', 'trailers');
      teDone = true;
    }
  }
  if (keepTransferEncoding && !found) out.push('transfer-encoding', 'chunked');
  return out;
}

function has(h: HeaderList, name: string): boolean {
  for (let i = 0; i < h.length; i += 2) if (h[i] === name) return true;
  return false;
}

/** `option forwardfor|originalto [except NET] [header NAME] [if-none]` as parsed words. */
interface ForwardFor {
  header: string;
  except?: Network;
  ifNone: boolean;
}

/** A proxy's `option forwardfor` and `option originalto`, null when not set. */
interface AddressOptions {
  forwardfor: ForwardFor | null;
  originalto: ForwardFor | null;
}

/** Parsed once per proxy (the words never change while the proxy runs). */
const addressOptionsCache = new WeakMap<Proxy, AddressOptions>();

function addressOptionsOf(p: Proxy): AddressOptions {
  let o = addressOptionsCache.get(p);
  if (o === undefined) {
    o = { forwardfor: parseForwardFor(p, 'forwardfor'), originalto: parseForwardFor(p, 'originalto') };
    addressOptionsCache.set(p, o);
  }
  return o;
}

function parseForwardFor(p: Proxy, option: 'forwardfor' | 'originalto'): ForwardFor | null {
  let result: ForwardFor | null = null;
  if (p.options[option]) {
    const args = p.optionArgs[option]?.args.slice(2) ?? [];
    result = { header: option === 'forwardfor' ? 'x-forwarded-for' : 'x-original-to', ifNone: false };
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === 'header' && args[i + 1]) result.header = args[++i]!.toLowerCase();
      // An unparsable network excludes nothing (the option's words are checked at config time).
      else if (a === 'except' && args[i + 1]) result.except = parseNetwork(args[++i]!);
      else if (a === 'if-none') result.ifNone = true;
    }
  }
  return result;
}

/**
 * The address as HAProxy writes it: an IPv4 client of a dual-stack IPv6 listener stays in its
 * v4-mapped form ("::ffff:127.0.0.1"), as the socket reports it.
 */
function clientAddress(s: Socket | { remoteAddress?: string }): string {
  return s.remoteAddress ?? '';
}

function excluded(ff: ForwardFor, address: string): boolean {
  if (!ff.except) return false;
  // networkContains matches a v4-mapped address against IPv4 networks, as HAProxy does.
  const ip = parseIp(address);
  return ip !== undefined && networkContains(ff.except, ip);
}

/** Headers sent to the server for this transaction. */
export function prepareRequestHeaders(txn: HttpTxn, mode: ConnMode, client: Socket, _listener: Listener): HeaderList {
  const req = txn.req!;
  const upgrade = req.upgrade;
  const out = withoutHopByHop(req.head.headers, upgrade, req.framing === 'chunked', true);
  const fe = addressOptionsOf(txn.session.fe.config);
  const beConfig = txn.backend?.config;
  const be = beConfig ? addressOptionsOf(beConfig) : undefined;
  // The backend's option wins when both set it, as in HAProxy.
  const ff = be?.forwardfor ?? fe.forwardfor;
  if (ff) {
    const addr = clientAddress(client);
    if (!excluded(ff, addr) && !(ff.ifNone && has(out, ff.header))) out.push(ff.header, addr);
  }
  const ot = be?.originalto ?? fe.originalto;
  if (ot) {
    const addr = client.localAddress ?? '';
    if (!excluded(ot, addr)) out.push(ot.header, addr);
  }
  const m = txn.backend ? combineModes(mode, txn.backend.connMode) : mode;
  // As HAProxy's H1 mux: an HTTP/1.0 message is "close" unless it says keep-alive, an HTTP/1.1
  // one "keep-alive" unless it says close; only the non-default has to be spelled out. A chunked
  // HTTP/1.0 request is forwarded as it is, but its server connection is not kept.
  const v10 = req.versionNumber < 11; // HTTP/1.0, and HTTP/0.9 as HAProxy counts it
  if (upgrade) out.push('connection', 'upgrade');
  else if (m !== 'keep-alive' || (v10 && req.framing === 'chunked')) {
    if (!v10) out.push('connection', 'close');
    txn.serverClose = true;
    // HAProxy does not keep an HTTP/1.0 client that sent a chunked body either.
    if (v10 && req.framing === 'chunked') txn.closeAfter = true;
  } else if (v10) out.push('connection', 'keep-alive');
  // The client side follows the frontend's mode only: `option httpclose` in a backend closes
  // the server connection, but HAProxy 2.6 keeps the client's connection alive.
  if (mode === 'close') txn.closeAfter = true;
  return out;
}

/** Headers sent to the client for this transaction's response. */
export function prepareResponseHeaders(txn: HttpTxn, _mode: ConnMode, upgrade: boolean): HeaderList {
  const res = txn.res!;
  // A response to HEAD has no body but describes the one a GET would get: HAProxy keeps its
  // Transfer-Encoding, as it keeps its Content-Length.
  // A 304 keeps it too (HAProxy forwards it as the server sent it).
  const keepTe = (txn.req!.head.method === 'HEAD' || res.head.status === 304) && getHeaders(res.head.headers, 'transfer-encoding').length > 0;
  const out = withoutHopByHop(res.head.headers, upgrade, res.framing === 'chunked' || keepTe);
  // Only a 101 says upgrade; the 2xx answer to a CONNECT goes out without a Connection header.
  if (upgrade && res.head.status === 101) out.push('connection', 'upgrade');
  else if (txn.closeAfter) {
    // An HTTP/1.0 response closes by default: HAProxy adds nothing then.
    if (res.head.version !== 'HTTP/1.0') out.push('connection', 'close');
  } else if (txn.req!.head.version === 'HTTP/1.0' || res.head.version === 'HTTP/1.0') out.push('connection', 'keep-alive');
  return out;
}
