import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ctxFor, exprError, request, run } from './helpers.js';

describe('converters (values observed on haproxy 2.6)', () => {
  it.each([
    ['str(aBc),lower', 'abc'],
    ['str(aBc),upper', 'ABC'],
    ['str(hello),length', '5'],
    ['str(12abc),add(0)', '12'],
    ['str(abc),add(0)', '0'],
    ['int(5),div(0)', '9223372036854775807'],
    ['int(-7),mod(3)', '-1'],
    ['int(7),div(-2)', '-3'],
    ['int(6),mul(7)', '42'],
    ['int(6),sub(7)', '-1'],
    ['int(3),add(-5),neg', '2'],
    ['int(12),and(10)', '8'],
    ['int(12),or(3)', '15'],
    ['int(12),xor(4)', '8'],
    ['int(0),cpl', '-1'],
    ['int(0),not', '1'],
    ['int(3),bool', '1'],
    ['int(3),odd', '1'],
    ['int(3),even', '0'],
    ['str(ab),bool', '0'],
    ['bool(0),add(1)', '1'],
    ['str(abc),bytes(1)', 'bc'],
    ['str(abcdef),bytes(1,2)', 'bc'],
    ['str(a/b),base64', 'YS9i'],
    ['str(YQ==),b64dec', 'a'],
    ['str(Ab),hex', '4162'],
    ['str(ff),hex2i', '255'],
    ['str(abc),sha1,hex', 'A9993E364706816ABA3E25717850C26C9CD0D89D'],
    ['str(abc),sha2,hex', 'BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD'],
    ['str(abc),crc32', '891568578'],
    ['str(/foo/bar),regsub(o,0,g)', '/f00/bar'],
    ['str(/foo/bar),regsub(o,0)', '/f0o/bar'],
    ["str(/foo/bar),regsub('^/(\\w+)/',x\\1y)", 'xfooybar'],
    ["str('a,b'),regsub(',',_)", 'a_b'],
    ['str(ABC),regsub(b,-,i)', 'A-C'],
    ['str(x),concat(a,txn.v,b)', 'xab'],
    ['str(xxhixx),ltrim(x)', 'hixx'],
    ['str(xxhixx),rtrim(x)', 'xxhi'],
    ['str(a%20b+c),url_dec', 'a b c'],
    ['src,ipmask(16)', '192.168.0.0'],
    ['src,ipmask(255.255.255.0)', '192.168.1.0'],
    ['str(1.2.3.4),ipmask(8)', '1.0.0.0'],
    ['int(16909060),ipmask(8)', '1.0.0.0'],
    ['str(::ffff:1.2.3.4),ipmask(8,64)', '1.0.0.0'],
    ['str(2001:db8:1:2::1),ipmask(8,32)', '2001:db8::'],
    ['src,hex', 'C0A8010A'],
    ['src,add(1)', String(0xc0a8010a + 1)],
  ])('%s → %s', (expr, want) => {
    expect(run(expr)).toBe(want);
  });

  it.each([
    ['field(5,_)', 'f5'],
    ['field(2,_,0)', 'f2_f3__f5'],
    ['field(2,_,2)', 'f2_f3'],
    ['field(-2,_,3)', 'f2_f3_'],
    ['field(-3,_,0)', 'f1_f2_f3'],
    ['word(4,_)', 'f5'],
    ['word(2,_,0)', 'f2_f3__f5'],
    ['word(3,_,2)', 'f3__f5'],
    ['word(-2,_,3)', 'f1_f2_f3'],
    ['word(-3,_,0)', 'f1_f2'],
  ])('manual example str(f1_f2_f3__f5),%s → %s', (conv, want) => {
    expect(run(`str(f1_f2_f3__f5),${conv}`)).toBe(want);
  });

  it('field and word edge cases', () => {
    expect(run('str(/f1/f2/f3/f4),word(1,/)')).toBe('f1');
    expect(run('str(x),field(2,/)')).toBeUndefined();
    expect(run('str(a b c),word(2, )')).toBe('b');
  });

  it('json escapes like HAProxy', () => {
    expect(run('str(a/b\\\\c),json')).toBe('a\\/b\\\\c');
    expect(run('str(x),json(utf8s)')).toBe('x');
    expect(run('str(é),json(utf8)')).toBe('\\u00E9');
    expect(run('str(é),json')).toBe('\\u00C3\\u00A9');
  });

  it('uses variables as operands and fails when they are unset', () => {
    const c = ctxFor(request('/'));
    c.vars.set('txn', 'n', { type: 'int', value: 10 });
    c.vars.set('txn', 's', { type: 'str', value: 'abc' });
    expect(run('int(5),add(txn.n)', c)).toBe('15');
    expect(run('int(5),add(txn.none)', c)).toBeUndefined();
    expect(run('str(abc),strcmp(txn.s)', c)).toBe('0');
    expect(run('str(abd),strcmp(txn.s)', c)).toBe('1');
    expect(run('str(abc),strcmp(txn.none)', c)).toBeUndefined();
    expect(run('str(x),concat(<,txn.s,>)', c)).toBe('x<abc>');
  });

  it.each([
    ['path,lowerr', "failed to parse sample expression <path,lowerr> : unknown converter 'lowerr'; did you mean 'lower' maybe ?"],
    ['src,ipmask(abc)', "failed to parse sample expression <src,ipmask(abc)> : invalid arg 1 in converter 'ipmask' : failed to parse 'abc' as type 'IPv4 mask' at position 1."],
    ['path,field(1)', "failed to parse sample expression <path,field(1)> : invalid arg 2 in converter 'field' : missing arguments (got 1/2), type 'string' expected."],
    ['path,lower(1)', "failed to parse sample expression <path,lower(1)> : invalid arg 1 in converter 'lower' : expected ')' before '1)'."],
    ['path,field(1,2,3,4)', "failed to parse sample expression <path,field(1,2,3,4)> : invalid arg 3 in converter 'field' : expected ')' before ',4)'."],
    ['path,field(a,b)', "failed to parse sample expression <path,field(a,b)> : invalid arg 1 in converter 'field' : failed to parse 'a' as type 'integer' at position 1."],
    ['path,map(/nonexistent/x.map)', "failed to parse sample expression <path,map(/nonexistent/x.map)> : invalid args in converter 'map' : failed to open pattern file </nonexistent/x.map>."],
  ])('%s', (expr, msg) => {
    expect(exprError(expr)).toBe(msg);
  });

  it('reports bad regexes', () => {
    expect(exprError('path,regsub(a(,b)')).toMatch(/invalid args in converter 'regsub' : regex 'a\(' is invalid/);
  });
});

