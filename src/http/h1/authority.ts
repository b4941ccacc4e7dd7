/**
 * Absolute-form and authority-form request targets against the Host header, as HAProxy 2.6 checks
 * them: case-insensitive, userinfo ignored, the scheme's default port (http 80, https 443) and an
 * empty port equal to no port.
 */

export interface TargetAuthority {
  /** lower-cased scheme, '' for authority-form (CONNECT) */
  scheme: string;
  authority: string;
  /** start/end of the authority inside the URI, to rewrite the port */
  start: number;
  end: number;
}

function isSchemeChar(c: number, first: boolean): boolean {
  if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a)) return true;
  if (first) return false;
  return (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e;
}

/**
 * The authority carried by the request target, undefined for origin-form and '*',
 * or null when the target looks like an absolute URI but is malformed ("http:/a").
 */
export function targetAuthority(uri: string, isConnect: boolean): TargetAuthority | undefined | null {
  if (isConnect) return { scheme: '', authority: uri, start: 0, end: uri.length };
  const c0 = uri.charCodeAt(0);
  if (c0 === 0x2f || uri === '*') return undefined;
  let i = 0;
  while (i < uri.length && isSchemeChar(uri.charCodeAt(i), i === 0)) i++;
  if (i === 0 || uri.charCodeAt(i) !== 0x3a) return undefined; // no scheme: leave it alone
  if (uri.charCodeAt(i + 1) !== 0x2f || uri.charCodeAt(i + 2) !== 0x2f) return null;
  const start = i + 3;
  let end = uri.indexOf('/', start);
  if (end < 0) end = uri.length;
  return { scheme: uri.slice(0, i).toLowerCase(), authority: uri.slice(start, end), start, end };
}

function defaultPort(scheme: string): string | undefined {
  if (scheme === 'http') return '80';
  if (scheme === 'https') return '443';
  return undefined;
}

/** Index of the ':' that starts the port, or -1 (IPv6 literals keep their colons). */
function portColon(hostport: string): number {
  const colon = hostport.lastIndexOf(':');
  if (colon < 0) return -1;
  if (hostport.lastIndexOf(']') > colon || hostport.lastIndexOf('@') > colon) return -1;
  return colon;
}

/** host[:port] without userinfo, lower-cased, without a default or empty port. */
export function normalizeAuthority(scheme: string, authority: string): string {
  const at = authority.lastIndexOf('@');
  let hp = at >= 0 ? authority.slice(at + 1) : authority;
  const colon = portColon(hp);
  if (colon >= 0) {
    const port = hp.slice(colon + 1);
    if (port === '' || port === defaultPort(scheme)) hp = hp.slice(0, colon);
  }
  return hp.toLowerCase();
}

/** True when the Host header names the same authority as the request target. */
export function hostMatchesTarget(target: TargetAuthority, host: string): boolean {
  return normalizeAuthority(target.scheme, target.authority) === normalizeAuthority(target.scheme, host);
}

/**
 * HAProxy forwards "http://a:80/" as "http://a/": drops a default or empty port from an
 * absolute-form target. Returns the uri unchanged when there is nothing to drop.
 */
export function dropDefaultPort(uri: string, target: TargetAuthority): string {
  if (target.scheme === '') return uri;
  const colon = portColon(target.authority);
  if (colon < 0) return uri;
  const port = target.authority.slice(colon + 1);
  if (port !== '' && port !== defaultPort(target.scheme)) return uri;
  return uri.slice(0, target.start + colon) + uri.slice(target.end);
}
