/**
 * Differential test: each cookie scenario runs through haproxy 2.6 on loopback and through
 * portico's cookie functions; Set-Cookie / Cache-Control, the Cookie header the backend gets,
 * the chosen server and the %tsc cookie chars must agree. Skipped when haproxy 2.6 is absent.
 * With PERSIST_CAPTURE=1 the exchanges are also written to test/fixtures/persist/cookie-exchanges.json.
 */
import { writeFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { haproxyAvailable, startHarness } from './haproxy-harness.js';
import { dynamicCookie } from '../../../src/persist/cookie.js';
import { checkExchange, SCENARIOS, type Recorded } from './cookie-scenarios.js';

const FIXTURE = new URL('../../fixtures/persist/cookie-exchanges.json', import.meta.url);
const DYN_FIXTURE = new URL('../../fixtures/persist/dynamic-cookies.json', import.meta.url);
const recorded: Recorded[] = [];
const dynamic: { key: string; ip: string; port: number; setCookie: string }[] = [];

describe.skipIf(!haproxyAvailable())('cookie persistence against haproxy 2.6', () => {
  for (const sc of SCENARIOS) {
    test(sc.name, async () => {
      const h = await startHarness(sc.lines, sc.servers);
      const diffs: string[] = [];
      try {
        const reqs = sc.requests(Math.floor(Date.now() / 1000));
        for (const [i, r] of reqs.entries()) {
          const e = await h.send({
            method: r.method,
            path: r.path,
            headers: (r.cookies ?? []).map((c): [string, string] => ['cookie', c]),
            respHeaders: r.respHeaders,
            respStatus: r.respStatus,
          });
          const [srv = '', tsc = ''] = e.log.split(' ');
          const rec: Recorded = {
            scenario: sc.name,
            request: r,
            server: srv,
            backendCookies: e.backendCookies,
            respCookieHeaders: e.headers
              .filter(([n]) => /^(set-cookie|cache-control)$/i.test(n))
              .map(([n, v]): [string, string] => [n.toLowerCase(), v]),
            chars: tsc.slice(2, 4),
            t0: e.t0,
            t1: e.t1,
          };
          expect(e.server, `request ${i} answered by a backend`).toBe(srv);
          recorded.push(rec);
          for (const d of checkExchange(sc, rec)) diffs.push(`#${i} ${JSON.stringify(r)}: ${d}`);
        }
      } finally {
        await h.close();
      }
      expect(diffs).toEqual([]);
    });
  }
  test('dynamic cookies', async () => {
    const h = await startHarness(['cookie SRV insert dynamic', 'dynamic-cookie-key s3cr3t!'], [{ name: 'd1' }, { name: 'd2' }]);
    try {
      for (let i = 0; i < 2; i++) {
        const e = await h.send({});
        const port = h.ports[e.server === 'd1' ? 0 : 1]!;
        const cookie = `SRV=${dynamicCookie('s3cr3t!', '127.0.0.1', port)}; path=/`;
        dynamic.push({ key: 's3cr3t!', ip: '127.0.0.1', port, setCookie: e.headers.find(([n]) => n === 'set-cookie')?.[1] ?? '' });
        expect(e.headers.filter(([n]) => n === 'set-cookie')).toEqual([['set-cookie', cookie]]);
      }
    } finally {
      await h.close();
    }
  });
  test.runIf(process.env['PERSIST_CAPTURE'] === '1')('write fixture', () => {
    writeFileSync(FIXTURE, JSON.stringify(recorded, null, 1) + '\n');
    writeFileSync(DYN_FIXTURE, JSON.stringify(dynamic, null, 1) + '\n');
    expect(recorded.length).toBeGreaterThan(0);
  });
});
