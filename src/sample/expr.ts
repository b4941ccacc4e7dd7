/**
 * Sample expressions `fetch(args),conv1,conv2(args)`: compiled once (arguments checked and
 * prepared, files loaded), evaluated per request without re-parsing.
 */
import { checkArgs, splitCalls, type RawCall } from './args.js';
import { castTo } from './cast.js';
import { converters, fetches, type CompileEnv, type ConvDef, type FetchDef } from './keywords.js';
import { CAPABILITY_TEXT, usageProvides, type Capability, type Sample, type SampleType, type Usage, type Where } from './types.js';
import { MapCache } from './mapfile.js';
import type { Diagnostics } from '../core/diag.js';
import type { ConfigRefs } from './keywords.js';
import type { SampleContext } from './context.js';
import './fetch/index.js';
import './conv/index.js';

export interface SampleExpr {
  /** The text it was compiled from, for messages and dumps. */
  text: string;
  fetch: FetchDef;
  fetchArgs: unknown;
  convs: { def: ConvDef; args: unknown }[];
  /** Type of the result: the last converter's output, else the fetch's. */
  type: SampleType;
}

/** The capability an expression's fetch needs in a given rule context. */
export function exprNeeds(e: SampleExpr, usage: Usage): Capability {
  return typeof e.fetch.needs === 'function' ? e.fetch.needs(usage) : e.fetch.needs;
}

export function exprValidIn(e: SampleExpr, usage: Usage): boolean {
  return usageProvides(usage, exprNeeds(e, usage));
}

function suggestion(name: string, candidates: { suggest(n: string): string | undefined }): string {
  const s = candidates.suggest(name);
  return s ? `; did you mean '${s}' maybe ?` : '';
}

function prepareCall<P>(def: { name: string; args: FetchDef['args']; prepare?: (a: never[], env: CompileEnv) => unknown }, call: RawCall, env: CompileEnv, kind: 'fetch' | 'converter'): { value: P } | { error: string } {
  const checked = checkArgs(def.args, call);
  if ('error' in checked) {
    if (kind === 'fetch') return { error: `fetch method '${def.name}' : ${checked.error}` };
    return { error: `invalid arg ${checked.arg ?? 1} in converter '${def.name}' : ${checked.error}` };
  }
  if (!def.prepare) return { value: checked.values as P };
  const p = def.prepare(checked.values as never[], env) as { value: P } | { error: string };
  if ('error' in p) return { error: `invalid args in ${kind === 'fetch' ? 'fetch method' : 'converter'} '${def.name}' : ${p.error}` };
  return p;
}

/**
 * Compiles expression text into a SampleExpr, or an error message (without location).
 * `fetchName` lets ACL keywords substitute their underlying fetch (hdr_beg → req.hdr).
 */
export function buildExpr(text: string, env: CompileEnv, fetchName?: (name: string) => string | undefined): { expr: SampleExpr } | { error: string } {
  const calls = splitCalls(text);
  if ('error' in calls) return calls;
  const first = calls[0]!;
  const name = fetchName?.(first.name) ?? first.name;
  const fetch = fetches.get(name);
  if (!fetch || first.name === '') return { error: `unknown fetch method '${first.name}'${suggestion(first.name, fetches)}` };
  const fp = prepareCall<unknown>(fetch, first, env, 'fetch');
  if ('error' in fp) return fp;
  const convs: SampleExpr['convs'] = [];
  let type: SampleType = fetch.out;
  for (const call of calls.slice(1)) {
    const def = converters.get(call.name);
    if (!def) return { error: `unknown converter '${call.name}'${suggestion(call.name, converters)}` };
    const cp = prepareCall<unknown>(def, call, env, 'converter');
    if ('error' in cp) return cp;
    convs.push({ def, args: cp.value });
    type = def.out;
  }
  return { expr: { text, fetch, fetchArgs: fp.value, convs, type } };
}

/** Applies the converters to one fetched value; undefined as soon as a step has no result. */
export function convert(e: SampleExpr, s: Sample | undefined, ctx: SampleContext): Sample | undefined {
  for (let i = 0; i < e.convs.length && s !== undefined; i++) {
    const c = e.convs[i]!;
    const input = castTo(s, c.def.in);
    s = input === undefined ? undefined : c.def.conv(c.args, input, ctx);
  }
  return s;
}

export function evalExpr(e: SampleExpr, ctx: SampleContext): Sample | undefined {
  const v = e.fetch.fetch(e.fetchArgs, ctx);
  // Expressions take one value; fetches only return lists when compiled for an ACL.
  const one = Array.isArray(v) ? (v as readonly Sample[])[v.length - 1] : (v as Sample | undefined);
  return convert(e, one, ctx);
}

export interface ExprOptions {
  baseDir?: string;
  refs?: ConfigRefs;
  /** Pass one per configuration load so each map file is read once (and re-read on reload). */
  maps?: MapCache;
  /** Text put before the message, e.g. "error detected in frontend 'fe' while parsing 'http-request set-header' rule". */
  context?: string;
}

/** Compiles `%[...]` contents (or a use_backend expression); reports errors with file:line. */
export function compileExpr(text: string, usage: Usage, where: Where, diags: Diagnostics, opts: ExprOptions = {}): SampleExpr | undefined {
  const env: CompileEnv = { usage, baseDir: opts.baseDir ?? '.', refs: opts.refs, maps: opts.maps ?? new MapCache(), inAcl: false };
  const prefix = opts.context ? `${opts.context} : ` : '';
  const r = buildExpr(text, env);
  if ('error' in r) {
    diags.alert(`${prefix}failed to parse sample expression <${text}> : ${r.error}${r.error.endsWith('?') ? '' : '.'}`, where);
    return undefined;
  }
  if (!exprValidIn(r.expr, usage)) {
    const need = CAPABILITY_TEXT[exprNeeds(r.expr, usage)];
    diags.alert(`${prefix}sample fetch <${text}> may not be reliably used here because it needs '${need}' which is not available here.`, where);
    return undefined;
  }
  return r.expr;
}
