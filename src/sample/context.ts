/**
 * What a fetch can see. The HTTP/TCP engines implement SampleContext once per stream/transaction
 * (or use createSampleContext); fetches read from it and never from sockets directly.
 */
import type { HttpRequestHead, HttpResponseHead } from '../http/message.js';
import type { Sample } from './types.js';
import type { Userlist } from './userlist.js';
import { TxnCache } from './txn-cache.js';
import type { StickFetchContext } from '../persist/stick-fetch.js';

export interface ConnectionInfo {
  /** Client address as the socket layer gives it ("127.0.0.1", "::1", "::ffff:10.0.0.1"). */
  src: string;
  srcPort: number;
  /** Local address the client connected to. */
  dst: string;
  dstPort: number;
  /** "HTTP/2.0" when the client speaks HTTP/2 (the engine works on an HTTP/1.1 translation): req.ver and the log report it. */
  clientVersion?: string;
  /** TLS on the client side (ssl_fc). */
  ssl?: {
    sni?: string;
    protocol?: string;
    cipher?: string;
    alpn?: string;
    /** A client certificate was presented (ssl_c_used): whether it verified, and its subject DN. */
    clientCert?: { verified: boolean; verifyError?: string; subject?: string };
  };
}

/** A proxy as fetches see it: fe_name/fe_id, be_name/be_id. */
export interface ProxyRef {
  name: string;
  id: number;
}

/** The running proxies, as fetches like nbsrv() and srv_is_up() need them. Undefined = unknown name. */
export interface ProxyLookup {
  /** Usable (UP, not in maintenance) servers of a backend. */
  nbsrv(backend: string): number | undefined;
  srvIsUp(backend: string, server: string): boolean | undefined;
  /** Current connections of a backend / frontend. */
  beConn(backend: string): number | undefined;
  feConn(frontend: string): number | undefined;
  /** Free connection and queue slots of a backend's usable servers; -1 when any is unlimited. */
  connslots(backend: string): number | undefined;
}

export type VarScope = 'proc' | 'sess' | 'txn' | 'req' | 'res';
export const VAR_SCOPES: readonly VarScope[] = ['proc', 'sess', 'txn', 'req', 'res'];

/** Variables of one stream, addressed with their scope: "txn.user". */
export interface VarStore {
  get(scope: VarScope, name: string): Sample | undefined;
  set(scope: VarScope, name: string, value: Sample): void;
  unset(scope: VarScope, name: string): void;
}

/** The HTTP request body as the engine holds it (req.body, req.body_len, req.body_size, req.body_param). */
export interface RequestBodySource {
  /** The body received so far and still held (decoded, at most a buffer's worth). */
  requestBody(): Buffer;
  /** The advertised length (content-length), or what a chunked body has brought so far. */
  requestBodySize(): number | undefined;
}

export interface SampleContext {
  conn: ConnectionInfo;
  /** The HTTP request, when there is one (http mode, or tcp-request content that parsed HTTP). */
  req?: HttpRequestHead;
  /** Its body, in http mode. */
  reqBody?: RequestBodySource;
  /** The HTTP response, in http-response / http-after-response rules. */
  res?: HttpResponseHead;
  /** tcp mode: bytes received from the client so far (req.len, req.payload, req.ssl_sni...). */
  reqPayload?: Buffer;
  /** tcp mode: bytes received from the server so far (res.len, res.payload). */
  resPayload?: Buffer;
  /** True while rules run on the response side: direction-dependent fetches (hdr) then read `res`. */
  inResponse?: boolean;
  frontend?: ProxyRef;
  backend?: ProxyRef;
  vars: VarStore;
  proxies?: ProxyLookup;
  userlists?: { get(name: string): Userlist | undefined };
  /** tcp-request content: the inspect delay is over, so WAIT_END / wait_end is true. */
  waitEnd?: boolean;
  /** Parsed pieces of `req`/`res` computed once per transaction; see TxnCache. */
  cache: TxnCache;
  /** Stick tables and this stream's tracked counters, for the sc_, src_ and table_ fetches. */
  stick?: () => StickFetchContext;
}

/** A plain VarStore: proc variables are shared (pass the same map), the others live with the store. */
export class Vars implements VarStore {
  private readonly scopes: Record<VarScope, Map<string, Sample>>;

  constructor(proc: Map<string, Sample> = new Map(), sess: Map<string, Sample> = new Map()) {
    this.scopes = { proc, sess, txn: new Map(), req: new Map(), res: new Map() };
  }
  get(scope: VarScope, name: string): Sample | undefined {
    return this.scopes[scope].get(name);
  }
  set(scope: VarScope, name: string, value: Sample): void {
    this.scopes[scope].set(name, value);
  }
  unset(scope: VarScope, name: string): void {
    this.scopes[scope].delete(name);
  }
}

export interface SampleContextInit extends Omit<SampleContext, 'vars' | 'cache'> {
  vars?: VarStore;
}

/** A ready SampleContext from plain parts, with fresh variables and cache unless given. */
export function createSampleContext(init: SampleContextInit): SampleContext {
  return { ...init, vars: init.vars ?? new Vars(), cache: new TxnCache() };
}
