/**
 * One HTTP/2 stream of a client connection, carried through the HTTP/1 engine: its request goes
 * into a virtual HTTP/1.1 client connection (head translated by h2-to-h1, body chunked when it
 * has no content-length) and the HTTP/1.1 response HttpSession writes back is de-framed and sent
 * on the stream (status and fields, DATA with h2 flow control, trailers). Back-pressure holds in
 * both directions: the stream is paused while the engine does not read, and the engine's writes
 * complete only when the stream has room.
 */
import { constants, type ServerHttp2Stream, type IncomingHttpHeaders, type ServerStreamResponseOptions } from 'node:http2';
import { parseResponseHead, type ParsedResponse } from '../h1/response.js';
import { encodeChunk, encodeLastChunk } from '../h1/chunked.js';
import type { HeaderList } from '../message.js';
import { H1Reader, INTERNAL_LIMITS } from './h1-reader.js';
import { h1ResponseToH2 } from './h1-to-h2.js';
import { headerPairs, trailersToH1, trailersToH2 } from './trailers.js';
import type { VirtualClient } from './virtual-client.js';

export interface BridgeOwner {
  /** The stream is over; `reusable`: its virtual connection may carry the next stream. */
  streamDone(bridge: StreamBridge, vc: VirtualClient, reusable: boolean): void;
}

export interface BridgeRequest {
  head: Buffer;
  method: string;
  chunked: boolean;
  hasBody: boolean;
}

const { NGHTTP2_INTERNAL_ERROR, NGHTTP2_NO_ERROR, NGHTTP2_CANCEL } = constants;

export class StreamBridge {
  private readonly reader: H1Reader<ParsedResponse>;
  /** Everything of the request reached the engine. */
  private requestDone = false;
  private responseStarted = false;
  private responseDone = false;
  private finished = false;
  /** CONNECT answered with 2xx: raw bytes both ways. */
  private tunnel = false;
  private requestTrailers: HeaderList = [];
  private responseTrailers: HeaderList = [];
  /** The stream said "no more room" during the current engine write. */
  private blocked = false;
  private pendingDone: (() => void) | undefined;

  constructor(
    private readonly owner: BridgeOwner,
    private readonly stream: ServerHttp2Stream,
    private readonly vc: VirtualClient,
    private readonly req: BridgeRequest,
  ) {
    const method = req.method;
    this.reader = new H1Reader<ParsedResponse>(
      (buf) => parseResponseHead(buf, 0, buf.length, method, INTERNAL_LIMITS),
      {
        interim: (h) => this.onInterim(h),
        head: (h) => this.onResponseHead(h),
        data: (d) => this.onResponseData(d),
        end: (t) => this.onResponseEnd(t),
        error: () => this.fail(NGHTTP2_INTERNAL_ERROR),
      },
      (h) => h.head.status < 200 && h.head.status !== 101,
    );
  }

  start(): void {
    const s = this.stream;
    this.vc.attach(this);
    s.on('error', () => this.onStreamGone());
    s.on('aborted', () => this.onStreamGone());
    s.on('close', () => this.onStreamGone());
    s.on('drain', () => this.release());
    if (!this.req.hasBody) this.requestDone = true;
    this.vc.socket.deliver(this.req.head);
    if (this.req.hasBody) {
      s.on('data', (d: Buffer) => this.onRequestData(d));
      s.on('trailers', (t: IncomingHttpHeaders, _flags: number, raw?: string[]) => (this.requestTrailers = trailersToH1(headerPairs(raw, t))));
      s.on('end', () => this.onRequestEnd());
    }
  }

  // ---------------------------------------------------------------- request: stream → engine

  private onRequestData(d: Buffer): void {
    if (this.finished || this.requestDone) return;
    const bytes = this.req.chunked && !this.tunnel ? Buffer.concat(encodeChunk(d)) : d;
    if (bytes.length > 0 && !this.vc.socket.deliver(bytes)) this.stream.pause();
  }

  private onRequestEnd(): void {
    if (this.finished || this.requestDone) return;
    this.requestDone = true;
    if (this.tunnel) this.vc.socket.deliverEnd();
    else if (this.req.chunked) this.vc.socket.deliver(encodeLastChunk(this.requestTrailers));
    if (this.responseDone) this.finish(true);
  }

  /** The engine reads again. */
  pull(): void {
    if (!this.finished && !this.stream.destroyed) this.stream.resume();
  }

