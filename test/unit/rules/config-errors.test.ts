/** Rule errors at check time: file:line and haproxy 2.6's wording (checked with `haproxy -c`). */
import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../../../src/config/load.js';
import { Diagnostics } from '../../../src/core/diag.js';
import { compileProxyRules } from '../../../src/rules/index.js';
import { CFG_FILE, HEAD } from './helpers.js';

/**
 * Line 8 of the config is `line`; returns the diagnostics of compiling the rules. loadConfigText
 * compiles them already (so that `portico -c` reports rule errors); only messages from the rules
 * stage are returned, and the parse and finalize stages must have been clean.
 */
function check(line: string, extra = ''): Diagnostics {
  const text = `${HEAD}frontend fe\n  bind 127.0.0.1:8080\n${line}\n  default_backend be\nbackend be\n  server s1 127.0.0.1:9\n${extra}`;
  const loaded = loadConfigText(text, CFG_FILE);
  if (!loaded.rules) throw new Error(loaded.diags.list.map((d) => d.message).join('\n'));
  // Rules compile the same way again: the same messages, from the rules stage alone.
  const diags = new Diagnostics();
  compileProxyRules(loaded.config, diags);
  return diags;
}

function alert(line: string): string {
  const d = check(line);
  const a = d.list.find((x) => x.level === 'alert');
  if (!a) throw new Error(`no alert for ${line}: ${JSON.stringify(d.list)}`);
  expect(a.file).toBe(CFG_FILE);
  expect(a.line).toBe(8);
  return a.message;
}

const PREFIX = (rule: string) => `error detected in frontend 'fe' while parsing '${rule}' rule : `;

