import { describe, expect, it } from 'vitest';
import { aclDiags, cond, ctxFor, request } from './helpers.js';

const at = (uri: string, headers: [string, string][] = [], method = 'GET') => ctxFor(request(uri, headers, method));
const ACLS = ['a path_beg /a', 'b hdr(host) -i b.example', 'c method POST'];
const req = (path: string, host = 'x', method = 'GET') => at(path, [['Host', host]], method);

describe('condition grammar', () => {
  it('if / unless', () => {
    expect(cond(ACLS, 'if a', req('/a1'))).toBe(true);
    expect(cond(ACLS, 'unless a', req('/a1'))).toBe(false);
    expect(cond(ACLS, 'unless a', req('/z'))).toBe(true);
  });
  it('implicit AND binds tighter than OR', () => {
    // a b or c  ==  (a and b) or c
    expect(cond(ACLS, 'if a b or c', req('/a', 'x', 'POST'))).toBe(true);
    expect(cond(ACLS, 'if a b or c', req('/a', 'x'))).toBe(false);
    expect(cond(ACLS, 'if a b or c', req('/a', 'b.example'))).toBe(true);
    expect(cond(ACLS, 'if a b || c', req('/z', 'b.example'))).toBe(false);
    expect(cond(ACLS, 'if a or b c', req('/z', 'b.example', 'POST'))).toBe(true);
    expect(cond(ACLS, 'if a or b c', req('/z', 'b.example'))).toBe(false);
  });
  it('negation, attached or separate', () => {
    expect(cond(ACLS, 'if !a', req('/z'))).toBe(true);
    expect(cond(ACLS, 'if ! a', req('/z'))).toBe(true);
    expect(cond(ACLS, 'if !a', req('/a'))).toBe(false);
    expect(cond(ACLS, 'if a !c', req('/a'))).toBe(true);
    expect(cond(ACLS, 'if a !c', req('/a', 'x', 'POST'))).toBe(false);
    expect(cond(ACLS, 'unless !a', req('/a'))).toBe(true);
  });
  it('anonymous ACLs', () => {
    expect(cond([], 'if { path_beg /a } { method GET }', req('/ab'))).toBe(true);
    expect(cond([], 'if { path_beg /a } { method POST }', req('/ab'))).toBe(false);
    expect(cond([], 'if !{ path_beg /a } || { hdr(host) x }', req('/z', 'y'))).toBe(true);
    expect(cond(ACLS, 'if a !{ hdr_cnt(x-nope) gt 0 }', req('/a'))).toBe(true);
  });
  it('repeated acl lines with the same name are ORed', () => {
    const acls = ['static path_beg /static /images', 'static path_end .css .js', 'host_www hdr_beg(host) -i www'];
    expect(cond(acls, 'if static', req('/static/x'))).toBe(true);
    expect(cond(acls, 'if static', req('/app/site.css'))).toBe(true);
    expect(cond(acls, 'if static', req('/app/site.html'))).toBe(false);
    expect(cond(acls, 'if host_www static', req('/x.js', 'WWW.example.com'))).toBe(true);
  });
  it('the manual example (7.2)', () => {
    const acls = ['missing_cl req.hdr_cnt(Content-length) eq 0'];
    const deny1 = 'if HTTP_URL_STAR !METH_OPTIONS || METH_POST missing_cl';
    expect(cond(acls, deny1, at('*', [], 'GET'))).toBe(true);
    expect(cond(acls, deny1, at('*', [], 'OPTIONS'))).toBe(false);
    expect(cond(acls, deny1, at('/', [], 'POST'))).toBe(true);
    expect(cond(acls, deny1, at('/', [['Content-Length', '3']], 'POST'))).toBe(false);
    expect(cond(acls, 'if METH_GET HTTP_CONTENT', at('/', [['Content-Length', '3']], 'GET'))).toBe(true);
    expect(cond(acls, 'if METH_GET HTTP_CONTENT', at('/', [['Content-Length', '0']], 'HEAD'))).toBe(false);
    expect(cond(acls, 'unless METH_GET or METH_POST or METH_OPTIONS', at('/', [], 'PUT'))).toBe(true);
  });
  it('a user ACL named like a predefined one wins', () => {
    expect(cond(['TRUE always_false'], 'if TRUE', req('/'))).toBe(false);
  });
});

