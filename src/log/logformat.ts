/**
 * HAProxy log-format strings (section 8.2.6): literal text, `%%`, `%VAR` variables and
 * `%[sample expression]`, each optionally preceded by `%{+Q,-X,...}` flags. Compiled once into
 * a list of parts; evaluated per request against a context.
 *
 * The same compiled form serves `log-format`, `lf-string`, `set-header` values, `redirect
 * location`, `use_backend %[...]` and `unique-id-format`. Variables are not computed here: the
 * caller supplies their values through LogFormatContext.variable(), so that the rules engine can
 * give what is known while a request runs and the log module can add timers and termination
 * state at the end of a transaction.
 */
import { compileExpr, evalExpr, type SampleExpr } from '../sample/expr.js';
import { sampleToString } from '../sample/cast.js';
import type { SampleContext } from '../sample/context.js';
import type { Usage } from '../sample/types.js';
import type { MapCache } from '../sample/mapfile.js';
import type { ConfigRefs } from '../sample/keywords.js';
import type { Diagnostics } from '../core/diag.js';

export interface LfFlags {
  /** Q: surround strings and addresses with double quotes. */
  quote: boolean;
  /** X: hexadecimal addresses, ports and numbers. */
  hex: boolean;
  /** E: escape '"', '\' and ']' with a backslash. */
  escape: boolean;
}

export type LfVarType = 'string' | 'numeric' | 'ip' | 'port' | 'date';

export interface LfVarDef {
  type: LfVarType;
  /** Only meaningful in mode http (H in the manual's table). */
  http?: boolean;
  /** Digits of the X (hexadecimal) form; numbers without it ignore X, as HAProxy does for %ST. */
  hex?: number;
  /** An empty value prints as nothing rather than '-' (%HQ without a query string, as HAProxy). */
  blankWhenEmpty?: boolean;
}

/** The variables of the manual's table (8.2.6) with their types. */
export const LF_VARIABLES: Readonly<Record<string, LfVarDef>> = {
  B: { type: 'numeric' },
  CC: { type: 'string', http: true },
  CS: { type: 'string', http: true },
  H: { type: 'string' },
  HM: { type: 'string', http: true },
  HP: { type: 'string', http: true },
  HPO: { type: 'string', http: true },
  HQ: { type: 'string', http: true, blankWhenEmpty: true },
  HU: { type: 'string', http: true },
  HV: { type: 'string', http: true },
  ID: { type: 'string' },
  ST: { type: 'numeric' },
  T: { type: 'date' },
  Ta: { type: 'numeric', http: true },
  Tc: { type: 'numeric' },
  Td: { type: 'numeric' },
  Tl: { type: 'date' },
  Th: { type: 'numeric' },
  Ti: { type: 'numeric', http: true },
  Tq: { type: 'numeric', http: true },
  TR: { type: 'numeric', http: true },
  Tr: { type: 'numeric', http: true },
  Ts: { type: 'numeric', hex: 8 },
  Tt: { type: 'numeric' },
  Tu: { type: 'numeric' },
  Tw: { type: 'numeric' },
  U: { type: 'numeric' },
  ac: { type: 'numeric' },
  b: { type: 'string' },
  bc: { type: 'numeric' },
  bi: { type: 'ip' },
  bp: { type: 'port' },
  bq: { type: 'numeric' },
  ci: { type: 'ip' },
  cp: { type: 'port' },
  f: { type: 'string' },
  fc: { type: 'numeric' },
  fi: { type: 'ip' },
  fp: { type: 'port' },
  ft: { type: 'string' },
  lc: { type: 'numeric' },
  hr: { type: 'string' },
  hrl: { type: 'string' },
  hs: { type: 'string' },
  hsl: { type: 'string' },
  ms: { type: 'numeric' },
  pid: { type: 'numeric', hex: 4 },
  r: { type: 'string', http: true },
  rc: { type: 'numeric' },
  rt: { type: 'numeric', hex: 8 },
  s: { type: 'string' },
  sc: { type: 'numeric' },
  si: { type: 'ip' },
  sp: { type: 'port' },
  sq: { type: 'numeric' },
  sslc: { type: 'string' },
  sslv: { type: 'string' },
  t: { type: 'date' },
  tr: { type: 'date', http: true },
  trg: { type: 'date', http: true },
  trl: { type: 'date', http: true },
  ts: { type: 'string' },
  tsc: { type: 'string', http: true },
};

