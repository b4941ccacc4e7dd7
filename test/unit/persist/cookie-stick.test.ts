/** Cookie persistence as stick rules see it (HAProxy reads the cookie first; a valid one wins). */
import { describe, expect, it } from 'vitest';
import type { CookieConfig } from '../../../src/config/model.js';
import { CookieTxn, cookieDesignatesServer, processRequestCookies, processResponseCookies, type CookieServer } from '../../../src/persist/cookie.js';

const cfg: CookieConfig = {
  where: { file: 't.cfg', line: 1 },
  name: 'SRV',
  mode: 'insert',
  indirect: true,
  nocache: false,
  postonly: false,
  preserve: false,
  httponly: false,
  secure: false,
  dynamic: false,
  domains: [],
  attrs: [],
};
const servers: CookieServer[] = [
  { name: 's1', cookie: 'c1', up: true },
  { name: 's2', cookie: 'c2', up: false },
];
const opts = { persist: false, forcePersist: false, ignorePersist: false, assigned: false, nowSec: 1_800_000_000 };

describe('cookieDesignatesServer', () => {
  it('true for a cookie naming a server that is up, and the headers stay untouched', () => {
    const headers = ['host', 'x', 'cookie', 'a=1; SRV=c1; b=2'];
    expect(cookieDesignatesServer(cfg, headers, servers, opts)).toBe(true);
    expect(headers).toEqual(['host', 'x', 'cookie', 'a=1; SRV=c1; b=2']);
  });
  it('false without the cookie, for an unknown value, or for a DOWN server (unless option persist)', () => {
    expect(cookieDesignatesServer(cfg, ['host', 'x'], servers, opts)).toBe(false);
    expect(cookieDesignatesServer(cfg, ['cookie', 'SRV=zz'], servers, opts)).toBe(false);
    expect(cookieDesignatesServer(cfg, ['cookie', 'SRV=c2'], servers, opts)).toBe(false);
    expect(cookieDesignatesServer(cfg, ['cookie', 'SRV=c2'], servers, { ...opts, persist: true })).toBe(true);
  });
});

describe('a server assigned before the cookie step (use-server, stick match)', () => {
  it('is direct even without a Cookie header: no cookie is inserted (HAProxy logs --NN)', () => {
    const txn = new CookieTxn();
    txn.reset(true);
    processRequestCookies(cfg, ['host', 'x'], servers, { ...opts, assigned: true }, txn);
    expect(txn.direct).toBe(true);
    const res: string[] = ['content-length', '0'];
    processResponseCookies(cfg, res, { server: servers[0], method: 'GET', status: 200, ignorePersist: false, nowSec: opts.nowSec }, txn);
    expect(res).not.toContain('set-cookie');
    expect(`${txn.status}${txn.setStatus}`).toBe('NN');
  });
  it('without an assignment the LB-chosen server gets its cookie (--NI)', () => {
    const txn = new CookieTxn();
    txn.reset(true);
    processRequestCookies(cfg, ['host', 'x'], servers, opts, txn);
    const res: string[] = ['content-length', '0'];
    processResponseCookies(cfg, res, { server: servers[0], method: 'GET', status: 200, ignorePersist: false, nowSec: opts.nowSec }, txn);
    expect(res).toContain('SRV=c1; path=/');
    expect(`${txn.status}${txn.setStatus}`).toBe('NI');
  });
});