describe('map converters', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portico-map-'));
  writeFileSync(
    join(dir, 'hosts.map'),
    ['# comment', '', '   www.example.com   be_www   ', 'api.example.com be_api with spaces  ', '\tstatic.example.com be_static'].join('\n'),
  );
  writeFileSync(join(dir, 'paths.map'), '/api be_api\n/api/v2 be_v2\n/ be_root\n');
  writeFileSync(join(dir, 'nets.map'), '10.0.0.0/8 ten\n10.1.0.0/16 ten-one\n192.168.1.10 me\n2001:db8::/32 doc\n');
  writeFileSync(join(dir, 'ints.map'), '200 ok\n404 missing\n');
  writeFileSync(join(dir, 'weights.map'), 'a 10\nb 20\n');
  writeFileSync(join(dir, 'regs.map'), '^/u/([0-9]+)$ user-\\1\n^/g/(.*)$ group-\\1\n');
  writeFileSync(join(dir, 'bad.map'), 'a 1\nb xx\n');
  writeFileSync(join(dir, 'badip.map'), '1.2.3.4 a\nnotip b\n');
  const host = (h: string, uri = '/') => ctxFor(request(uri, [['Host', h]]));

  it('map/map_str: exact keys, value is the rest of the line trimmed', () => {
    expect(run('req.hdr(host),lower,map(hosts.map,be_default)', host('WWW.example.com'), 'any', dir)).toBe('be_www');
    expect(run('req.hdr(host),map(hosts.map)', host('api.example.com'), 'any', dir)).toBe('be_api with spaces');
    expect(run('req.hdr(host),map(hosts.map)', host('static.example.com'), 'any', dir)).toBe('be_static');
    expect(run('req.hdr(host),map(hosts.map,be_default)', host('other'), 'any', dir)).toBe('be_default');
    expect(run('req.hdr(host),map(hosts.map)', host('other'), 'any', dir)).toBeUndefined();
    expect(run(`req.hdr(host),map(${join(dir, 'hosts.map')})`, host('www.example.com'))).toBe('be_www');
  });
  it('map_beg takes the longest prefix, map_sub/map_end/map_dom/map_dir the first line', () => {
    expect(run('path,map_beg(paths.map)', host('x', '/api/v2/users'), 'any', dir)).toBe('be_v2');
    expect(run('path,map_beg(paths.map)', host('x', '/api/v1'), 'any', dir)).toBe('be_api');
    expect(run('path,map_beg(paths.map)', host('x', '/other'), 'any', dir)).toBe('be_root');
    expect(run('req.hdr(host),map_end(hosts.map)', host('www.example.com'), 'any', dir)).toBe('be_www');
    expect(run('req.hdr(host),map_sub(hosts.map)', host('xapi.example.comx'), 'any', dir)).toBe('be_api with spaces');
    expect(run('path,map_dir(paths.map)', host('x', '/x/api/y'), 'any', dir)).toBe('be_api');
    expect(run('req.hdr(host),map_dom(hosts.map)', host('static.example.com:80'), 'any', dir)).toBe('be_static');
  });
  it('map_ip takes the finest network; map_int and typed outputs', () => {
    expect(run('src,map_ip(nets.map)', ctxFor(request('/'), { conn: { src: '10.1.2.3', srcPort: 1, dst: '1.1.1.1', dstPort: 1 } }), 'any', dir)).toBe('ten-one');
    expect(run('src,map_ip(nets.map)', ctxFor(request('/'), { conn: { src: '10.2.2.3', srcPort: 1, dst: '1.1.1.1', dstPort: 1 } }), 'any', dir)).toBe('ten');
    expect(run('src,map_ip(nets.map)', ctxFor(request('/')), 'any', dir)).toBe('me');
    expect(run('src,map_ip(nets.map)', ctxFor(request('/'), { conn: { src: '::ffff:10.9.9.9', srcPort: 1, dst: '::1', dstPort: 1 } }), 'any', dir)).toBe('ten');
    expect(run('src,map_ip(nets.map)', ctxFor(request('/'), { conn: { src: '2001:db8::5', srcPort: 1, dst: '::1', dstPort: 1 } }), 'any', dir)).toBe('doc');
    expect(run('int(404),map_int(ints.map)', undefined, 'any', dir)).toBe('missing');
    expect(run('str(b),map_str_int(weights.map),add(1)', undefined, 'any', dir)).toBe('21');
    expect(run('path,map_regm(regs.map)', host('x', '/u/42'), 'any', dir)).toBe('user-42');
    expect(run('path,map_reg(regs.map)', host('x', '/g/admins'), 'any', dir)).toBe('group-\\1');
  });
  it('reports map errors with the file and line', () => {
    expect(exprError(`path,map_str_int(${join(dir, 'bad.map')})`)).toBe(
      `failed to parse sample expression <path,map_str_int(${join(dir, 'bad.map')})> : invalid args in converter 'map_str_int' : unable to parse 'xx' at line 2 of file '${join(dir, 'bad.map')}'.`,
    );
    expect(exprError(`src,map_ip(${join(dir, 'badip.map')})`)).toBe(
      `failed to parse sample expression <src,map_ip(${join(dir, 'badip.map')})> : invalid args in converter 'map_ip' : 'notip' is not a valid IPv4 or IPv6 address at line 2 of file '${join(dir, 'badip.map')}'.`,
    );
  });
});
