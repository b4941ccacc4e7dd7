/**
 * The configuration keyword registry. Feature modules register the keywords they own (each with
 * the sections it is valid in and a parser for its arguments); the parser itself is generic.
 */
import { Registry } from '../core/registry.js';
import type { Diagnostics } from '../core/diag.js';
import type { Config, Global, HttpErrors, Proxy, SectionKind, Userlist, Where } from './model.js';

/** The section a line belongs to, with the object its keywords fill in. */
export type Section =
  | { kind: 'global'; global: Global }
  | { kind: 'defaults' | 'frontend' | 'backend' | 'listen'; proxy: Proxy }
  | { kind: 'userlist'; userlist: Userlist }
  | { kind: 'http-errors'; httpErrors: HttpErrors }
  | { kind: 'unsupported'; name: string };

export interface KeywordContext {
  /** The words of the line, without a leading `no` or `default`. */
  args: string[];
  /** `no KEYWORD ...` */
  negated: boolean;
  /** `default KEYWORD ...`: restore the built-in setting. */
  restored: boolean;
  where: Where;
  section: Section;
  config: Config;
  diags: Diagnostics;
  /** Directory of the file being parsed, to resolve relative paths. */
  baseDir: string;
  alert(message: string): void;
  warning(message: string): void;
  notice(message: string): void;
}

/**
 * How far portico implements a keyword, for the coverage table:
 * - full: behaves as in HAProxy;
 * - partial: parsed and used, `note` says what is missing;
 * - accepted: parsed and checked, has no effect in portico (tuning that means nothing on Node);
 * - legacy: pre-2.1 syntax that portico accepts with a warning showing the modern form;
 * - removed: HAProxy removed it; portico explains what replaced it;
 * - parsed: checked and kept in the model, but the runtime does not act on it yet.
 */
export type Support = 'full' | 'partial' | 'accepted' | 'legacy' | 'removed' | 'parsed';

export interface Keyword {
  /** One or two words: "balance", "option httplog", "timeout connect", "stats auth". */
  name: string;
  sections: SectionKind[];
  /** For proxy keywords: the capability it needs; on a proxy without it HAProxy warns and ignores it. */
  needs?: 'frontend' | 'backend';
  /** Whether a `no` prefix is meaningful. */
  negatable?: boolean;
  module: string;
  support: Support;
  note?: string;
  parse(ctx: KeywordContext): void;
}

/**
 * A keyword family such as `option`, `timeout` or `stats`: its members are registered as
 * two-word keywords; the family decides what to say about an unknown member.
 */
export interface Family {
  name: string;
  sections: SectionKind[];
  unknown(ctx: KeywordContext, member: string | undefined, suggestion: string | undefined): void;
}

/** Every keyword name with its variants: one per set of sections (e.g. `maxconn` in global and in proxies). */
export const keywords = new Registry<Keyword[]>('keyword');
export const families = new Registry<Family>('keyword family');

export function addKeyword(kw: Keyword): void {
  const variants = keywords.get(kw.name);
  if (!variants) return keywords.add(kw.name, [kw]);
  if (variants.some((v) => v.sections.some((s) => kw.sections.includes(s)))) throw new Error(`keyword '${kw.name}' is registered twice for the same section`);
  variants.push(kw);
}

export function addKeywords(module: string, list: Omit<Keyword, 'module'>[]): void {
  for (const kw of list) addKeyword({ ...kw, module });
}

/** The variant of a keyword name valid in `section`, else the first variant (for "only valid in" hints). */
export function keywordFor(name: string, section: SectionKind): Keyword | undefined {
  const variants = keywords.get(name);
  return variants?.find((v) => v.sections.includes(section)) ?? variants?.[0];
}

/** Every registered keyword variant. */
export function allKeywords(): Keyword[] {
  return keywords.values().flat();
}

/** Finds the keyword a line starts with: a three-word name first (`capture request header`), then two words, then one. */
export function lookupKeyword(args: string[], section: SectionKind): { keyword?: Keyword; family?: Family } {
  if (args.length > 2) {
    const three = keywordFor(`${args[0]} ${args[1]} ${args[2]}`, section);
    if (three) return { keyword: three };
  }
  if (args.length > 1) {
    // A member may carry an argument in parentheses: `http-check set-var(check.x)`.
    const member = args[1]!.replace(/\(.*$/s, '');
    const two = keywordFor(`${args[0]} ${member}`, section);
    if (two) return { keyword: two };
  }
  const one = keywordFor(args[0] ?? '', section);
  if (one) return { keyword: one };
  const family = families.get(args[0] ?? '');
  return family ? { family } : {};
}

/** Whether any variant of `name` is valid in `section`. */
export function validIn(variants: Keyword[], section: SectionKind): boolean {
  return variants.some((v) => v.sections.includes(section));
}

