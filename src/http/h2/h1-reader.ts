/**
 * Reads a stream of HTTP/1 messages as HttpSession writes them (requests towards a `proto h2`
 * server, responses towards an h2 client) and turns it into events: head, payload bytes, end
 * with trailers. Heads are parsed by the project's H1 parsers and bodies de-framed by its
 * chunked decoder, so the h2 side never sees HTTP/1 framing.
 */
import { ChunkedDecoder } from '../h1/chunked.js';
import type { H1Limits } from '../h1/limits.js';
import type { BodyFraming, H1Error, H1Incomplete } from '../h1/types.js';
import type { HeaderList } from '../message.js';

/**
 * The bytes come from portico's own engine, which has already applied the configured limits;
 * these only bound memory if something goes wrong.
 */
export const INTERNAL_LIMITS: H1Limits = { bufsize: 1 << 20, maxrewrite: 0, maxhdr: 10_000 };

export interface ReadableHead {
  kind: string;
  consumed: number;
  framing: BodyFraming;
  contentLength: number;
}

export interface H1ReaderEvents<H> {
  /** An interim (1xx) response head; the final head follows. */
  interim?(head: H): void;
  head(head: H): void;
  data(payload: Buffer): void;
  /** The message is complete. */
  end(trailers: HeaderList): void;
  /** The bytes are not a valid message; nothing more is read. */
  error(message: string): void;
}

const enum St {
  Head,
  Body,
  /** A message ended; the next bytes start another one. */
  Between,
  Failed,
}

export class H1Reader<H extends ReadableHead> {
  private st = St.Head;
  private pending: Buffer | undefined;
  private remaining = 0;
  private chunks: ChunkedDecoder | undefined;
  private untilClose = false;

  constructor(
    private readonly parseHead: (buf: Buffer) => H | H1Incomplete | H1Error,
    private readonly events: H1ReaderEvents<H>,
    private readonly isInterim: (head: H) => boolean = () => false,
  ) {}

  /** True while no message is in progress (before the first byte of one or after its end). */
  get idle(): boolean {
    return (this.st === St.Head && !this.pending?.length) || this.st === St.Between;
  }

  get failed(): boolean {
    return this.st === St.Failed;
  }

  /** True while a body is being read (its head was delivered). */
  get inBody(): boolean {
    return this.st === St.Body;
  }

  feed(d: Buffer): void {
    let buf = d;
    while (buf.length > 0) {
      if (this.st === St.Failed) return;
      if (this.st === St.Between) this.st = St.Head;
      if (this.st === St.Head) {
        const all = this.pending ? Buffer.concat([this.pending, buf]) : buf;
        this.pending = undefined;
        const r = this.parseHead(all);
        if (r.kind === 'incomplete') {
          this.pending = all;
          return;
        }
        if (r.kind === 'error') return this.fail((r as H1Error).message);
        const head = r as H;
        buf = all.subarray(head.consumed);
        if (this.isInterim(head)) {
          this.events.interim?.(head);
          continue;
        }
        this.startBody(head);
        continue;
      }
      buf = this.feedBody(buf);
    }
  }

  /**
   * The byte stream ended. A body delimited by the close ends here; a message cut short is an
   * error. Returns true when no message was left incomplete.
   */
  finish(): boolean {
    if (this.st === St.Body && this.untilClose) {
      this.complete([]);
      return true;
    }
    if (this.st === St.Failed) return false;
    if (this.st === St.Body || this.pending?.length) {
      this.fail('message truncated');
      return false;
    }
    return true;
  }

  private startBody(head: H): void {
    this.st = St.Body;
    this.chunks = undefined;
    this.untilClose = false;
    this.remaining = 0;
    this.events.head(head);
    if (this.st !== St.Body) return; // the listener gave up on this message
    if (head.framing === 'length') this.remaining = head.contentLength;
    else if (head.framing === 'chunked') this.chunks = new ChunkedDecoder(INTERNAL_LIMITS);
    else if (head.framing === 'until-close') this.untilClose = true;
    if (head.framing === 'none' || (head.framing === 'length' && head.contentLength === 0)) this.complete([]);
  }

  /** Feeds body bytes; returns what follows the end of this message. */
  private feedBody(d: Buffer): Buffer {
    if (this.untilClose) {
      this.events.data(d);
      return EMPTY;
    }
    if (this.chunks) {
      const ranges: number[] = [];
      const used = this.chunks.feed(d, 0, d.length, ranges);
      for (let i = 0; i < ranges.length; i += 2) {
        if (ranges[i + 1]! > ranges[i]!) this.events.data(d.subarray(ranges[i], ranges[i + 1]));
        if (this.st !== St.Body) return EMPTY;
      }
      if (this.chunks.error) {
        this.fail(this.chunks.error.message);
        return EMPTY;
      }
      if (this.chunks.done) this.complete(this.chunks.trailers);
      return d.subarray(used);
    }
    const n = Math.min(this.remaining, d.length);
    this.remaining -= n;
    if (n > 0) this.events.data(n === d.length ? d : d.subarray(0, n));
    if (this.st === St.Body && this.remaining === 0) this.complete([]);
    return d.subarray(n);
  }

  private complete(trailers: HeaderList): void {
    this.st = St.Between;
    this.chunks = undefined;
    this.untilClose = false;
    this.events.end(trailers);
  }

  /** Stops reading (the owner gave up on the stream): later bytes are ignored. */
  abandon(): void {
    this.st = St.Failed;
    this.pending = undefined;
  }

  private fail(message: string): void {
    this.st = St.Failed;
    this.pending = undefined;
    this.events.error(message);
  }
}

const EMPTY = Buffer.alloc(0);