describe('rule errors', () => {
  it.each([
    ['http-request deny status 403 string "x"', 'http-request deny', 'a content type must be defined when non-empty payload is configured.'],
    ['http-request deny deny_status 418', 'http-request deny', "status code '418' not handled by default with 'default-errorfiles' argument.."],
    ['http-request set-header X', 'http-request set-header', 'expects exactly 2 arguments.'],
    ['http-request set-header X-Y %[status]', 'http-request set-header', "needs 'HTTP response' which is not available here."],
    ['http-response set-header X %[path]', 'http-response set-header', "needs 'HTTP request headers' which is not available here."],
    ['http-request redirect location', 'http-request redirect', "missing argument for 'location'."],
    ['http-request redirect location /x code 305', 'http-request redirect', "'code': unsupported HTTP code '305' (must be one of 301, 302, 303, 307 or 308)."],
    ['http-request redirect foo /x', 'http-request redirect', "expects 'code', 'prefix', 'location', 'scheme', 'set-cookie', 'clear-cookie', 'drop-query', 'ignore-empty' or 'append-slash' (was 'foo')."],
    ['http-request set-var(foo) str(a)', 'http-request set-var(foo)', "invalid variable name 'foo'. A variable name must be start by its scope."],
    ['http-request set-var(txn.a)', 'http-request set-var(txn.a)', 'missing fetch method.'],
    ['http-request del-header x -m foo', 'http-request del-header', "-m with unsupported matching method 'foo'."],
    ['http-request replace-header x "(" y', 'http-request replace-header', "regex '(' is invalid"],
    ['http-request return status 99', 'http-request return', "Unexpected status code '99'."],
    ['http-request return status 200 errorfile /nonexist', 'http-request return', "error opening file '/nonexist'."],
    ['http-request auth realm', 'http-request auth', 'missing realm value.'],
    ['http-request set-path', 'http-request set-path', 'expects exactly 1 argument <format>.'],
    ['http-request capture req.hdr(host)', 'http-request capture', "expects <expression> [ 'len' <length> | id <idx> ]."],
    ['http-request wait-for-body', 'http-request wait-for-body', 'expects time <time> [ at-least <bytes> ].'],
    ['http-request set-log-level foo', 'http-request set-log-level', "expects exactly 1 argument (log level name or 'silent')."],
    ['http-request return status 200 content-type text/plain string "x" hdr', 'http-request return', "'hdr' expects <name> and <value> as arguments."],
    ['http-request set-header X %[nosuchfetch]', 'http-request set-header', "unknown fetch method 'nosuchfetch'"],
    ['http-request normalize-uri foo', 'http-request normalize-uri', "unknown normalizer 'foo'"],
    ['http-request use-service lua.x', 'http-request use-service', "unknown service 'lua.x'"],
  ])('%s', (line, rule, msg) => {
    const m = alert(`  ${line}`);
    expect(m.startsWith(PREFIX(rule))).toBe(true);
    expect(m).toContain(msg);
  });

  it("misplaced words are reported as haproxy does ('http-request deny' expects either 'if' or 'unless' ...)", () => {
    expect(alert('  http-request deny status 200 foo')).toBe("'http-request deny' expects either 'if' or 'unless' followed by a condition but found 'foo'.");
  });

  it('unknown ACLs in conditions get a suggestion', () => {
    const d = check('  acl is_api path_beg /api\n  http-request deny if is_apii');
    expect(d.list[0]).toMatchObject({ level: 'alert', line: 9 });
    expect(d.list[0]!.message).toContain("no such ACL : 'is_apii'; did you mean 'is_api' maybe ?");
  });

  it('use_backend conditions and dynamic names are checked', () => {
    expect(alert('  use_backend be if { nosuch_fetch x }')).toContain("unknown fetch method 'nosuch_fetch'");
    expect(alert('  use_backend %[nosuchfetch]')).toContain("unknown fetch method 'nosuchfetch'");
  });

  it('use-server must name a server of the backend', () => {
    const d = check('', 'backend b2\n  use-server nope if TRUE\n  server s 127.0.0.1:9\n');
    expect(d.list[0]).toMatchObject({ level: 'alert', line: 13, message: "proxy 'b2' : unable to find server 'nope' referenced in a 'use-server' rule." });
  });

  it('an unreadable errorfile is an alert at its line', () => {
    const d = check('  http-error status 503 content-type text/plain file /nonexistent/x');
    expect(d.list[0]).toMatchObject({ level: 'alert', line: 8 });
    expect(d.list[0]!.message).toContain("failed to open file '/nonexistent/x'");
  });

  it('actions portico does not run yet draw a warning naming the line, never silence', () => {
    const d = check('  http-request do-resolve(txn.ip,dns) hdr(host)');
    expect(d.alerts).toBe(0);
    expect(d.list[0]).toMatchObject({ level: 'warning', line: 8, message: "'http-request do-resolve' is not supported by portico yet; this rule is ignored." });
  });

  it('rules inherited from a defaults section are reported once', () => {
    const text = `defaults\n  mode http\n  timeout client 5s\n  timeout server 5s\n  timeout connect 5s\n  http-request set-header X\nfrontend a\n  bind 127.0.0.1:8080\n  default_backend be\nfrontend b\n  bind 127.0.0.1:8081\n  default_backend be\nbackend be\n  server s1 127.0.0.1:9\n`;
    const loaded = loadConfigText(text, CFG_FILE);
    const diags = new Diagnostics();
    compileProxyRules(loaded.config, diags);
    expect(diags.list.filter((d) => d.message.includes('expects exactly 2 arguments'))).toHaveLength(1);
  });

  it('a valid configuration compiles without diagnostics', () => {
    const d = check('  acl url_ms1 path_beg -i /ms1/\n  http-request redirect scheme https code 301 if !{ ssl_fc }\n  http-request set-header X-Forwarded-Proto https if { ssl_fc }\n  http-request return status 200 content-type text/plain lf-string "ok %[src]" if { path /health }\n  use_backend be if url_ms1');
    expect(d.list).toEqual([]);
  });
});
