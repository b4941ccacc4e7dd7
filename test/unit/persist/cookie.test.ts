import { describe, expect, test } from 'vitest';
import type { CookieConfig } from '../../../src/config/model.js';
import {
  CookieTxn,
  decodeCookieDate,
  decodeS30,
  encodeCookieDate,
  encodeS30,
  insertCookieValue,
  isCacheableResponse,
  processRequestCookies,
  processResponseCookies,
  type CookieServer,
} from '../../../src/persist/cookie.js';
import { cookieValueEnd, deleteHeaderValue } from '../../../src/persist/cookie-request.js';
import { xxh64 } from '../../../src/persist/xxh64.js';

function cfg(over: Partial<CookieConfig> = {}): CookieConfig {
  return {
    where: { file: 't.cfg', line: 1 },
    name: 'SRV',
    mode: 'insert',
    indirect: false,
    nocache: false,
    postonly: false,
    preserve: false,
    httponly: false,
    secure: false,
    dynamic: false,
    domains: [],
    attrs: [],
    ...over,
  };
}
const servers: CookieServer[] = [
  { name: 's1', cookie: 's1', up: true },
  { name: 's2', cookie: 's2', up: false },
  { name: 's3', cookie: undefined, up: true },
];
const opts = { persist: false, forcePersist: false, ignorePersist: false, assigned: false, nowSec: 1795277622 };

describe('cookie dates', () => {
  test('encode like haproxy: captured "awHDO" at 1795277622 (rounded up to 4 s)', () => {
    expect(encodeCookieDate(1795277622)).toBe('awHDO');
    expect(decodeCookieDate('awHDO', 0)).toBe(1795277624);
  });
  test('s30 round trip, bounds and invalid characters', () => {
    for (const v of [0, 1, 63, 64, 4095, 448819406, 2 ** 30 - 1]) expect(decodeS30(encodeS30(v), 0)).toBe(v);
    expect(encodeS30(0)).toBe('AAAAA');
    expect(encodeS30(2 ** 30 - 1)).toBe('/////');
    expect(decodeS30('AAA!A', 0)).toBe(-1);
    expect(decodeS30('AAAA', 0)).toBe(-1);
    expect(decodeCookieDate('AAAAA', 0)).toBe(0);
  });
});

describe('Cookie header helpers', () => {
  test('value end honours quotes and escapes', () => {
    const h = 'a="x;y\\";z"; b=1';
    expect(cookieValueEnd(h, 2, h.length)).toBe(h.indexOf('; b'));
    expect(cookieValueEnd('a,b', 0, 3)).toBe(1);
  });
  test('deleting a value keeps one space after the kept delimiter', () => {
    expect(deleteHeaderValue('SRV=s1; a=1', 0, 6)).toEqual({ h: 'a=1', from: 0 });
    expect(deleteHeaderValue('a=1; SRV=s1; b=2', 3, 11)).toEqual({ h: 'a=1; b=2', from: 3 });
    // haproxy writes the space even when the original had none (recorded: "a=1;SRV=s2;b=2" → "a=1; b=2")
    expect(deleteHeaderValue('a=1;SRV=s1;b=2', 3, 10)).toEqual({ h: 'a=1; b=2', from: 3 });
    expect(deleteHeaderValue('a=1;;b=2', 3, 4)).toEqual({ h: 'a=1;b=2', from: 3 });
    expect(deleteHeaderValue('a=1 ; SRV=s1', 4, 12)).toEqual({ h: 'a=1', from: 3 });
  });
});

