/**
 * One test per kind of message the configuration layer gives, each asserting the file:line and
 * the text. The wording follows HAProxy 2.6 where it has one, so that people and scripts used to
 * haproxy -c recognise it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, loadConfigText } from '../../../src/config/load.js';

const T = 'defaults\n  mode http\n  timeout connect 5s\n  timeout client 5s\n  timeout server 5s\n'; // lines 1-5

/** Messages as `level file:line text`. */
function check(text: string): string[] {
  return loadConfigText(text, 'e.cfg').diags.list.map((d) => `${d.level} ${d.file ?? '-'}:${d.line ?? '-'} ${d.message}`);
}

describe('unknown keywords', () => {
  it('suggest the closest keyword of the section', () => {
    expect(check(`${T}frontend fe\n  bind :80\n  defualt_backend be\n`)).toEqual([
      "alert e.cfg:8 unknown keyword 'defualt_backend' in 'frontend' section; did you mean 'default_backend' maybe ?",
    ]);
  });
  it('say nothing more when nothing is close', () => {
    expect(check(`${T}backend be\n  frobnicate 1\n`)).toEqual(["alert e.cfg:7 unknown keyword 'frobnicate' in 'backend' section"]);
  });
  it('suggest within option, timeout, server and bind keywords too', () => {
    expect(check(`${T}backend be\n  option redispach\n`)).toEqual(["alert e.cfg:7 unknown option 'redispach'; did you mean 'redispatch' maybe ?"]);
    expect(check(`${T}backend be\n  timeout sever 10s\n`)[0]).toMatch(/^alert e\.cfg:7 'timeout' supports 'client', 'server'.* \(got 'sever'\)$/);
    expect(check(`${T}backend be\n  server s1 127.0.0.1:80 chek\n`)).toEqual(["alert e.cfg:7 'server be/s1' : unknown keyword 'chek'; did you mean 'check' maybe ?"]);
    expect(check(`${T}frontend fe\n  bind :80 acept-proxy\n`)).toEqual(["alert e.cfg:7 'bind :80' unknown keyword 'acept-proxy'. Did you mean 'accept-proxy' maybe ?"]);
  });
  it('out of any section', () => {
    expect(check('maxconn 100\n')).toEqual(["alert e.cfg:1 unknown keyword 'maxconn' out of section."]);
  });
  it('valid in HAProxy 2.6 but not implemented: a warning, never an error', () => {
    expect(check('global\n  51degrees-data-file /x\n')).toEqual([
      "warning e.cfg:2 '51degrees-data-file' is valid HAProxy configuration but is not supported by portico yet; it is ignored.",
    ]);
  });
});

describe('keywords in the wrong place', () => {
  it('say which sections take them', () => {
    expect(check('global\n  bind :80\n')).toEqual(["alert e.cfg:2 unknown keyword 'bind' in 'global' section; it is only valid in the 'frontend', 'listen' or 'backend' sections."]);
    expect(check(`${T}backend be\n  nbthread 4\n`)).toEqual(["alert e.cfg:7 unknown keyword 'nbthread' in 'backend' section; it is only valid in the 'global' section."]);
    expect(check(`${T}use_backend be\n`)).toEqual(["alert e.cfg:6 'use_backend' not allowed in 'defaults' section."]);
  });
  it('on a proxy without the capability: ignored with a warning, or refused for servers and tcp-request connection', () => {
    expect(check(`${T}frontend fe\n  bind :80\n  balance roundrobin\n`)).toEqual(["warning e.cfg:8 'balance' ignored because frontend 'fe' has no backend capability."]);
    expect(check(`${T}frontend fe\n  bind :80\n  server s1 127.0.0.1:80\n`)).toEqual(["alert e.cfg:8 'server' not allowed because frontend 'fe' has no backend capability."]);
    expect(check(`${T}backend be\n  tcp-request connection reject\n`)).toEqual(['alert e.cfg:7 tcp-request connection is not allowed because backend be is not a frontend']);
  });
  it('HTTP settings in a tcp proxy are ignored with a warning', () => {
    const tcp = 'defaults\n  mode tcp\n  timeout connect 5s\n  timeout client 5s\n  timeout server 5s\n';
    expect(check(`${tcp}listen l\n  bind :80\n  cookie S insert\n  server s 127.0.0.1:81\n`)).toEqual(["warning e.cfg:8 'cookie' will be ignored for proxy 'l' (needs 'mode http')."]);
  });
});

