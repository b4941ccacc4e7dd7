/**
 * The response description shared by `http-request return|deny|tarpit`, `http-response
 * return|deny` and `http-error`:
 *   [status|deny_status N] [content-type T]
 *   [default-errorfiles | errorfile F | errorfiles NAME | file F | lf-file F | string S | lf-string S]
 *   [hdr NAME FMT]...
 * compiled once into a ReplySpec, built into an HttpReply per request.
 */
import { readFileSync } from 'node:fs';
import { ERROR_STATUSES, defaultErrorReply, reasonPhrase } from '../http/errors.js';
import { compileLogFormat, evalLogFormat, type LogFormat } from '../log/logformat.js';
import { loadErrorFile, type HttpReply } from './reply.js';
import type { CompileCtx } from './compile-ctx.js';
import type { RunState } from './types.js';

export type ReplySpec =
  /** the proxy's error page for `status` (errorfile, http-error, errorloc, else HAProxy's page) */
  | { kind: 'errors'; status: number }
  /** a complete response known at startup (errorfile, errorfiles, errorloc) */
  | { kind: 'fixed'; reply: HttpReply }
  /** a status with optional payload and headers built per request */
  | { kind: 'payload'; status: number; contentType?: string; body?: Buffer; lfBody?: LogFormat; hdrs: { name: string; value: LogFormat }[] };

export interface ReplyOptions {
  /** Status when none is given: 200 for return, 403 for deny, 500 for tarpit, 502 for http-response deny. */
  defaultStatus: number;
  /** deny/tarpit: without a payload argument, the proxy's error page is used. */
  impliedErrorfiles: boolean;
  /** http-error: the status must be given. */
  statusRequired?: boolean;
}

const BODY_WORDS = ['default-errorfiles', 'errorfile', 'errorfiles', 'file', 'lf-file', 'string', 'lf-string'];
const FORBIDDEN_HDRS = ['content-length', 'transfer-encoding', 'content-type'];

/**
 * Parses words[from...] up to `if`/`unless`. Returns the spec and the index after the last word
 * used, or undefined after reporting an error through cc.
 */