describe('request side', () => {
  test('no Cookie header: status N and nothing touched', () => {
    const t = new CookieTxn();
    t.reset(true);
    const h = ['host', 'x', 'x-cookie', 'cookie'];
    processRequestCookies(cfg(), h, servers, opts, t);
    expect([t.status, t.server, t.direct, h]).toEqual(['N', -1, false, ['host', 'x', 'x-cookie', 'cookie']]);
  });
  test('valid, down (with and without persist), invalid, empty', () => {
    const run = (v: string, o = opts) => {
      const t = new CookieTxn();
      t.reset(true);
      processRequestCookies(cfg(), ['cookie', v], servers, o, t);
      return [t.status, t.server, t.direct];
    };
    expect(run('SRV=s1')).toEqual(['V', 0, true]);
    expect(run('SRV=s2')).toEqual(['D', -1, false]);
    expect(run('SRV=s2', { ...opts, persist: true })).toEqual(['D', 1, true]);
    expect(run('SRV=s2', { ...opts, forcePersist: true })).toEqual(['D', 1, true]);
    expect(run('SRV=zz')).toEqual(['I', -1, false]);
    expect(run('SRV=')).toEqual(['I', -1, false]);
    expect(run('SRV=s1', { ...opts, ignorePersist: true })).toEqual(['U', -1, false]);
  });
  test('insert+indirect removes our cookie, the whole header when alone', () => {
    const t = new CookieTxn();
    t.reset(true);
    const h = ['cookie', 'SRV=s1', 'accept', '*/*', 'cookie', 'a=1;  SRV=s1'];
    processRequestCookies(cfg({ indirect: true }), h, servers, opts, t);
    expect(h).toEqual(['accept', '*/*', 'cookie', 'a=1']);
  });
  test('prefix strips the server part and keeps the application value', () => {
    const t = new CookieTxn();
    t.reset(true);
    const h = ['cookie', 'JS=s1~abc~d; x=1'];
    processRequestCookies(cfg({ name: 'JS', mode: 'prefix' }), h, servers, opts, t);
    expect([h, t.status]).toEqual([['cookie', 'JS=abc~d; x=1'], 'V']);
  });
  test('maxidle expiry (E) and maxlife age (O) ignore the cookie', () => {
    const now = opts.nowSec;
    const run = (v: string) => {
      const t = new CookieTxn();
      t.reset(true);
      processRequestCookies(cfg({ maxidle: 600_000, maxlife: 3_600_000 }), ['cookie', v], servers, opts, t);
      return [t.status, t.server, t.lastDate > 0, t.firstDate > 0];
    };
    expect(run(`SRV=s1|${encodeCookieDate(now - 60)}|${encodeCookieDate(now - 120)}`)).toEqual(['V', 0, true, true]);
    expect(run(`SRV=s1|${encodeCookieDate(now - 700)}|${encodeCookieDate(now - 800)}`)).toEqual(['E', -1, false, false]);
    expect(run(`SRV=s1|${encodeCookieDate(now - 60)}|${encodeCookieDate(now - 4000)}`)).toEqual(['O', -1, false, false]);
    expect(run(`SRV=s1|${encodeCookieDate(now + 90000)}`)).toEqual(['E', -1, false, false]);
  });
});

