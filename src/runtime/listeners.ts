/**
 * Listening sockets for `bind` lines: TCP on IPv4/IPv6 (with port ranges), UNIX sockets and
 * inherited file descriptors (`fd@N`). Opening is all-or-nothing: if one address cannot be bound
 * the caller gets every failure in HAProxy's words and closes the rest.
 */
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import { unlinkSync, statSync } from 'node:fs';
import type { Address, Bind, Proxy } from '../config/model.js';

export interface Listener {
  bind: Bind;
  proxy: Proxy;
  /** "127.0.0.1:8080", "[::]:443", "/run/x.sock", "fd@3" */
  label: string;
  server: NetServer;
  /** The local port accepted connections arrived on (0 for UNIX sockets). */
  port: number;
}

export interface BindFailure {
  bind: Bind;
  proxy: Proxy;
  label: string;
  reason: string;
}

function labelOf(a: Address, port?: number): string {
  if (a.kind === 'unix') return a.path;
  if (a.kind === 'fd') return `fd@${a.fd}`;
  const host = a.host === '' ? (a.family === 'ipv6' ? '::' : '0.0.0.0') : a.host;
  return host.includes(':') ? `[${host}]:${port ?? a.port}` : `${host}:${port ?? a.port}`;
}

function describe(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'EADDRINUSE':
      return 'Address already in use';
    case 'EACCES':
      return 'Permission denied';
    case 'EADDRNOTAVAIL':
      return 'Cannot assign requested address';
    case 'EBADF':
      return 'Bad file descriptor';
    case 'ENOENT':
      return 'No such file or directory';
    default:
      return err.message;
  }
}

function listenOne(server: NetServer, a: Address, port: number, backlog: number | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    const done = () => {
      server.off('error', onError);
      resolve();
    };
    if (a.kind === 'fd') server.listen({ fd: a.fd, backlog }, done);
    else if (a.kind === 'unix') {
      // A socket file left by a previous run would make listen fail: HAProxy replaces it too.
      try {
        if (statSync(a.path).isSocket()) unlinkSync(a.path);
      } catch {
        /* absent */
      }
      server.listen({ path: a.path, backlog }, done);
    } else {
      const host = a.host === '' ? (a.family === 'ipv6' ? '::' : '0.0.0.0') : a.host;
      server.listen({ host, port, backlog, ipv6Only: a.family === 'ipv6' && a.host === '::' ? false : undefined }, done);
    }
  });
}

/**
 * Opens every bind of every proxy. `onConnection` receives accepted sockets with their listener.
 * Resolves with the listeners, or with the failures (after closing whatever was opened).
 */
export async function openListeners(
  proxies: Proxy[],
  onConnection: (socket: Socket, listener: Listener) => void,
): Promise<{ listeners: Listener[]; failures: BindFailure[] }> {
  const listeners: Listener[] = [];
  const failures: BindFailure[] = [];
  for (const proxy of proxies) {
    if (proxy.disabled) continue;
    for (const bind of proxy.binds) {
      for (const a of bind.addresses) {
        const ports = a.kind === 'inet' ? range(a.port, a.portEnd ?? a.port) : [0];
        for (const port of ports) {
          const label = labelOf(a, port);
          // pauseOnConnect lets the frontend decide when to read (maxconn, accept-proxy).
          const server = createServer({ pauseOnConnect: true, noDelay: true, allowHalfOpen: true });
          const listener: Listener = { bind, proxy, label, server, port };
          try {
            await listenOne(server, a, port, proxy.backlog);
            const addr = server.address();
            if (addr && typeof addr === 'object') listener.port = addr.port;
            server.on('connection', (socket: Socket) => onConnection(socket, listener));
            server.on('error', () => {
              /* accept errors (EMFILE...) are transient; the server keeps listening */
            });
            listeners.push(listener);
          } catch (err) {
            failures.push({ bind, proxy, label, reason: describe(err as NodeJS.ErrnoException) });
            server.close();
          }
        }
      }
    }
  }
  if (failures.length > 0) await closeListeners(listeners);
  return { listeners: failures.length > 0 ? [] : listeners, failures };
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let p = from; p <= to; p++) out.push(p);
  return out;
}

export function closeListeners(listeners: Listener[]): Promise<void> {
  return Promise.all(listeners.map((l) => new Promise<void>((resolve) => l.server.close(() => resolve())))).then(() => undefined);
}
