/** Request-target surgery for set-path, set-query, replace-path... and normalize-uri. */

export interface TargetParts {
  /** "scheme://authority" of an absolute-form target, else "". */
  prefix: string;
  /** Path without the query ("" for "*" or authority-only targets). */
  path: string;
  /** Text after '?', undefined without '?'. */
  query: string | undefined;
}

export function splitTarget(uri: string): TargetParts {
  let start = 0;
  if (uri[0] !== '/') {
    const scheme = uri.indexOf('://');
    if (scheme < 0) {
      // "*" or authority-form: no path to speak of.
      const q0 = uri.indexOf('?');
      return q0 < 0 ? { prefix: '', path: uri, query: undefined } : { prefix: '', path: uri.slice(0, q0), query: uri.slice(q0 + 1) };
    }
    start = uri.length;
    for (let i = scheme + 3; i < uri.length; i++) {
      if (uri[i] === '/' || uri[i] === '?') {
        start = i;
        break;
      }
    }
  }
  const q = uri.indexOf('?', start);
  if (q < 0) return { prefix: uri.slice(0, start), path: uri.slice(start), query: undefined };
  return { prefix: uri.slice(0, start), path: uri.slice(start, q), query: uri.slice(q + 1) };
}

export function joinTarget(p: TargetParts): string {
  return p.prefix + p.path + (p.query === undefined ? '' : `?${p.query}`);
}

/** Path and query as an origin server sees them ("/a?b"). */
export function pathq(p: TargetParts): string {
  return p.path + (p.query === undefined ? '' : `?${p.query}`);
}

export function withPathq(uri: string, value: string): string {
  return splitTarget(uri).prefix + value;
}

// ------------------------------------------------------------------ normalizers

export function mergeSlashes(path: string): string {
  return path.replace(/\/{2,}/g, '/');
}

/** Removes "." segments: "/a/./b" → "/a/b", "/a/." → "/a/". */
export function stripDot(path: string): string {
  if (!path.startsWith('/')) return path;
  const segs = path.split('/').slice(1);
  const out: string[] = [];
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i]!;
    if (s === '.') {
      if (i === segs.length - 1) out.push('');
      continue;
    }
    out.push(s);
  }
  return `/${out.join('/')}`;
}

/**
 * Resolves ".." segments: "/a/b/../c" → "/a/c". Leading ".." that cannot be resolved stay,
 * unless `full` drops them.
 */
export function stripDotDot(path: string, full: boolean): string {
  if (!path.startsWith('/')) return path;
  const segs = path.split('/').slice(1);
  const out: string[] = [];
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i]!;
    const last = i === segs.length - 1;
    if (s === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') {
        out.pop();
        if (last) out.push('');
      } else if (!full) out.push('..');
      else if (last) out.push('');
      continue;
    }
    out.push(s);
  }
  return `/${out.join('/')}`;
}

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/** Decodes %XX of unreserved characters; undefined on a malformed escape when strict. */
export function decodeUnreserved(s: string, strict: boolean): string | undefined {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '%') {
      out += c;
      continue;
    }
    const hex = s.slice(i + 1, i + 3);
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) {
      if (strict) return undefined;
      out += c;
      continue;
    }
    const ch = String.fromCharCode(parseInt(hex, 16));
    out += UNRESERVED.test(ch) ? ch : `%${hex}`;
    i += 2;
  }
  return out;
}

/** Upper-cases the hex digits of %xx escapes; undefined on a malformed escape when strict. */
export function percentUpper(s: string, strict: boolean): string | undefined {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '%') {
      out += c;
      continue;
    }
    const hex = s.slice(i + 1, i + 3);
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) {
      if (strict) return undefined;
      out += c;
      continue;
    }
    out += `%${hex.toUpperCase()}`;
    i += 2;
  }
  return out;
}

/** Sorts '&'-separated query parameters by name, keeping the order of equal names. */
export function sortQuery(q: string): string {
  const params = q.split('&');
  const name = (p: string) => {
    const eq = p.indexOf('=');
    return eq < 0 ? p : p.slice(0, eq);
  };
  return params
    .map((p, i) => ({ p, i, n: name(p) }))
    .sort((a, b) => (a.n < b.n ? -1 : a.n > b.n ? 1 : a.i - b.i))
    .map((x) => x.p)
    .join('&');
}
