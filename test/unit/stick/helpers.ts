/** Runtimes with stick tables from config text, and transactions driven through the HTTP hooks. */
import { loadConfigText } from '../../../src/config/load.js';
import type { HttpTxn } from '../../../src/http/txn.js';
import type { ParsedResponse } from '../../../src/http/h1/response.js';
import type { RequestVerdict } from '../../../src/http/txn-hooks.js';
import type { ServerRuntime } from '../../../src/runtime/server.js';
import { CFG_FILE, HEAD, setup, txnOf, type Setup } from '../rules/helpers.js';

export { HEAD, setup, type Setup };

export const get = (path = '/') => `GET ${path} HTTP/1.1\nHost: h\n\n`;

/** Every message of loading `text` (parse, finalize and rules), as "level line: message". */
export function messages(text: string): string[] {
  const loaded = loadConfigText(text, CFG_FILE);
  return loaded.diags.list.map((d) => `${d.level} ${d.line ?? '-'}: ${d.message}`);
}

/** A request through the request hook, as the session runs it (request counted first). */
export function begin(s: Setup, raw = get(), fe = 'fe'): { txn: HttpTxn; v: RequestVerdict } {
  const txn = txnOf(s, raw, fe);
  txn.session.stick?.request(txn.startedAt);
  const v = s.hooks.request!(txn);
  if (v.kind === 'forward') {
    txn.backend = v.backend;
    txn.preferred = v.server;
  }
  return { txn, v };
}

/** The server answered `status`: the response hook runs, then the transaction ends. */
export function respond(s: Setup, txn: HttpTxn, server: ServerRuntime | undefined, status = 200): void {
  txn.server = server;
  txn.res = { head: { version: 'HTTP/1.1', status, reason: 'X', headers: [] } } as unknown as ParsedResponse;
  txn.session.stick?.response(status, Date.now());
  s.hooks.response!(txn);
  finish(txn);
}

export function finish(txn: HttpTxn): void {
  txn.session.stick?.transactionEnd(txn.bytesIn, txn.bytesOut, Date.now());
}

/** A full request: hook, then end of transaction; returns the reply status or 0 when forwarded. */
export function once(s: Setup, raw = get(), fe = 'fe'): number {
  const { txn, v } = begin(s, raw, fe);
  finish(txn);
  return v.kind === 'reply' ? v.status : 0;
}

/** `show table NAME` entry lines without their address column. */
export function entries(s: Setup, name: string): string[] {
  return s.rt.stick
    .show([name])
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((l) => l.replace(/^0x[0-9a-f]+: /, ''));
}
