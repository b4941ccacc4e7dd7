import { describe, expect, it } from 'vitest';
import { HEAD, hdr, replyOf, request, setup, txnOf } from './helpers.js';
import { txnState } from '../../../src/rules/index.js';
import type { ParsedResponse } from '../../../src/http/h1/response.js';

const BACKENDS = `backend ms1\n  http-request set-header X-Be ms1\n  server a 127.0.0.1:9\n  server b 127.0.0.1:10\nbackend ms2\n  server c 127.0.0.1:11\nbackend web\n  server d 127.0.0.1:12\n`;

function cfg(lines: string[], backends = BACKENDS): string {
  return `${HEAD}frontend fe\n  bind 127.0.0.1:8080\n${lines.map((l) => `  ${l}\n`).join('')}${backends}`;
}

const get = (path: string, extra = '') => `GET ${path} HTTP/1.1\nHost: h\n${extra}\n`;
const backendOf = (v: ReturnType<typeof request>['v']) => (v.kind === 'forward' ? v.backend?.name : `reply ${v.status}`);

describe('use_backend', () => {
  const s = setup(cfg(['acl url_ms1 path_beg -i /ms1/', 'acl url_ms2 path_beg -i /ms2/', 'use_backend ms1 if url_ms1', 'use_backend ms2 if url_ms2', 'default_backend web']));

  it('first matching rule wins, else default_backend', () => {
    expect(backendOf(request(s, get('/MS1/x')).v)).toBe('ms1');
    expect(backendOf(request(s, get('/ms2/x')).v)).toBe('ms2');
    expect(backendOf(request(s, get('/other')).v)).toBe('web');
  });

  it("the chosen backend's http-request rules run after the frontend's", () => {
    const { txn } = request(s, get('/ms1/x'));
    expect(hdr(txn.req!.head.headers, 'x-be')).toBe('ms1');
    expect(hdr(request(s, get('/ms2/x')).txn.req!.head.headers, 'x-be')).toBeUndefined();
  });

  it('frontend http-request rules run before use_backend and can steer it', () => {
    const s2 = setup(cfg(['http-request set-path /ms2%[path] if { path_beg /x }', 'use_backend ms2 if { path_beg /ms2 }', 'default_backend web']));
    expect(backendOf(request(s2, get('/x')).v)).toBe('ms2');
  });

  it('dynamic names; an unknown name falls back to default_backend', () => {
    const s2 = setup(cfg(['use_backend %[req.hdr(x-be),lower]', 'default_backend web']));
    expect(backendOf(request(s2, get('/', 'X-Be: MS2\n')).v)).toBe('ms2');
    expect(backendOf(request(s2, get('/', 'X-Be: nope\n')).v)).toBe('web');
  });

  it('no rule and no default: no backend (the engine answers 503)', () => {
    const s2 = setup(cfg(['use_backend ms1 if { path_beg /ms1 }']));
    expect(request(s2, get('/x')).v).toEqual({ kind: 'forward', backend: undefined });
  });

  it('a deny in the backend uses backend error pages and records the backend', () => {
    const s2 = setup(cfg(['default_backend b'], `backend b\n  http-request deny deny_status 429\n  server s 127.0.0.1:9\n`));
    const { txn, v } = request(s2, get('/'));
    expect(replyOf(v).status).toBe(429);
    expect(txn.backend?.name).toBe('b');
  });
});

