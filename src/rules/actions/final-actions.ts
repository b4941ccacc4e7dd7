/** Actions that end rule evaluation: allow, deny, tarpit, reject, return, auth, redirect. */
import { evalLogFormat, type LogFormat } from '../../log/logformat.js';
import { compileReply, buildReply } from '../payload.js';
import { splitTarget, pathq } from '../uri.js';
import { getHeader, type HttpReply } from '../reply.js';
import type { CompileCtx } from '../compile-ctx.js';
import type { Action, Outcome, RuleSet, RunState } from '../types.js';
import type { ActionCompiler } from './registry.js';

export const allow: ActionCompiler = (args, cc) => {
  if (args.length) return cc.fail(`expects either 'if' or 'unless' followed by a condition but found '${args[0]}'.`, true);
  return { name: 'allow', run: () => ({ kind: 'allow' }) };
};

/** Response-side rules report a local answer with 'H' (headers phase), request-side with 'R'. */
function phase(set: RuleSet): string {
  return set === 'http-request' ? 'R' : 'H';
}

export const deny = (kind: 'deny' | 'tarpit'): ActionCompiler => (args, cc, _side, _word, set) => {
  const defaultStatus = kind === 'tarpit' ? 500 : set === 'http-request' ? 403 : 502;
  const r = compileReply(args, 0, cc, { defaultStatus, impliedErrorfiles: true });
  if (!r) return undefined;
  const spec = r.spec;
  const termination = kind === 'tarpit' ? 'PT--' : `P${phase(set)}--`;
  // A denied or tarpitted request counts as an HTTP error of the tracked counters.
  const clientError = set === 'http-request';
  return {
    name: kind,
    run: (st) => ({ kind: 'reply', reply: buildReply(spec, st), termination, clientError, ...(kind === 'tarpit' ? { delayMs: st.proxy.tarpitMs } : {}) }),
  };
};

export const returnAction: ActionCompiler = (args, cc, _side, _word, set) => {
  const r = compileReply(args, 0, cc, { defaultStatus: 200, impliedErrorfiles: false });
  if (!r) return undefined;
  const spec = r.spec;
  const termination = `L${phase(set)}--`;
  return { name: 'return', run: (st) => ({ kind: 'reply', reply: buildReply(spec, st), termination }) };
};

/** `reject`: the connection is closed without a response. */
export const reject: ActionCompiler = (args, cc, _side, _word, set) => {
  if (args.length) return cc.fail(`expects either 'if' or 'unless' followed by a condition but found '${args[0]}'.`, true);
  const termination = `P${phase(set)}--`;
  return {
    name: 'reject',
    run: () => ({ kind: 'reply', reply: { status: -1, reason: '', headers: [], body: Buffer.alloc(0), close: true }, termination }),
  };
};

export const auth: ActionCompiler = (args, cc) => {
  let realm: string | undefined;
  if (args.length) {
    if (args[0] !== 'realm') return cc.fail(`expects either 'if' or 'unless' followed by a condition but found '${args[0]}'.`, true);
    if (args[1] === undefined) return cc.fail('missing realm value.');
    if (args.length > 2) return cc.fail(`expects either 'if' or 'unless' followed by a condition but found '${args[2]}'.`, true);
    realm = args[1];
  }
  return {
    name: 'auth',
    run(st): Outcome {
      const reply = st.errors.reply(401, st);
      reply.headers = [...reply.headers, 'www-authenticate', `Basic realm="${realm ?? st.proxy.name}"`];
      return { kind: 'reply', reply, termination: 'LR--', clientError: true };
    },
  };
};

// ------------------------------------------------------------------ redirect

const REDIRECT_REASONS: Record<number, string> = { 301: 'Moved Permanently', 302: 'Found', 303: 'See Other', 307: 'Temporary Redirect', 308: 'Permanent Redirect' };

interface RedirectRule {
  type: 'location' | 'prefix' | 'scheme';
  value: LogFormat;
  code: number;
  dropQuery: boolean;
  appendSlash: boolean;
  ignoreEmpty: boolean;
  cookie?: string;
}