export type LfPart =
  | { kind: 'text'; text: string }
  | { kind: 'var'; name: string; def: LfVarDef; flags: LfFlags }
  | { kind: 'expr'; expr: SampleExpr; flags: LfFlags }
  /** A run of spaces when compiled with `separators`: one space, unless the output already ends with one. */
  | { kind: 'sep' };

export interface LogFormat {
  /** The source text, for messages and dumps. */
  text: string;
  parts: LfPart[];
  /** No variables nor expressions: the text is the value. */
  constant: boolean;
}

/** What a variable evaluates to: undefined prints '-'. Dates are already formatted strings. */
export type LfValue = string | number | undefined;

export interface LogFormatContext {
  /** For `%[...]`; missing means every expression has no value. */
  sample?: SampleContext;
  /**
   * 'log' (default): a missing value prints '-' (or '""' when quoted). 'value': what rules
   * (set-header, lf-string, redirect...) get: an expression without value prints nothing and
   * the Q flag does not quote expressions, as observed with HAProxy 2.6.
   */
  mode?: 'log' | 'value';
  /** The value of a `%VAR` variable (its name without '%'). */
  variable(name: string): LfValue;
}

export interface LogFormatOptions {
  usage: Usage;
  baseDir?: string;
  refs?: ConfigRefs;
  maps?: MapCache;
  /** Prefix for messages: "parsing [f.cfg:3] : error detected in proxy 'fe' while parsing 'http-request set-header' rule". */
  context?: string;
  /**
   * Log lines (log-format, option httplog...): runs of spaces are separators that print one
   * space, and none after a space or at the start, so that an empty field takes its space away.
   */
  separators?: boolean;
}

const NO_FLAGS: LfFlags = { quote: false, hex: false, escape: false };

/**
 * Compiles `text`. Returns undefined after reporting an alert with file:line. Warnings (an
 * http-only variable outside http mode is the caller's concern) are not emitted here.
 */
export function compileLogFormat(text: string, where: { file: string; line: number }, diags: Diagnostics, opts: LogFormatOptions): LogFormat | undefined {
  const prefix = opts.context ? `${opts.context} : ` : '';
  const fail = (msg: string): undefined => {
    diags.alert(`${prefix}${msg}`, where);
    return undefined;
  };
  const parts: LfPart[] = [];
  let literal = '';
  let global: LfFlags = NO_FLAGS;
  const flush = () => {
    if (literal) parts.push({ kind: 'text', text: literal });
    literal = '';
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' && opts.separators) {
      flush();
      if (parts.at(-1)?.kind !== 'sep') parts.push({ kind: 'sep' });
      i++;
      continue;
    }
    if (c !== '%') {
      literal += c;
      i++;
      continue;
    }
    i++;
    if (text[i] === '%') {
      literal += '%';
      i++;
      continue;
    }
    let flags = global;
    if (text[i] === '{') {
      const close = text.indexOf('}', i);
      if (close < 0) return fail(`failed to parse log-format : missing '}' after '%{' in '${text}'.`);
      const r = parseFlags(text.slice(i + 1, close), global);
      if (typeof r === 'string') return fail(`failed to parse log-format : ${r}`);
      flags = r;
      i = close + 1;
    }
    if (text[i] === '[') {
      const end = exprEnd(text, i + 1);
      if (end < 0) return fail(`failed to parse log-format : missing ']' after '%[' in '${text}'.`);
      const src = text.slice(i + 1, end);
      const expr = compileExpr(src, opts.usage, where, diags, { baseDir: opts.baseDir, refs: opts.refs, maps: opts.maps, context: opts.context });
      if (!expr) return undefined;
      flush();
      parts.push({ kind: 'expr', expr, flags });
      i = end + 1;
      continue;
    }
    let name = '';
    while (i < text.length && /[A-Za-z]/.test(text[i]!)) name += text[i++];
    if (name === '') {
      return fail(`failed to parse log-format : unexpected character '${text[i] ?? ''}' after '%' in '${text}'. If you wanted to emit the '%' character verbatim, you need to use '%%'.`);
    }
    if (name === 'o') {
      // %o only sets flags for the variables after it.
      global = flags;
      continue;
    }
    const def = LF_VARIABLES[name];
    if (!def) return fail(`failed to parse log-format : no such format variable '${name}'. If you wanted to emit the '%' character verbatim, you need to use '%%'.`);
    flush();
    parts.push({ kind: 'var', name, def, flags });
  }
  flush();
  return { text, parts, constant: !opts.separators && parts.every((p) => p.kind === 'text') };
}

