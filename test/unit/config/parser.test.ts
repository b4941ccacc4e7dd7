import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../../../src/config/load.js';
import { formatDiagnostic } from '../../../src/core/diag.js';

function load(text: string, env: Record<string, string> = {}) {
  const r = loadConfigText(text, 't.cfg', env);
  const messages = r.diags.list.map((d) => `${d.level} ${d.line ?? '-'} ${d.message}`);
  return { ...r, messages };
}

const TIMEOUTS = 'defaults\n  mode http\n  timeout connect 5s\n  timeout client 5s\n  timeout server 5s\n';

describe('sections and defaults', () => {
  it('parses the classic tutorial layout', () => {
    const { config, ok, messages } = load(`${TIMEOUTS}frontend fe
  bind *:80
  acl url_ms1 path_beg -i /ms1/
  use_backend ms1 if url_ms1
  default_backend ms1
backend ms1
  balance roundrobin
  cookie HA_STICKY_ms1 insert indirect nocache
  server ms1.srv1 127.0.0.1:8080 cookie ms1.srv1 maxconn 300 check inter 2000ms rise 2 fall 3
`);
    expect(messages).toEqual([]);
    expect(ok).toBe(true);
    const [fe, be] = config.proxies;
    expect(fe!.mode).toBe('http');
    expect(fe!.timeouts).toEqual({ connect: 5000, client: 5000, server: 5000 });
    expect(fe!.binds[0]!.addresses).toEqual([{ kind: 'inet', family: 'any', host: '', port: 80 }]);
    expect(fe!.useBackends).toEqual([{ name: 'ms1', dynamic: false, cond: ['if', 'url_ms1'], where: { file: 't.cfg', line: 9 } }]);
    expect(be!.cookie).toMatchObject({ name: 'HA_STICKY_ms1', mode: 'insert', indirect: true, nocache: true });
    const s = be!.servers[0]!;
    expect(s).toMatchObject({ name: 'ms1.srv1', host: '127.0.0.1', port: 8080, cookie: 'ms1.srv1', maxconn: 300 });
    expect(s.check).toEqual({ check: true, inter: 2000, rise: 2, fall: 3 });
  });

  it('copies the last defaults section into each proxy, and named defaults with from', () => {
    const { config, ok } = load(`defaults base
  mode http
  timeout client 1s
  timeout connect 1s
  timeout server 1s
  option forwardfor
defaults
  mode tcp
  timeout client 2s
  timeout connect 2s
  timeout server 2s
backend a
  server s 127.0.0.1:1
backend b from base
  server s 127.0.0.1:1
`);
    expect(ok).toBe(true);
    expect(config.proxies[0]!.mode).toBe('tcp');
    expect(config.proxies[0]!.timeouts.client).toBe(2000);
    expect(config.proxies[1]!.mode).toBe('http');
    expect(config.proxies[1]!.options.forwardfor).toBe(true);
    expect(config.proxies[1]!.from).toBe('base');
  });

  it('keeps connection modes exclusive and honours no/default option', () => {
    const { config } = load(`${TIMEOUTS}  option httpclose
backend b
  option http-server-close
  no option http-buffer-request
  option dontlognull
  default option dontlognull
`);
    const b = config.proxies[0]!;
    expect(b.options).toEqual({ 'http-server-close': true, 'http-buffer-request': false });
  });
});