const REDIRECT_WORDS = "'code', 'prefix', 'location', 'scheme', 'set-cookie', 'clear-cookie', 'drop-query', 'ignore-empty' or 'append-slash'";

/** Parses redirect words; `literal` for the legacy `redirect` keyword, whose value is not a log-format. */
export function compileRedirect(args: string[], cc: CompileCtx, literal: boolean): RedirectRule | undefined {
  let type: RedirectRule['type'] | undefined;
  let valueText: string | undefined;
  const r: Omit<RedirectRule, 'type' | 'value'> = { code: 302, dropQuery: false, appendSlash: false, ignoreEmpty: false };
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!;
    if (w === 'location' || w === 'prefix' || w === 'scheme') {
      const v = args[++i];
      if (v === undefined) return cc.fail(`missing argument for '${w}'.`);
      type = w;
      valueText = v;
    } else if (w === 'code') {
      const v = args[++i];
      if (v === undefined) return cc.fail(`missing argument for 'code'.`);
      if (!REDIRECT_REASONS[Number(v)] || !/^\d+$/.test(v)) return cc.fail(`'code': unsupported HTTP code '${v}' (must be one of 301, 302, 303, 307 or 308).`);
      r.code = Number(v);
    } else if (w === 'set-cookie' || w === 'clear-cookie') {
      const v = args[++i];
      if (v === undefined) return cc.fail(`missing argument for '${w}'.`);
      r.cookie = w === 'set-cookie' ? `${v}; path=/;` : `${v}; path=/; Max-Age=0;`;
    } else if (w === 'drop-query') r.dropQuery = true;
    else if (w === 'append-slash') r.appendSlash = true;
    else if (w === 'ignore-empty') r.ignoreEmpty = true;
    else return cc.fail(`expects ${REDIRECT_WORDS} (was '${w}').`);
  }
  if (!type || valueText === undefined) return cc.fail(`redirect type must be either 'prefix', 'location', or 'scheme'.`);
  const value: LogFormat | undefined = literal ? { text: valueText, parts: [{ kind: 'text', text: valueText }], constant: true } : cc.logFormat(valueText);
  if (!value) return undefined;
  return { ...r, type, value };
}

/** The Location for a request, or undefined when the rule is skipped (ignore-empty). */
function location(rule: RedirectRule, st: RunState): string | undefined {
  const v = evalLogFormat(rule.value, st.lf);
  if (v === '' && rule.ignoreEmpty) return undefined;
  let loc: string;
  if (rule.type === 'location') loc = v;
  else {
    const t = splitTarget(st.req.uri);
    let path = t.path === '' || t.path === '*' ? '/' : rule.dropQuery ? t.path : pathq(t);
    if (!path.startsWith('/')) path = '/';
    if (rule.type === 'prefix') loc = (v === '/' ? '' : v) + path;
    else loc = `${v}://${getHeader(st.req.headers, 'host') ?? ''}${path}`;
  }
  if (rule.appendSlash && loc !== '' && !loc.endsWith('/')) loc += '/';
  return loc;
}

export function redirectReply(rule: RedirectRule, loc: string): HttpReply {
  const headers = ['content-length', '0', 'location', loc];
  if (rule.code !== 301 && rule.code !== 308) headers.push('cache-control', 'no-cache');
  if (rule.cookie) headers.push('set-cookie', rule.cookie);
  return { status: rule.code, reason: REDIRECT_REASONS[rule.code]!, headers, body: Buffer.alloc(0) };
}

export function redirectAction(rule: RedirectRule, set: RuleSet): Action {
  const termination = `L${phase(set)}--`;
  return {
    name: 'redirect',
    run(st): Outcome {
      const loc = location(rule, st);
      if (loc === undefined) return undefined;
      return { kind: 'reply', reply: redirectReply(rule, loc), termination };
    },
  };
}

export const redirect: ActionCompiler = (args, cc, _side, _word, set) => {
  const rule = compileRedirect(args, cc, false);
  return rule && redirectAction(rule, set);
};
