import { afterEach, describe, expect, it, vi } from 'vitest';
import { HEAD, begin, entries, finish, get, once, respond, setup } from './helpers.js';

const fe = (lines: string[], backend = 'backend be\n  server s1 127.0.0.1:9\n') =>
  `${HEAD}frontend fe\n  bind 127.0.0.1:8080\n${lines.map((l) => `  ${l}\n`).join('')}  default_backend be\n${backend}`;

afterEach(() => {
  vi.useRealTimers();
});

describe('rate limiting with track-sc0 and sc_http_req_rate', () => {
  const rateLimit = (limit: number) =>
    fe(['stick-table type ip size 100k expire 30s store http_req_rate(10s)', 'http-request track-sc0 src', `http-request deny deny_status 429 if { sc_http_req_rate(0) gt ${limit} }`]);

  it('answers 429 once the rate is over the threshold, the request being counted', () => {
    const s = setup(rateLimit(3));
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push(once(s));
    expect(statuses).toEqual([0, 0, 0, 429, 429, 429]);
    expect(entries(s, 'fe')[0]).toMatch(/^key=127\.0\.0\.1 use=0 exp=\d+ http_req_rate\(10000\)=6$/);
  });

  it('recovers once the period has gone by (previous period weighted, then forgotten)', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const s = setup(rateLimit(3));
    for (let i = 0; i < 5; i++) once(s);
    expect(once(s)).toBe(429);
    vi.setSystemTime(1_000_000 + 15_000);
    // Half of the previous period is left: 6 * 0.5 = 3 plus this request is still over 3.
    expect(once(s)).toBe(429);
    vi.setSystemTime(1_000_000 + 25_000);
    expect(once(s)).toBe(0);
  });

  it('keeps keys apart: another client is not limited', () => {
    const s = setup(rateLimit(1));
    expect([once(s), once(s)]).toEqual([0, 429]);
    // The same table, another key.
    const t = s.rt.stick.get('fe')!;
    expect(t.used).toBe(1);
    expect(t.lookup('10.0.0.1', Date.now())).toBeUndefined();
  });

  it('counts denials as HTTP errors (http_err_cnt), like haproxy', () => {
    const s = setup(fe(['stick-table type ip size 1k expire 30s store http_req_rate(10s),conn_cur,http_err_cnt', 'http-request track-sc0 src', 'http-request deny deny_status 429 if { sc_http_req_rate(0) gt 3 }']));
    for (let i = 0; i < 6; i++) once(s);
    expect(entries(s, 'fe')[0]).toMatch(/ conn_cur=0 http_req_rate\(10000\)=6 http_err_cnt=3$/);
  });

  it('counts 4xx responses as errors and 5xx (not 501/505) as failures', () => {
    const s = setup(fe(['stick-table type ip size 1k store http_err_cnt,http_fail_cnt', 'http-request track-sc0 src']));
    const srv = s.rt.backends.get('be')!.servers[0]!;
    for (const status of [200, 404, 403, 500, 501, 503]) respond(s, begin(s).txn, srv, status);
    expect(entries(s, 'fe')[0]).toMatch(/ http_err_cnt=2 http_fail_cnt=2$/);
  });
});

describe('sc_conn_cur', () => {
  it('counts the transactions in progress and limits them', () => {
    const s = setup(fe(['stick-table type ip size 1k store conn_cur', 'http-request track-sc0 src', 'http-request deny if { sc_conn_cur(0) gt 2 }']));
    const a = begin(s);
    const b = begin(s);
    const c = begin(s);
    expect([a.v.kind, b.v.kind, c.v.kind]).toEqual(['forward', 'forward', 'reply']);
    finish(c.txn);
    finish(a.txn);
    expect(entries(s, 'fe')[0]).toMatch(/use=1 exp=0 conn_cur=1$/);
    const d = begin(s);
    expect(d.v.kind).toBe('forward');
    finish(b.txn);
    finish(d.txn);
    expect(entries(s, 'fe')[0]).toMatch(/use=0 exp=0 conn_cur=0$/);
  });
});

