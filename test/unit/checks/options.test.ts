import { describe, expect, it } from 'vitest';
import { compileProxyChecks, newProxyCheckConfig, parseCheckOption, parseHttpCheck, parseTcpCheck, resolveServerChecks, SERVER_CHECK_KEYWORDS, type ServerCheckOptions } from '../../../src/checks/options.js';
import { serializeHttpRequest } from '../../../src/checks/kinds.js';

function server(words: string[]): { opts: ServerCheckOptions; errors: string[] } {
  const opts: ServerCheckOptions = {};
  const errors: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const kw = SERVER_CHECK_KEYWORDS.find((k) => k.keyword === words[i]);
    if (!kw) throw new Error(`no keyword ${words[i]}`);
    const r = kw.apply(opts, words.slice(i + 1, i + 1 + kw.args));
    if ('error' in r) errors.push(r.error);
    i += kw.args;
  }
  return { opts, errors };
}

describe('server check options', () => {
  it('check inter 2000 rise 2 fall 3 and defaults', () => {
    const { opts, errors } = server(['check', 'inter', '2000', 'rise', '2', 'fall', '3']);
    expect(errors).toEqual([]);
    expect(resolveServerChecks(opts)).toMatchObject({ check: true, inter: 2000, fastinter: 2000, downinter: 2000, rise: 2, fall: 3, errorLimit: 10, onError: 'fail-check' });
    expect(resolveServerChecks({})).toMatchObject({ check: false, inter: 2000, rise: 2, fall: 3, agentInter: 2000 });
  });
  it('units, agent, observe, track', () => {
    const { opts, errors } = server(['inter', '1s', 'fastinter', '500ms', 'downinter', '1m', 'port', '8080', 'addr', '10.0.0.2', 'agent-check', 'agent-port', '9999', 'agent-send', 'hi\n', 'observe', 'layer7', 'error-limit', '5', 'on-error', 'mark-down', 'slowstart', '30s', 'track', 'be/s2', 'check-send-proxy', 'init-state', 'fully-down']);
    expect(errors).toEqual([]);
    expect(opts).toMatchObject({ inter: 1000, fastinter: 500, downinter: 60000, port: 8080, addr: '10.0.0.2', agentCheck: true, agentPort: 9999, agentSend: 'hi\n', observe: 'layer7', errorLimit: 5, onError: 'mark-down', slowstart: 30000, track: { proxy: 'be', server: 's2' }, checkSendProxy: true, initState: 'fully-down' });
  });
  it('errors', () => {
    expect(server(['rise', '0']).errors).toEqual(["'rise' has to be > 0."]);
    expect(server(['fall', 'x']).errors).toEqual(["'fall' expects an integer argument."]);
    expect(server(['port', '70000']).errors).toEqual(["'port' expects a valid TCP port (from range 1 to 65535), got 70000."]);
    expect(server(['on-error', 'explode']).errors).toEqual(["'on-error' expects one of 'fastinter', 'fail-check', 'sudden-death' or 'mark-down' but got 'explode'."]);
    expect(server(['inter', '2x']).errors[0]).toMatch(/^'inter' : unexpected character 'x'/);
  });
});

describe('proxy check keywords', () => {
  it('option httpchk + http-check send/expect compile to one request and one expect', () => {
    const cfg = newProxyCheckConfig();
    expect(parseCheckOption(['option', 'httpchk', 'GET', '/h', 'HTTP/1.1'], cfg)).toEqual({ ok: true });
    expect(parseHttpCheck(['http-check', 'send', 'hdr', 'Host', 'x'], cfg)).toEqual({ ok: true });
    expect(parseHttpCheck(['http-check', 'expect', 'status', '200,300-310'], cfg)).toEqual({ ok: true });
    const rs = compileProxyChecks(cfg);
    expect(rs.rules.map((r) => r.type)).toEqual(['connect', 'send', 'expect']);
    const send = rs.rules[1] as { data: Parameters<typeof serializeHttpRequest>[0] };
    expect(serializeHttpRequest(send.data).toString()).toBe('GET /h HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n');
    expect(rs.rules[2]).toMatchObject({ match: { kind: 'status', ranges: [[200, 200], [300, 310]] } });
  });
  it('implicit expect 2xx/3xx and negated regex', () => {
    const cfg = newProxyCheckConfig();
    parseCheckOption(['option', 'httpchk'], cfg);
    expect(compileProxyChecks(cfg).rules.at(-1)).toMatchObject({ match: { kind: 'status', ranges: [[200, 399]] } });
    expect(parseHttpCheck(['http-check', 'expect', '!', 'rstatus', '^5'], cfg)).toEqual({ ok: true });
    expect(cfg.httpRules.at(-1)).toMatchObject({ inverse: true, match: { kind: 'rstatus' } });
    expect(parseHttpCheck(['http-check', 'expect', 'header', 'name', 'x'], cfg)).toHaveProperty('error');
    expect(parseHttpCheck(['http-check', 'expect', 'hdr', 'name', 'set-cookie', 'value', '-m', 'beg', 'sessid='], cfg)).toEqual({ ok: true });
  });
  it('tcp-check rules and the connect-first rule', () => {
    const cfg = newProxyCheckConfig();
    parseCheckOption(['option', 'tcp-check'], cfg);
    expect(parseTcpCheck(['tcp-check', 'send', 'PING\r\n'], cfg)).toEqual({ ok: true });
    expect(parseTcpCheck(['tcp-check', 'connect', 'port', '443'], cfg)).toHaveProperty('error');
    expect(parseTcpCheck(['tcp-check', 'send-binary', '50494e47'], cfg)).toEqual({ ok: true });
    expect(parseTcpCheck(['tcp-check', 'send-binary', '5049e'], cfg)).toHaveProperty('error');
    expect(parseTcpCheck(['tcp-check', 'expect', 'min-recv', '4', 'error-status', 'L7STS', 'string', '+PONG'], cfg)).toEqual({ ok: true });
    expect(parseTcpCheck(['tcp-check', 'expect', 'error-status', 'L9', 'string', 'x'], cfg)).toHaveProperty('error');
    const rs = compileProxyChecks(cfg);
    expect(rs.kind).toBe('tcp-check');
    expect(rs.rules.map((r) => r.type)).toEqual(['connect', 'send', 'send', 'expect']);
    expect(rs.rules[3]).toMatchObject({ minRecv: 4, errorStatus: 'L7STS' });
  });
  it('protocol options', () => {
    const cfg = newProxyCheckConfig();
    expect(parseCheckOption(['option', 'pgsql-check'], cfg)).toEqual({ error: "'option pgsql-check' expects 'user <username>' as argument." });
    expect(parseCheckOption(['option', 'mysql-check', 'user', 'u', 'pre-42'], cfg)).toEqual({ error: "keyword 'user' only supports 'post-41' and 'pre-41' (got 'pre-42')." });
    expect(parseCheckOption(['option', 'mysql-check', 'user', 'u', 'pre-41'], cfg)).toEqual({ ok: true });
    expect(compileProxyChecks(cfg).name).toBe('mysql-check');
    expect(parseCheckOption(['option', 'smtpchk', 'EHLO', 'a.example'], cfg)).toEqual({ ok: true });
    expect(cfg.smtp).toEqual({ hello: 'EHLO', domain: 'a.example' });
    expect(parseCheckOption(['option', 'redis-check', 'x'], cfg)).toEqual({ error: "'option redis-check' cannot handle unexpected argument 'x'." });
    expect(parseCheckOption(['option', 'log-health-checks'], cfg)).toEqual({ ok: true });
    expect(cfg.logHealthChecks).toBe(true);
  });
});
