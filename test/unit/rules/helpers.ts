/** Builds real runtimes from config text and transactions from raw request bytes, without sockets. */
import type { Socket } from 'node:net';
import { loadConfigText } from '../../../src/config/load.js';
import { Diagnostics } from '../../../src/core/diag.js';
import { Runtime } from '../../../src/runtime/runtime.js';
import { HttpSession } from '../../../src/http/session.js';
import { HttpTxn } from '../../../src/http/txn.js';
import { parseRequestHead, type ParsedRequest } from '../../../src/http/h1/request.js';
import { buildHttpHooks } from '../../../src/rules/index.js';
import type { HttpHooks, RequestVerdict } from '../../../src/http/txn-hooks.js';
import type { Listener } from '../../../src/runtime/listeners.js';

export const CFG_FILE = '/tmp/portico-rules-test/t.cfg';

export const HEAD = `defaults
  mode http
  timeout client 5s
  timeout server 5s
  timeout connect 5s
`;

export interface Setup {
  rt: Runtime;
  hooks: HttpHooks;
  diags: Diagnostics;
}

/** Loads `text` (which must be valid), compiles its rules and returns the hooks. */
export function setup(text: string): Setup {
  const loaded = loadConfigText(text, CFG_FILE);
  if (!loaded.ok) throw new Error(loaded.diags.list.map((d) => `${d.line}: ${d.message}`).join('\n'));
  const rt = new Runtime(loaded.config);
  const diags = new Diagnostics();
  const hooks = buildHttpHooks(rt, diags);
  if (diags.alerts) throw new Error(diags.list.map((d) => `${d.line}: ${d.message}`).join('\n'));
  rt.httpHooks = hooks;
  return { rt, hooks, diags };
}

/** Diagnostics of compiling the rules of `text` (the config itself must parse). */
export function ruleDiags(text: string): Diagnostics {
  const loaded = loadConfigText(text, CFG_FILE);
  if (!loaded.ok) throw new Error(loaded.diags.list.map((d) => `${d.line}: ${d.message}`).join('\n'));
  const diags = new Diagnostics();
  buildHttpHooks(new Runtime(loaded.config), diags);
  return diags;
}

export function parse(raw: string): ParsedRequest {
  const r = parseRequestHead(Buffer.from(raw.replace(/\n/g, '\r\n'), 'latin1'));
  if (r.kind !== 'request') throw new Error(`bad test request: ${r.kind}`);
  return r;
}

/** A transaction of frontend `fe` for `raw` (LF line ends allowed), from 127.0.0.1:40000 to 127.0.0.1:8080. */
export function txnOf(s: Setup, raw: string, fe = 'fe'): HttpTxn {
  const front = s.rt.frontends.find((f) => f.name === fe);
  if (!front) throw new Error(`no frontend ${fe}`);
  const client = { remoteAddress: '127.0.0.1', remotePort: 40000, localAddress: '127.0.0.1', localPort: 8080 } as unknown as Socket;
  const listener = { port: 8080, proxy: front.config } as unknown as Listener;
  const session = new HttpSession(s.rt, front, client, listener, () => {});
  return new HttpTxn(session, parse(raw), Date.now());
}

export function request(s: Setup, raw: string, fe = 'fe'): { txn: HttpTxn; v: RequestVerdict } {
  const txn = txnOf(s, raw, fe);
  return { txn, v: s.hooks.request!(txn) };
}

/** The header value the request now carries (first occurrence). */
export function hdr(list: string[], name: string): string | undefined {
  for (let i = 0; i < list.length; i += 2) if (list[i] === name) return list[i + 1];
  return undefined;
}

export function all(list: string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < list.length; i += 2) if (list[i] === name) out.push(list[i + 1]!);
  return out;
}

/** Status line and headers of a reply verdict's bytes. */
export function replyOf(v: RequestVerdict): { status: number; line: string; headers: string[]; body: string } {
  if (v.kind !== 'reply') throw new Error(`expected a reply, got ${v.kind}`);
  const text = v.bytes.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  const lines = text.slice(0, end).split('\r\n');
  const headers: string[] = [];
  for (const l of lines.slice(1)) {
    const i = l.indexOf(': ');
    headers.push(l.slice(0, i), l.slice(i + 2));
  }
  return { status: v.status, line: lines[0]!, headers, body: text.slice(end + 4) };
}
