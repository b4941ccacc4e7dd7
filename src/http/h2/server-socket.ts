/**
 * `server ... proto h2`: the HTTP/1 engine keeps talking HTTP/1.1 to what it takes for a server
 * socket, and this virtual socket speaks HTTP/2 to the server over the real connection (prior
 * knowledge on clear TCP, or TLS with `ssl alpn h2`). Each virtual socket owns one connection
 * and one node:http2 session carrying one exchange at a time, so the engine's connection pool
 * (http-reuse, idle connections, `timeout server`) works on it unchanged.
 *
 * Requests are read with the project's H1 parser and sent as h2 streams (h1-to-h2); responses
 * come back as HTTP/1.1 bytes (h2-to-h1), chunked when they carry no content-length so trailers
 * survive. A PROXY protocol header (send-proxy) goes on the raw connection before the h2 preface.
 */
import { connect as h2connect, constants, type ClientHttp2Session, type ClientHttp2Stream, type IncomingHttpHeaders } from 'node:http2';
import type { Socket } from 'node:net';
import { parseRequestHead, type ParsedRequest } from '../h1/request.js';
import { encodeChunk, encodeLastChunk } from '../h1/chunked.js';
import type { HeaderList } from '../message.js';
import { H1Reader, INTERNAL_LIMITS } from './h1-reader.js';
import { h1RequestToH2 } from './h1-to-h2.js';
import { h2ResponseToH1 } from './h2-to-h1.js';
import { headerPairs, trailersToH1, trailersToH2 } from './trailers.js';
import { VirtualSocket, type VirtualPeer } from './virtual-socket.js';

const PROXY_V1 = Buffer.from('PROXY ', 'latin1');
const PROXY_V2 = Buffer.from('\r\n\r\n\0\r\nQUIT\n', 'latin1');

/** Length of a PROXY protocol header at the start of `b`, or 0. */
function proxyHeaderLength(b: Buffer): number {
  if (b.length >= 16 && b.subarray(0, 12).equals(PROXY_V2)) return 16 + b.readUInt16BE(14);
  if (b.subarray(0, 6).equals(PROXY_V1)) {
    const end = b.indexOf('\r\n');
    return end < 0 ? b.length : end + 2;
  }
  return 0;
}

/**
 * Wraps a server connection being opened (`raw`, usable at its `ready` event) into a virtual
 * socket that speaks HTTP/1.1 to the engine and HTTP/2 to the server. The virtual socket emits
 * 'connect' when `raw` is usable and 'error' if it never becomes so.
 */
export function h2ServerSocket(raw: Socket, ready: 'connect' | 'secureConnect', secure: boolean): Socket {
  return new H2ServerConnection(raw, ready, secure).socket.asSocket();
}

class H2ServerConnection implements VirtualPeer {
  readonly socket: VirtualSocket;
  private connected = false;
  private session: ClientHttp2Session | undefined;
  private readonly reader: H1Reader<ParsedRequest>;
  private stream: ClientHttp2Stream | undefined;
  private request: ParsedRequest | undefined;
  /** CONNECT: after the request head, bytes go through unchanged both ways. */
  private tunnel = false;
  private responseChunked = false;
  private responseTrailers: HeaderList = [];
  private blocked = false;
  private pendingDone: (() => void) | undefined;
  /** The server said GOAWAY: this connection carries no further request. */
  private goaway = false;
  private gone = false;

  constructor(
    private readonly raw: Socket,
    ready: 'connect' | 'secureConnect',
    private readonly secure: boolean,
  ) {
    this.socket = new VirtualSocket({}, this);
    this.reader = new H1Reader<ParsedRequest>((buf) => parseRequestHead(buf, 0, buf.length, INTERNAL_LIMITS), {
      head: (h) => this.onRequestHead(h),
      data: (d) => this.onRequestData(d),
      end: (t) => this.onRequestEnd(t),
      error: () => this.abort(),
    });
    raw.once(ready, () => {
      this.connected = true;
      const v = this.socket;
      v.localAddress = raw.localAddress;
      v.localPort = raw.localPort;
      v.remoteAddress = raw.remoteAddress;
      v.remotePort = raw.remotePort;
      v.remoteFamily = raw.remoteFamily;
      v.emit('connect');
    });
    raw.on('error', (e) => {
      // Before the connection is up, the engine's connect logic handles the failure (retries).
      if (!this.connected) {
        if (this.socket.listenerCount('error') > 0) this.socket.emit('error', e);
      }
      else this.abort();
    });
    raw.on('close', () => this.abort());
  }

