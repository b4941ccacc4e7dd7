/**
 * The expression language of `.if` / `.elif` and of `-cc EXPR` (HAProxy manual 2.4).
 *
 *   expr := and ( '||' expr )?        and := term ( '&&' and )?
 *   term := '!'* ( number | '(' expr ')' | predicate [ '(' args ')' ] )
 *
 * HAProxy merges the words after `.if` back into one string with single spaces and parses
 * that string character by character, so `streq(a, a)` compares "a" with " a". Error
 * messages, and the offset they point at, follow HAProxy 2.6 (src/cfgcond.c, src/arg.c).
 * Parsing is complete before evaluation, so a malformed right-hand side is an error even
 * when the left-hand side decides the result.
 */

export interface ConditionOptions {
  env: Record<string, string | undefined>;
  /** Feature names that `feature()` accepts, as listed after '+' by `haproxy -vv`. */
  features: string[];
  /** The version `version_atleast()` / `version_before()` compare with, e.g. "2.6" or "2.6.12". */
  version: string;
}

export type ConditionResult = { value: boolean } | { error: string; pos: number };

type Pred = 'defined' | 'feature' | 'streq' | 'strneq' | 'version_atleast' | 'version_before';

const PREDICATES: Record<Pred, number> = {
  defined: 1,
  feature: 1,
  streq: 2,
  strneq: 2,
  version_atleast: 1,
  version_before: 1,
};

type Term =
  | { kind: 'const'; neg: boolean; value: boolean }
  | { kind: 'paren'; neg: boolean; expr: Expr }
  | { kind: 'pred'; neg: boolean; pred: Pred; args: string[] };
/** An OR-list of AND-lists of terms. */
type Expr = Term[][];

/** HAProxy's recursion budget for nested sub-expressions. */
const MAX_DEPTH = 1024;

class CondError {
  constructor(
    readonly message: string,
    readonly pos: number,
  ) {}
}

/** Outcome of a parse step: a value, or "nothing here" (HAProxy's return 0, which callers turn into context-specific errors). */
type Step<T> = { ok: T } | { empty: true };

class Parser {
  constructor(readonly text: string) {}

  private skipBlanks(i: number): number {
    while (this.text[i] === ' ' || this.text[i] === '\t') i++;
    return i;
  }

  /** `cur.pos` moves past what was parsed (also, like HAProxy, past a left operand before a failing right operand). */
  expr(cur: { pos: number }, depth: number): Step<Expr> {
    let at = cur.pos;
    if (at >= this.text.length) return { empty: true };
    if (depth <= 0) throw new CondError(`unparsable conditional expression '${this.text.slice(at)}'`, at);
    const probe = { pos: at };
    const left = this.and(probe, depth - 1);
    at = probe.pos;
    if ('empty' in left) throw new CondError(`unparsable conditional expression '${this.text.slice(at)}'`, at);
    at = this.skipBlanks(at);
    cur.pos = at;
    if (this.text.startsWith('||', at)) {
      const right = { pos: this.skipBlanks(at + 2) };
      const rest = this.expr(right, depth - 1);
      if ('empty' in rest) return rest;
      cur.pos = right.pos;
      return { ok: [left.ok, ...rest.ok] };
    }
    return { ok: [left.ok] };
  }

  private and(cur: { pos: number }, depth: number): Step<Term[]> {
    let at = cur.pos;
    if (at >= this.text.length) return { empty: true };
    if (depth <= 0) throw new CondError(`unparsable conditional sub-expression '${this.text.slice(at)}'`, at);
    const probe = { pos: at };
    const left = this.term(probe, depth - 1);
    if ('empty' in left) throw new CondError(`unparsable conditional sub-expression '${this.text.slice(at)}'`, at);
    at = this.skipBlanks(probe.pos);
    cur.pos = at;
    if (this.text.startsWith('&&', at)) {
      const right = { pos: this.skipBlanks(at + 2) };
      const rest = this.and(right, depth - 1);
      if ('empty' in rest) return rest;
      cur.pos = right.pos;
      return { ok: [left.ok, ...rest.ok] };
    }
    return { ok: [left.ok] };
  }