  // ---------------------------------------------------------------- response: engine → stream

  /** Bytes HttpSession wrote to its client; `done` is called once the stream can take more. */
  responseBytes(chunk: Buffer, done: () => void): void {
    if (this.finished) return done();
    this.blocked = false;
    this.reader.feed(chunk);
    // Held until the stream drains; a stream that is over (or ending: no 'drain' comes then) lets it go.
    if (this.blocked && !this.finished && !this.stream.destroyed && !this.stream.writableEnded) this.pendingDone = done;
    else done();
  }

  private release(): void {
    const done = this.pendingDone;
    this.pendingDone = undefined;
    done?.();
  }

  private onInterim(h: ParsedResponse): void {
    if (this.stream.destroyed || this.stream.headersSent) return;
    try {
      this.stream.additionalHeaders(h1ResponseToH2(h.head));
    } catch {
      // An interim response HTTP/2 cannot carry is dropped; the final one follows.
    }
  }

  private onResponseHead(h: ParsedResponse): void {
    if (this.stream.destroyed) return this.reader.abandon();
    const status = h.head.status;
    if (this.req.method === 'CONNECT' && status >= 200 && status < 300) this.tunnel = true;
    const endStream = !this.tunnel && (h.framing === 'none' || (h.framing === 'length' && h.contentLength === 0));
    // No Date of node's own: the server's response (or portico's local one) is sent as it is, as HAProxy does.
    const options: ServerStreamResponseOptions & { sendDate: boolean } = { endStream, waitForTrailers: h.framing === 'chunked', sendDate: false };
    try {
      this.stream.respond(h1ResponseToH2(h.head), options);
    } catch {
      // A status or field HTTP/2 cannot carry (101, out of range, bad characters).
      this.reader.abandon();
      return this.fail(NGHTTP2_INTERNAL_ERROR);
    }
    this.responseStarted = true;
    if (h.framing === 'chunked') this.stream.once('wantTrailers', () => this.sendTrailers());
    if (this.tunnel && this.requestDone) this.vc.socket.deliverEnd();
  }

  private sendTrailers(): void {
    if (this.stream.destroyed) return;
    try {
      this.stream.sendTrailers(trailersToH2(this.responseTrailers));
    } catch {
      try {
        this.stream.sendTrailers({});
      } catch {
        this.stream.close(NGHTTP2_INTERNAL_ERROR);
      }
    }
  }

  private onResponseData(d: Buffer): void {
    if (this.stream.destroyed || this.stream.writableEnded) return;
    if (!this.stream.write(d)) this.blocked = true;
  }

  private onResponseEnd(trailers: HeaderList): void {
    this.responseDone = true;
    this.responseTrailers = trailers;
    if (!this.stream.destroyed && !this.stream.writableEnded) this.stream.end();
    if (this.requestDone) return this.finish(true);
    // The response is complete while the client still sends: the rest of its body is not wanted.
    this.finish(false);
    if (!this.stream.destroyed) this.stream.close(NGHTTP2_NO_ERROR);
  }

  // ---------------------------------------------------------------- endings

  /** HttpSession ended its side of the virtual connection (it closes after this response). */
  engineEnded(): void {
    if (this.responseDone) return;
    if (this.reader.finish() && this.responseDone) return;
    this.fail(this.responseStarted ? NGHTTP2_INTERNAL_ERROR : NGHTTP2_CANCEL);
  }

  /** The virtual connection is gone. */
  engineClosed(): void {
    this.engineEnded();
    this.release();
  }

  /**
   * The client half-closed its connection, or sent nothing for `timeout client`: a request still
   * being received is abandoned (the engine sees the client leave); a complete one still gets
   * its response.
   */
  clientEnded(): void {
    if (!this.requestDone && !this.finished) this.fail(NGHTTP2_CANCEL);
  }

  /** The client reset the stream, or it closed. */
  private onStreamGone(): void {
    this.release();
    if (this.finished) return;
    // Before the end of the response: the engine sees the client leave (logged as CD).
    this.finish(false);
  }

  /** Resets the stream (the response cannot be completed) and drops the virtual connection. */
  private fail(code: number): void {
    if (!this.stream.destroyed) this.stream.close(code);
    this.finish(false);
  }

  private finish(reusable: boolean): void {
    if (this.finished) return;
    this.finished = true;
    this.vc.detach(this);
    this.release();
    this.owner.streamDone(this, this.vc, reusable && !this.tunnel);
  }
}
