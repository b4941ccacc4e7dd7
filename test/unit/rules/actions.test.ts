import { describe, expect, it } from 'vitest';
import { HEAD, all, hdr, request, setup } from './helpers.js';
import { txnState } from '../../../src/rules/index.js';

/** A frontend with `rules` (one per line) in front of backend be. */
function fe(rules: string[], extra = ''): string {
  return `${HEAD}frontend fe\n  bind 127.0.0.1:8080\n${rules.map((r) => `  ${r}\n`).join('')}  default_backend be\n${extra}backend be\n  server s1 127.0.0.1:9\n`;
}

function run(rules: string[], raw = 'GET /a/b?x=1 HTTP/1.1\nHost: h:8080\n\n') {
  const s = setup(fe(rules));
  return request(s, raw);
}

describe('header actions', () => {
  it('set-header replaces every occurrence, add-header appends', () => {
    const { txn } = run(['http-request set-header X-A one', 'http-request add-header X-A two', 'http-request set-header Accept "%[req.hdr(accept)]-x"'], 'GET / HTTP/1.1\nHost: h\nAccept: a\nX-A: old\nAccept: b\n\n');
    const h = txn.req!.head.headers;
    expect(all(h, 'x-a')).toEqual(['one', 'two']);
    expect(all(h, 'accept')).toEqual(['b-x']);
  });

  it('set-header with a missing sample sets an empty value (as haproxy 2.6)', () => {
    const { txn } = run(['http-request set-header X-M "%[req.hdr(nothere)]"']);
    expect(hdr(txn.req!.head.headers, 'x-m')).toBe('');
  });

  it('del-header matches names exactly by default, or with -m beg/end/sub/reg', () => {
    const raw = 'GET / HTTP/1.1\nHost: h\nX-Foo: 1\nX-Foo-Bar: 2\nY-Foo: 3\nZap: 4\n\n';
    const names = (rules: string[]) => {
      const h = run(rules, raw).txn.req!.head.headers;
      return h.filter((_, i) => i % 2 === 0);
    };
    expect(names(['http-request del-header X-Foo'])).toEqual(['host', 'x-foo-bar', 'y-foo', 'zap']);
    expect(names(['http-request del-header x-foo -m beg'])).toEqual(['host', 'y-foo', 'zap']);
    expect(names(['http-request del-header foo -m end'])).toEqual(['host', 'x-foo-bar', 'zap']);
    expect(names(['http-request del-header foo -m sub'])).toEqual(['host', 'zap']);
    expect(names(['http-request del-header ^[xy]- -m reg'])).toEqual(['host', 'zap']);
  });

  it('replace-header replaces the whole matching value with the substituted format', () => {
    const { txn } = run(['http-request replace-header Cookie foo=([^;]*);(.*) foo=\\1;ip=%ci;\\2'], 'GET / HTTP/1.1\nHost: h\nCookie: foo=bar; x=y\nCookie: nomatch\n\n');
    expect(all(txn.req!.head.headers, 'cookie')).toEqual(['foo=bar;ip=127.0.0.1; x=y', 'nomatch']);
  });

  it('replace-value works on each comma-separated value, keeping the separators', () => {
    const { txn } = run(['http-request replace-value X-Fwd ^(10\\..*)$ hidden'], 'GET / HTTP/1.1\nHost: h\nX-Fwd: 10.0.0.1, 192.168.0.1,10.1.1.1\n\n');
    expect(hdr(txn.req!.head.headers, 'x-fwd')).toBe('hidden, 192.168.0.1,hidden');
  });

  it('conditions select the rules that run, and ACLs see earlier edits', () => {
    const { txn } = run(['acl api path_beg -i /API', 'http-request set-header X-Api yes if api', 'http-request set-header X-Seen "%[req.hdr(x-api)]" if { req.hdr(x-api) yes }', 'http-request set-header X-No no unless api'], 'GET /api/v1 HTTP/1.1\nHost: h\n\n');
    const h = txn.req!.head.headers;
    expect(hdr(h, 'x-api')).toBe('yes');
    expect(hdr(h, 'x-seen')).toBe('yes');
    expect(hdr(h, 'x-no')).toBeUndefined();
  });
});

