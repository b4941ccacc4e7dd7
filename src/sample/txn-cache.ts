/**
 * Per-transaction memo of parsed request/response pieces, so that ten ACLs on the path parse
 * the URI once. Entries are keyed on the object they came from (the URI string, the header
 * array and its length), so a rule that replaces them is noticed; an engine that edits a header
 * array in place must call invalidate().
 */
import { splitUri, type UriParts } from './uri.js';
import { parseCookieHeader } from './headers.js';

export class TxnCache {
  private uri: string | undefined;
  private parts: UriParts | undefined;
  private cookieSrc: string[] | undefined;
  private cookieSrcLen = -1;
  private cookies: string[] | undefined;
  private setCookieSrc: string[] | undefined;
  private setCookieSrcLen = -1;
  private setCookies: string[] | undefined;

  uriParts(uri: string): UriParts {
    if (this.parts === undefined || this.uri !== uri) {
      this.uri = uri;
      this.parts = splitUri(uri);
    }
    return this.parts;
  }

  /** Request cookies as a flat [name, value, ...] list, in order, from every Cookie header. */
  requestCookies(headers: string[]): string[] {
    if (this.cookies === undefined || this.cookieSrc !== headers || this.cookieSrcLen !== headers.length) {
      this.cookieSrc = headers;
      this.cookieSrcLen = headers.length;
      this.cookies = collectCookies(headers, 'cookie', false);
    }
    return this.cookies;
  }

  /** Response cookies (name and value of each Set-Cookie header), flat like requestCookies. */
  responseCookies(headers: string[]): string[] {
    if (this.setCookies === undefined || this.setCookieSrc !== headers || this.setCookieSrcLen !== headers.length) {
      this.setCookieSrc = headers;
      this.setCookieSrcLen = headers.length;
      this.setCookies = collectCookies(headers, 'set-cookie', true);
    }
    return this.setCookies;
  }

  invalidate(): void {
    this.parts = undefined;
    this.cookies = undefined;
    this.setCookies = undefined;
  }
}

function collectCookies(headers: string[], name: string, firstOnly: boolean): string[] {
  const out: string[] = [];
  for (let i = 0; i < headers.length; i += 2) {
    if (headers[i] === name) parseCookieHeader(headers[i + 1]!, out, firstOnly);
  }
  return out;
}
