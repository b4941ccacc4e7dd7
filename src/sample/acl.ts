/**
 * `acl NAME CRITERION [flags] [operator] [patterns...]`: one line compiles to one AclTerm; lines
 * sharing a name are ORed. Each proxy owns an AclTable.
 */
import { aclKeywords } from './acl-keywords.js';
import { buildExpr, convert, exprValidIn, type SampleExpr } from './expr.js';
import { MapCache, resolvePath } from './mapfile.js';
import { INT_OPERATORS, MATCH_METHODS, PatternSet, type IntOperator, type MatchMethod } from './pattern.js';
import { configBytes } from './cast.js';
import { userlistOf } from './fetch/http.js';
import { fetches, type CompileEnv, type ConfigRefs } from './keywords.js';
import type { SampleContext } from './context.js';
import type { Sample, SampleType, Usage, Where } from './types.js';
import type { Diagnostics } from '../core/diag.js';

export interface AclTerm {
  /** The criterion as written (`hdr_beg(host)`), for messages. */
  keyword: string;
  expr: SampleExpr;
  patterns: PatternSet;
  /** http_auth_group: patterns are groups of the userlist named in the fetch. */
  authGroup: boolean;
  where: Where;
}

export interface Acl {
  name: string;
  terms: AclTerm[];
  where: Where;
}

export class AclTable {
  private readonly acls = new Map<string, Acl>();

  get(name: string): Acl | undefined {
    return this.acls.get(name);
  }
  names(): string[] {
    return [...this.acls.keys()];
  }
  /** Adds a term to the ACL `name`, creating it: repeated acl lines are ORed. */
  addTerm(name: string, term: AclTerm): void {
    const acl = this.acls.get(name);
    if (acl) acl.terms.push(term);
    else this.acls.set(name, { name, terms: [term], where: term.where });
  }
}

export interface AclOptions {
  refs?: ConfigRefs;
  /** One per configuration load, so each pattern file is read once. */
  maps?: MapCache;
}

const DEFAULT_METHOD: Record<SampleType, MatchMethod | undefined> = {
  bool: 'bool',
  int: 'int',
  ip: 'ip',
  str: 'str',
  meth: 'str',
  bin: undefined,
};

/**
 * Compiles a criterion with its flags and patterns (the words after the ACL name).
 * Returns the term or an error message; warnings go to `warn`.
 */