describe('bad values for typed keywords', () => {
  const cases: [string, string, string][] = [
    ['time', `${T}backend be\n  timeout server 10x\n`, "alert e.cfg:7 'timeout server': unexpected character 'x' in time value '10x' (units are us, ms, s, m, h, d)."],
    ['integer', `${T}frontend fe\n  maxconn lots\n`, "alert e.cfg:7 'maxconn' expects an integer argument (got 'lots')."],
    ['range', 'global\n  nbthread 0\n', "alert e.cfg:2 'nbthread' expects a value between 1 and 2147483647 (got '0')."],
    ['size', 'global\n  tune.bufsize big\n', "alert e.cfg:2 'tune.bufsize': invalid size value 'big' (expected a number with an optional k, m or g suffix)."],
    ['server weight', `${T}backend be\n  server s1 127.0.0.1:80 weight 300\n`, "alert e.cfg:7 'server be/s1' : weight of server s1 is not within 0 and 256 (300)."],
    ['server address', `${T}backend be\n  server s1 127.0.0.1:8x\n`, "alert e.cfg:7 'server be/s1' : invalid character 'x' in port number '8x' in '127.0.0.1:8x'"],
    ['bind address', `${T}frontend fe\n  bind 127.0.0.1\n`, "alert e.cfg:7 'bind 127.0.0.1' : missing port number: '127.0.0.1'."],
    ['log facility', 'global\n  log 127.0.0.1 local9\n', "alert e.cfg:2 unknown log facility 'local9'."],
    ['cookie', `${T}backend be\n  cookie S insert rewrite\n`, "alert e.cfg:7 cookie 'rewrite', 'insert' and 'prefix' modes are incompatible."],
    ['balance', `${T}backend be\n  balance roundrobbin\n`, "alert e.cfg:7 balance only supports 'roundrobin', 'static-rr', 'leastconn', 'source', 'uri', 'url_param', 'hdr(name)' and 'rdp-cookie(name)' options."],
    ['mode', `${T}backend be\n  mode https\n`, "alert e.cfg:7 unknown proxy mode 'https' (expected 'http' or 'tcp')."],
    ['option arguments', `${T}backend be\n  option http-keep-alive now\n`, "alert e.cfg:7 'option http-keep-alive' cannot handle any argument."],
    ['option redispatch interval', `${T}backend be\n  option redispatch now\n`, "alert e.cfg:7 'option redispatch' takes an optional interval, an integer (every Nth retry; negative: the Nth before the last; 0: only when the server is down), not 'now'."],
    ['stats refresh', `${T}listen l\n  stats refresh soon\n`, "alert e.cfg:7 'stats refresh' expects <delay> as argument: invalid time value 'soon' (expected a number with an optional unit us, ms, s, m, h or d)."],
    ['http-request return', `${T}frontend fe\n  http-request return status 200 string ok\n`, "alert e.cfg:7 error detected in frontend 'fe' while parsing 'http-request return' rule : a content type must be defined when non-empty payload is configured."],
    ['errorfile', `${T}frontend fe\n  errorfile 503 /nonexistent/503.http\n`, "alert e.cfg:7 errorfile : error opening file '/nonexistent/503.http'."],
    ['track with check', `${T}backend be\n  server a 127.0.0.1:80\n  server b 127.0.0.1:81 check track a\n`, "alert e.cfg:8 'server be/b' : unable to enable checks and tracking at the same time!"],
    ['user twice', 'global\n  user haproxy\n  uid 99\n', 'alert e.cfg:3 user/uid already specified. Continuing.'],
  ];
  it.each(cases)('%s', (_what, cfg, message) => {
    expect(check(cfg)).toEqual([message]);
  });

  it('where HAProxy reads garbage as 0, portico refuses it (deliberately stricter)', () => {
    // haproxy 2.6 accepts all four lines (atoi); a number that is not a number is always a mistake.
    expect(check(`${T}backend be\n  retries three\n  fullconn -5\n  server s1 127.0.0.1:81 maxconn 1k\n`)).toEqual([
      "alert e.cfg:7 'retries' expects an integer argument (got 'three').",
      "alert e.cfg:8 'fullconn' expects an integer argument (got '-5').",
      "alert e.cfg:9 'server be/s1' : 'maxconn' expects an integer argument (got '1k').",
    ]);
  });
});

