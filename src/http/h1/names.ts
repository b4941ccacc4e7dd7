/**
 * Lower-case header names: a name with capitals that is a common one is matched
 * case-insensitively in place and returns one shared string (String.prototype.toLowerCase on each
 * name dominated the parse profile); other capitalised names fall back to slice + toLowerCase, and
 * names already in lower case are their own slice.
 */

const COMMON = [
  'accept', 'accept-charset', 'accept-encoding', 'accept-language', 'accept-ranges', 'access-control-allow-origin',
  'age', 'allow', 'alt-svc', 'authorization', 'cache-control', 'connection', 'content-disposition',
  'content-encoding', 'content-language', 'content-length', 'content-location', 'content-range',
  'content-security-policy', 'content-type', 'cookie', 'date', 'dnt', 'etag', 'expect', 'expires',
  'forwarded', 'host', 'if-match', 'if-modified-since', 'if-none-match', 'if-range', 'if-unmodified-since',
  'keep-alive', 'last-modified', 'link', 'location', 'origin', 'pragma', 'priority', 'proxy-authorization',
  'proxy-connection', 'range', 'referer', 'retry-after', 'sec-ch-ua', 'sec-ch-ua-mobile', 'sec-ch-ua-platform',
  'sec-fetch-dest', 'sec-fetch-mode', 'sec-fetch-site', 'sec-fetch-user', 'sec-websocket-accept',
  'sec-websocket-extensions', 'sec-websocket-key', 'sec-websocket-protocol', 'sec-websocket-version', 'server',
  'set-cookie', 'strict-transport-security', 'te', 'trailer', 'transfer-encoding', 'upgrade',
  'upgrade-insecure-requests', 'user-agent', 'vary', 'via', 'www-authenticate', 'x-content-type-options',
  'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-frame-options', 'x-real-ip', 'x-request-id',
  'x-requested-with',
];

/** Candidates by length. */
const BY_LENGTH: string[][] = [];
for (const n of COMMON) (BY_LENGTH[n.length] ??= []).push(n);

function sameIgnoringCase(str: string, at: number, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) {
    let c = str.charCodeAt(at + i);
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** The lower-cased header name str[a, b); `hasUpper` tells whether any A-Z is present. */
export function headerName(str: string, a: number, b: number, hasUpper: boolean): string {
  // Already lower case: the slice is the name (cheaper than looking for a shared copy).
  if (!hasUpper) return str.slice(a, b);
  const candidates = BY_LENGTH[b - a];
  if (candidates !== undefined) {
    for (let i = 0; i < candidates.length; i++) {
      if (sameIgnoringCase(str, a, candidates[i]!)) return candidates[i]!;
    }
  }
  return str.slice(a, b).toLowerCase();
}
