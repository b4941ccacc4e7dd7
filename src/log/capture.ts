/**
 * `capture request header`, `capture response header` and `capture cookie`: compiled once per
 * frontend, applied when the request head (then the response head) arrives, kept on the
 * transaction for the log line.
 */
import type { Proxy } from '../config/model.js';
import type { HeaderList } from '../http/message.js';

export interface HeaderCapture {
  name: string;
  len: number;
}

export interface CaptureConfig {
  request: HeaderCapture[];
  response: HeaderCapture[];
  cookie?: { name: string; len: number };
}

/** What was captured for one transaction. */
export interface Captured {
  request: (string | undefined)[];
  response: (string | undefined)[];
  reqCookie?: string;
  resCookie?: string;
}

export function compileCaptures(p: Proxy): CaptureConfig {
  const c: CaptureConfig = { request: [], response: [] };
  for (const line of p.captures) {
    const a = line.args;
    if (a[1] === 'cookie') c.cookie = { name: a[2]!, len: Number(a[4]) };
    else if (a[1] === 'request' && a[2] === 'header') c.request.push({ name: a[3]!.toLowerCase(), len: Number(a[5]) });
    else if (a[1] === 'response' && a[2] === 'header') c.response.push({ name: a[3]!.toLowerCase(), len: Number(a[5]) });
  }
  return c;
}

/** The last occurrence of each header, cut to its length. */
export function captureHeaders(list: HeaderCapture[], headers: HeaderList): (string | undefined)[] {
  const out: (string | undefined)[] = new Array(list.length);
  for (let h = 0; h < headers.length; h += 2) {
    const name = headers[h]!;
    for (let i = 0; i < list.length; i++) {
      if (list[i]!.name === name) out[i] = headers[h + 1]!.slice(0, list[i]!.len);
    }
  }
  return out;
}

/** The first cookie whose name starts with `prefix`, as "name=value" cut to `len`. */
export function captureCookie(headers: HeaderList, header: 'cookie' | 'set-cookie', prefix: string, len: number): string | undefined {
  for (let h = 0; h < headers.length; h += 2) {
    if (headers[h] !== header) continue;
    const v = headers[h + 1]!;
    const items = header === 'cookie' ? v.split(';') : [v.split(';')[0]!];
    for (const item of items) {
      const t = item.trim();
      if (t.startsWith(prefix)) return t.slice(0, len);
    }
  }
  return undefined;
}