describe('response side', () => {
  const respond = (c: CookieConfig, t: CookieTxn, headers: string[], server: CookieServer | null = servers[0]!, method = 'GET') => {
    processResponseCookies(c, headers, { server: server ?? undefined, method, status: 200, ignorePersist: false, nowSec: opts.nowSec }, t);
    return headers;
  };
  const fresh = () => {
    const t = new CookieTxn();
    t.reset(true);
    return t;
  };
  test('insert strings, byte for byte', () => {
    const c = cfg({ httponly: true, secure: true, domains: ['.a.com', '.b.com'], attrs: ['SameSite=Lax'] });
    expect(insertCookieValue(c, servers[0]!, 0, 0)).toBe('SRV=s1; path=/; domain=.a.com; domain=.b.com; HttpOnly; Secure; SameSite=Lax');
    expect(insertCookieValue(cfg(), servers[2]!, 0, 0)).toBe('SRV=; Expires=Thu, 01-Jan-1970 00:00:01 GMT; path=/');
    expect(insertCookieValue(cfg({ maxidle: 1000 }), servers[0]!, 1795277622, 0)).toBe('SRV=s1|awHDO; path=/');
    expect(insertCookieValue(cfg({ maxlife: 1000 }), servers[0]!, 1795277622, 4)).toBe('SRV=s1|awHDO|AAAAB; path=/');
  });
  test('inserted on a new client, not on a valid direct one; status I / N', () => {
    const t = fresh();
    expect(respond(cfg(), t, [])).toEqual(['set-cookie', 'SRV=s1; path=/']);
    expect(t.setStatus).toBe('I');
    const t2 = fresh();
    t2.direct = true;
    expect(respond(cfg(), t2, [])).toEqual([]);
    expect(t2.setStatus).toBe('N');
  });
  test('nocache adds Cache-control: private only on a cacheable response', () => {
    expect(respond(cfg({ nocache: true }), fresh(), ['etag', '"1"'])).toEqual(['etag', '"1"', 'set-cookie', 'SRV=s1; path=/', 'cache-control', 'private']);
    expect(respond(cfg({ nocache: true }), fresh(), [])).toEqual(['set-cookie', 'SRV=s1; path=/']);
  });
  test('postonly inserts only on POST', () => {
    expect(respond(cfg({ postonly: true }), fresh(), [])).toEqual([]);
    expect(respond(cfg({ postonly: true }), fresh(), [], servers[0], 'POST')).toEqual(['set-cookie', 'SRV=s1; path=/']);
  });
  test("insert deletes the server's own cookie (D when nothing replaces it)", () => {
    const t = fresh();
    t.direct = true;
    expect(respond(cfg(), t, ['set-cookie', 'SRV=x; path=/', 'set-cookie', 'o=1'])).toEqual(['set-cookie', 'o=1']);
    expect(t.setStatus).toBe('D');
  });
  test('rewrite and prefix edit the server cookie (R); preserve keeps it (P)', () => {
    const t = fresh();
    expect(respond(cfg({ mode: 'rewrite' }), t, ['set-cookie', 'SRV = app ; path=/'])).toEqual(['set-cookie', 'SRV=s1 ; path=/']);
    expect(t.setStatus).toBe('R');
    expect(respond(cfg({ mode: 'prefix' }), fresh(), ['set-cookie', 'SRV=app'])).toEqual(['set-cookie', 'SRV=s1~app']);
    const p = fresh();
    expect(respond(cfg({ preserve: true }), p, ['set-cookie', 'SRV=app'])).toEqual(['set-cookie', 'SRV=app']);
    expect(p.setStatus).toBe('P');
  });
  test('nothing happens for a haproxy-generated response', () => {
    const t = fresh();
    expect(respond(cfg(), t, [], null)).toEqual([]);
    expect(t.setStatus).toBe('N');
  });
});

describe('cacheability (haproxy 2.6 rule)', () => {
  const E = ['expires', 'x'];
  test.each([
    ['GET', 200, E, true],
    ['HEAD', 200, E, true],
    ['POST', 200, E, false],
    ['GET', 302, E, false],
    ['GET', 404, E, true],
    ['GET', 200, [], false],
    ['GET', 200, ['cache-control', 'public'], false],
    ['GET', 200, ['cache-control', 'public, max-age=5'], true],
    ['GET', 200, ['cache-control', 'max-age=0'], false],
    ['GET', 200, ['cache-control', 'no-store', 'cache-control', 'public', ...E], true],
    ['GET', 200, ['cache-control', 'PRIVATE', ...E], false],
    ['GET', 200, ['pragma', 'no-cache', ...E], false],
    ['GET', 200, ['cache-control', 'no-cache="set-cookie"', ...E], true],
    ['GET', 200, ['last-modified', 'x'], true],
  ] as const)('%s %d %j → %s', (m, s, h, want) => {
    expect(isCacheableResponse(m, s, [...h])).toBe(want);
  });
});

describe('xxh64', () => {
  test('reference vectors', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(xxh64(enc('')).toString(16)).toBe('ef46db3751d8e999');
    expect(xxh64(enc('a')).toString(16)).toBe('d24ec4f1a98c6e5b');
    expect(xxh64(enc('abc')).toString(16)).toBe('44bc2cf5ad770999');
  });
});
