/**
 * HAProxy 2.6's idea of a cacheable response, which decides whether `cookie ... nocache` adds
 * `Cache-control: private` next to an inserted cookie. Checked on loopback against haproxy 2.6:
 * the method must be GET, HEAD, OPTIONS or TRACE; the status one of RFC 7231's cacheable-by-default
 * codes; `Pragma: no-cache` forbids; Cache-Control values are read in order ("public" allows;
 * "private", "no-cache", "no-store", "max-age=0", "s-maxage=0" forbid); and the response must carry
 * freshness (max-age, s-maxage, Expires) or a validator (ETag, Last-Modified).
 */
import type { HeaderList } from '../http/message.js';

const CACHEABLE_STATUS = new Set([200, 203, 204, 206, 300, 301, 404, 405, 410, 414, 501]);

export function isCacheableMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS' || method === 'TRACE';
}

export function isCacheableResponse(method: string, status: number, headers: HeaderList): boolean {
  if (!isCacheableMethod(method) || !CACHEABLE_STATUS.has(status)) return false;
  let cacheable = true;
  let fresh = false;
  let pragmaSeen = false;
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i];
    if (name === 'pragma') {
      // Only the first Pragma header's full value is looked at.
      if (!pragmaSeen && headers[i + 1]!.trim().toLowerCase() === 'no-cache') return false;
      pragmaSeen = true;
    } else if (name === 'cache-control') {
      for (const part of headers[i + 1]!.split(',')) {
        const v = part.trim().toLowerCase();
        if (v === 'public') cacheable = true;
        else if (v === 'private' || v === 'no-cache' || v === 'no-store' || v === 'max-age=0' || v === 's-maxage=0') cacheable = false;
        else if (v.startsWith('no-cache="set-cookie')) continue;
        else if (v.startsWith('s-maxage') || v.startsWith('max-age')) fresh = true;
      }
    }
  }
  if (!cacheable) return false;
  if (fresh) return true;
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i];
    if (name === 'expires' || name === 'etag' || name === 'last-modified') return true;
  }
  return false;
}