describe('predefined ACLs', () => {
  it.each([
    ['TRUE', at('/'), true],
    ['FALSE', at('/'), false],
    ['HTTP', at('/'), true],
    ['HTTP_1.0', ctxFor(request('/', [], 'GET', 'HTTP/1.0')), true],
    ['HTTP_1.1', ctxFor(request('/', [], 'GET', 'HTTP/1.0')), false],
    ['HTTP_1.1', at('/'), true],
    ['HTTP_URL_ABS', at('http://h/x'), true],
    ['HTTP_URL_ABS', at('/x'), false],
    ['HTTP_URL_SLASH', at('/x'), true],
    ['HTTP_URL_STAR', at('*', [], 'OPTIONS'), true],
    ['HTTP_CONTENT', at('/', [['Content-Length', '10']]), true],
    ['HTTP_CONTENT', at('/'), false],
    ['METH_CONNECT', at('h:443', [], 'CONNECT'), true],
    ['METH_DELETE', at('/', [], 'DELETE'), true],
    ['METH_GET', at('/', [], 'HEAD'), true],
    ['METH_GET', at('/', [], 'POST'), false],
    ['METH_HEAD', at('/', [], 'HEAD'), true],
    ['METH_OPTIONS', at('/', [], 'OPTIONS'), true],
    ['METH_POST', at('/', [], 'POST'), true],
    ['METH_PUT', at('/', [], 'PUT'), true],
    ['METH_TRACE', at('/', [], 'TRACE'), true],
    ['LOCALHOST', ctxFor(request('/'), { conn: { src: '127.0.0.2', srcPort: 1, dst: '127.0.0.1', dstPort: 1 } }), true],
    ['LOCALHOST', ctxFor(request('/'), { conn: { src: '::1', srcPort: 1, dst: '::1', dstPort: 1 } }), true],
    ['LOCALHOST', at('/'), false],
    ['REQ_CONTENT', ctxFor(undefined, { reqPayload: Buffer.from('x') }), true],
    ['REQ_CONTENT', ctxFor(undefined, { reqPayload: Buffer.alloc(0) }), false],
    ['WAIT_END', ctxFor(undefined, { waitEnd: true }), true],
    ['WAIT_END', ctxFor(undefined), false],
  ])('%s', (name, ctx, want) => {
    expect(cond([], `if ${name}`, ctx, 'any')).toBe(want);
  });
});

describe('condition errors and warnings (file:line, HAProxy wording)', () => {
  it('unknown ACL, with a suggestion', () => {
    const d = aclDiags(['url_ms1 path_beg /ms1/'], 'if url_ms');
    expect(d.list).toEqual([
      { level: 'alert', file: 't.cfg', line: 99, message: "error detected while parsing an 'http-request deny' condition : no such ACL : 'url_ms'; did you mean 'url_ms1' maybe ?" },
    ]);
    expect(aclDiags([], 'if nosuch_acl_at_all').list[0]!.message).toBe("error detected while parsing an 'http-request deny' condition : no such ACL : 'nosuch_acl_at_all'.");
  });
  it('missing brace, bad anonymous ACL, missing if', () => {
    expect(aclDiags([], 'if { path /x').list[0]!.message).toBe("error detected while parsing an 'http-request deny' condition : missing closing '}' in condition.");
    expect(aclDiags([], 'if { pathx /x }').list[0]!.message).toMatch(/condition : unknown fetch method 'pathx' in ACL expression 'pathx'; did you mean 'path' maybe \?$/);
    expect(aclDiags([], 'when x').list[0]!.message).toMatch(/expects 'if' or 'unless'/);
    expect(aclDiags([], 'if').list[0]!.message).toMatch(/missing condition after 'if'/);
  });
  it('accepts what haproxy accepts: a trailing or, a lone !', () => {
    expect(aclDiags(['a path /x'], 'if a or').list).toEqual([]);
    expect(aclDiags(['a path /x'], 'if a !').list).toEqual([]);
  });
  it('warns when keywords cannot work in the rule, and the ACL never matches', () => {
    const d = aclDiags(['a5 status 200'], 'if a5');
    expect(d.list).toEqual([
      { level: 'warning', file: 't.cfg', line: 99, message: "acl 'a5' will never match because it only involves keywords that are incompatible with 'frontend http-request header rule'" },
    ]);
    const anon = aclDiags([], 'if { res.hdr(x) foo }');
    expect(anon.list[0]!.message).toBe("anonymous acl will never match because it uses keyword 'res.hdr' which is incompatible with 'frontend http-request header rule'");
    expect(aclDiags([], 'if { path /x }', 'tcp-conn').list[0]!.message).toBe(
      "anonymous acl will never match in 'tcp-request connection' because it uses keyword 'path' which is incompatible with 'frontend tcp-request connection rule'",
    );
    expect(aclDiags([], 'if { hdr(x) -m found }', 'http-res').list[0]!.message).toMatch(/uses keyword 'hdr' which is incompatible with 'frontend http-response header rule'/);
    expect(aclDiags([], 'if { method GET } { src 1.2.3.4 } { var(txn.x) -m found }', 'http-res').list).toEqual([]);
    expect(cond(['a5 status 200'], 'if a5', ctxFor(request('/'), { res: { version: 'HTTP/1.1', status: 200, reason: 'OK', headers: [] } }), 'http-req')).toBe(false);
    expect(cond(['a5 status 200'], 'if a5', ctxFor(request('/'), { res: { version: 'HTTP/1.1', status: 200, reason: 'OK', headers: [] } }), 'http-res')).toBe(true);
  });
  it('drops only the incompatible lines of an ACL', () => {
    const d = aclDiags(['mix status 200', 'mix path /x'], 'if mix');
    expect(d.list[0]!.message).toBe("acl 'mix' involves keyword(s) 'status' which is incompatible with 'frontend http-request header rule'");
    expect(cond(['mix status 200', 'mix path /x'], 'if mix', at('/x'))).toBe(true);
  });
});
