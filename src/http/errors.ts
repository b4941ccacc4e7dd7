/**
 * HAProxy 2.6's built-in error responses, byte for byte.
 *
 * HAProxy sends these in two shapes, both observed on loopback with haproxy 2.6.12:
 * - `proxied`: what a client receives when the stream layer answers (http-request deny, no server,
 *   server timeouts, bad server responses...). The message went through HAProxy's internal
 *   representation, so header names are lower case, and the H1 layer appends `connection: close`
 *   last when it closes (400 and 408).
 * - `raw`: what the H1 layer sends by itself for a request it could not parse (400, 413, 422) or a
 *   request that never completed (408). These keep HAProxy's source spelling
 *   (`Content-length`, `Cache-Control`, `Connection: close` before `Content-Type`).
 *
 * `errorfile` and `http-after-response` work on the {status, reason, headers, body} form.
 */
import type { HeaderList } from './message.js';

export interface ErrorReply {
  status: number;
  reason: string;
  /** lower-cased names, flat [name, value, ...], without `connection` */
  headers: HeaderList;
  body: Buffer;
  /** HAProxy closes the client connection after sending it (400, 408) */
  closes: boolean;
}

interface PageText {
  reason: string;
  text: string;
}

// Status line reason and the sentence under the <h1>, as HAProxy 2.6 prints them.
const PAGES: Record<number, PageText> = {
  200: { reason: 'OK', text: 'Service ready.' },
  400: { reason: 'Bad request', text: 'Your browser sent an invalid request.' },
  401: { reason: 'Unauthorized', text: 'You need a valid user and password to access this content.' },
  403: { reason: 'Forbidden', text: 'Request forbidden by administrative rules.' },
  404: { reason: 'Not Found', text: 'The resource could not be found.' },
  405: {
    reason: 'Method Not Allowed',
    text: 'A request was made of a resource using a request method not supported by that resource',
  },
  // HAProxy 2.6 really prints "407 Unauthorized" here.
  407: { reason: 'Unauthorized', text: 'You need a valid user and password to access this content.' },
  408: { reason: 'Request Time-out', text: "Your browser didn't send a complete request in time." },
  410: { reason: 'Gone', text: 'The resource is no longer available and will not be available again.' },
  413: { reason: 'Payload Too Large', text: 'The request entity exceeds the maximum allowed.' },
  422: { reason: 'Unprocessable Content', text: 'The server cannot process the contained instructions.' },
  425: { reason: 'Too Early', text: 'Your browser sent early data.' },
  429: { reason: 'Too Many Requests', text: 'You have sent too many requests in a given amount of time.' },
  500: { reason: 'Internal Server Error', text: 'An internal server error occurred.' },
  // The leading dot is in HAProxy's own text.
  501: {
    reason: 'Not Implemented',
    text: '.The server does not support the functionality required to fulfill the request.',
  },
  502: { reason: 'Bad Gateway', text: 'The server returned an invalid or incomplete response.' },
  503: { reason: 'Service Unavailable', text: 'No server is available to handle this request.' },
  504: { reason: 'Gateway Time-out', text: "The server didn't respond in time." },
};

/** Statuses that `errorfile`, `http-error` and `deny_status` accept without a custom file (422 is mux-only). */
export const ERROR_STATUSES: readonly number[] = [
  200, 400, 401, 403, 404, 405, 407, 408, 410, 413, 425, 429, 500, 501, 502, 503, 504,
];

const CLOSING = new Set([400, 408]);

function pageBody(status: number, page: PageText): Buffer {
  return Buffer.from(`<html><body><h1>${status} ${page.reason}</h1>\n${page.text}\n</body></html>\n`, 'latin1');
}

/** A fresh copy of HAProxy's default reply for `status`, or undefined when HAProxy has none. */
export function defaultErrorReply(status: number): ErrorReply | undefined {
  const page = PAGES[status];
  if (page === undefined) return undefined;
  const body = pageBody(status, page);
  return {
    status,
    reason: page.reason,
    headers: ['content-length', String(body.length), 'cache-control', 'no-cache', 'content-type', 'text/html'],
    body,
    closes: CLOSING.has(status),
  };
}

