import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aclDiags, ctxFor, matches, request } from './helpers.js';
import { Userlist } from '../../../src/sample/userlist.js';

const at = (uri: string, headers: [string, string][] = [], method = 'GET') => ctxFor(request(uri, headers, method));
const from = (src: string) => ctxFor(request('/'), { conn: { src, srcPort: 5555, dst: '10.0.0.1', dstPort: 8080 } });

describe('string match methods', () => {
  it('str, beg, end, sub', () => {
    expect(matches('path /a/b', at('/a/b'))).toBe(true);
    expect(matches('path /a', at('/a/b'))).toBe(false);
    expect(matches('path_beg /ms1/ /ms2/', at('/ms2/x'))).toBe(true);
    expect(matches('path_beg /ms1/', at('/ms2/x'))).toBe(false);
    expect(matches('path_end .jpg .png', at('/i/x.png'))).toBe(true);
    expect(matches('path_end .jpg', at('/i/x.png'))).toBe(false);
    expect(matches('path_sub admin', at('/x/administrator'))).toBe(true);
    expect(matches('url_sub x=1', at('/p?x=1'))).toBe(true);
    expect(matches('path -m beg /a', at('/abc'))).toBe(true);
  });
  it('dir and dom follow the manual examples', () => {
    const p = at('/images/png/logo/32x32.png');
    for (const yes of ['/images', '/images/png', 'images/png', '/png/logo', 'logo/32x32.png', '32x32.png']) expect(matches(`path_dir ${yes}`, p)).toBe(true);
    // The manual says "png" does not match, but haproxy 2.6 does match it (checked on loopback).
    expect(matches('path_dir png', p)).toBe(true);
    expect(matches('path_dir 32x32', p)).toBe(false);
    expect(matches('path_dir png', at('/images/pngx/logo'))).toBe(false);
    expect(matches('url_dir qq', at('/x?qq'))).toBe(true);
    const u = at('http://www1.dc-eu.example.com:80/blah');
    for (const yes of ['http', 'www1', '.www1', 'dc-eu', 'example', 'com', '80', 'dc-eu.example', 'blah', ':www1:']) expect(matches(`url_dom ${yes}`, u)).toBe(true);
    // The manual also lists "dc-eu.example:80", which is not in the string; haproxy 2.6 does not match it either.
    for (const no of ['eu', 'dc', 'dc-eu.example:80']) expect(matches(`url_dom ${no}`, u)).toBe(false);
  });
  it('reg and len', () => {
    expect(matches('path_reg ^/api/v[0-9]+/', at('/api/v2/x'))).toBe(true);
    expect(matches('path_reg ^/api/v[0-9]+/', at('/api/vx/x'))).toBe(false);
    expect(matches('path_len 4', at('/abc'))).toBe(true);
    expect(matches('path_len gt 10', at('/abc'))).toBe(false);
    expect(matches('path -m len 1:4', at('/abc'))).toBe(true);
  });
  it('-i applies to the patterns after it', () => {
    expect(matches('path_beg -i /API', at('/api/x'))).toBe(true);
    expect(matches('path_beg /API', at('/api/x'))).toBe(false);
    expect(matches('hdr(host) -i WWW.Example.COM', at('/', [['Host', 'www.example.com']]))).toBe(true);
    expect(matches('path_reg -i ^/ABC$', at('/abc'))).toBe(true);
    expect(matches('path_end -i .JPG', at('/x.jpg'))).toBe(true);
    expect(matches('path_dir -i IMG', at('/x/img/y'))).toBe(true);
  });
  it('-- ends flags so patterns may start with a dash', () => {
    expect(matches('hdr(x) -- -i', at('/', [['X', '-i']]))).toBe(true);
    expect(matches('hdr(x) -i -- -I', at('/', [['X', '-i']]))).toBe(true);
  });
  it('found and bool', () => {
    expect(matches('req.cook(JSESSIONID) -m found', at('/', [['Cookie', 'JSESSIONID=']]))).toBe(true);
    expect(matches('req.cook(JSESSIONID) -m found', at('/', [['Cookie', 'other=1']]))).toBe(false);
    expect(matches('hdr(x-a) -m found', at('/', [['X-A', '']]))).toBe(true);
    expect(matches('hdr_cnt(x-a) -m bool', at('/', [['X-A', '1']]))).toBe(true);
    expect(matches('hdr_cnt(x-b) -m bool', at('/', [['X-A', '1']]))).toBe(false);
    expect(matches('always_true', at('/'))).toBe(true);
    expect(matches('always_false', at('/'))).toBe(false);
  });
  it('every occurrence of a header is tested unless one is named', () => {
    const c = at('/', [['X', 'a, b'], ['X', 'c']]);
    expect(matches('hdr(x) b', c)).toBe(true);
    expect(matches('hdr(x) c', c)).toBe(true);
    expect(matches('hdr(x,1) b', c)).toBe(false);
    expect(matches('hdr(x,-1) c', c)).toBe(true);
    expect(matches('req.fhdr(x) "a, b"'.replace(/"/g, ''), c)).toBe(false); // split on spaces by the helper
    expect(matches('hdr_beg(x) c', c)).toBe(true);
    const cookies = at('/', [['Cookie', 'a=1; a=2']]);
    expect(matches('cook(a) 1', cookies)).toBe(true);
    expect(matches('cook(a) 2', cookies)).toBe(true);
    expect(matches('cook_cnt(a) 2', cookies)).toBe(true);
  });
  it('converters apply before matching, and the last type picks the method', () => {
    expect(matches('path,lower /abc', at('/ABC'))).toBe(true);
    expect(matches('hdr(host),field(1,:) www', at('/', [['Host', 'www:80']]))).toBe(true);
    expect(matches('path,length 4', at('/abc'))).toBe(true);
  });
  it('bin matches hex blocks', () => {
    const c = ctxFor(undefined, { reqPayload: Buffer.from('Hello\nworld') });
    expect(matches('req.payload(0,6) -m bin 48656c6c6f0a', c)).toBe(true);
    expect(matches('req.payload(0,6) -m bin 48656c6c6f0b', c)).toBe(false);
    expect(matches('req.payload(0,0),hex -m sub 776F726C64', c)).toBe(true);
  });
});

describe('integer match', () => {
  const n = (v: string) => at('/', [['X-N', v]]);
  it('values, ranges and operators', () => {
    expect(matches('hdr_val(x-n) 5', n('5'))).toBe(true);
    expect(matches('hdr_val(x-n) 1:10', n('5'))).toBe(true);
    expect(matches('hdr_val(x-n) :4', n('5'))).toBe(false);
    expect(matches('hdr_val(x-n) 6:', n('5'))).toBe(false);
    expect(matches('hdr_val(x-n) 1 2 5', n('5'))).toBe(true);
    expect(matches('hdr_val(x-n) gt 4', n('5'))).toBe(true);
    expect(matches('hdr_val(x-n) gt 5', n('5'))).toBe(false);
    expect(matches('hdr_val(x-n) ge 5', n('5'))).toBe(true);
    expect(matches('hdr_val(x-n) lt 5', n('5'))).toBe(false);
    expect(matches('hdr_val(x-n) le 5', n('5'))).toBe(true);
    expect(matches('hdr_val(x-n) eq 5', n('5'))).toBe(true);
    expect(matches('hdr_val(x-n) lt 0', n('-3'))).toBe(true);
    expect(matches('dst_port 8080', from('1.2.3.4'))).toBe(true);
    expect(matches('src_port 1024:65535', from('1.2.3.4'))).toBe(true);
    expect(matches('always_true -m int 1', at('/'))).toBe(true);
  });
  it('dotted versions for req.ssl_ver', () => {
    const { buildClientHello } = require_tls();
    const c = ctxFor(undefined, { reqPayload: buildClientHello('x') });
    expect(matches('req.ssl_ver 3.3', c)).toBe(true);
    expect(matches('req_ssl_ver 3:3.1', c)).toBe(false);
    expect(matches('req_ssl_ver 3.1:', c)).toBe(true);
  });
});

import * as tls from '../../../src/sample/tls-hello.js';
const require_tls = () => tls;

describe('IP match', () => {
  it('IPv4 hosts and networks, abbreviated forms', () => {
    expect(matches('src 192.168.1.10', from('192.168.1.10'))).toBe(true);
    expect(matches('src 192.168.0.0/16', from('192.168.1.10'))).toBe(true);
    expect(matches('src 10.0.0.0/8 172.16.0.0/12', from('192.168.1.10'))).toBe(false);
    expect(matches('src 127.1', from('127.0.0.1'))).toBe(true);
    expect(matches('src 127.1/8', from('127.9.9.9'))).toBe(true);
    expect(matches('src 192.168.0.0/255.255.0.0', from('192.168.3.3'))).toBe(true);
  });
  it('IPv6 and cross-family matching', () => {
    expect(matches('src 2001:db8::/32', from('2001:db8:1::1'))).toBe(true);
    expect(matches('src ::1', from('::1'))).toBe(true);
    expect(matches('src 10.0.0.0/8', from('::ffff:10.1.2.3'))).toBe(true);
    expect(matches('src 10.1.2.3', from('::ffff:10.1.2.3'))).toBe(true);
    expect(matches('src ::ffff:10.1.2.3', from('10.1.2.3'))).toBe(true);
    expect(matches('src ::ffff:10.0.0.0/104', from('10.1.2.3'))).toBe(true);
    expect(matches('src 10.0.0.0/8', from('2001:db8::1'))).toBe(false);
    expect(matches('hdr_ip(x-forwarded-for) 10.0.0.0/8', at('/', [['X-Forwarded-For', '1.1.1.1, 10.2.3.4']]))).toBe(true);
    expect(matches('req.hdr(x-real-ip) -m ip 10.0.0.0/8', at('/', [['X-Real-IP', '10.2.3.4']]))).toBe(true);
  });
  it('LOCALHOST', () => {
    expect(matches('src 127.0.0.1/8 ::1', from('::1'))).toBe(true);
  });
});

describe('pattern files (-f) and maps as ACLs (-M)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portico-acl-'));
  writeFileSync(join(dir, 'agents.lst'), '# bots\n\n  Googlebot\nbingbot\n #indented comment\n');
  writeFileSync(join(dir, 'generic.lst'), 'CURL\n');
  writeFileSync(join(dir, 'nets.lst'), '10.0.0.0/8\n192.168.1.0/24\n2001:db8::/32\n');
  writeFileSync(join(dir, 'bad.lst'), '10.0.0.0/8\n1.2.3.4 x\n');
  writeFileSync(join(dir, 'hosts.map'), 'www.example.com be_www\napi.example.com be_api\n');
  const ua = (v: string) => at('/', [['User-Agent', v]]);

  it('loads patterns relative to the config directory, ignoring comments and leading blanks', () => {
    expect(matches('hdr(user-agent) -f agents.lst', ua('Googlebot'), dir)).toBe(true);
    expect(matches('hdr(user-agent) -f agents.lst', ua('bingbot'), dir)).toBe(true);
    expect(matches('hdr(user-agent) -f agents.lst', ua('#indented comment'), dir)).toBe(false);
    expect(matches(`hdr(user-agent) -f ${join(dir, 'agents.lst')}`, ua('bingbot'))).toBe(true);
  });
  it('several files, -i only for what follows, plus inline patterns', () => {
    const acl = 'hdr(user-agent) -f agents.lst -i -f generic.lst test';
    expect(matches(acl, ua('googlebot'), dir)).toBe(false);
    expect(matches(acl, ua('curl'), dir)).toBe(true);
    expect(matches(acl, ua('TEST'), dir)).toBe(true);
    expect(matches('hdr_sub(user-agent) -i -f agents.lst', ua('Mozilla (compatible; GOOGLEBOT)'), dir)).toBe(true);
  });
  it('IP files', () => {
    expect(matches('src -f nets.lst', from('192.168.1.77'), dir)).toBe(true);
    expect(matches('src -f nets.lst', from('192.168.2.77'), dir)).toBe(false);
    expect(matches('src -n -f nets.lst', from('2001:db8::9'), dir)).toBe(true);
  });
  it('-M reads the first column of a map', () => {
    expect(matches('hdr(host) -M -f hosts.map', at('/', [['Host', 'api.example.com']]), dir)).toBe(true);
    expect(matches('hdr(host) -M -f hosts.map', at('/', [['Host', 'be_api']]), dir)).toBe(false);
  });
  it('file errors name the file and line', () => {
    expect(aclDiags([`x hdr(host) -f ${join(dir, 'missing.lst')}`]).list[0]).toMatchObject({
      level: 'alert',
      file: 't.cfg',
      line: 1,
      message: `error detected while parsing ACL 'x' : failed to open pattern file <${join(dir, 'missing.lst')}>.`,
    });
    expect(aclDiags([`x src -f ${join(dir, 'bad.lst')}`]).list[0]!.message).toBe(
      `error detected while parsing ACL 'x' : '1.2.3.4 x' is not a valid IPv4 or IPv6 address at line 2 of file '${join(dir, 'bad.lst')}'.`,
    );
  });
});

