/** Serializes a reply portico produces itself (stats page, services) when no rules engine is attached. */
import type { LocalReply } from './txn-hooks.js';
import { serializeResponseHead } from './h1/serialize.js';

export function serializeLocalReply(r: LocalReply): Buffer {
  const headers = [...r.headers];
  if (!headers.includes('content-length')) headers.push('content-length', String(r.body.length));
  if (r.close) headers.push('connection', 'close');
  const head = serializeResponseHead({ version: 'HTTP/1.1', status: r.status, reason: r.reason, headers });
  return Buffer.concat([head, r.body]);
}