describe('names across sections', () => {
  it('duplicate proxy names the first definition', () => {
    expect(check(`${T}backend be\n  server s 127.0.0.1:80\nbackend be\n  server s 127.0.0.1:80\n`)).toEqual(["alert e.cfg:8 backend 'be' has the same name as backend 'be' declared at e.cfg:6."]);
  });
  it('duplicate server names the first line', () => {
    expect(check(`${T}backend be\n  server s 127.0.0.1:80\n  server s 127.0.0.1:81\n`)).toEqual([
      "alert e.cfg:8 backend 'be', another server named 's' was already defined at line 7, please use distinct names.",
    ]);
  });
  it('missing backends point at the rule', () => {
    expect(check(`${T}frontend fe\n  bind :80\n  use_backend api if { path_beg /api }\n  default_backend ap\nbackend app\n  server s 127.0.0.1:80\n`)).toEqual([
      "alert e.cfg:9 Proxy 'fe': unable to find required default_backend: 'ap'.",
      "alert e.cfg:8 Proxy 'fe': unable to find required use_backend: 'api'.",
    ]);
  });
  it('a missing named defaults section', () => {
    expect(check(`${T}backend be from nowhere\n  server s 127.0.0.1:80\n`)).toEqual(["alert e.cfg:6 backend 'be': unable to find defaults section 'nowhere' (it must be declared before)."]);
  });
  it('mode conflict between a frontend and its backend', () => {
    expect(check(`${T}frontend fe\n  bind :80\n  default_backend db\nbackend db\n  mode tcp\n  server s 127.0.0.1:80\n`)).toEqual([
      "alert e.cfg:8 http frontend 'fe' (e.cfg:6) tries to use incompatible tcp backend 'db' (e.cfg:9) in a 'default_backend' rule (see 'mode').",
    ]);
  });
  it('missing timeouts, with HAProxy\'s explanation', () => {
    const r = loadConfigText('frontend fe\n  bind :80\n  default_backend be\nbackend be\n  server s 127.0.0.1:80\n', 'e.cfg');
    expect(r.diags.list.map((d) => `${d.level} ${d.line} ${d.message}`)).toEqual(["warning 1 missing timeouts for frontend 'fe'.", "warning 4 missing timeouts for backend 'be'."]);
    expect(r.diags.list[0]!.details?.[0]).toBe('While not properly invalid, you will certainly encounter various problems');
  });
  it('a multiplexer the mode cannot use, on bind and server lines (checked against haproxy in the corpus)', () => {
    expect(check(`${T}listen db\n  mode tcp\n  bind :3306 proto h2\n  server d1 127.0.0.1:3307 proto h1\n  server d2 127.0.0.1:3308 proto none\n`)).toEqual([
      "alert e.cfg:8 proxy 'db' : MUX protocol 'h2' is not usable for 'bind :3306' (not with 'mode tcp').",
      "alert e.cfg:9 proxy 'db' : MUX protocol 'h1' is not usable for server 'd1' (not with 'mode tcp').",
    ]);
    expect(check(`${T}frontend fe\n  bind :80 proto none\n  bind :81 proto h2\n  default_backend be\nbackend be\n  server a 127.0.0.1:80 proto none\n  server b 127.0.0.1:81 proto fcgi\n  server c 127.0.0.1:82 proto h1\n`)).toEqual([
      "alert e.cfg:7 frontend 'fe' : MUX protocol 'none' is not usable for 'bind :80' (not with 'mode http').",
      "alert e.cfg:11 backend 'be' : MUX protocol 'none' is not usable for server 'a' (not with 'mode http').",
      "alert e.cfg:12 proxy 'be': FCGI server 'b' has no FCGI app configured.",
    ]);
  });
  it('rules out of evaluation order, and rules after a final one', () => {
    expect(check(`${T}frontend fe\n  bind :80\n  use_backend be if TRUE\n  http-request deny\n  http-request allow\nbackend be\n  server s 127.0.0.1:80\n`)).toEqual([
      "warning e.cfg:9 a 'http-request' rule placed after a 'use_backend' rule will still be processed before.",
      "warning e.cfg:10 previous 'http-request' action is final and has no condition attached, further entries are NOOP.",
      "warning e.cfg:10 a 'http-request' rule placed after a 'use_backend' rule will still be processed before.",
    ]);
  });
});

