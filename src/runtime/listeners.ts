/**
 * Listening sockets for `bind` lines: TCP on IPv4/IPv6 (with port ranges), UNIX sockets and
 * inherited file descriptors (`fd@N`). Opening is all-or-nothing: if one address cannot be bound
 * the caller gets every failure in HAProxy's words and closes the rest.
 *
 * In master-worker mode the master binds every address (see process/sockets.ts) and the workers
 * listen on handles received from it: a worker installs a ListenSource and openListeners asks it
 * for the handle of each address by its bindKey instead of binding. Pausing a listener then only
 * closes the worker's copy of the socket; the master's copy keeps the port bound and listening.
 */
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import { unlinkSync, statSync } from 'node:fs';
import { getSystemErrorName } from 'node:util';
import type { Address, Bind, Proxy } from '../config/model.js';
import { FeCounters } from '../stats/counters.js';

export interface Listener {
  bind: Bind;
  proxy: Proxy;
  /** "127.0.0.1:8080", "[::]:443", "/run/x.sock", "fd@3" */
  label: string;
  server: NetServer;
  /** The local port accepted connections arrived on (0 for UNIX sockets). */
  port: number;
  /** The address this listener was opened on (to listen again after a pause). */
  address?: Address;
  /** True while paused (SIGTTOU, `disable frontend`): the accepting handle is closed. */
  paused?: boolean;
  /** Counters of this listener alone (`option socket-stats`), beside its frontend's. */
  counters?: FeCounters;
}

/** Where listening handles come from when this process does not bind them itself (a worker). */
export interface ListenSource {
  /** The handle for `key` (see bindKey), or an error text. */
  handle(key: string): Promise<{ handle: unknown } | { error: string }>;
}

let source: ListenSource | undefined;

/** Installs (or removes) the source of listening handles for this process. */
export function useListenSource(s: ListenSource | undefined): void {
  source = s;
}

/** A stable name for one listening address, shared by the master and its workers. */
export function bindKey(a: Address, port?: number): string {
  if (a.kind === 'unix') return `unix:${a.path}`;
  if (a.kind === 'fd') return `fd:${a.fd}`;
  return `tcp:${labelOf(a, port)}`;
}

/** Every listening address of the enabled proxies, with the bind it comes from. */
export function listenAddresses(proxies: Proxy[]): { key: string; label: string; address: Address; port: number; bind: Bind; proxy: Proxy }[] {
  const out: { key: string; label: string; address: Address; port: number; bind: Bind; proxy: Proxy }[] = [];
  for (const proxy of proxies) {
    if (proxy.disabled) continue;
    for (const bind of proxy.binds) {
      for (const a of bind.addresses) {
        const ports = a.kind === 'inet' ? range(a.port, a.portEnd ?? a.port) : [0];
        for (const port of ports) out.push({ key: bindKey(a, port), label: labelOf(a, port), address: a, port, bind, proxy });
      }
    }
  }
  return out;
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

/** HAProxy's words for a bind error (an errno exception or a negative libuv error number). */
export function describe(err: NodeJS.ErrnoException | number): string {
  if (typeof err === 'number') {
    let code: string;
    try {
      code = getSystemErrorName(err);
    } catch {
      return `error ${err}`;
    }
    return describe(Object.assign(new Error(code), { code }));
  }
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
    case 'ENOHANDLE':
      return err.message;
    default:
      return err.message;
  }
}

/** Listens on a handle received from the master (TCP handles directly, UNIX ones by fd). */
function listenOnHandle(server: NetServer, handle: unknown, backlog: number | undefined, done: () => void): void {
  const h = handle as { fd?: number; constructor?: { name?: string } };
  if (h.constructor?.name === 'TCP') server.listen(handle as never, backlog, done);
  else server.listen({ fd: h.fd!, backlog }, done);
}

/** `bind ... v6only`: an IPv6 wildcard bind then refuses IPv4 clients (else it is dual-stack, as in HAProxy). */
function v6only(bind: Bind): boolean {
  return bind.extra['v6only'] === true && bind.extra['v4v6'] !== true;
}

async function listenOne(server: NetServer, a: Address, port: number, backlog: number | undefined, onlyV6 = false): Promise<void> {
  const from = source;
  const received = from ? await from.handle(bindKey(a, port)) : undefined;
  if (received && 'error' in received) throw Object.assign(new Error(received.error), { code: 'ENOHANDLE' });
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    const done = () => {
      server.off('error', onError);
      resolve();
    };
    if (received) listenOnHandle(server, received.handle, backlog, done);
    else if (a.kind === 'fd') server.listen({ fd: a.fd, backlog }, done);
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
      server.listen({ host, port, backlog, ipv6Only: onlyV6 ? true : a.family === 'ipv6' && a.host === '::' ? false : undefined }, done);
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
          const listener: Listener = { bind, proxy, label, server, port, address: a };
          if (proxy.options['socket-stats'] === true) listener.counters = new FeCounters();
          try {
            await listenOne(server, a, port, proxy.backlog, v6only(bind));
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

/**
 * Stops accepting on a listener without forgetting it. In a worker only its copy of the socket
 * closes (the master keeps the port bound and connections wait in the backlog); in a single
 * process the port is released, as HAProxy's pause does, so that a new process can bind it.
 */
export function pauseListener(l: Listener): Promise<void> {
  if (l.paused) return Promise.resolve();
  l.paused = true;
  closeHandle(l.server);
  return Promise.resolve();
}

/** Accepts again on a paused listener; resolves with an error text if it cannot listen. */
export async function resumeListener(l: Listener): Promise<string | undefined> {
  if (!l.paused || !l.address) return undefined;
  try {
    await listenOne(l.server, l.address, l.port, l.proxy.backlog, v6only(l.bind));
    l.paused = false;
    return undefined;
  } catch (err) {
    return describe(err as NodeJS.ErrnoException);
  }
}

/**
 * Closes the accepting handle now. (server.close's callback would wait for every connection the
 * server accepted to end: a soft stop must not wait for that before it starts draining.)
 */
function closeHandle(server: NetServer): void {
  if (server.listening) server.close(() => {});
}

/** Stops accepting on every listener; connections already accepted are not touched. */
export function closeListeners(listeners: Listener[]): Promise<void> {
  for (const l of listeners) closeHandle(l.server);
  return Promise.resolve();
}