describe('use-server', () => {
  const s = setup(cfg(['default_backend ms1'], `backend ms1\n  use-server b if { path_beg /b }\n  use-server %[req.hdr(x-srv)] if { req.hdr(x-srv) -m found }\n  server a 127.0.0.1:9\n  server b 127.0.0.1:10\n`));

  it('designates the server', () => {
    const { v } = request(s, get('/b'));
    expect(v.kind === 'forward' && v.server?.name).toBe('b');
    const dyn = request(s, get('/', 'X-Srv: a\n')).v;
    expect(dyn.kind === 'forward' && dyn.server?.name).toBe('a');
    const none = request(s, get('/'));
    expect(none.v.kind === 'forward' && none.v.server).toBeUndefined();
  });

  it('skips a server that is down unless option persist or force-persist', () => {
    s.rt.backends.get('ms1')!.findServer('b')!.healthy = false;
    const { v } = request(s, get('/b'));
    expect(v.kind === 'forward' && v.server).toBeUndefined();
    s.rt.backends.get('ms1')!.findServer('b')!.healthy = true;
    const p = setup(cfg(['default_backend ms1'], `backend ms1\n  option persist\n  use-server b if { path_beg /b }\n  server a 127.0.0.1:9\n  server b 127.0.0.1:10\n`));
    p.rt.backends.get('ms1')!.findServer('b')!.healthy = false;
    const pv = request(p, get('/b')).v;
    expect(pv.kind === 'forward' && pv.server?.name).toBe('b');
  });
});

describe('monitor-uri', () => {
  const s = setup(cfg(['monitor-uri /mon', 'monitor fail if { req.hdr(x-down) -m found }', 'http-request deny', 'default_backend web']));

  it('answers 200 with the "Service ready." page before any http-request rule', () => {
    const { txn, v } = request(s, get('/mon'));
    expect(v.kind === 'reply' && v.bytes.toString()).toBe(
      'HTTP/1.1 200 OK\r\ncontent-length: 58\r\ncache-control: no-cache\r\ncontent-type: text/html\r\n\r\n<html><body><h1>200 OK</h1>\nService ready.\n</body></html>\n',
    );
    expect(txnState(txn).monitor).toBe(true);
  });

  it('answers 503 when monitor fail matches; other URIs go on', () => {
    expect(replyOf(request(s, get('/mon', 'X-Down: 1\n')).v).status).toBe(503);
    expect(replyOf(request(s, get('/mon?x')).v).status).toBe(403);
  });
});

describe('http-response and http-after-response on forwarded responses', () => {
  function response(s: ReturnType<typeof setup>, path: string, status: number, headers: string[]) {
    const txn = txnOf(s, get(path));
    const v = s.hooks.request!(txn);
    if (v.kind === 'forward') txn.backend = v.backend;
    const res = { kind: 'response', head: { version: 'HTTP/1.1', status, reason: 'OK', headers } } as unknown as ParsedResponse;
    txn.res = res;
    return { txn, rv: s.hooks.response!(txn), head: res.head };
  }

  const s = setup(
    cfg(
      ['http-response set-header X-Fe fe', 'http-response add-header X-Order fe', 'http-after-response add-header X-Order after-fe', 'default_backend b'],
      `backend b\n  http-response add-header X-Order be\n  http-response set-status 503 if { res.hdr(x-from) echo }\n  http-response deny if { status 500 }\n  http-response del-header server\n  http-response replace-value X-List ^a$ A\n  http-after-response add-header X-Order after-be\n  server s 127.0.0.1:9\n`,
    ),
  );

  it('backend rules run before frontend rules, then after-response rules (backend first)', () => {
    const { rv, head } = response(s, '/', 200, ['server', 'x', 'x-list', 'a, b,a']);
    expect(rv).toEqual({ kind: 'forward' });
    expect(head.headers).toEqual(['x-list', 'A, b,A', 'x-order', 'be', 'x-fe', 'fe', 'x-order', 'fe', 'x-order', 'after-be', 'x-order', 'after-fe']);
  });

  it('set-status uses the standard reason; deny answers 502', () => {
    const { head } = response(s, '/', 200, ['x-from', 'echo']);
    expect([head.status, head.reason]).toEqual([503, 'Service Unavailable']);
    const { rv } = response(s, '/', 500, []);
    expect(rv.kind === 'reply' && rv.bytes.toString().split('\r\n')[0]).toBe('HTTP/1.1 502 Bad Gateway');
    expect(rv).toMatchObject({ termination: 'PH--' });
  });
});