  private term(cur: { pos: number }, depth: number): Step<Term> {
    const start = cur.pos;
    let at = this.skipBlanks(start);
    if (at >= this.text.length) return { empty: true };
    const unparsable = () => new CondError(`unparsable conditional expression '${this.text.slice(start)}'`, start);
    if (depth <= 0) throw unparsable();

    let neg = false;
    while (this.text[at] === '!') {
      neg = !neg;
      at = this.skipBlanks(at + 1);
    }

    const num = scanInteger(this.text, at);
    if (num !== null) {
      cur.pos = num.end;
      return { ok: { kind: 'const', neg, value: num.nonZero } };
    }

    if (this.text[at] === '(') {
      const inner = { pos: this.skipBlanks(at + 1) };
      const sub = this.expr(inner, depth - 1);
      if ('empty' in sub) throw unparsable();
      at = this.skipBlanks(inner.pos);
      if (this.text[at] !== ')') {
        throw new CondError(`expected ')' after conditional expression '${this.text.slice(start)}'`, start);
      }
      cur.pos = this.skipBlanks(at + 1);
      return { ok: { kind: 'paren', neg, expr: sub.ok } };
    }

    // A predicate name runs up to the first space or '(' (not a tab: HAProxy's strcspn(" (")).
    let nameEnd = at;
    while (nameEnd < this.text.length && this.text[nameEnd] !== ' ' && this.text[nameEnd] !== '(') nameEnd++;
    const name = this.text.slice(at, nameEnd);
    if (!Object.hasOwn(PREDICATES, name)) throw unparsable();
    const pred = name as Pred;
    const parsed = parseArgList(this.text, nameEnd, PREDICATES[pred]);
    if ('error' in parsed) {
      throw new CondError(
        `${parsed.error} in argument ${parsed.argNo} of predicate '${pred}' used in conditional expression`,
        parsed.pos,
      );
    }
    cur.pos = parsed.end;
    return { ok: { kind: 'pred', neg, pred, args: parsed.args } };
  }
}

/**
 * C strtol(s, &end, 0) on text[at..]: optional sign, 0x hex, leading-0 octal, else decimal.
 * Returns null when no digit was consumed (HAProxy then tries the other term forms).
 */
function scanInteger(text: string, at: number): { end: number; nonZero: boolean } | null {
  let i = at;
  while (i < text.length && /[ \t\n\v\f\r]/.test(text[i]!)) i++;
  if (text[i] === '+' || text[i] === '-') i++;
  let digits: RegExp = /[0-9]/;
  if (text[i] === '0' && (text[i + 1] === 'x' || text[i + 1] === 'X') && /[0-9a-fA-F]/.test(text[i + 2] ?? '')) {
    i += 2;
    digits = /[0-9a-fA-F]/;
  } else if (text[i] === '0') {
    digits = /[0-7]/;
  }
  const first = i;
  let nonZero = false;
  while (i < text.length && digits.test(text[i]!)) {
    if (text[i] !== '0') nonZero = true;
    i++;
  }
  if (i === first) return null;
  return { end: i, nonZero };
}

/**
 * A predicate's argument list as HAProxy's make_arg_list() reads it for string arguments:
 * without '(' the predicate gets one empty argument; inside, quotes group, `\\ \  \" \' \r \n \t`
 * are escapes, any other backslash stays, and ',' or ')' outside quotes end an argument.
 */
function parseArgList(
  text: string,
  at: number,
  count: number,
): { args: string[]; end: number } | { error: string; argNo: number; pos: number } {
  const args: string[] = [];
  const bare = text[at] !== '(';
  let i = bare ? at : at + 1;
  while (args.length < count) {
    let out = '';
    let squote = false;
    let dquote = false;
    while (!bare && i < text.length) {
      const c = text[i]!;
      if (c === '"' && !squote) {
        dquote = !dquote;
        i++;
      } else if (c === "'" && !dquote) {
        squote = !squote;
        i++;
      } else if (c === '\\' && !squote) {
        const next = text[i + 1];
        if (next === undefined) {
          return {
            error: `failed to parse '${text.slice(i)}' after '${out}' as type 'string' at position ${args.length + 1}`,
            argNo: args.length,
            pos: i,
          };
        }
        if (next === '\\' || next === ' ' || next === '"' || next === "'") (out += next), (i += 2);
        else if (next === 'r') (out += '\r'), (i += 2);
        else if (next === 'n') (out += '\n'), (i += 2);
        else if (next === 't') (out += '\t'), (i += 2);
        else (out += '\\'), i++;
      } else if (!squote && !dquote && (c === ',' || c === ')')) {
        break;
      } else {
        out += c;
        i++;
      }
    }
    args.push(out);
    if (bare || i >= text.length || text[i] === ')' || args.length >= count) break;
    i++; // the comma
  }
  if (args.length < count) {
    return { error: `missing arguments (got ${args.length}/${count}), type 'string' expected`, argNo: args.length, pos: i };
  }
  if (bare) return { args, end: i };
  if (text[i] === ')') return { args, end: i + 1 };
  const rest = text.slice(i);
  // HAProxy counts the empty argument before a missing ')' and then corrects by one.
  const argNo = args.length > 1 ? args.length - 1 : args.length;
  return { error: rest ? `expected ')' before '${rest}'` : "expected ')'", argNo, pos: i };
}

