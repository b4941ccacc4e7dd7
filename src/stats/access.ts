/**
 * Who may see a stats page: `stats http-request allow | deny [deny_status N] | auth [realm R]
 * [if|unless COND]` rules, evaluated in order for each stats request (the first rule whose
 * condition matches decides; a rule without condition always does; no rule matching serves the
 * page), and `stats admin if COND` (admin actions allowed). As in HAProxy 2.6, `stats auth` and
 * `stats realm` are an implicit last rule and cannot be mixed with explicit ones (finalize.ts).
 */
import type { Diagnostics } from '../core/diag.js';
import type { Proxy, RawLine } from '../config/model.js';
import { ERROR_STATUSES } from '../http/errors.js';
import type { AclTable } from '../sample/acl.js';
import { compileCondition, evalCondition, type Condition } from '../sample/condition.js';
import type { SampleContext } from '../sample/context.js';
import type { ConfigRefs } from '../sample/keywords.js';
import type { CompiledRules } from '../rules/compile.js';

export type StatsAction =
  | { kind: 'allow' }
  | { kind: 'deny'; status: number }
  | { kind: 'auth'; realm?: string };

/** One rule's words read: the action and where its condition starts (args.length without one). */
export interface ParsedStatsRule {
  action: StatsAction;
  condAt: number;
}

const condWord = (w: string | undefined) => w === 'if' || w === 'unless';

/** `inRule`: HAProxy words it "error detected in <proxy> while parsing '<rule>' rule : <error>". */
export interface StatsRuleError {
  error: string;
  inRule?: string;
}

/**
 * Reads the words after `stats http-request` (action first), with HAProxy's messages. Only
 * allow, deny and auth do something for a stats request.
 */
export function parseStatsRule(args: readonly string[]): ParsedStatsRule | StatsRuleError {
  const name = args[0];
  const trailing = (i: number) => `'http-request ${name}' expects either 'if' or 'unless' followed by a condition but found '${args[i]}'.`;
  let action: StatsAction;
  let i = 1;
  switch (name) {
    case 'allow':
      action = { kind: 'allow' };
      break;
    case 'deny': {
      let status = 403;
      if (args[i] === 'deny_status') {
        const v = args[i + 1];
        if (v === undefined) return { inRule: 'http-request deny', error: 'missing status code.' };
        if (!/^\d+$/.test(v) || !ERROR_STATUSES.includes(Number(v))) return { inRule: 'http-request deny', error: `Unexpected status code '${v}'.` };
        status = Number(v);
        i += 2;
      }
      action = { kind: 'deny', status };
      break;
    }
    case 'auth': {
      let realm: string | undefined;
      if (args[i] === 'realm') {
        realm = args[i + 1];
        if (realm === undefined) return { inRule: 'http-request auth', error: 'missing realm value.' };
        i += 2;
      }
      action = realm === undefined ? { kind: 'auth' } : { kind: 'auth', realm };
      break;
    }
    default:
      return { error: `'stats http-request' expects 'allow', 'deny' or 'auth' (got '${name ?? ''}').` };
  }
  if (i < args.length && !condWord(args[i])) return { error: trailing(i) };
  return { action, condAt: i };
}

export interface StatsRule {
  action: StatsAction;
  cond?: Condition;
}

export interface StatsAccess {
  rules: StatsRule[];
  /** `stats admin if COND`; absent: no admin actions. */
  admin?: Condition;
}

export interface AccessEnv {
  acls: AclTable;
  diags: Diagnostics;
  refs?: ConfigRefs;
}

function condition(line: RawLine, words: string[], env: AccessEnv, rule: string): Condition | undefined {
  return compileCondition(words, {
    acls: env.acls, usage: 'http-req', file: line.where.file, line: line.where.line, diags: env.diags, rule,
    ...(env.refs ? { refs: env.refs } : {}),
  });
}

/** Compiles the stats access rules of `p` (errors go to env.diags; a broken rule is left out). */
export function compileStatsAccess(p: Proxy, env: AccessEnv): StatsAccess {
  const access: StatsAccess = { rules: [] };
  for (const line of p.stats.httpRequest) {
    const words = line.args;
    const parsed = parseStatsRule(words);
    if ('error' in parsed) continue; // reported by the keyword parser
    const rule: StatsRule = { action: parsed.action };
    if (parsed.condAt < words.length) {
      const c = condition(line, words.slice(parsed.condAt), env, `http-request ${words[0]}`);
      if (!c) continue;
      rule.cond = c;
    }
    access.rules.push(rule);
  }
  const admin = p.stats.admin;
  if (admin) {
    const c = condition(admin, admin.args, env, 'stats admin');
    if (c) access.admin = c;
  }
  return access;
}

export type StatsVerdict = { kind: 'serve' } | { kind: 'deny'; status: number } | { kind: 'auth'; realm?: string };

/** The first rule that applies decides; without one the page is served. */
export function statsVerdict(access: StatsAccess | undefined, sample: () => SampleContext): StatsVerdict {
  if (!access) return { kind: 'serve' };
  let ctx: SampleContext | undefined;
  for (const r of access.rules) {
    if (r.cond && !evalCondition(r.cond, (ctx ??= sample()))) continue;
    switch (r.action.kind) {
      case 'allow':
        return { kind: 'serve' };
      case 'deny':
        return { kind: 'deny', status: r.action.status };
      case 'auth':
        return r.action.realm === undefined ? { kind: 'auth' } : { kind: 'auth', realm: r.action.realm };
    }
  }
  return { kind: 'serve' };
}

/** Compiles the access rules of every stats-enabled HTTP proxy (at start, and for `portico -c`). */
export function compileAllStatsAccess(compiled: CompiledRules, diags: Diagnostics): Map<Proxy, StatsAccess> {
  const out = new Map<Proxy, StatsAccess>();
  const refs: ConfigRefs = { userlist: (n) => compiled.userlists.get(n) };
  for (const [p, cp] of compiled.byProxy) {
    if (p.stats.enabled) out.set(p, compileStatsAccess(p, { acls: cp.acls, diags, refs }));
  }
  return out;
}