describe('methods and authentication', () => {
  it('method', () => {
    expect(matches('method GET HEAD', at('/', [], 'HEAD'))).toBe(true);
    expect(matches('method POST', at('/', [], 'GET'))).toBe(false);
  });
  it('http_auth and http_auth_group', () => {
    const ul = new Userlist('L');
    ul.addUser('bob', 'pw', true, ['admin']);
    ul.addUser('ann', 'pw2', true);
    ul.addGroup('ops', ['ann']);
    const as = (u: string, p: string) =>
      ctxFor(request('/', [['Authorization', 'Basic ' + Buffer.from(`${u}:${p}`).toString('base64')]]), { userlists: { get: () => ul } });
    expect(matches('http_auth(L)', as('bob', 'pw'))).toBe(true);
    expect(matches('http_auth(L)', as('bob', 'no'))).toBe(false);
    expect(matches('http_auth_group(L) admin', as('bob', 'pw'))).toBe(true);
    expect(matches('http_auth_group(L) ops', as('bob', 'pw'))).toBe(false);
    expect(matches('http_auth_group(L) ops admin', as('ann', 'pw2'))).toBe(true);
    expect(matches('http_auth_group(L) ops', as('ann', 'bad'))).toBe(false);
  });
});

describe('ACL errors (HAProxy wording)', () => {
  const first = (line: string) => aclDiags([line]).list[0];
  it.each([
    ['a1 pathh_beg /x', "error detected while parsing ACL 'a1' : unknown fetch method 'pathh_beg' in ACL expression 'pathh_beg'; did you mean 'path_beg' maybe ?"],
    ['a3 path_reg (abc', "error detected while parsing ACL 'a3' : regex '(abc' is invalid (error=/(abc/: Unterminated group)."],
    ['a4 hdr(host,1,2,3) x', "error detected while parsing ACL 'a4' : ACL keyword 'hdr' : expected ')' before ',2,3)'."],
    ['a6 src 1.2.3.4/99', "error detected while parsing ACL 'a6' : '1.2.3.4/99' is not a valid IPv4 or IPv6 address."],
    ['a7 dst_port abc', "error detected while parsing ACL 'a7' : 'abc' is not a number."],
    ['a12 src_port 1:2:3', "error detected while parsing ACL 'a12' : '1:2:3' is not a valid number range."],
    ['a9 path -m foo x', "error detected while parsing ACL 'a9' : unknown matching method 'foo' when parsing ACL expression."],
    ['a16 path -q x', "error detected while parsing ACL 'a16' : '-q' is not a valid ACL option. Please use '--' before any pattern beginning with a '-'."],
    ['a17 path,field(a,b) x', "error detected while parsing ACL 'a17' : ACL keyword 'path' : invalid arg 1 in converter 'field' : failed to parse 'a' as type 'integer' at position 1."],
    ['x var(nope) -m found', "error detected while parsing ACL 'x' : invalid args in fetch method 'var' : invalid variable name 'nope'. A variable name must be start by its scope. The scope can be 'proc', 'sess', 'txn', 'req', 'res' or 'check' in ACL expression 'var(nope)'."],
    ['x req.payload(0,4) abc', "error detected while parsing ACL 'x' : ACL keyword 'req.payload' returns binary data: a matching method must be set with '-m'."],
  ])('%s', (line, msg) => {
    expect(first(line)).toMatchObject({ level: 'alert', file: 't.cfg', line: 1, message: msg });
  });
  it('warns when no pattern is given', () => {
    const d = first('a8 url_param');
    expect(d).toMatchObject({ level: 'warning', message: "parsing acl keyword 'url_param' :" });
    expect(d!.details![0]).toBe('no pattern to match against were provided, so this ACL will never match.');
    expect(aclDiags(['a path --']).list).toEqual([]);
    expect(aclDiags(['a path -m found']).list).toEqual([]);
  });
  it('checks backend and userlist names when the parser gives them', async () => {
    const { AclTable, compileAcl } = await import('../../../src/sample/acl.js');
    const { Diagnostics } = await import('../../../src/core/diag.js');
    const diags = new Diagnostics();
    const refs = { hasBackend: (n: string) => n === 'app', userlist: () => undefined };
    compileAcl(['x', 'nbsrv(nob)', 'lt', '1'], { file: 'f.cfg', line: 3 }, new AclTable(), diags, '.', { refs });
    compileAcl(['y', 'nbsrv(app)', 'lt', '1'], { file: 'f.cfg', line: 4 }, new AclTable(), diags, '.', { refs });
    compileAcl(['z', 'http_auth(nou)'], { file: 'f.cfg', line: 5 }, new AclTable(), diags, '.', { refs });
    expect(diags.list.map((d) => `${d.line}: ${d.message}`)).toEqual([
      "3: error detected while parsing ACL 'x' : invalid args in fetch method 'nbsrv' : unable to find backend 'nob' in ACL expression 'nbsrv(nob)'.",
      "5: error detected while parsing ACL 'z' : invalid args in fetch method 'http_auth' : unable to find userlist 'nou' in ACL expression 'http_auth(nou)'.",
    ]);
  });
});