describe('errors name the file, the line and the keyword', () => {
  it('suggests the closest keyword and option', () => {
    const { messages, ok } = load(`${TIMEOUTS}frontend fe
  bind :80
  defualt_backend be
  option httplogg
backend be
`);
    expect(ok).toBe(false);
    expect(messages).toContain("alert 8 unknown keyword 'defualt_backend' in 'frontend' section; did you mean 'default_backend' maybe ?");
    expect(messages).toContain("alert 9 unknown option 'httplogg'; did you mean 'httplog' maybe ?");
  });

  it('refuses an option forwardfor/originalto except that is not a network, as HAProxy', () => {
    const { messages } = load(`${TIMEOUTS}frontend f
  bind :80
  option forwardfor except foo
  option originalto except 10.0.0.0/8
  option forwardfor except 2001:db8::/32 header X-Real-IP if-none
`);
    expect(messages).toEqual(["alert 8 'option forwardfor except' expects <address>[/mask] as argument."]);
  });

  it('says where a keyword belongs', () => {
    const { messages } = load(`frontend fe
  daemon
global
  bind :80
`);
    expect(messages).toEqual([
      "alert 2 unknown keyword 'daemon' in 'frontend' section; it is only valid in the 'global' section.",
      "alert 4 unknown keyword 'bind' in 'global' section; it is only valid in the 'frontend', 'listen' or 'backend' sections.",
    ]);
  });

  it('warns and ignores a keyword on the wrong side, refuses a server in a frontend', () => {
    const { messages } = load(`${TIMEOUTS}frontend f
  bind :80
  balance roundrobin
  server s 127.0.0.1:80
`);
    expect(messages).toContain("warning 8 'balance' ignored because frontend 'f' has no backend capability.");
    expect(messages).toContain("alert 9 'server' not allowed because frontend 'f' has no backend capability.");
  });

  it('reports bad values in server lines with the server name', () => {
    const { messages } = load(`${TIMEOUTS}backend b
  server w1 127.0.0.1:abc
  server w2 127.0.0.1:80 weight 300
  server w3 127.0.0.1:80 nosuchopt
  server w4 127.0.0.1:80 inter 2x
`);
    expect(messages).toEqual([
      "alert 7 'server b/w1' : invalid character 'a' in port number 'abc' in '127.0.0.1:abc'",
      "alert 8 'server b/w2' : weight of server w2 is not within 0 and 256 (300).",
      "alert 9 'server b/w3' : unknown keyword 'nosuchopt'.",
      "alert 10 'server b/w4' : 'inter' : unexpected character 'x' in time value '2x' (units are us, ms, s, m, h, d)",
    ]);
  });

  it('runs finalize checks only on a clean parse, naming the line of each reference', () => {
    const { messages } = load(`${TIMEOUTS}frontend fe
  bind :80
  default_backend nope
  use_backend tcpbe
backend tcpbe
  mode tcp
  server s1 127.0.0.1:1
  server s1 127.0.0.1:2
`);
    expect(messages).toEqual([
      "alert 8 Proxy 'fe': unable to find required default_backend: 'nope'.",
      "alert 9 http frontend 'fe' (t.cfg:6) tries to use incompatible tcp backend 'tcpbe' (t.cfg:10) in a 'use_backend' rule (see 'mode').",
      "alert 13 backend 'tcpbe', another server named 's1' was already defined at line 12, please use distinct names.",
    ]);
  });

  it('warns about missing timeouts in HAProxy words', () => {
    const { diags } = load('frontend f\n  bind :8\n  default_backend b\nbackend b\n  server s 127.0.0.1:1\n');
    expect(formatDiagnostic(diags.list[0]!, 1)).toBe(
      "[WARNING]  (1) : config : parsing [t.cfg:1] : missing timeouts for frontend 'f'.\n" +
        '   | While not properly invalid, you will certainly encounter various problems\n' +
        '   | with such a configuration. To fix this, please ensure that all following\n' +
        "   | timeouts are set to a non-zero value: 'client', 'connect', 'server'.",
    );
  });

  it('detects duplicate proxies with overlapping capabilities only', () => {
    const { messages } = load(`${TIMEOUTS}frontend fe
  bind :80
  default_backend fe
backend fe
  server s 127.0.0.1:1
frontend fe
  bind :81
`);
    expect(messages).toEqual(["alert 11 frontend 'fe' has the same name as frontend 'fe' declared at t.cfg:6."]);
  });
});

describe('legacy forms', () => {
  it('accepts listen NAME ADDR:PORT, redispatch and contimeout with the modern spelling', () => {
    const { messages, ok, config } = load(`listen web 0.0.0.0:8080
  mode http
  redispatch
  contimeout 5000
  clitimeout 50000
  srvtimeout 50000
  server s 127.0.0.1:80
`);
    expect(ok).toBe(true);
    expect(messages[0]).toMatch(/^warning 1 'listen web 0.0.0.0:8080' is the old syntax .* Modern form: 'listen web' followed by 'bind 0.0.0.0:8080'\.$/);
    expect(messages[1]).toBe("warning 3 'redispatch' was removed in HAProxy 2.1; portico accepts it as 'option redispatch'. Modern form: 'option redispatch'.");
    expect(messages[2]).toContain("'timeout connect 5000'");
    const l = config.proxies[0]!;
    expect(l.binds[0]!.addresses[0]).toMatchObject({ host: '0.0.0.0', port: 8080 });
    expect(l.options.redispatch).toBe(true);
    expect(l.timeouts).toEqual({ connect: 5000, client: 50000, server: 50000 });
  });

  it('alerts on removed regex rewrites with their replacement', () => {
    const { messages } = load(`${TIMEOUTS}frontend f
  bind :80
  reqadd X-Forwarded-Proto:\\ https
  rspidel ^Server:.*
`);
    expect(messages).toEqual([
      "alert 8 The 'reqadd' directive is not supported anymore since HAProxy 2.1. Use 'http-request add-header' instead.",
      "alert 9 The 'rspidel' directive is not supported anymore since HAProxy 2.1. Use 'http-response del-header' instead.",
    ]);
  });
});

describe('production configs load', () => {
  it('accepts tuning and process keywords that mean nothing for portico, without errors', () => {
    const { ok, messages } = load(`global
  daemon
  nbthread 4
  cpu-map auto:1/1-4 0-3
  tune.ssl.default-dh-param 2048
  tune.bufsize 32768
  noepoll
  ssl-default-bind-options ssl-min-ver TLSv1.2 no-tls-tickets
  stats socket /run/haproxy/admin.sock mode 660 level admin expose-fd listeners
  stats timeout 30s
  log /dev/log local0
  log 127.0.0.1:514 local1 notice
`);
    expect(messages).toEqual([]);
    expect(ok).toBe(true);
  });

  it('warns, without failing, on valid HAProxy sections portico does not run yet', () => {
    const { ok, messages } = load(`resolvers dns
  nameserver dns1 10.0.0.1:53
  hold valid 10s
peers mypeers
  peer a 127.0.0.1:1024
`);
    expect(ok).toBe(true);
    expect(messages).toEqual([
      "warning 1 section 'resolvers' is not supported by portico yet; its 2 line(s) are ignored.",
      "warning 4 section 'peers' is not supported by portico yet; its 1 line(s) are ignored.",
    ]);
  });
});