  // ---------------------------------------------------------------- engine → server

  write(chunk: Buffer, done: () => void): void {
    if (this.gone) return done();
    if (!this.session) {
      const n = proxyHeaderLength(chunk);
      if (n > 0) {
        // The PROXY header precedes the h2 preface on the raw connection.
        this.raw.write(chunk.subarray(0, n));
        chunk = chunk.subarray(n);
        if (chunk.length === 0) return done();
      }
      if (!this.openSession()) return done();
    }
    if (this.tunnel) {
      if (this.stream && !this.stream.destroyed && !this.stream.writableEnded && !this.stream.write(chunk)) this.pendingDone = done;
      else done();
      return;
    }
    this.blocked = false;
    this.reader.feed(chunk);
    if (this.blocked && this.stream && !this.stream.destroyed && !this.stream.writableFinished) this.pendingDone = done;
    else done();
  }

  private release(): void {
    const d = this.pendingDone;
    this.pendingDone = undefined;
    d?.();
  }

  private openSession(): boolean {
    try {
      const s = h2connect(`${this.secure ? 'https' : 'http'}://${this.authority()}`, { createConnection: () => this.raw });
      s.on('error', () => this.abort());
      s.on('close', () => this.abort());
      s.on('goaway', () => {
        this.goaway = true;
        if (!this.stream) this.serverDone();
      });
      this.session = s;
      return true;
    } catch {
      this.abort();
      return false;
    }
  }

  private authority(): string {
    const host = this.raw.remoteAddress ?? 'localhost';
    return `${host.includes(':') ? `[${host}]` : host}:${this.raw.remotePort ?? (this.secure ? 443 : 80)}`;
  }

  private onRequestHead(h: ParsedRequest): void {
    const session = this.session;
    if (!session || session.destroyed || this.goaway) return this.abort();
    this.request = h;
    this.responseChunked = false;
    this.responseTrailers = [];
    const connect = h.head.method === 'CONNECT';
    const endStream = !connect && (h.framing === 'none' || (h.framing === 'length' && h.contentLength === 0));
    let stream: ClientHttp2Stream;
    try {
      stream = session.request(h1RequestToH2(h.head), { endStream, waitForTrailers: h.framing === 'chunked' });
    } catch {
      // Fields HTTP/2 cannot carry: the engine sees the server connection fail (502).
      return this.abort();
    }
    this.stream = stream;
    if (connect) {
      this.tunnel = true;
      this.reader.abandon();
    }
    stream.on('error', () => this.abort());
    // A write that filled the stream completes at 'drain', or at 'finish' when end() followed it
    // (a Writable that is ending emits no 'drain').
    stream.on('drain', () => this.release());
    stream.on('finish', () => this.release());
    stream.on('continue', () => this.socket.deliver(Buffer.from('HTTP/1.1 100 Continue\r\n\r\n', 'latin1')));
    stream.on('headers', (headers: IncomingHttpHeaders, _flags: number, raw?: string[]) => this.onInterim(headers, raw));
    stream.on('response', (headers: IncomingHttpHeaders, _flags: number, raw?: string[]) => this.onResponse(headers, raw));
    stream.on('data', (d: Buffer) => this.onResponseData(d));
    stream.on('trailers', (headers: IncomingHttpHeaders, _flags: number, raw?: string[]) => (this.responseTrailers = trailersToH1(headerPairs(raw, headers))));
    stream.on('end', () => this.onResponseEnd());
    stream.on('close', () => {
      this.release();
      // Reset or closed before the end of the response: the engine sees the server leave.
      if (this.stream === stream) this.abort();
    });
    if (h.framing === 'chunked') stream.once('wantTrailers', () => this.sendTrailers(stream));
  }