describe('removed and legacy keywords', () => {
  it('removed keywords are refused with their replacement', () => {
    expect(check(`${T}frontend fe\n  reqadd X-A:\\ b\n`)).toEqual(["alert e.cfg:7 The 'reqadd' directive is not supported anymore since HAProxy 2.1. Use 'http-request add-header' instead."]);
  });
  it('legacy forms are accepted with a warning giving the modern form', () => {
    expect(check('global\n  nbproc 2\ndefaults\n  mode http\n  contimeout 5s\n  clitimeout 5s\n  srvtimeout 5s\nlisten l 127.0.0.1:80\n  redispatch\n  server s 127.0.0.1:81\n')).toEqual([
      "notice e.cfg:2 'nbproc' was removed in HAProxy 2.5; portico reads 'nbproc 2' as 'nbthread 2' (2 worker processes).",
      "warning e.cfg:5 'contimeout' was removed in HAProxy 2.1; portico accepts it as 'timeout connect 5s'. Modern form: 'timeout connect 5s'.",
      "warning e.cfg:6 'clitimeout' was removed in HAProxy 2.1; portico accepts it as 'timeout client 5s'. Modern form: 'timeout client 5s'.",
      "warning e.cfg:7 'srvtimeout' was removed in HAProxy 2.1; portico accepts it as 'timeout server 5s'. Modern form: 'timeout server 5s'.",
      "warning e.cfg:8 'listen l 127.0.0.1:80' is the old syntax for listening addresses (HAProxy 2.6 refuses it); portico accepts it as 'bind 127.0.0.1:80'. Modern form: 'listen l' followed by 'bind 127.0.0.1:80'.",
      "warning e.cfg:9 'redispatch' was removed in HAProxy 2.1; portico accepts it as 'option redispatch'. Modern form: 'option redispatch'.",
    ]);
  });
  it('unsupported sections are skipped with a warning', () => {
    expect(check('resolvers dns\n  nameserver n 127.0.0.1:53\n')).toEqual(["warning e.cfg:1 section 'resolvers' is not supported by portico yet; its 1 line(s) are ignored."]);
  });
});

describe('userlists', () => {
  it('unknown groups and users', () => {
    expect(check('userlist u\n  user a insecure-password x groups ops\n  group adm users a,zed\n')).toEqual([
      "alert e.cfg:2 userlist 'u': no such group 'ops' for user 'a'.",
      "alert e.cfg:3 userlist 'u': no such user 'zed' in group 'adm'.",
    ]);
  });
  it('a duplicate user is ignored with a warning', () => {
    expect(check('userlist u\n  user a insecure-password x\n  user a insecure-password y\n')).toEqual(["warning e.cfg:3 ignoring duplicated user 'a' in userlist 'u'."]);
  });
});

describe('lexer errors surface through loadConfig with file:line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portico-errors-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('unmatched quote, bad escape, .alert and a lone .endif', () => {
    expect(check(`${T}frontend fe\n  http-request set-header X "abc\n`)).toEqual(['alert e.cfg:7 unmatched quote at position 29:\n  http-request set-header X "abc\n                            ^']);
    expect(check(`${T}frontend fe\n  description \\xZZ\n`)).toEqual(['alert e.cfg:7 truncated or invalid hexadecimal sequence at position 15:\n  description \\xZZ\n              ^']);
    expect(check('.alert "stop here"\n')).toEqual(["alert e.cfg:1 'stop here'."]);
    expect(check('.endif\n')).toEqual(["alert e.cfg:1 lone '.endif' with no matching '.if'."]);
  });

  it('from the second of two files', () => {
    writeFileSync(join(dir, 'a.cfg'), T);
    writeFileSync(join(dir, 'b.cfg'), 'backend be\n  server s "127.0.0.1:80\n');
    const r = loadConfig([join(dir, 'a.cfg'), join(dir, 'b.cfg')], {});
    expect(r.ok).toBe(false);
    expect(r.diags.list.map((d) => `${d.file}:${d.line}`)).toEqual([`${join(dir, 'b.cfg')}:2`]);
  });
});
