/** set-path, set-pathq, set-query, set-uri, set-method, replace-path/-pathq/-uri, normalize-uri. */
import { evalLogFormat } from '../../log/logformat.js';
import { compileRegex, regexReplace } from '../headers.js';
import { decodeUnreserved, joinTarget, mergeSlashes, pathq, percentUpper, sortQuery, splitTarget, stripDot, stripDotDot, withPathq } from '../uri.js';
import type { Outcome, RunState } from '../types.js';
import type { ActionCompiler } from './registry.js';

type Setter = (uri: string, value: string) => string;

const SETTERS: Record<string, Setter> = {
  'set-path': (uri, v) => joinTarget({ ...splitTarget(uri), path: v }),
  'set-pathq': withPathq,
  'set-query': (uri, v) => {
    const t = splitTarget(uri);
    // A '?' already there stays, even for an empty query; none is added for an empty one.
    if (t.query === undefined && v === '') return uri;
    return joinTarget({ ...t, query: v });
  },
  'set-uri': (_uri, v) => v,
};

function setUri(st: RunState, uri: string): undefined {
  st.req.uri = uri;
  st.sample.cache.invalidate();
  return undefined;
}

export const setUriPart = (kind: keyof typeof SETTERS | 'set-method'): ActionCompiler => (args, cc) => {
  if (args.length !== 1) return cc.fail(`expects exactly 1 argument <format>.`);
  const lf = cc.logFormat(args[0]!);
  if (!lf) return undefined;
  if (kind === 'set-method') {
    return {
      name: kind,
      run(st) {
        const m = evalLogFormat(lf, st.lf);
        if (m !== '') st.req.method = m;
        return undefined;
      },
    };
  }
  const set = SETTERS[kind]!;
  return { name: kind, run: (st) => setUri(st, set(st.req.uri, evalLogFormat(lf, st.lf))) };
};

type Part = 'path' | 'pathq' | 'uri';

export const replaceUriPart = (part: Part): ActionCompiler => (args, cc) => {
  if (args.length !== 2) return cc.fail('expects exactly 2 arguments <match-regex> and <replace-format>.');
  const re = compileRegex(args[0]!);
  if (typeof re === 'string') return cc.fail(`${re}.`);
  const lf = cc.logFormat(args[1]!);
  if (!lf) return undefined;
  return {
    name: `replace-${part}`,
    run(st) {
      const uri = st.req.uri;
      const t = splitTarget(uri);
      const subject = part === 'uri' ? uri : part === 'path' ? t.path : pathq(t);
      const r = regexReplace(re, subject, evalLogFormat(lf, st.lf));
      if (r === undefined) return undefined;
      return setUri(st, part === 'uri' ? r : part === 'path' ? joinTarget({ ...t, path: r }) : t.prefix + r);
    },
  };
};

type Normalizer = (uri: string) => string | undefined;

function onPath(f: (p: string) => string): Normalizer {
  return (uri) => {
    const t = splitTarget(uri);
    return joinTarget({ ...t, path: f(t.path) });
  };
}

function onPathq(f: (p: string) => string | undefined): Normalizer {
  return (uri) => {
    const t = splitTarget(uri);
    const r = f(pathq(t));
    return r === undefined ? undefined : t.prefix + r;
  };
}

function normalizer(words: string[]): Normalizer | string {
  const [name, opt] = words;
  const only = (allowed?: string) => (opt !== undefined && opt !== allowed ? `unexpected argument '${opt}' for normalizer '${name}'.` : undefined);
  switch (name) {
    case 'path-merge-slashes':
      return only() ?? onPath(mergeSlashes);
    case 'path-strip-dot':
      return only() ?? onPath(stripDot);
    case 'path-strip-dotdot':
      return only('full') ?? onPath((p) => stripDotDot(p, opt === 'full'));
    case 'percent-decode-unreserved':
      return only('strict') ?? onPathq((p) => decodeUnreserved(p, opt === 'strict'));
    case 'percent-to-uppercase':
      return only('strict') ?? onPathq((p) => percentUpper(p, opt === 'strict'));
    case 'query-sort-by-name':
      return (
        only() ??
        ((uri) => {
          const t = splitTarget(uri);
          return t.query === undefined ? uri : joinTarget({ ...t, query: sortQuery(t.query) });
        })
      );
    case 'fragment-strip':
      return only() ?? ((uri) => (uri.includes('#') ? uri.slice(0, uri.indexOf('#')) : uri));
    case 'fragment-encode':
      return only() ?? ((uri) => uri.replace(/#/g, '%23'));
    default:
      return `unknown normalizer '${name ?? ''}'; expects one of path-merge-slashes, path-strip-dot, path-strip-dotdot [full], percent-decode-unreserved [strict], percent-to-uppercase [strict], query-sort-by-name, fragment-strip, fragment-encode.`;
  }
}

export const normalizeUri: ActionCompiler = (args, cc) => {
  const n = normalizer(args);
  if (typeof n === 'string') return cc.fail(n);
  return {
    name: 'normalize-uri',
    run(st): Outcome {
      const r = n(st.req.uri);
      // strict normalizers refuse malformed escapes with 400, as HAProxy does.
      if (r === undefined) return { kind: 'reply', reply: st.errors.reply(400, st), termination: 'PR--' };
      if (r !== st.req.uri) setUri(st, r);
      return undefined;
    },
  };
};
