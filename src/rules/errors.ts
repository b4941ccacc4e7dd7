/**
 * Error pages of a proxy: `errorfile`, `errorfiles`, `http-error` and `errorloc*`, compiled once.
 * A backend's pages take precedence over its frontend's once the backend is chosen; without
 * either, HAProxy's built-in page is used.
 */
import { ERROR_STATUSES } from '../http/errors.js';
import type { Proxy, RawLine } from '../config/model.js';
import { compileReply, buildReply, defaultReply, type ReplySpec } from './payload.js';
import { loadErrorFile, type HttpReply } from './reply.js';
import { CompileCtx, type ProxyEnv } from './compile-ctx.js';
import type { RunState } from './types.js';

export class ErrorPages {
  constructor(
    private readonly own: ReadonlyMap<number, ReplySpec>,
    private readonly parent?: ErrorPages,
  ) {}

  /** The configured page for `status`, if any (own first, then the parent's). */
  spec(status: number): ReplySpec | undefined {
    return this.own.get(status) ?? this.parent?.spec(status);
  }

  /** This proxy's pages, falling back to `parent`'s (a backend's over its frontend's). */
  over(parent: ErrorPages): ErrorPages {
    if (parent === this) return this;
    return new ErrorPages(this.own, parent);
  }

  get empty(): boolean {
    return this.own.size === 0 && (this.parent?.empty ?? true);
  }

  /** The reply for `status`: configured page or HAProxy's default. */
  reply(status: number, st?: RunState): HttpReply {
    const spec = this.spec(status);
    if (!spec || spec.kind === 'errors') return defaultReply(status);
    if (spec.kind === 'payload' && !st) return defaultReply(status);
    return buildReply(spec, st!);
  }
}

export const NO_ERROR_PAGES = new ErrorPages(new Map());

function redirectReply(code: 302 | 303, location: string): HttpReply {
  return {
    status: code,
    reason: code === 302 ? 'Found' : 'See Other',
    headers: ['cache-control', 'no-cache', 'content-length', '0', 'location', location],
    body: Buffer.alloc(0),
  };
}

interface Entry {
  line: number;
  apply(pages: Map<number, ReplySpec>): void;
}

/** Compiles the error page directives of `p`, reporting errors with their file:line. */
export function compileErrorPages(p: Proxy, env: ProxyEnv): ErrorPages {
  const entries: Entry[] = [];
  for (const [code, e] of Object.entries(p.errorfiles)) {
    const r = loadErrorFile(e.file);
    if (typeof r === 'string') {
      env.diags.alert(`error detected in ${env.kind} '${env.name}' while parsing 'errorfile' : ${r}`, e.where);
      continue;
    }
    entries.push({ line: e.where.line, apply: (m) => m.set(Number(code), { kind: 'fixed', reply: r }) });
  }
  for (const line of p.errorfileSections) {
    const name = line.args[1]!;
    const section = env.httpErrors(name);
    if (!section) continue; // finalize reports unknown sections
    const codes = line.args.slice(2).map(Number);
    for (const c of codes) {
      if (!ERROR_STATUSES.includes(c)) env.diags.warning(`'errorfiles' : status code '${line.args[2 + codes.indexOf(c)]}' not handled, ignored.`, line.where);
    }
    entries.push({
      line: line.where.line,
      apply: (m) => {
        for (const [status, reply] of section) if (codes.length === 0 || codes.includes(status)) m.set(status, { kind: 'fixed', reply });
      },
    });
  }
  for (const line of p.misc) {
    const kw = line.args[0];
    if (kw === 'http-error') {
      const e = compileHttpError(line, env);
      if (e) entries.push(e);
    } else if (kw === 'errorloc' || kw === 'errorloc302' || kw === 'errorloc303') {
      const code = Number(line.args[1]);
      const url = line.args[2];
      if (!ERROR_STATUSES.includes(code) || url === undefined) {
        env.diags.alert(`'${kw}' : status code '${line.args[1] ?? ''}' not handled or missing URL; supported codes: ${ERROR_STATUSES.join(', ')}.`, line.where);
        continue;
      }
      const reply = redirectReply(kw === 'errorloc303' ? 303 : 302, url);
      entries.push({ line: line.where.line, apply: (m) => m.set(code, { kind: 'fixed', reply }) });
    }
  }
  entries.sort((a, b) => a.line - b.line);
  const pages = new Map<number, ReplySpec>();
  for (const e of entries) e.apply(pages);
  return new ErrorPages(pages);
}

function compileHttpError(line: RawLine, env: ProxyEnv): Entry | undefined {
  const cc = new CompileCtx(env, 'http-error', 'http-req', line.where);
  const statusWord = line.args[line.args.indexOf('status') + 1];
  const status = Number(statusWord);
  if (line.args[1] !== 'status' || !ERROR_STATUSES.includes(status)) {
    env.diags.alert(`'http-error' : status code '${statusWord ?? ''}' not handled; supported codes: ${ERROR_STATUSES.join(', ')}.`, line.where);
    return undefined;
  }
  const reset = line.args.includes('default-errorfiles');
  const r = reset ? undefined : compileReply(line.args, 1, cc, { defaultStatus: status, impliedErrorfiles: false, statusRequired: true });
  if (!reset && !r) return undefined;
  if (r && r.next < line.args.length) {
    cc.fail(`unexpected argument '${line.args[r.next]}'.`);
    return undefined;
  }
  return { line: line.where.line, apply: (m) => (r ? m.set(status, r.spec) : m.delete(status)) };
}