describe('URI actions', () => {
  const uri = (rules: string[], target: string) => {
    const host = /^http:\/\/([^/?]*)/.exec(target)?.[1] ?? 'h';
    return run(rules, `GET ${target} HTTP/1.1\nHost: ${host}\n\n`).txn.req!.head.uri;
  };

  it('set-path keeps the query, set-query keeps the path, set-pathq and set-uri replace more', () => {
    expect(uri(['http-request set-path /new%[path]'], '/a?x=1')).toBe('/new/a?x=1');
    expect(uri(['http-request set-query y=2'], '/a?x=1')).toBe('/a?y=2');
    expect(uri(['http-request set-query y=2'], '/a')).toBe('/a?y=2');
    expect(uri(['http-request set-query %[req.hdr(none)]'], '/a')).toBe('/a');
    expect(uri(['http-request set-query %[req.hdr(none)]'], '/a?x')).toBe('/a?');
    expect(uri(['http-request set-pathq /p?q'], 'http://h/a?x=1')).toBe('http://h/p?q');
    expect(uri(['http-request set-uri /u'], 'http://h/a?x=1')).toBe('/u');
    expect(uri(['http-request set-path /z'], 'http://h:81/a?x=1')).toBe('http://h:81/z?x=1');
  });

  it('replace-path, replace-pathq and replace-uri substitute groups into the whole part', () => {
    expect(uri(['http-request replace-path /foo/(.*) /\\1'], '/foo/bar?x=1')).toBe('/bar?x=1');
    expect(uri(['http-request replace-path (.*) /prefix\\1'], '/a?x=1')).toBe('/prefix/a?x=1');
    expect(uri(['http-request replace-pathq ^/a\\?(.*) /b?\\1&y'], '/a?x=1')).toBe('/b?x=1&y');
    expect(uri(['http-request replace-uri ^http://[^/]*(/.*) \\1'], 'http://h/a?x=1')).toBe('/a?x=1');
    expect(uri(['http-request replace-path ^/nomatch /x'], '/a')).toBe('/a');
  });

  it('set-method', () => {
    expect(run(['http-request set-method POST']).txn.req!.head.method).toBe('POST');
  });

  it('normalize-uri normalizers', () => {
    expect(uri(['http-request normalize-uri path-merge-slashes'], '//a///b/?x=1//')).toBe('/a/b/?x=1//');
    expect(uri(['http-request normalize-uri path-strip-dot'], '/a/./b/.')).toBe('/a/b/');
    expect(uri(['http-request normalize-uri path-strip-dotdot'], '/a/b/../c/../../../d')).toBe('/../d');
    expect(uri(['http-request normalize-uri path-strip-dotdot full'], '/a/../../d/..')).toBe('/');
    expect(uri(['http-request normalize-uri percent-decode-unreserved'], '/%61%2F%7e?q=%41')).toBe('/a%2F~?q=A');
    expect(uri(['http-request normalize-uri percent-to-uppercase'], '/%2f%aa?%3d')).toBe('/%2F%AA?%3D');
    expect(uri(['http-request normalize-uri query-sort-by-name'], '/a?c=1&a=2&b&a=1')).toBe('/a?a=2&a=1&b&c=1');
  });

  it('strict normalizers answer 400 on a malformed escape', () => {
    const { v } = run(['http-request normalize-uri percent-to-uppercase strict'], 'GET /%zz HTTP/1.1\nHost: h\n\n');
    expect(v).toMatchObject({ kind: 'reply', status: 400, termination: 'PR--' });
  });
});

describe('variables', () => {
  it('set-var keeps the sample, set-var-fmt stores a string, unset-var removes; conditions apply', () => {
    const { txn } = run([
      'http-request set-var(txn.p) path',
      'http-request set-var(txn.n) int(5)',
      'http-request set-var(txn.n,ifnotexists) int(7)',
      'http-request set-var(txn.n,ifgt) int(9)',
      'http-request set-var-fmt(req.f) "%[var(txn.p)]-%ci"',
      'http-request set-var(txn.gone) str(x)',
      'http-request unset-var(txn.gone)',
      'http-request set-header X-V "%[var(txn.p)] %[var(txn.n)] %[var(req.f)] %[var(txn.gone)]"',
    ]);
    expect(hdr(txn.req!.head.headers, 'x-v')).toBe('/a/b 9 /a/b-127.0.0.1 ');
  });

  it('sess variables live as long as the client connection; proc variables are shared', () => {
    const s = setup(fe(['http-request set-var(sess.c,ifnotexists) int(0)', 'http-request set-var(proc.total,ifnotexists) int(0)', 'http-request set-var(sess.c) var(sess.c),add(1)', 'http-request set-var(proc.total) var(proc.total),add(1)', 'http-request set-header X-C "%[var(sess.c)] %[var(proc.total)]"']));
    const first = request(s, 'GET / HTTP/1.1\nHost: h\n\n');
    expect(hdr(first.txn.req!.head.headers, 'x-c')).toBe('1 1');
    const second = request(s, 'GET / HTTP/1.1\nHost: h\n\n');
    // A new txnOf() means a new connection: sess restarts, proc goes on.
    expect(hdr(second.txn.req!.head.headers, 'x-c')).toBe('1 2');
  });
});

describe('recorded settings', () => {
  it('set-log-level, capture and wait-for-body are stored for the log and the engine', () => {
    const { txn } = run(['http-request set-log-level silent', 'http-request capture req.hdr(host) len 3', 'http-request wait-for-body time 1s at-least 1k']);
    const st = txnState(txn);
    expect(st.logLevel).toBe('silent');
    expect(st.reqCaptures).toEqual(['h:8']);
    expect(st.waitForBody.req).toEqual({ timeMs: 1000, atLeast: 1024 });
  });

  it('use-service prometheus-exporter returns a service verdict', () => {
    const { v } = run(['http-request use-service prometheus-exporter if { path /metrics }'], 'GET /metrics HTTP/1.1\nHost: h\n\n');
    expect(v).toMatchObject({ kind: 'forward', service: 'prometheus-exporter' });
  });
});
