/**
 * Log transports: one UDP socket per target, datagram UNIX sockets through the optional
 * `unix-dgram` package (Node has no SOCK_DGRAM for UNIX sockets), and file descriptors
 * (stdout/stderr). Sending never blocks nor throws: a log that cannot leave is dropped and
 * counted, as HAProxy does.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createRequire } from 'node:module';
import { write } from 'node:fs';
import type { LogAddress } from './target.js';

export interface LogSink {
  send(line: string): void;
  close(): void;
  /** Messages dropped (socket errors, no transport). */
  readonly dropped: number;
}

class UdpSink implements LogSink {
  dropped = 0;
  private readonly sock: UdpSocket;
  constructor(private readonly host: string, private readonly port: number, family: 4 | 6) {
    this.sock = createSocket(family === 6 ? 'udp6' : 'udp4');
    this.sock.on('error', () => this.dropped++);
    this.sock.unref();
  }
  send(line: string): void {
    this.sock.send(line, this.port, this.host, (err) => {
      if (err) this.dropped++;
    });
  }
  close(): void {
    try {
      this.sock.close();
    } catch {
      /* already closed */
    }
  }
}

interface UnixDgramSocket {
  send(buf: Buffer, offset: number, length: number, path: string, cb?: (err?: Error) => void): void;
  on(ev: 'error', f: (e: Error) => void): void;
  close(): void;
}
type UnixDgramModule = { createSocket(type: 'unix_dgram'): UnixDgramSocket };

let unixDgram: UnixDgramModule | null | undefined;
/** The unix-dgram native module, or null when it is not installed (optional dependency). */
export function loadUnixDgram(): UnixDgramModule | null {
  if (unixDgram !== undefined) return unixDgram;
  try {
    unixDgram = createRequire(import.meta.url)('unix-dgram') as UnixDgramModule;
  } catch {
    unixDgram = null;
  }
  return unixDgram;
}

class UnixDgramSink implements LogSink {
  dropped = 0;
  private readonly sock: UnixDgramSocket;
  constructor(mod: UnixDgramModule, private readonly path: string) {
    this.sock = mod.createSocket('unix_dgram');
    this.sock.on('error', () => this.dropped++);
  }
  send(line: string): void {
    const b = Buffer.from(line, 'latin1');
    try {
      this.sock.send(b, 0, b.length, this.path);
    } catch {
      this.dropped++;
    }
  }
  close(): void {
    try {
      this.sock.close();
    } catch {
      /* already closed */
    }
  }
}

class FdSink implements LogSink {
  dropped = 0;
  constructor(private readonly fd: number) {}
  send(line: string): void {
    if (this.fd === 1 && process.stdout.writable) {
      process.stdout.write(line);
      return;
    }
    if (this.fd === 2 && process.stderr.writable) {
      process.stderr.write(line);
      return;
    }
    write(this.fd, line, (err) => {
      if (err) this.dropped++;
    });
  }
  close(): void {}
}

class NullSink implements LogSink {
  dropped = 0;
  send(): void {
    this.dropped++;
  }
  close(): void {}
}

/** Opens the transport for `a`; `warn` says why a target cannot be served. */
export function openSink(a: LogAddress, warn: (msg: string) => void): LogSink {
  switch (a.kind) {
    case 'udp':
      return new UdpSink(a.host, a.port, a.family);
    case 'fd':
      return new FdSink(a.fd);
    case 'unix': {
      const mod = loadUnixDgram();
      if (!mod) {
        warn(`log: cannot send to the UNIX datagram socket '${a.path}': the optional package 'unix-dgram' is not installed; these logs are dropped.`);
        return new NullSink();
      }
      return new UnixDgramSink(mod, a.path);
    }
    case 'ring':
      warn(`log: ring buffers ('ring@${a.name}') are not supported by portico; these logs are dropped.`);
      return new NullSink();
  }
}
