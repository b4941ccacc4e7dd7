/**
 * Header and trailer fields between node:http2's shapes and HTTP/1 field lists, shared by the
 * client side (stream-bridge.ts) and the server side (server-socket.ts).
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http2';
import type { HeaderList } from '../message.js';
import { isFieldValue, isLowerToken } from './h2-to-h1.js';

/** Name/value pairs of a received h2 header block: node's raw list, else the parsed object. */
export function headerPairs(raw: readonly string[] | undefined, headers: IncomingHttpHeaders): string[] {
  if (raw && raw.length > 0) return [...raw];
  const out: string[] = [];
  for (const [k, v] of Object.entries(headers)) {
    if (Array.isArray(v)) for (const x of v) out.push(k, x);
    else if (v !== undefined) out.push(k, String(v));
  }
  return out;
}

/** HTTP/1 trailer fields as h2 trailers, without the fields that must not or cannot appear there. */
export function trailersToH2(list: HeaderList): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (let i = 0; i + 1 < list.length; i += 2) {
    const name = list[i]!;
    if (name === 'content-length' || name === 'transfer-encoding' || name === 'host' || name === 'connection') continue;
    const cur = out[name];
    out[name] = cur === undefined ? list[i + 1]! : [...(Array.isArray(cur) ? cur : [String(cur)]), list[i + 1]!];
  }
  return out;
}

/** Received h2 trailer pairs as HTTP/1 trailer lines (pseudo and invalid fields dropped). */
export function trailersToH1(pairs: readonly string[]): HeaderList {
  const out: HeaderList = [];
  for (let i = 0; i + 1 < pairs.length; i += 2) if (isLowerToken(pairs[i]!) && isFieldValue(pairs[i + 1]!)) out.push(pairs[i]!, pairs[i + 1]!);
  return out;
}