describe('general purpose counters and tags', () => {
  it('sc-inc-gpc0, sc-set-gpt0 (int and expression) and show table', () => {
    const s = setup(
      fe([
        'stick-table type ip size 100k expire 30s store http_req_rate(10s),conn_cur,http_err_cnt,gpc0,gpt0',
        'http-request track-sc0 src',
        'http-request sc-inc-gpc0(0) if { path /inc }',
        'http-request sc-set-gpt0(0) 42 if { path /gpt }',
        'http-request sc-set-gpt0(0) sc_get_gpc0(0),add(100) if { path /gptx }',
        'http-request deny deny_status 429 if { sc_get_gpc0(0) gt 1 }',
      ]),
    );
    expect([once(s, get('/inc')), once(s, get('/inc')), once(s, get('/gpt'))]).toEqual([0, 429, 429]);
    expect(entries(s, 'fe')[0]).toMatch(/^key=127\.0\.0\.1 use=0 exp=\d+ gpt0=42 gpc0=2 conn_cur=0 http_req_rate\(10000\)=3 http_err_cnt=2$/);
    once(s, get('/gptx'));
    expect(entries(s, 'fe')[0]).toContain(' gpt0=102 ');
  });

  it('sc-inc-gpc(idx,sc) and sc-set-gpt(idx,sc) work on the arrays; an untracked counter does nothing', () => {
    const s = setup(fe(['stick-table type string size 1k store gpc(3),gpt(2)', 'http-request sc-inc-gpc(2,1)', 'http-request track-sc1 path', 'http-request sc-inc-gpc(2,1)', 'http-request sc-set-gpt(1,1) 7', 'http-request sc-inc-gpc(1,0)']));
    once(s, get('/a'));
    once(s, get('/a'));
    expect(entries(s, 'fe')).toEqual(['key=/a use=0 exp=0 gpt0=0 gpt1=7 gpc0=0 gpc1=0 gpc2=2']);
  });

  it('gpc0 increments also feed gpc0_rate', () => {
    const s = setup(fe(['stick-table type ip size 1k store gpc0_rate(1m)', 'http-request track-sc2 src', 'http-request sc-inc-gpc0(2)']));
    once(s);
    once(s);
    expect(entries(s, 'fe')[0]).toMatch(/gpc0_rate\(60000\)=2$/);
  });
});

describe('tracking details', () => {
  it('the first track-scN wins; a table argument names another proxy\'s table', () => {
    const s = setup(
      `${HEAD}backend limits\n  stick-table type string size 1k store http_req_cnt\nfrontend fe\n  bind 127.0.0.1:8080\n  http-request track-sc1 path table limits\n  http-request track-sc1 hdr(host) table limits\n  default_backend be\nbackend be\n  server s1 127.0.0.1:9\n`,
    );
    once(s, get('/x'));
    once(s, get('/x'));
    expect(entries(s, 'limits')).toEqual(['key=/x use=0 exp=0 http_req_cnt=2']);
  });

  it('src_* fetches read the proxy\'s own table without tracking', () => {
    const s = setup(fe(['stick-table type ip size 1k store http_req_cnt', 'http-request track-sc0 src if { path /t }', 'http-request deny deny_status 429 if { src_http_req_cnt ge 2 }']));
    // /other is not tracked, so it does not count; the second /t is counted when it is tracked.
    expect([once(s, get('/t')), once(s, get('/other')), once(s, get('/other')), once(s, get('/t'))]).toEqual([0, 0, 0, 429]);
  });

  it('a key that does not fit the table type tracks nothing', () => {
    const s = setup(fe(['stick-table type integer size 1k store http_req_cnt', 'http-request track-sc0 req.hdr(x-id)']));
    once(s, 'GET / HTTP/1.1\nHost: h\nX-Id: abc\n\n');
    once(s, 'GET / HTTP/1.1\nHost: h\nX-Id: 12\n\n');
    expect(entries(s, 'fe')).toEqual(['key=12 use=0 exp=0 http_req_cnt=1']);
  });

  it('auth failures count as errors', () => {
    const s = setup(`${HEAD}userlist u\n  user a insecure-password b\n${fe(['stick-table type ip size 1k store http_err_cnt', 'http-request track-sc0 src', 'http-request auth unless { http_auth(u) }']).slice(HEAD.length)}`);
    expect(once(s)).toBe(401);
    expect(entries(s, 'fe')[0]).toMatch(/http_err_cnt=1$/);
  });
});
