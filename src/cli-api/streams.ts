/**
 * The streams `show sess` lists and `shutdown session` kills, as HAProxy sees them: an HTTP
 * transaction in progress (an idle keep-alive connection has no stream), a TCP-mode connection,
 * or a Runtime API connection. Each stream gets a stable id, printed as a pointer-like hex
 * address. HTTP transactions are registered by the stats hooks when their request arrives and
 * dropped when they end, so nothing is kept per connection beyond a WeakMap entry.
 */
import type { Socket } from 'node:net';
import type { HttpTxn } from '../http/txn.js';
import type { Runtime } from '../runtime/runtime.js';
import type { FrontendRuntime } from '../runtime/frontend.js';
import { connInfo } from '../tcp/conninfo.js';
import { killBoundSession } from '../runtime/admin.js';

/** Runtime API connections, listed as streams of the GLOBAL proxy as HAProxy does. */
export const cliConnections = new Set<Socket>();

/**
 * HTTP transactions between their request and their end, oldest first: a list linked through the
 * transactions themselves (added and removed at every request; a Set paid for hashing).
 */
let firstTxn: HttpTxn | undefined;
let lastTxn: HttpTxn | undefined;

export function httpStreamStarted(txn: HttpTxn): void {
  if (txn.streamListed) return;
  txn.streamListed = true;
  txn.streamPrev = lastTxn;
  txn.streamNext = undefined;
  if (lastTxn) lastTxn.streamNext = txn;
  else firstTxn = txn;
  lastTxn = txn;
}

export function httpStreamEnded(txn: HttpTxn): void {
  if (!txn.streamListed) return;
  txn.streamListed = false;
  const { streamPrev: prev, streamNext: next } = txn;
  if (prev) prev.streamNext = next;
  else firstTxn = next;
  if (next) next.streamPrev = prev;
  else lastTxn = prev;
  txn.streamPrev = txn.streamNext = undefined;
}

export type Stream =
  | { kind: 'http'; id: number; created: number; fe: FrontendRuntime; txn: HttpTxn; client: Socket }
  | { kind: 'tcp'; id: number; created: number; fe: FrontendRuntime; client: Socket }
  | { kind: 'cli'; id: number; created: number; client: Socket };

let nextId = 1;
const ids = new WeakMap<object, number>();
const firstSeen = new WeakMap<Socket, number>();

function idOf(o: object): number {
  let id = ids.get(o);
  if (id === undefined) ids.set(o, (id = nextId++));
  return id;
}

/** When a connection was accepted; a Runtime API socket carries no date, so its first listing starts the clock. */
function acceptedAt(s: Socket, now: number): number {
  const info = connInfo(s);
  if (info) return info.acceptedAt;
  let t = firstSeen.get(s);
  if (t === undefined) firstSeen.set(s, (t = now));
  return t;
}

/** Every stream of `rt`, oldest first (HAProxy's list is in creation order). */
export function listStreams(rt: Runtime, now = Date.now()): Stream[] {
  const out: Stream[] = [];
  const mine = new Set(rt.frontends);
  for (let txn = firstTxn; txn; ) {
    const next = txn.streamNext;
    if (txn.ended) {
      httpStreamEnded(txn); // ended without reaching the log hook: forget it here
      txn = next;
      continue;
    }
    const fe = txn.session.fe;
    if (mine.has(fe)) out.push({ kind: 'http', id: idOf(txn), created: txn.firstByteAt || txn.startedAt, fe, txn, client: txn.session.client });
    txn = next;
  }
  for (const fe of rt.frontends) {
    if (fe.mode !== 'tcp') continue;
    for (const s of fe.sockets) out.push({ kind: 'tcp', id: idOf(s), created: acceptedAt(s, now), fe, client: s });
  }
  for (const s of cliConnections) out.push({ kind: 'cli', id: idOf(s), created: acceptedAt(s, now), client: s });
  return out.sort((a, b) => a.created - b.created || a.id - b.id);
}

/** The hex "pointer" HAProxy prints for a stream; derived from the id so that it is stable. */
export function streamPointer(id: number): string {
  return '0x' + (0x7f0000000000 + id * 0x400).toString(16);
}

/** The stream named by a pointer as `show sess` prints it (strtoul rules: 0x prefix or decimal). */
export function findStream(rt: Runtime, word: string, now = Date.now()): Stream | undefined {
  const n = parsePointer(word);
  if (n === undefined) return undefined;
  return listStreams(rt, now).find((s) => 0x7f0000000000 + s.id * 0x400 === n);
}

/** A pointer as C's strtoul(word, NULL, 0) reads it: undefined when it reads 0 (no number). */
export function parsePointer(word: string): number | undefined {
  const m = /^\s*(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(word);
  if (!m) return undefined;
  const t = m[1]!;
  const n = /^0[xX]/.test(t) ? Number.parseInt(t.slice(2), 16) : t.startsWith('0') ? Number.parseInt(t, 8) : Number(t);
  return n === 0 || !Number.isFinite(n) ? undefined : n;
}

/**
 * `shutdown session`: as HAProxy, an HTTP stream waiting for its response gets a 502 and its
 * client connection stays (the engine's kill for sessions on a server, termination "KH"); once
 * the response has started, or before a server connection, the connection closes ("KD", "KC").
 * A TCP or CLI connection is closed.
 */
export function killStream(s: Stream): void {
  if (s.kind === 'http') {
    const txn = s.txn;
    const sock = txn.connect?.socket;
    if (txn.server && sock && killBoundSession(txn.server, sock, 'K')) return;
    txn.termination = `K${txn.res ? 'D' : 'C'}--`;
    txn.session.close();
    return;
  }
  s.client.destroy();
}
