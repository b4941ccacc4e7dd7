/**
 * Helpers for feature modules registering proxy and global keywords: where a proxy keyword is
 * valid comes from HAProxy's own keyword matrix, so each module states only what it does.
 */
import { HAPROXY_PROXY_KEYWORDS } from './haproxy-keywords.js';
import type { Keyword, KeywordContext, Support } from './keywords.js';
import type { Global, Proxy, SectionKind } from './model.js';

type ProxyKeywordSpec = {
  parse(ctx: KeywordContext, proxy: Proxy): void;
  support?: Support;
  note?: string;
  /** For keywords portico adds beyond HAProxy: the sections, as in the matrix ("dflb"). */
  sections?: string;
  negatable?: boolean;
};

/** A proxy keyword whose valid sections and capability follow HAProxy 2.6's matrix. */
export function proxyKeyword(name: string, spec: ProxyKeywordSpec): Omit<Keyword, 'module'> {
  const known = HAPROXY_PROXY_KEYWORDS.find((k) => k.name === name);
  const letters = spec.sections ?? known?.sections;
  if (letters === undefined) throw new Error(`proxy keyword '${name}' is not in HAProxy's matrix; give its sections`);
  const fe = letters.includes('f');
  const be = letters.includes('b');
  const sections: SectionKind[] = [];
  if (letters.includes('d')) sections.push('defaults');
  // A keyword valid on one side only is still accepted on the other side, where HAProxy warns and ignores it.
  sections.push('frontend', 'listen', 'backend');
  return {
    name,
    sections,
    needs: fe && !be ? 'frontend' : be && !fe ? 'backend' : undefined,
    negatable: spec.negatable ?? known?.negatable ?? false,
    support: spec.support ?? 'full',
    note: spec.note,
    parse(ctx) {
      if (!('proxy' in ctx.section)) return;
      spec.parse(ctx, ctx.section.proxy);
    },
  };
}

/** A global-section keyword. */
export function globalKeyword(
  name: string,
  spec: { parse(ctx: KeywordContext, global: Global): void; support?: Support; note?: string; negatable?: boolean },
): Omit<Keyword, 'module'> {
  return {
    name,
    sections: ['global'],
    negatable: spec.negatable ?? false,
    support: spec.support ?? 'full',
    note: spec.note,
    parse(ctx) {
      if (ctx.section.kind !== 'global') return;
      spec.parse(ctx, ctx.section.global);
    },
  };
}

/** Checks the number of arguments after the keyword; reports HAProxy-style and returns false when wrong. */
export function expectArgs(ctx: KeywordContext, skip: number, min: number, max: number, usage: string): boolean {
  const n = ctx.args.length - skip;
  if (n < min || n > max) {
    ctx.alert(`'${ctx.args.slice(0, skip).join(' ')}' ${usage}`);
    return false;
  }
  return true;
}

/** Parses a non-negative integer argument; reports and returns undefined when invalid. */
export function intArg(ctx: KeywordContext, value: string | undefined, what: string, min = 0, max = 2_147_483_647): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) {
    ctx.alert(`'${what}' expects an integer argument${value === undefined ? '' : ` (got '${value}')`}.`);
    return undefined;
  }
  const n = Number(value);
  if (n < min || n > max) {
    ctx.alert(`'${what}' expects a value between ${min} and ${max} (got '${value}').`);
    return undefined;
  }
  return n;
}