/** C strtol(s + from, &end, 10): the value and where it stopped (at `from` when no digit was read). */
function strtol10(s: string, from: number): { n: number; end: number } {
  const m = /^[ \t\n\v\f\r]*[+-]?[0-9]+/.exec(s.slice(from));
  if (!m) return { n: 0, end: from };
  return { n: parseInt(m[0], 10), end: from + m[0].length };
}

/**
 * HAProxy's split_version(): "a.b.c.d-{dev,pre,rc}f-g" into
 * [a, b, c, d, stage (dev=1, pre/rc=2, release=3), f, g]; missing parts are 0. null if unparsable.
 */
export function splitVersion(version: string): number[] | null {
  const v = [0, 0, 0, 0, 3, 0, 0];
  if (version === '') return null;
  let p = 0;
  let k = 0;
  for (;;) {
    const { n, end } = strtol10(version, p);
    v[k] = n;
    const c = version[end];
    p = end + 1;
    if (c === undefined) return v;
    if (c === '-') break;
    if (c !== '.' || k === 3) return null;
    k++;
  }
  // After the '-': an optional stage tag with its number, then an optional build number.
  const stage = /^(dev|rc|pre)/.exec(version.slice(p));
  if (stage && !/^[0-9]/.test(version.slice(p))) {
    v[4] = stage[1] === 'dev' ? 1 : 2;
    const { n, end } = strtol10(version, p + stage[1]!.length);
    v[5] = n;
    if (version[end] === undefined) return v;
    if (version[end] !== '-') return null;
    p = end + 1;
  }
  const rest = version.slice(p);
  const dash = rest.lastIndexOf('-');
  const build = dash >= 0 ? rest.slice(dash + 1) : rest;
  if (dash >= 0 && build === '') return null;
  const { n, end } = strtol10(build, 0);
  v[6] = end === build.length ? n : 0;
  return v;
}

/** <0 when `version` is older than `current`, 0 same, >0 newer; HAProxy's -2/-3 for unparsable ones. */
function compareWithCurrent(version: string, current: string): number {
  const loc = splitVersion(current);
  if (!loc) return -2;
  const mod = splitVersion(version);
  if (!mod) return -3;
  for (let i = 0; i < loc.length; i++) {
    if (mod[i]! < loc[i]!) return -1;
    if (mod[i]! > loc[i]!) return 1;
  }
  return 0;
}

/** feature(X): X must appear as a whole word preceded by '+' in the feature list; a '-X' entry means no. */
function hasFeature(features: string[], name: string): boolean {
  for (const f of features) {
    if (f === name || f === `+${name}`) return true;
    if (f === `-${name}`) return false;
  }
  return false;
}

function evalTerm(t: Term, opts: ConditionOptions): boolean {
  let v: boolean;
  if (t.kind === 'const') v = t.value;
  else if (t.kind === 'paren') v = evalExpr(t.expr, opts);
  else {
    const [a = '', b = ''] = t.args;
    switch (t.pred) {
      case 'defined':
        v = opts.env[a] !== undefined;
        break;
      case 'feature':
        v = hasFeature(opts.features, a);
        break;
      case 'streq':
        v = a === b;
        break;
      case 'strneq':
        v = a !== b;
        break;
      case 'version_atleast':
        v = compareWithCurrent(a, opts.version) <= 0;
        break;
      case 'version_before':
        v = compareWithCurrent(a, opts.version) > 0;
        break;
    }
  }
  return t.neg ? !v : v;
}

function evalExpr(e: Expr, opts: ConditionOptions): boolean {
  return e.some((and) => and.every((t) => evalTerm(t, opts)));
}

/**
 * Evaluates the words of a `.if`/`.elif` line (after the directive) or of `-cc`. On error,
 * `pos` is the offset in `words.join(' ')` HAProxy points its caret at.
 */
export function evaluateCondition(words: string[], opts: ConditionOptions): ConditionResult {
  const text = words.join(' ');
  if (text === '') return { value: false };
  const parser = new Parser(text);
  try {
    const cur = { pos: 0 };
    const parsed = parser.expr(cur, MAX_DEPTH);
    if ('empty' in parsed) return { error: `unparsable conditional expression '${text}'`, pos: cur.pos };
    let end = cur.pos;
    while (text[end] === ' ' || text[end] === '\t') end++;
    if (end < text.length) {
      return { error: `unexpected character '${text[end]}' at the end of conditional expression '${text}'`, pos: end };
    }
    return { value: evalExpr(parsed.ok, opts) };
  } catch (e) {
    if (e instanceof CondError) return { error: e.message, pos: e.pos };
    throw e;
  }
}
