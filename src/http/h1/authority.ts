/**
 * The request target's authority against the Host header, as HAProxy 2.6's H1 parser checks
 * them (h1_headers_to_hdr_list), and the normalisation it applies to both afterwards.
 *
 * Any target that does not start with '/' or '*' carries an authority: after an optional
 * "scheme://" (a letter, then letters, digits, '+', '-' or '.'), the bytes up to the first '/',
 * without userinfo (up to the last '@'). So "c23/r1" names the authority "c23", "a:b" names
 * "a:b" and "http:/a" names "http:"; all checked against Host like an absolute URI's.
 * Comparisons fold ASCII case only; ports are compared as text ("080" is not "80").
 */
import { sameAsciiCaseless } from './chars.js';

export interface TargetAuthority {
  /** scheme without "://" as written, '' when the target has none */
  scheme: string;
  /** start/end of the authority (after any userinfo) inside the URI */
  start: number;
  end: number;
}

function isAlpha(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}

function isSchemeChar(c: number): boolean {
  return isAlpha(c) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e;
}

/** The authority the request target names, or undefined for origin-form ("/...") and "*". */
export function targetAuthority(uri: string): TargetAuthority | undefined {
  const c0 = uri.charCodeAt(0);
  if (c0 === 0x2f || c0 === 0x2a) return undefined;
  let scheme = '';
  let i = 0;
  if (isAlpha(c0)) {
    i = 1;
    while (i < uri.length && isSchemeChar(uri.charCodeAt(i))) i++;
    if (uri.charCodeAt(i) === 0x3a && uri.charCodeAt(i + 1) === 0x2f && uri.charCodeAt(i + 2) === 0x2f) {
      scheme = uri.slice(0, i);
      i += 3;
    } else {
      i = 0; // no "scheme://": the authority starts the target
    }
  }
  let start = i;
  while (i < uri.length && uri.charCodeAt(i) !== 0x2f) {
    if (uri.charCodeAt(i) === 0x40) start = i + 1;
    i++;
  }
  return { scheme, start, end: i };
}

/**
 * Index of the ':' that starts the port of host[:port] (HAProxy's http_get_host_port: the ':'
 * right before the trailing digits, which may be none), or -1. "[::1]" has no port, "::1" the port "1".
 */
export function portColon(hp: string): number {
  let p = hp.length;
  while (p > 0 && isDigit(hp.charCodeAt(p - 1))) p--;
  return p > 0 && hp.charCodeAt(p - 1) === 0x3a ? p - 1 : -1;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** HAProxy's http_is_default_port: 80 for http, 443 for https; either one without a scheme. */
function isDefaultPort(scheme: string, port: string): boolean {
  if (scheme === '') return port === '80' || port === '443';
  if (port === '80') return sameAsciiCaseless(scheme, 'http');
  if (port === '443') return sameAsciiCaseless(scheme, 'https');
  return false;
}

/** host[:port] split as HAProxy does; an empty port counts as none. */
function split(hp: string): [host: string, port: string] {
  const colon = portColon(hp);
  return colon < 0 ? [hp, ''] : [hp.slice(0, colon), hp.slice(colon + 1)];
}

/**
 * Whether a non-CONNECT request may go on: no Host, no authority (or an empty one), or an
 * authority equal to Host; failing that, with a scheme only, the same host and the same port,
 * a missing (or empty) port standing for the scheme's default one.
 */
export function authorityAgrees(uri: string, target: TargetAuthority | undefined, host: string | undefined): boolean {
  if (target === undefined || host === undefined || target.end === target.start) return true;
  const authority = uri.slice(target.start, target.end);
  if (sameAsciiCaseless(authority, host)) return true;
  if (target.scheme === '') return false;
  const [uh, up] = split(authority);
  const [hh, hp] = split(host);
  if (!sameAsciiCaseless(uh, hh)) return false;
  if (up !== '' && hp !== '') return up === hp;
  if (up !== '') return isDefaultPort(target.scheme, up);
  if (hp !== '') return isDefaultPort(target.scheme, hp);
  return true;
}

/**
 * Whether a CONNECT target is acceptable: an authority with a port, matching Host when there is
 * one (same host; same port, or a Host without port when the target's port is 80 or 443).
 */
export function connectAuthorityValid(uri: string, target: TargetAuthority | undefined, host: string | undefined): boolean {
  if (target === undefined) return false;
  const [uh, up] = split(uri.slice(target.start, target.end));
  if (up === '') return false;
  if (host === undefined) return true;
  const [hh, hp] = split(host);
  if (hp !== '') return sameAsciiCaseless(hh, uh) && hp === up;
  return isDefaultPort('', up) && sameAsciiCaseless(hh, uh);
}

/** What HAProxy rewrites after a request was accepted; undefined fields stay as they are. */
export interface Normalized {
  uri?: string;
  host?: string;
}

/**
 * HAProxy's normalisation of accepted requests (scheme-based for absolute URIs):
 *  - a target with a scheme and an empty or default port loses it, and every Host header takes
 *    the target's host (as written in the target): "http://A:80/" + "Host: a:80" → "http://A/" + "A";
 *  - for CONNECT to port 80 or 443 the Host header loses its port; the target stays.
 */
export function normalizeTarget(uri: string, target: TargetAuthority | undefined, isConnect: boolean, host: string | undefined): Normalized | undefined {
  if (target === undefined) return undefined;
  const authority = uri.slice(target.start, target.end);
  const colon = portColon(authority);
  if (colon < 0) return undefined;
  const port = authority.slice(colon + 1);
  if (isConnect) {
    if (host === undefined || !isDefaultPort('', port)) return undefined;
    const h = split(host)[0];
    return h === host ? undefined : { host: h };
  }
  if (target.scheme === '' || (port !== '' && !isDefaultPort(target.scheme, port))) return undefined;
  const bare = authority.slice(0, colon);
  return { uri: uri.slice(0, target.start + colon) + uri.slice(target.end), host: host === undefined ? undefined : bare };
}
