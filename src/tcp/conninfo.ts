/**
 * Facts about an accepted connection that the engines and the log need beyond the socket: the
 * accept date, the handshake time (PROXY protocol), and the addresses a PROXY header gave.
 * Kept in a WeakMap so that a socket carries nothing extra when none of this applies.
 */
import type { Socket } from 'node:net';
import type { SessionStick } from '../runtime/stick.js';

export interface ConnInfo {
  acceptedAt: number;
  /** Th: time spent reading the PROXY protocol header (0 without one). */
  handshakeMs: number;
  /** Stick counters tracked by tcp-request rules; the HTTP engine goes on with the same trackers. */
  stick?: SessionStick;
  /** An HTTP transaction of this connection was already logged (Th counts once). */
  txnSeen?: boolean;
  /** Set when a PROXY header (or a set-src/set-dst rule) replaced the socket's addresses. */
  proxied?: { src: string; srcPort: number; dst: string; dstPort: number; family: 'IPv4' | 'IPv6' } | { local: true };
}

const infos = new WeakMap<Socket, ConnInfo>();

export function connInfo(s: Socket): ConnInfo | undefined {
  return infos.get(s);
}

export function setConnInfo(s: Socket, info: ConnInfo): void {
  infos.set(s, info);
}

/**
 * Makes the socket report the given addresses (remoteAddress, remotePort, localAddress,
 * localPort, remoteFamily), so that every engine, fetch and log line sees the client the PROXY
 * header or a set-src rule names.
 */
export function overrideAddresses(s: Socket, a: { src?: string; srcPort?: number; dst?: string; dstPort?: number; family?: 'IPv4' | 'IPv6' }): void {
  const def = (name: string, value: unknown) => Object.defineProperty(s, name, { value, configurable: true, writable: true });
  if (a.src !== undefined) def('remoteAddress', a.src);
  if (a.srcPort !== undefined) def('remotePort', a.srcPort);
  if (a.family !== undefined) def('remoteFamily', a.family);
  if (a.dst !== undefined) def('localAddress', a.dst);
  if (a.dstPort !== undefined) def('localPort', a.dstPort);
}
