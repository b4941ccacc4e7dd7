/**
 * Events of a server connection go to whoever owns it now: a session while a request uses it,
 * the idle pool between requests. The dispatchers are attached once per socket, so reusing a
 * pooled connection costs no listener changes (measured: listener churn was a visible part of
 * the per-request cost).
 */
import type { Socket } from 'node:net';

export interface ServerConnHandler {
  data(d: Buffer): void;
  end(): void;
  error(): void;
  close(): void;
  drain(): void;
  timeout(): void;
}

const OWNER = Symbol('portico.serverConnOwner');
type Owned = Socket & { [OWNER]?: ServerConnHandler };

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
}

const IGNORE: ServerConnHandler = { data() {}, end() {}, error() {}, close() {}, drain() {}, timeout() {} };

/** Drops a server connection: nothing it says matters any more. */
export function discard(sock: Socket): void {
  adopt(sock, IGNORE);
  sock.destroy();
}
