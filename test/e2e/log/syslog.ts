/**
 * Test helpers for logs: a UDP syslog receiver on loopback that keeps every datagram, bounded
 * waits for a line, and a tiny raw HTTP backend whose paths choose how it answers.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';

export interface Receiver {
  port: number;
  lines: string[];
  /** Waits (at most `ms`) for a line matching `re` that was not returned before. */
  next(re: RegExp, ms?: number): Promise<string>;
  /** From now on, next() ignores the lines already received. */
  mark(): void;
  /** Lines received so far that match `re`. */
  matching(re: RegExp): string[];
  close(): Promise<void>;
}

export async function startReceiver(family: 'udp4' | 'udp6' = 'udp4'): Promise<Receiver> {
  const sock: UdpSocket = createSocket(family);
  const lines: string[] = [];
  const taken = new Set<number>();
  let from = 0;
  await new Promise<void>((resolve) => sock.bind(0, family === 'udp4' ? '127.0.0.1' : '::1', () => resolve()));
  sock.on('message', (m) => lines.push(m.toString('latin1')));
  const port = sock.address().port;
  return {
    port,
    lines,
    matching: (re) => lines.filter((l) => re.test(l)),
    mark: () => {
      from = lines.length;
    },
    async next(re, ms = 4000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const i = lines.findIndex((l, k) => k >= from && !taken.has(k) && re.test(l));
        if (i >= 0) {
          taken.add(i);
          return lines[i]!;
        }
        if (Date.now() > deadline) throw new Error(`no log line matching ${re} within ${ms} ms; got:\n${lines.join('')}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () => new Promise<void>((resolve) => sock.close(() => resolve())),
  };
}

/**
 * A raw HTTP/1.1 backend: /ok answers 5 bytes, /slow never answers, /close closes without a
 * response, /garbage answers an invalid status line. Connections stay open (keep-alive).
 */
export async function startRawHttp(port = 0): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString('latin1');
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.slice(0, end);
        buf = buf.slice(end + 4);
        const path = head.split(' ')[1] ?? '/';
        if (path.startsWith('/slow')) continue;
        if (path.startsWith('/close')) return void s.destroy();
        if (path.startsWith('/partial')) {
          // 100 bytes announced, 10 sent, then the server dies.
          s.write('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n0123456789');
          setTimeout(() => s.destroy(), 50);
          return;
        }
        if (path.startsWith('/drip')) {
          // Headers and a first part; the rest never comes.
          s.write('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n0123456789');
          continue;
        }
        if (path.startsWith('/garbage')) {
          s.write('HTTP/1.1 abc def\r\n\r\n');
          continue;
        }
        const cookie = path.startsWith('/cookie') ? 'set-cookie: SESS=abc; path=/\r\n' : '';
        s.write(`HTTP/1.1 200 OK\r\ncontent-length: 5\r\n${cookie}x-srv: raw\r\n\r\nhello`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A TCP echo server (half-close aware: it ends when the client ends). */
export async function startEcho(port = 0): Promise<{ port: number; connections: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const state = { connections: 0 };
  const server = createServer({ allowHalfOpen: true }, (s) => {
    state.connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    s.pipe(s);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as { port: number }).port,
    get connections() {
      return state.connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