export function compileReply(words: string[], from: number, cc: CompileCtx, o: ReplyOptions): { spec: ReplySpec; next: number } | undefined {
  let status: number | undefined;
  let contentType: string | undefined;
  let bodyKind: string | undefined;
  let bodyArg: string | undefined;
  const hdrs: { name: string; value: string }[] = [];
  let i = from;
  for (; i < words.length; i++) {
    const w = words[i]!;
    if (w === 'if' || w === 'unless') break;
    if (w === 'status' || w === 'deny_status') {
      const v = words[++i];
      if (v === undefined || !/^\d+$/.test(v)) return cc.fail(`'${w}' expects a numeric status code as argument.`);
      status = Number(v);
      if (status < 200 || status > 599) return cc.fail(`Unexpected status code '${v}'.`);
    } else if (w === 'content-type') {
      const v = words[++i];
      if (v === undefined) return cc.fail(`'content-type' expects a value as argument.`);
      contentType = v;
    } else if (BODY_WORDS.includes(w)) {
      if (bodyKind) return cc.fail(`unexpected '${w}' argument, '${bodyKind}' already defined.`);
      bodyKind = w;
      if (w !== 'default-errorfiles') {
        bodyArg = words[++i];
        if (bodyArg === undefined) return cc.fail(`'${w}' expects ${w.endsWith('file') ? '<file>' : w === 'errorfiles' ? '<name>' : '<fmt>'} as argument.`);
      }
    } else if (w === 'hdr') {
      const name = words[i + 1];
      const value = words[i + 2];
      if (name === undefined || value === undefined || name === 'if' || name === 'unless') return cc.fail(`'hdr' expects <name> and <value> as arguments.`);
      if (FORBIDDEN_HDRS.includes(name.toLowerCase())) return cc.fail(`header '${name}' may not be set with 'hdr' (it is computed).`);
      hdrs.push({ name: name.toLowerCase(), value });
      i += 2;
    } else {
      return cc.fail(`expects either 'if' or 'unless' followed by a condition but found '${w}'.`, true);
    }
  }
  if (status === undefined) {
    if (o.statusRequired) return cc.fail(`expects at least 'status' <code>.`);
    status = o.defaultStatus;
  }
  if (!bodyKind && o.impliedErrorfiles && contentType === undefined && hdrs.length === 0) bodyKind = 'default-errorfiles';

  const errorStatus = (arg: string) => {
    if (ERROR_STATUSES.includes(status!)) return true;
    cc.fail(`status code '${status}' not handled by default with '${arg}' argument..`);
    return false;
  };
  const ignored = (what: string) => cc.warn(`${what} ignored because the response is an errorfile.`);
  switch (bodyKind) {
    case 'default-errorfiles':
      if (!errorStatus('default-errorfiles')) return undefined;
      if (hdrs.length) ignored("'hdr' arguments");
      return { spec: { kind: 'errors', status }, next: i };
    case 'errorfile': {
      if (!errorStatus('errorfile')) return undefined;
      const r = loadErrorFile(cc.resolve(bodyArg!));
      if (typeof r === 'string') return cc.fail(r);
      if (hdrs.length) ignored("'hdr' arguments");
      return { spec: { kind: 'fixed', reply: r }, next: i };
    }
    case 'errorfiles': {
      if (!errorStatus('errorfiles')) return undefined;
      const section = cc.httpErrors(bodyArg!);
      if (!section) return cc.fail(`unknown http-errors section '${bodyArg}'.`);
      const file = section.get(status);
      // Not in the section: the proxy's own error pages apply.
      return { spec: file ? { kind: 'fixed', reply: file } : { kind: 'errors', status }, next: i };
    }
  }
  const spec: Extract<ReplySpec, { kind: 'payload' }> = { kind: 'payload', status, hdrs: [] };
  for (const h of hdrs) {
    const lf = cc.logFormat(h.value);
    if (!lf) return undefined;
    spec.hdrs.push({ name: h.name, value: lf });
  }
  let empty = true;
  if (bodyKind === 'string') {
    spec.body = Buffer.from(bodyArg!, 'latin1');
    empty = spec.body.length === 0;
  } else if (bodyKind === 'lf-string') {
    const lf = cc.logFormat(bodyArg!);
    if (!lf) return undefined;
    spec.lfBody = lf;
    empty = lf.parts.length === 0;
  } else if (bodyKind === 'file' || bodyKind === 'lf-file') {
    let data: Buffer;
    const path = cc.resolve(bodyArg!);
    try {
      data = readFileSync(path);
    } catch {
      return cc.fail(`failed to open file '${path}'.`);
    }
    empty = data.length === 0;
    if (bodyKind === 'file') spec.body = data;
    else {
      const lf = cc.logFormat(data.toString('latin1'));
      if (!lf) return undefined;
      spec.lfBody = lf;
    }
  }
  if (!empty && contentType === undefined) return cc.fail('a content type must be defined when non-empty payload is configured.');
  if (!empty) spec.contentType = contentType;
  else if (contentType !== undefined) cc.warn(`'content-type' ignored because the response payload is empty.`);
  return { spec, next: i };
}

/** The reply for a spec, given the state of the request (for log-format parts and error pages). */
export function buildReply(spec: ReplySpec, st: RunState): HttpReply {
  switch (spec.kind) {
    case 'errors':
      return st.errors.reply(spec.status, st);
    case 'fixed':
      return { ...spec.reply, headers: spec.reply.headers.slice() };
    case 'payload': {
      const headers: string[] = [];
      for (const h of spec.hdrs) headers.push(h.name, evalLogFormat(h.value, st.lf));
      const body = spec.lfBody ? Buffer.from(evalLogFormat(spec.lfBody, st.lf), 'latin1') : (spec.body ?? Buffer.alloc(0));
      headers.push('content-length', String(body.length));
      if (spec.contentType !== undefined && body.length > 0) headers.push('content-type', spec.contentType);
      return { status: spec.status, reason: reasonPhrase(spec.status), headers, body };
    }
  }
}

/** HAProxy's default page for `status`, or an empty reply for statuses without one. */
export function defaultReply(status: number): HttpReply {
  const d = defaultErrorReply(status);
  if (d) return { status, reason: d.reason, headers: d.headers, body: d.body, ...(d.closes ? { close: true } : {}) };
  return { status, reason: reasonPhrase(status), headers: ['content-length', '0'], body: Buffer.alloc(0) };
}
