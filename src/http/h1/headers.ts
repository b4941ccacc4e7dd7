/**
 * Helpers on the flat lower-cased header list [name0, value0, name1, value1, ...].
 * Names passed in may have any case; they are compared and stored lower-cased.
 */
import type { HeaderList } from '../message.js';

/** Value of the first header called `name`, or undefined. */
export function getHeader(h: HeaderList, name: string): string | undefined {
  const n = name.toLowerCase();
  for (let i = 0; i < h.length; i += 2) if (h[i] === n) return h[i + 1];
  return undefined;
}

/** Values of every header called `name`, in order. */
export function getHeaders(h: HeaderList, name: string): string[] {
  const n = name.toLowerCase();
  const out: string[] = [];
  for (let i = 0; i < h.length; i += 2) if (h[i] === n) out.push(h[i + 1]!);
  return out;
}

export function hasHeader(h: HeaderList, name: string): boolean {
  return getHeader(h, name) !== undefined;
}

/** Appends a header, keeping any existing one of the same name. */
export function addHeader(h: HeaderList, name: string, value: string): void {
  h.push(name.toLowerCase(), value);
}

/** Removes every header called `name`; returns how many were removed. */
export function deleteHeader(h: HeaderList, name: string): number {
  const n = name.toLowerCase();
  let w = 0;
  for (let r = 0; r < h.length; r += 2) {
    if (h[r] === n) continue;
    h[w] = h[r]!;
    h[w + 1] = h[r + 1]!;
    w += 2;
  }
  const removed = (h.length - w) / 2;
  h.length = w;
  return removed;
}

/** Replaces the first header called `name` (removing the others) or appends it. */
export function setHeader(h: HeaderList, name: string, value: string): void {
  const n = name.toLowerCase();
  let found = -1;
  for (let i = 0; i < h.length; i += 2) {
    if (h[i] === n) {
      found = i;
      break;
    }
  }
  if (found < 0) {
    h.push(n, value);
    return;
  }
  h[found + 1] = value;
  // Remove later duplicates.
  let w = found + 2;
  for (let r = found + 2; r < h.length; r += 2) {
    if (h[r] === n) continue;
    h[w] = h[r]!;
    h[w + 1] = h[r + 1]!;
    w += 2;
  }
  h.length = w;
}

/** Comma-separated elements of a list header, trimmed of blanks, empty ones skipped (RFC 9110 5.6.1). */
export function splitList(value: string): string[] {
  const out: string[] = [];
  for (const part of value.split(',')) {
    const t = part.replace(/^[ \t]+|[ \t]+$/g, '');
    if (t !== '') out.push(t);
  }
  return out;
}

/** Lower-cased tokens of every header called `name`, e.g. the Connection options. */
export function headerTokens(h: HeaderList, name: string): string[] {
  const out: string[] = [];
  for (const v of getHeaders(h, name)) for (const t of splitList(v)) out.push(t.toLowerCase());
  return out;
}

/** True when a list header `name` contains `token` (case-insensitive). */
export function hasToken(h: HeaderList, name: string, token: string): boolean {
  return headerTokens(h, name).includes(token.toLowerCase());
}

/**
 * The fixed hop-by-hop fields: connection, keep-alive, proxy-connection, te, trailer,
 * transfer-encoding, upgrade. Matched by length first: names are fresh strings, and a Set lookup
 * hashes each one.
 */
function isHopByHop(name: string): boolean {
  switch (name.length) {
    case 2:
      return name === 'te';
    case 7:
      return name === 'trailer' || name === 'upgrade';
    case 10:
      return name === 'connection' || name === 'keep-alive';
    case 16:
      return name === 'proxy-connection';
    case 17:
      return name === 'transfer-encoding';
    default:
      return false;
  }
}

/**
 * RFC 9110 7.6.1 hop-by-hop removal: the Connection header, every header it names, and the
 * fixed hop-by-hop set. `keepUpgrade` keeps Upgrade (and Connection: upgrade semantics are the
 * caller's). Transfer-Encoding goes too: framing is rebuilt by the sender. Returns a new list.
 *
 * Note: HAProxy 2.6 itself does not strip these between HTTP/1 peers; it only removes the
 * close/keep-alive tokens (see stripConnectionOptions). Use this for protocol conversion.
 */
export function removeHopByHop(h: HeaderList, keepUpgrade = false): HeaderList {
  // The names a Connection header lists (rare beyond close/keep-alive): a set only then.
  let named: Set<string> | undefined;
  for (let i = 0; i < h.length; i += 2) {
    if (h[i] !== 'connection') continue;
    named ??= new Set();
    for (const t of splitList(h[i + 1]!)) named.add(t.toLowerCase());
  }
  const out: HeaderList = [];
  for (let i = 0; i < h.length; i += 2) {
    const name = h[i]!;
    if ((isHopByHop(name) || named?.has(name) === true) && !(keepUpgrade && name === 'upgrade')) continue;
    out.push(name, h[i + 1]!);
  }
  return out;
}

/**
 * What HAProxy 2.6 does to Connection headers when forwarding HTTP/1: it removes the `close`
 * and `keep-alive` options (it manages persistence itself) and drops a header left empty.
 * Other options ("Connection: close, foo" → "connection: foo") and the headers they name stay.
 */
export function stripConnectionOptions(h: HeaderList): void {
  let w = 0;
  for (let r = 0; r < h.length; r += 2) {
    let value = h[r + 1]!;
    if (h[r] === 'connection') {
      const kept = splitList(value).filter((t) => {
        const l = t.toLowerCase();
        return l !== 'close' && l !== 'keep-alive';
      });
      if (kept.length === 0) continue;
      value = kept.join(', ');
    }
    h[w] = h[r]!;
    h[w + 1] = value;
    w += 2;
  }
  h.length = w;
}