  private onRequestData(d: Buffer): void {
    const s = this.stream;
    if (!s || s.destroyed) return;
    if (!s.write(d)) this.blocked = true;
  }

  private requestTrailers: HeaderList = [];

  private onRequestEnd(trailers: HeaderList): void {
    const s = this.stream;
    if (!s || s.destroyed) return;
    this.requestTrailers = trailers;
    if (!s.writableEnded) s.end();
  }

  private sendTrailers(s: ClientHttp2Stream): void {
    if (s.destroyed) return;
    try {
      s.sendTrailers(trailersToH2(this.requestTrailers));
    } catch {
      try {
        s.sendTrailers({});
      } catch {
        this.abort();
      }
    }
  }

  // ---------------------------------------------------------------- server → engine

  private onInterim(headers: IncomingHttpHeaders, raw: string[] | undefined): void {
    const status = Number(headers[':status']);
    if (!(status >= 100 && status < 200) || status === 100) return; // 100 comes as 'continue'
    const t = h2ResponseToH1(headerPairs(raw, headers), this.request?.head.method ?? 'GET');
    if (t) this.socket.deliver(t.head);
  }

  private onResponse(headers: IncomingHttpHeaders, raw: string[] | undefined): void {
    const method = this.request?.head.method ?? 'GET';
    const t = h2ResponseToH1(headerPairs(raw, headers), method);
    if (!t) return this.abort();
    this.responseChunked = t.chunked && !this.tunnel;
    if (!this.socket.deliver(t.head)) this.stream?.pause();
  }

  private onResponseData(d: Buffer): void {
    if (d.length === 0) return;
    const bytes = this.responseChunked ? Buffer.concat(encodeChunk(d)) : d;
    if (!this.socket.deliver(bytes)) this.stream?.pause();
  }

  private onResponseEnd(): void {
    if (this.responseChunked) this.socket.deliver(encodeLastChunk(this.responseTrailers));
    const s = this.stream;
    this.stream = undefined;
    this.request = undefined;
    if (this.tunnel) return this.serverDone();
    // A request body the server did not wait for: this connection's stream state is unclear.
    if (s && !s.writableFinished && !s.destroyed) {
      s.close(constants.NGHTTP2_CANCEL);
      return this.serverDone();
    }
    if (this.goaway) this.serverDone();
  }

  /** The engine reads again. */
  pull(): void {
    if (this.stream && !this.stream.destroyed) this.stream.resume();
  }

  // ---------------------------------------------------------------- endings

  /** No further exchange on this connection: the engine sees the server close after the response. */
  private serverDone(): void {
    this.socket.deliverEnd();
  }

  /** The engine ended its side: a tunnel's end is passed on; otherwise nothing more will be sent. */
  end(): void {
    if (this.tunnel && this.stream && !this.stream.destroyed) {
      this.stream.end();
      return;
    }
    this.closeAll();
  }

  /** The virtual socket is gone (the engine discarded it). */
  closed(): void {
    this.gone = true;
    this.closeAll();
  }

  /** Something failed: the engine sees the server connection close (502/SH or SD), and everything goes. */
  private abort(): void {
    if (this.gone) return;
    this.gone = true;
    this.release();
    this.reader.abandon();
    if (!this.connected) {
      // Before 'connect': the engine's connect logic reports the failure.
      if (this.socket.listenerCount('error') > 0) this.socket.emit('error', new Error('server connection failed'));
      this.closeAll();
      return;
    }
    this.socket.deliverEnd();
    this.closeAll();
    this.socket.destroy();
  }

  private closeAll(): void {
    this.gone = true;
    const s = this.session;
    this.session = undefined;
    if (s && !s.destroyed) s.destroy();
    if (!this.raw.destroyed) this.raw.destroy();
  }
}
