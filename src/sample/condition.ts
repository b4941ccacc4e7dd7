/**
 * Conditions: `if|unless` followed by ACL names, `!` negations, `or`/`||` and anonymous
 * `{ criterion patterns }` ACLs. AND binds tighter than OR (a disjunction of conjunctions).
 */
import { Registry } from '../core/registry.js';
import { buildAclTerm, endSentence, evalAcl, termValidIn, type Acl, type AclTable } from './acl.js';
import { MapCache } from './mapfile.js';
import { predefinedAcls } from './predefined.js';
import { usageText, type Usage, type Where } from './types.js';
import type { CompileEnv, ConfigRefs } from './keywords.js';
import type { SampleContext } from './context.js';
import type { Diagnostics } from '../core/diag.js';

export interface CondTerm {
  acl: Acl;
  negate: boolean;
}

export interface Condition {
  /** `unless` inverts the whole result. */
  unless: boolean;
  /** OR of ANDs. */
  groups: CondTerm[][];
  /** The words it was compiled from, without if/unless. */
  text: string;
}

export interface ConditionOptions {
  acls: AclTable;
  usage: Usage;
  file: string;
  line: number;
  diags: Diagnostics;
  /** The rule, for messages: "http-request deny". */
  rule?: string;
  /** Which side of the proxy the rule belongs to, for messages. */
  proxy?: 'frontend' | 'backend';
  baseDir?: string;
  refs?: ConfigRefs;
  maps?: MapCache;
}

/** An ACL that never matches: stands for terms that cannot run where they are used. */
const NEVER: Acl = { name: '<never>', terms: [], where: { file: '', line: 0 } };

const TCP_RULES: Partial<Record<Usage, string>> = {
  'tcp-conn': 'tcp-request connection',
  'tcp-session': 'tcp-request session',
  'tcp-content': 'tcp-request content',
  'tcp-res': 'tcp-response content',
};

/**
 * Compiles `words` (starting with "if" or "unless"). Returns undefined after reporting an error.
 * ACLs whose keywords cannot work in `usage` draw HAProxy's "will never match" warning and
 * evaluate to false.
 */
export function compileCondition(words: string[], opts: ConditionOptions): Condition | undefined {
  const where: Where = { file: opts.file, line: opts.line };
  const ruleText = opts.rule ? `an '${opts.rule}' condition` : 'a condition';
  const fail = (msg: string): undefined => {
    opts.diags.alert(`error detected while parsing ${ruleText} : ${msg}`, where);
    return undefined;
  };
  const kw = words[0];
  if (kw !== 'if' && kw !== 'unless') return fail(`expects 'if' or 'unless' followed by a condition, found '${kw ?? ''}'.`);
  const env: CompileEnv = { usage: opts.usage, baseDir: opts.baseDir ?? '.', refs: opts.refs, maps: opts.maps ?? new MapCache(), inAcl: true };
  const inRule = TCP_RULES[opts.usage] ? ` in '${TCP_RULES[opts.usage]}'` : '';
  const place = usageText(opts.usage, opts.proxy);
  const predefined = predefinedAcls();

  const groups: CondTerm[][] = [[]];
  let negate = false;
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    if (w === 'or' || w === '||') {
      if (groups[groups.length - 1]!.length > 0) groups.push([]);
      negate = false;
      continue;
    }
    let name = w;
    let neg: boolean = negate;
    negate = false;
    // "!" may stand alone or stick to the ACL name ("!acl" or "! acl"), possibly repeated.
    while (name.startsWith('!')) {
      neg = !neg;
      name = name.slice(1);
    }
    if (name === '') {
      negate = neg;
      continue;
    }
    let acl: Acl | undefined;
    if (name === '{') {
      const close = words.indexOf('}', i + 1);
      if (close < 0) return fail("missing closing '}' in condition.");
      const r = buildAclTerm(words.slice(i + 1, close), where, env, (msg, details) => opts.diags.warning(msg, where, details));
      if ('error' in r) return fail(endSentence(r.error));
      i = close;
      if (!termValidIn(r.term, opts.usage)) {
        const kwName = r.term.keyword.split(/[(,]/)[0];
        opts.diags.warning(`anonymous acl will never match${inRule} because it uses keyword '${kwName}' which is incompatible with '${place}'`, where);
        acl = NEVER;
      } else acl = { name: '<anonymous>', terms: [r.term], where };
    } else {
      acl = opts.acls.get(name) ?? predefined.get(name);
      if (!acl) {
        const sug = new Registry<true>('acl');
        for (const n of [...opts.acls.names(), ...predefined.names()]) if (!sug.has(n)) sug.add(n, true);
        const s = sug.suggest(name);
        return fail(`no such ACL : '${name}'${s ? `; did you mean '${s}' maybe ?` : '.'}`);
      }
      acl = restrictToUsage(acl, opts.usage, (msg) => opts.diags.warning(msg, where), inRule, place);
    }
    groups[groups.length - 1]!.push({ acl, negate: neg });
  }
  if (groups[groups.length - 1]!.length === 0) groups.pop();
  if (groups.length === 0) return fail(`missing condition after '${kw}'.`);
  return { unless: kw === 'unless', groups, text: words.slice(1).join(' ') };
}

/** The ACL with only the terms that can run in `usage`, warning like HAProxy when that drops any. */
function restrictToUsage(acl: Acl, usage: Usage, warn: (m: string) => void, inRule: string, place: string): Acl {
  const ok = acl.terms.filter((t) => termValidIn(t, usage));
  if (ok.length === acl.terms.length) return acl;
  if (ok.length === 0) {
    warn(`acl '${acl.name}' will never match${inRule} because it only involves keywords that are incompatible with '${place}'`);
    return NEVER;
  }
  const dropped = acl.terms.filter((t) => !termValidIn(t, usage)).map((t) => t.keyword.split(/[(,]/)[0]);
  warn(`acl '${acl.name}' involves keyword(s) '${[...new Set(dropped)].join(', ')}' which is incompatible with '${place}'`);
  return { ...acl, terms: ok };
}

export function evalCondition(cond: Condition, ctx: SampleContext): boolean {
  let result = false;
  for (const group of cond.groups) {
    let all = true;
    for (const t of group) {
      if (evalAcl(t.acl, ctx) === t.negate) {
        all = false;
        break;
      }
    }
    if (all) {
      result = true;
      break;
    }
  }
  return cond.unless ? !result : result;
}
