/**
 * Events of a server connection go to whoever owns it now: a session while a request uses it,
 * the idle pool between requests. The dispatchers are attached once per socket, so reusing a
 * pooled connection costs no listener changes (measured: listener churn was a visible part of
 * the per-request cost).
 */
import type { Socket } from 'node:net';
import { onreadOption, type OnRead } from './direct-reads.js';

export interface ServerConnHandler {
  data(d: Buffer): void;
  end(): void;
  error(): void;
  close(): void;
  drain(): void;
  timeout(): void;
}

const OWNER = Symbol('portico.serverConnOwner');
/** Reads that came before a first owner (a server that speaks first), handed over at adoption. */
const EARLY = Symbol('portico.serverConnEarly');
type Owned = Socket & { [OWNER]?: ServerConnHandler; [EARLY]?: Buffer[] };

/**
 * The `onread` option for net.connect (see direct-reads.ts): reads go straight to the socket's
 * owner (see adopt) as fresh buffers, so an owner may keep them as it keeps 'data' chunks.
 * `socket` is called to learn the socket once it exists. The socket emits 'end', 'error' and
 * 'close' as usual, never 'data'.
 */
export function directReads(socket: () => Socket): OnRead {
  return onreadOption((d) => {
    const s = socket() as Owned;
    const owner = s[OWNER];
    if (owner) owner.data(d);
    else (s[EARLY] ??= []).push(d);
  });
}

/** Gives `sock`'s events to `h` from now on. */
export function adopt(sock: Socket, h: ServerConnHandler): void {
  const s = sock as Owned;
  if (s[OWNER] === undefined) {
    s.on('data', (d: Buffer) => s[OWNER]!.data(d));
    s.on('end', () => s[OWNER]!.end());
    s.on('error', () => s[OWNER]!.error());
    s.on('close', () => s[OWNER]!.close());
    s.on('drain', () => s[OWNER]!.drain());
    s.on('timeout', () => s[OWNER]!.timeout());
  }
  s[OWNER] = h;
  const early = s[EARLY];
  if (early !== undefined) {
    s[EARLY] = undefined;
    for (const d of early) s[OWNER]!.data(d);
  }
}

const IGNORE: ServerConnHandler = { data() {}, end() {}, error() {}, close() {}, drain() {}, timeout() {} };

/** Drops a server connection: nothing it says matters any more. */
export function discard(sock: Socket): void {
  adopt(sock, IGNORE);
  sock.destroy();
}