/** Serializes a reply the way HAProxy's H1 layer writes a proxied response: headers in order, then `connection: close` if it closes. */
export function serializeErrorReply(reply: ErrorReply): Buffer {
  let head = `HTTP/1.1 ${reply.status} ${reply.reason}\r\n`;
  const h = reply.headers;
  for (let i = 0; i + 1 < h.length; i += 2) head += `${h[i]}: ${h[i + 1]}\r\n`;
  if (reply.closes) head += 'connection: close\r\n';
  head += '\r\n';
  return Buffer.concat([Buffer.from(head, 'latin1'), reply.body]);
}

function rawBytes(status: number, page: PageText): Buffer {
  const body = pageBody(status, page);
  const conn = CLOSING.has(status) ? 'Connection: close\r\n' : '';
  const head =
    `HTTP/1.1 ${status} ${page.reason}\r\nContent-length: ${body.length}\r\nCache-Control: no-cache\r\n` +
    `${conn}Content-Type: text/html\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

const proxiedCache = new Map<number, Buffer>();
const rawCache = new Map<number, Buffer>();

/** Prebuilt bytes of the default reply as sent through the stream layer (lower-case headers). Do not mutate. */
export function proxiedErrorBytes(status: number): Buffer | undefined {
  let b = proxiedCache.get(status);
  if (b === undefined) {
    const reply = defaultErrorReply(status);
    if (reply === undefined) return undefined;
    b = serializeErrorReply(reply);
    proxiedCache.set(status, b);
  }
  return b;
}

/** Prebuilt bytes of the default reply as sent directly by the H1 layer (parse errors, 408). Do not mutate. */
export function rawErrorBytes(status: number): Buffer | undefined {
  let b = rawCache.get(status);
  if (b === undefined) {
    const page = PAGES[status];
    if (page === undefined) return undefined;
    b = rawBytes(status, page);
    rawCache.set(status, b);
  }
  return b;
}

// Reason phrases HAProxy puts on `http-request return` / `redirect` status lines (they differ from the error pages).
const REASONS: Record<number, string> = {
  100: 'Continue', 101: 'Switching Protocols', 102: 'Processing', 103: 'Early Hints',
  200: 'OK', 201: 'Created', 202: 'Accepted', 203: 'Non-Authoritative Information', 204: 'No Content',
  205: 'Reset Content', 206: 'Partial Content', 207: 'Multi-Status', 226: 'IM Used',
  300: 'Multiple Choices', 301: 'Moved Permanently', 302: 'Moved Temporarily', 303: 'See Other',
  304: 'Not Modified', 305: 'Use Proxy', 307: 'Temporary Redirect', 308: 'Permanent Redirect',
  400: 'Bad Request', 401: 'Unauthorized', 402: 'Payment Required', 403: 'Forbidden', 404: 'Not Found',
  405: 'Method Not Allowed', 406: 'Not Acceptable', 407: 'Proxy Authentication Required',
  408: 'Request Time-out', 409: 'Conflict', 410: 'Gone', 411: 'Length Required', 412: 'Precondition Failed',
  413: 'Request Entity Too Large', 414: 'Request-URI Too Long', 415: 'Unsupported Media Type',
  416: 'Requested range unsatisfiable', 417: 'Expectation failed', 418: "I'm a teapot",
  421: 'Misdirected Request', 422: 'Unprocessable Content', 423: 'Locked', 424: 'Method failure',
  425: 'Too Early', 426: 'Upgrade Required', 428: 'Precondition Required', 429: 'Too Many Requests',
  431: 'Request Header Fields Too Large', 450: 'Blocked by Windows Parental Controls',
  451: 'Unavailable For Legal Reasons', 499: 'client has closed connection',
  500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway or Proxy Error',
  503: 'Service Unavailable', 504: 'Gateway Time-out', 505: 'HTTP Version not supported',
  506: 'Variant also negotiate', 507: 'Insufficient storage', 508: 'Loop detected',
  509: 'Bandwidth Limit Exceeded', 510: 'Not extended', 511: 'Network authentication required',
  520: 'Web server is returning an unknown error',
};

const CLASS_REASONS = ['Other', 'Informational', 'Success', 'Redirection', 'Client Error', 'Server Error'];

/** The reason phrase HAProxy uses for a status it generates without an error page (e.g. 599 → "Server Error"). */
export function reasonPhrase(status: number): string {
  const r = REASONS[status];
  if (r !== undefined) return r;
  const cls = Math.floor(status / 100);
  return CLASS_REASONS[cls >= 1 && cls <= 5 ? cls : 0]!;
}
