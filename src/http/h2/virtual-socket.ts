/**
 * An in-memory connection shaped like the `net.Socket` the HTTP/1 engine drives. HTTP/2 uses it
 * twice: a stream of a client's h2 connection becomes a virtual HTTP/1.1 client connection for
 * HttpSession, and a server line with `proto h2` gives HttpSession a virtual HTTP/1.1 server
 * connection. The owner (a VirtualPeer) receives what the engine writes and delivers what the
 * engine reads, with the same back-pressure contract as a socket (deliver() returns false until
 * the engine pulls again; a write completes when the peer calls `done`).
 */
import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';

export interface VirtualPeer {
  /** Bytes written by the engine; `done` lets the next write through (flow control). */
  write(chunk: Buffer, done: () => void): void;
  /** The engine ended its side (socket.end()). */
  end(): void;
  /** The connection is gone (destroy(), or both sides ended). Called once. */
  closed(): void;
  /** The engine wants more bytes after deliver() said stop. */
  pull(): void;
}

export interface VirtualAddresses {
  remoteAddress?: string;
  remotePort?: number;
  remoteFamily?: string;
  localAddress?: string;
  localPort?: number;
}

export class VirtualSocket extends Duplex {
  remoteAddress: string | undefined;
  remotePort: number | undefined;
  remoteFamily: string | undefined;
  localAddress: string | undefined;
  localPort: number | undefined;
  bytesRead = 0;
  bytesWritten = 0;
  readonly connecting = false;
  private idleMs = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private peerClosed = false;

  constructor(
    addresses: VirtualAddresses,
    private readonly peer: VirtualPeer,
  ) {
    super({ allowHalfOpen: true, decodeStrings: true });
    this.remoteAddress = addresses.remoteAddress;
    this.remotePort = addresses.remotePort;
    this.remoteFamily = addresses.remoteFamily;
    this.localAddress = addresses.localAddress;
    this.localPort = addresses.localPort;
    // Nothing here is ever destroyed with an error, but a stray one must not become an uncaught exception.
    this.on('error', () => {});
  }

  /** This object as the socket type the engines are written against. */
  asSocket(): Socket {
    return this as unknown as Socket;
  }

  /** As net.Socket: what the pools check before reusing a connection. */
  get readyState(): 'open' | 'readOnly' | 'writeOnly' | 'closed' {
    if (this.destroyed) return 'closed';
    const readable = !this.readableEnded && this.readable;
    const writable = !this.writableEnded;
    if (readable && writable) return 'open';
    if (readable) return 'readOnly';
    if (writable) return 'writeOnly';
    return 'closed';
  }

  /** Bytes for the engine to read; false asks the peer to wait for pull(). */
  deliver(chunk: Buffer): boolean {
    if (this.destroyed || this.readableEnded) return false;
    this.bytesRead += chunk.length;
    this.touch();
    return this.push(chunk);
  }

  /** The peer has nothing more to send (the engine sees 'end'). */
  deliverEnd(): void {
    if (!this.destroyed) this.push(null);
  }

  setNoDelay(_noDelay?: boolean): this {
    return this;
  }

  setKeepAlive(_enable?: boolean, _delay?: number): this {
    return this;
  }

  ref(): this {
    return this;
  }

  unref(): this {
    return this;
  }

  resetAndDestroy(): this {
    return this.destroy();
  }

  /** As net.Socket: 'timeout' after `ms` without bytes in either direction (0 disables). */
  setTimeout(ms: number, callback?: () => void): this {
    this.idleMs = ms;
    if (callback) this.once('timeout', callback);
    this.touch();
    return this;
  }

  private touch(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (this.idleMs > 0 && !this.destroyed) {
      this.idleTimer = setTimeout(() => {
        this.idleTimer = undefined;
        this.emit('timeout');
      }, this.idleMs);
    }
  }

  override _read(): void {
    this.peer.pull();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.bytesWritten += chunk.length;
    this.touch();
    this.peer.write(chunk, () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.peer.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    this.idleMs = 0;
    if (!this.peerClosed) {
      this.peerClosed = true;
      this.peer.closed();
    }
    callback(error);
  }
}