export function buildAclTerm(words: string[], where: Where, env: CompileEnv, warn: (msg: string, details?: string[]) => void): { term: AclTerm } | { error: string } {
  const criterion = words[0];
  if (criterion === undefined) return { error: 'missing ACL criterion' };
  // ACL keyword names carry an implied match method and may point at another fetch.
  const parenOrComma = criterion.search(/[(,]/);
  const kwName = parenOrComma < 0 ? criterion : criterion.slice(0, parenOrComma);
  const kw = aclKeywords.get(kwName);
  const built = buildExpr(criterion, env, (n) => aclKeywords.get(n)?.fetch);
  if ('error' in built) return { error: aclExprError(built.error, kwName, criterion) };
  const expr = built.expr;

  // Flags, in order; -i applies to what follows, -f files are read as they come.
  let method: MatchMethod | undefined;
  let icase = false;
  let asMap = false;
  const files: { path: string; icase: boolean }[] = [];
  let i = 1;
  let explicitEnd = false;
  for (; i < words.length; i++) {
    const w = words[i]!;
    if (w === '--') {
      explicitEnd = true;
      i++;
      break;
    }
    if (w[0] !== '-' || w.length === 1) break;
    if (w === '-i') icase = true;
    else if (w === '-n') continue;
    else if (w === '-M') asMap = true;
    else if (w === '-u') i++;
    else if (w === '-f') {
      files.push({ path: resolvePath(env.baseDir, words[++i] ?? ''), icase });
      if (words[i] === undefined) return { error: 'failed to open pattern file <>' };
    } else if (w === '-m') {
      const m = words[++i];
      if (!m || !(MATCH_METHODS as readonly string[]).includes(m) || m === 'regm') return { error: `unknown matching method '${m ?? ''}' when parsing ACL expression` };
      if (files.length) return { error: "'-m' must only be specified before patterns and files in parsing ACL expression" };
      method = m as MatchMethod;
    } else if (/^-[0-9]/.test(w)) break;
    else return { error: `'${w}' is not a valid ACL option. Please use '--' before any pattern beginning with a '-'` };
  }
  // A keyword's own method only holds when no converter changed the type.
  if (!method) method = kw && expr.convs.length === 0 ? kw.method : DEFAULT_METHOD[expr.type];
  if (!method) return { error: `ACL keyword '${kwName}' returns binary data: a matching method must be set with '-m'` };
  const dotted = kw?.dotted === true && expr.convs.length === 0;
  const patterns = new PatternSet(method, dotted);

  for (const f of files) {
    const lines = asMap ? env.maps.mapFile(f.path) : env.maps.patternFile(f.path);
    if (!Array.isArray(lines)) return lines;
    for (const l of lines) {
      const text = 'key' in l ? l.key : l.text;
      const err = patterns.add(text, f.icase);
      if (err) return { error: `${err.replace(/\.$/, '')} at line ${l.line} of file '${f.path}'` };
    }
  }
  let op: IntOperator | undefined;
  const intLike = method === 'int' || method === 'len';
  let given = 0;
  for (; i < words.length; i++) {
    const w = words[i]!;
    if (intLike && INT_OPERATORS.includes(w)) {
      op = w as IntOperator;
      continue;
    }
    given++;
    const err = patterns.add(configBytes(w), icase, undefined, op);
    if (err) return { error: err };
  }
  if (given === 0 && files.length === 0 && !explicitEnd && method !== 'found' && method !== 'bool') {
    warn(`parsing acl keyword '${kwName}' :`, [
      'no pattern to match against were provided, so this ACL will never match.',
      "If this is what you intended, please add '--' to get rid of this warning.",
      "If you intended to match only for existence, please use '-m found'.",
      "If you wanted to force an int to match as a bool, please use '-m bool'.",
    ]);
  }
  return { term: { keyword: criterion, expr, patterns: patterns.compile(), authGroup: kw?.authGroup === true && expr.convs.length === 0, where } };
}

/** HAProxy words expression errors differently inside ACLs. */
function aclExprError(err: string, kwName: string, criterion: string): string {
  if (err.startsWith('unknown fetch method')) {
    const sug = aclKeywords.suggest(kwName) ?? fetches.suggest(kwName);
    return `unknown fetch method '${kwName}' in ACL expression '${criterion}'${sug ? `; did you mean '${sug}' maybe ?` : ''}`;
  }
  if (err.startsWith('fetch method ')) return `ACL keyword '${kwName}'${err.slice(err.indexOf(' : '))}`;
  if (err.startsWith('invalid args in fetch method')) return `${err} in ACL expression '${criterion}'`;
  return `ACL keyword '${kwName}' : ${err}`;
}

/** Messages end with one period, unless they end with a question. */
export function endSentence(msg: string): string {
  return /[.?]$/.test(msg) ? msg : `${msg}.`;
}

const ACL_NAME = /^[A-Za-z0-9_.:-]+$/;

/**
 * Compiles one `acl` line into `table`. `args` are the words after `acl` (a leading "acl" is
 * skipped): name, criterion, flags, patterns. Errors and warnings go to `diags` with file:line.
 */
export function compileAcl(args: string[], where: Where, table: AclTable, diags: Diagnostics, baseDir = '.', opts: AclOptions = {}): boolean {
  const words = args[0] === 'acl' ? args.slice(1) : args;
  const name = words[0];
  if (name === undefined || words.length < 2) {
    diags.alert(`'acl' requires an ACL name and a criterion.`, where);
    return false;
  }
  if (!ACL_NAME.test(name)) {
    diags.alert(`acl: invalid character in ACL name '${name}'.`, where);
    return false;
  }
  const env: CompileEnv = { usage: 'any', baseDir, refs: opts.refs, maps: opts.maps ?? new MapCache(), inAcl: true };
  const r = buildAclTerm(words.slice(1), where, env, (msg, details) => diags.warning(msg, where, details));
  if ('error' in r) {
    diags.alert(`error detected while parsing ACL '${name}' : ${endSentence(r.error)}`, where);
    return false;
  }
  table.addTerm(name, r.term);
  return true;
}

function matchOne(term: AclTerm, s: Sample | undefined, ctx: SampleContext): boolean {
  if (s === undefined) return false;
  if (term.authGroup) {
    const ul = userlistOf(term.expr.fetchArgs as Parameters<typeof userlistOf>[0], ctx);
    const user = s.value as string;
    if (!ul) return false;
    for (const g of term.patterns.exactTexts()) if (ul.inGroup(user, g)) return true;
    return false;
  }
  return term.patterns.match(s) !== undefined;
}

/** Whether any value the criterion yields matches any pattern. */
export function evalTerm(term: AclTerm, ctx: SampleContext): boolean {
  const v = term.expr.fetch.fetch(term.expr.fetchArgs, ctx);
  if (v === undefined) return false;
  if (Array.isArray(v)) {
    for (const one of v as readonly Sample[]) if (matchOne(term, convert(term.expr, one, ctx), ctx)) return true;
    return false;
  }
  return matchOne(term, convert(term.expr, v as Sample, ctx), ctx);
}

export function evalAcl(acl: Acl, ctx: SampleContext): boolean {
  for (const t of acl.terms) if (evalTerm(t, ctx)) return true;
  return false;
}

export function termValidIn(term: AclTerm, usage: Usage): boolean {
  return exprValidIn(term.expr, usage);
}
