/**
 * The text form of sample expressions: `fetch(arg,...),conv(arg,...),conv` split into calls,
 * and keyword arguments checked against their declared types with HAProxy's messages.
 */
import { parseV4Mask, parseV6Mask } from './ip.js';

export interface RawCall {
  name: string;
  /** Undefined when the keyword had no parentheses. */
  args: string[] | undefined;
  /** For each argument, the text from that argument to the end of the expression (for messages). */
  rests: string[];
}

/** Splits one argument list: commas separate, quotes group, backslash escapes quotes/commas/parentheses; ')' ends it. */
function parseArgList(text: string, pos: number): { args: string[]; rests: string[]; end: number } | { error: string } {
  const args: string[] = [];
  const rests: string[] = [];
  let cur = '';
  let quote = '';
  let start = pos;
  rests.push(text.slice(start));
  for (let i = pos; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) {
      // Only quotes, commas, parentheses and backslashes are escaped; "\1" or "\w" stay as written.
      const n = text[i + 1]!;
      if (`'",()\\`.includes(n)) {
        cur += n;
        i++;
      } else cur += c;
      continue;
    }
    if (quote) {
      if (c === quote) quote = '';
      else cur += c;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === ',') {
      args.push(cur);
      cur = '';
      start = i;
      rests.push(text.slice(start));
    } else if (c === ')') {
      args.push(cur);
      if (args.length === 1 && args[0] === '' && i === pos) return { args: [], rests: [], end: i + 1 };
      return { args, rests, end: i + 1 };
    } else cur += c;
  }
  return { error: quote ? `unmatched quote` : `expected ')'` };
}

/** `req.hdr(host),lower,map(/f,x)` → three calls. */
export function splitCalls(text: string): RawCall[] | { error: string } {
  const calls: RawCall[] = [];
  let pos = 0;
  for (;;) {
    let i = pos;
    while (i < text.length && text[i] !== '(' && text[i] !== ',') i++;
    const name = text.slice(pos, i);
    let args: string[] | undefined;
    let rests: string[] = [];
    if (text[i] === '(') {
      const r = parseArgList(text, i + 1);
      if ('error' in r) return { error: `${calls.length === 0 ? 'fetch method' : 'converter'} '${name}' : ${r.error}` };
      args = r.args;
      rests = r.rests;
      i = r.end;
    }
    calls.push({ name, args, rests });
    if (i >= text.length) return calls;
    if (text[i] !== ',') return { error: `missing comma after ${calls.length === 1 ? 'fetch keyword' : 'converter'} '${name}'` };
    pos = i + 1;
  }
}

export type ArgType = 'str' | 'int' | 'msk4' | 'msk6' | 'backend' | 'frontend' | 'server' | 'userlist' | 'var' | 'regex';

export const ARG_TYPE_TEXT: Record<ArgType, string> = {
  str: 'string',
  int: 'integer',
  msk4: 'IPv4 mask',
  msk6: 'IPv6 mask',
  backend: 'backend',
  frontend: 'frontend',
  server: 'server',
  userlist: 'userlist',
  var: 'variable',
  regex: 'regular expression',
};

export type ArgValue = string | number | bigint;

export interface ArgSpec {
  types: ArgType[];
  /** How many leading arguments are mandatory. */
  min: number;
}

/**
 * Checks a call's arguments against its declared types: the message says which argument failed
 * (1-based, as HAProxy counts) so that callers can add "invalid arg N in converter 'x'".
 */
export function checkArgs(spec: ArgSpec, call: RawCall): { values: ArgValue[] } | { error: string; arg?: number } {
  const given = call.args ?? [];
  if (given.length > spec.types.length) {
    const n = spec.types.length;
    return { error: `expected ')' before '${call.rests[n]}'`, arg: n === 0 ? 1 : n };
  }
  if (given.length < spec.min) {
    return {
      error: `missing arguments (got ${given.length}/${spec.min}), type '${ARG_TYPE_TEXT[spec.types[given.length]!]}' expected`,
      arg: given.length + 1,
    };
  }
  const values: ArgValue[] = [];
  for (let i = 0; i < given.length; i++) {
    const t = spec.types[i]!;
    const text = given[i]!;
    const bad = { error: `failed to parse '${text}' as type '${ARG_TYPE_TEXT[t]}' at position ${i + 1}`, arg: i + 1 };
    if (t === 'int') {
      if (!/^[-+]?\d+$/.test(text)) return bad;
      values.push(Number(text));
    } else if (t === 'msk4') {
      const m = parseV4Mask(text);
      if (m === undefined) return bad;
      values.push(m);
    } else if (t === 'msk6') {
      const m = parseV6Mask(text);
      if (m === undefined) return bad;
      values.push(m);
    } else values.push(text);
  }
  return { values };
}
