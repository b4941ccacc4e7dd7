/** set-header, add-header, del-header, replace-header, replace-value. */
import { evalLogFormat, type LogFormat } from '../../log/logformat.js';
import { addHeader, compileRegex, deleteHeader, regexReplace, setHeader, valueRanges } from '../headers.js';
import type { HeaderList } from '../../http/message.js';
import type { Action, RunState } from '../types.js';
import type { ActionCompiler } from './registry.js';

/** The header list the rule edits: the request's in http-request rules, else the response's. */
function target(st: RunState, side: 'req' | 'res'): HeaderList | undefined {
  return side === 'req' ? st.req.headers : st.res?.headers;
}

function touched(st: RunState): undefined {
  st.sample.cache.invalidate();
  return undefined;
}

export const setOrAddHeader = (add: boolean): ActionCompiler => (args, cc, side) => {
  if (args.length !== 2) return cc.fail('expects exactly 2 arguments.');
  const name = args[0]!.toLowerCase();
  const lf = cc.logFormat(args[1]!);
  if (!lf) return undefined;
  return {
    name: add ? 'add-header' : 'set-header',
    run(st) {
      const h = target(st, side);
      if (!h) return undefined;
      const v = evalLogFormat(lf, st.lf);
      if (add) addHeader(h, name, v);
      else setHeader(h, name, v);
      return touched(st);
    },
  };
};

const DEL_METHODS = ['str', 'beg', 'end', 'sub', 'reg'];

export const delHeader: ActionCompiler = (args, cc, side) => {
  const name = args[0];
  if (name === undefined) return cc.fail("expects at least 1 argument <name>.");
  let method = 'str';
  if (args.length > 1) {
    if (args[1] !== '-m' || args.length !== 3) return cc.fail(`expects exactly 1 argument <name> optionally followed by '-m' <method>.`);
    method = args[2]!;
    if (!DEL_METHODS.includes(method)) return cc.fail(`-m with unsupported matching method '${method}'.`);
  }
  const n = name.toLowerCase();
  let match: (h: string) => boolean;
  if (method === 'reg') {
    const re = compileRegex(name);
    if (typeof re === 'string') return cc.fail(`${re}.`);
    match = (h) => re.test(h);
  } else if (method === 'beg') match = (h) => h.startsWith(n);
  else if (method === 'end') match = (h) => h.endsWith(n);
  else if (method === 'sub') match = (h) => h.includes(n);
  else match = (h) => h === n;
  return {
    name: 'del-header',
    run(st) {
      const h = target(st, side);
      if (h && deleteHeader(h, match) > 0) touched(st);
      return undefined;
    },
  };
};

/** replace-header works on whole lines, replace-value on each comma-separated value. */
export const replaceHeader = (perValue: boolean): ActionCompiler => (args, cc, side) => {
  if (args.length !== 3) return cc.fail('expects exactly 3 arguments.');
  const name = args[0]!.toLowerCase();
  const re = compileRegex(args[1]!);
  if (typeof re === 'string') return cc.fail(`${re}.`);
  const lf = cc.logFormat(args[2]!);
  if (!lf) return undefined;
  return {
    name: perValue ? 'replace-value' : 'replace-header',
    run(st) {
      const h = target(st, side);
      if (!h) return undefined;
      let template: string | undefined;
      let changed = false;
      for (let i = 0; i < h.length; i += 2) {
        if (h[i] !== name) continue;
        template ??= evalLogFormat(lf, st.lf);
        const v = h[i + 1]!;
        const next = perValue ? replaceEachValue(v, re, template) : regexReplace(re, v, template);
        if (next !== undefined && next !== v) {
          h[i + 1] = next;
          changed = true;
        }
      }
      return changed ? touched(st) : undefined;
    },
  };
};

function replaceEachValue(v: string, re: RegExp, template: string): string | undefined {
  let out = '';
  let pos = 0;
  let any = false;
  for (const [s, e] of valueRanges(v)) {
    const r = regexReplace(re, v.slice(s, e), template);
    if (r === undefined) continue;
    out += v.slice(pos, s) + r;
    pos = e;
    any = true;
  }
  return any ? out + v.slice(pos) : undefined;
}

export type { LogFormat, Action };
