/** Splitting a request target into the parts HTTP fetches return (path, query, pathq). */

export interface UriParts {
  /** Path without the query; undefined for "*" and authority-form targets. */
  path: string | undefined;
  /** Path and query as sent to an origin server ("/a?b"), undefined like path. */
  pathq: string | undefined;
  /** Text after the first '?', undefined when there is no '?'. */
  query: string | undefined;
}

export function splitUri(uri: string): UriParts {
  let start = 0;
  if (uri[0] !== '/') {
    // absolute-form "scheme://authority/path": the path starts at the first '/' after "//".
    const scheme = uri.indexOf('://');
    if (scheme < 0) return { path: undefined, pathq: undefined, query: queryOf(uri) };
    start = uri.indexOf('/', scheme + 3);
    if (start < 0) {
      const q = uri.indexOf('?', scheme + 3);
      return { path: undefined, pathq: undefined, query: q >= 0 ? uri.slice(q + 1) : undefined };
    }
  }
  const q = uri.indexOf('?', start);
  if (q < 0) {
    const p = start === 0 ? uri : uri.slice(start);
    return { path: p, pathq: p, query: undefined };
  }
  return { path: uri.slice(start, q), pathq: uri.slice(start), query: uri.slice(q + 1) };
}

function queryOf(uri: string): string | undefined {
  const q = uri.indexOf('?');
  return q >= 0 ? uri.slice(q + 1) : undefined;
}

/** The authority of an absolute-form target ("http://h:8080/x" → "h:8080"), else undefined. */
export function uriAuthority(uri: string): string | undefined {
  const scheme = uri.indexOf('://');
  if (uri[0] === '/' || scheme < 0) return undefined;
  let end = uri.length;
  for (let i = scheme + 3; i < uri.length; i++) {
    const c = uri[i];
    if (c === '/' || c === '?') {
      end = i;
      break;
    }
  }
  return uri.slice(scheme + 3, end);
}

/**
 * The value of parameter `name` in a query string (url_param/urlp): parameters are separated by
 * `delim` (default '&'); the first match wins; a parameter without '=' is not found by name.
 * With no name, the first parameter's value.
 */
export function queryParam(query: string, name: string | undefined, delim = '&'): string | undefined {
  let pos = 0;
  while (pos <= query.length) {
    let end = query.indexOf(delim, pos);
    if (end < 0) end = query.length;
    const eq = query.indexOf('=', pos);
    const keyEnd = eq >= 0 && eq < end ? eq : end;
    // A named parameter needs its '=' ("?y&z=3" has no parameter y); the first one is taken as is.
    if (name === undefined) return keyEnd === end ? '' : query.slice(keyEnd + 1, end);
    if (keyEnd < end && keyEnd - pos === name.length && query.startsWith(name, pos)) return query.slice(keyEnd + 1, end);
    pos = end + 1;
  }
  return undefined;
}