/** `+Q,-X,+E`: flags added to or removed from the inherited ones. */
function parseFlags(spec: string, base: LfFlags): LfFlags | string {
  const f = { ...base };
  for (const item of spec.split(',')) {
    if (item === '') continue;
    const sign = item[0];
    const name = item.slice(1);
    if ((sign !== '+' && sign !== '-') || !['Q', 'X', 'E'].includes(name)) return `unknown flag '${item}' in '%{${spec}}' (expected +Q, +X, +E or their '-' forms).`;
    const on = sign === '+';
    if (name === 'Q') f.quote = on;
    else if (name === 'X') f.hex = on;
    else f.escape = on;
  }
  return f;
}

/** Index of the ']' closing a sample expression starting at `from`: brackets inside parentheses or quotes do not count. */
function exprEnd(text: string, from: number): number {
  let depth = 0;
  let quote = '';
  for (let i = from; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '\\') i++;
    else if (c === '"' || c === "'") quote = c;
    else if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === ']' && depth === 0) return i;
  }
  return -1;
}

function escapeText(s: string): string {
  return s.replace(/["\\\]]/g, (m) => `\\${m}`);
}

function hexIp(ip: string): string {
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(v4)) return v4.split('.').map((o) => Number(o).toString(16).toUpperCase().padStart(2, '0')).join('');
  return ip;
}

function renderText(value: string | undefined, flags: LfFlags): string {
  if (value === undefined || value === '') return flags.quote ? '""' : '-';
  const v = flags.escape ? escapeText(value) : value;
  return flags.quote ? `"${v}"` : v;
}

/** How a `%VAR` prints in a log line (for evaluators outside this module). */
export function renderLogVar(part: Extract<LfPart, { kind: 'var' }>, value: LfValue): string {
  return renderVar(part, value);
}

/** How a `%[expr]` value prints in a log line (undefined: no value). */
export function renderLogExpr(part: Extract<LfPart, { kind: 'expr' }>, value: string | undefined): string {
  return renderText(value, part.flags);
}

function renderVar(part: Extract<LfPart, { kind: 'var' }>, value: LfValue): string {
  const { flags, def } = part;
  switch (def.type) {
    case 'numeric':
    case 'port':
      if (value === undefined) return '-';
      if (flags.hex && typeof value === 'number' && (def.hex || def.type === 'port')) return value.toString(16).toUpperCase().padStart(def.hex ?? 4, '0');
      return String(value);
    case 'ip':
      if (value === undefined) return renderText(undefined, flags);
      return renderText(flags.hex ? hexIp(String(value)) : String(value), flags);
    case 'date':
      return value === undefined ? '-' : String(value);
    case 'string':
      if (value === '' && def.blankWhenEmpty) return flags.quote ? '""' : '';
      return renderText(value === undefined ? undefined : String(value), flags);
  }
}

/** Evaluates a compiled log-format string. */
export function evalLogFormat(lf: LogFormat, ctx: LogFormatContext): string {
  if (lf.constant) return lf.parts.length === 1 ? (lf.parts[0] as { text: string }).text : lf.parts.map((p) => (p as { text: string }).text).join('');
  let out = '';
  for (const p of lf.parts) {
    if (p.kind === 'text') out += p.text;
    else if (p.kind === 'sep') {
      if (out !== '' && !out.endsWith(' ')) out += ' ';
    } else if (p.kind === 'var') {
      const v = ctx.variable(p.name);
      out += v === undefined && ctx.mode === 'value' ? '' : renderVar(p, v);
    }
    else {
      const v = ctx.sample ? sampleToString(evalExpr(p.expr, ctx.sample)) : undefined;
      if (ctx.mode === 'value') out += v === undefined ? '' : p.flags.escape ? escapeText(v) : v;
      else out += renderText(v, p.flags);
    }
  }
  return out;
}

/** Whether the format uses any variable or expression (else it is plain text). */
export function isConstant(lf: LogFormat): boolean {
  return lf.constant;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `%t`/`%tr` style: "21/Nov/2026:15:44:27.562" (local time, milliseconds). */
export function formatLogDateMs(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getDate())}/${MONTHS[d.getMonth()]}/${d.getFullYear()}:${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** `%T`/`%trg` style: "21/Nov/2026:15:44:27 +0000" (GMT). */
export function formatGmtDate(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

/** `%Tl`/`%trl` style: "21/Nov/2026:16:44:27 +0100" (local time with its offset). */
export function formatLocalDate(ms: number): string {
  const d = new Date(ms);
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const a = Math.abs(off);
  return `${pad(d.getDate())}/${MONTHS[d.getMonth()]}/${d.getFullYear()}:${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ${sign}${pad(Math.floor(a / 60))}${pad(a % 60)}`;
}
