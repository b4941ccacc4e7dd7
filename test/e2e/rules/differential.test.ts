/**
 * Differential test: Debian's haproxy 2.6 and portico run the same rules in front of the same
 * raw echo backend; for each request we compare the status line, the response headers, and the
 * request head the backend received. Skipped when haproxy is not installed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts, hasHaproxy, rawExchange, startHaproxy, type Proc } from '../harness.js';
import { startRulesPortico } from './start.js';

const dir = mkdtempSync(join(tmpdir(), 'portico-rules-diff-'));
const ERRORFILE = join(dir, '503.http');
writeFileSync(ERRORFILE, 'HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nX-Err: yes\r\n\r\ndown\n');
const RETURNFILE = join(dir, '200.http');
writeFileSync(RETURNFILE, 'HTTP/1.1 200 Fine\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nok\n');

/** Answers every request with its own head as the body, so the test sees exactly what was forwarded. */
function startRawEcho(port: number): Promise<Server> {
  const server = createServer((s) => {
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString('latin1');
      for (let end = buf.indexOf('\r\n\r\n'); end >= 0; end = buf.indexOf('\r\n\r\n')) {
        const head = buf.slice(0, end + 4);
        buf = buf.slice(end + 4);
        s.write(`HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\nx-from: echo\r\nx-list: a, b,a\r\nserver: echo/1\r\ncontent-length: ${Buffer.byteLength(head, 'latin1')}\r\n\r\n${head}`);
      }
    });
    s.on('error', () => {});
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

/** Each rule only fires for its own path prefix, so one configuration holds the whole table. */
const FRONTEND_RULES = [
  'http-request set-header X-A "%[path]-%[req.hdr(host)]" if { path_beg /sethdr }',
  'http-request add-header X-A two if { path_beg /sethdr }',
  'http-request del-header x-del -m beg if { path_beg /delhdr }',
  'http-request replace-header Cookie foo=([^;]*);(.*) foo=\\1;ip=%ci;\\2 if { path_beg /rephdr }',
  'http-request replace-value X-Fwd ^(10\\..*)$ hidden if { path_beg /repval }',
  'http-request set-path /new%[path] if { path_beg /setpath }',
  'http-request set-query y=2 if { path_beg /setquery }',
  'http-request set-uri /uri?x if { path_beg /seturi }',
  'http-request replace-path /rp/(.*) /\\1 if { path_beg /rp/ }',
  'http-request set-method POST if { path_beg /setmethod }',
  // Unconditional: haproxy 2.6.12 ignores path-strip-dotdot and percent-decode-unreserved when a
  // condition follows them (they then never change the path); no other case has '//' or '..'.
  'http-request normalize-uri path-merge-slashes',
  'http-request normalize-uri path-strip-dotdot',
  'http-request set-var(txn.p) path if { path_beg /var }',
  'http-request set-var-fmt(txn.f) "%[var(txn.p)]!%[req.hdr(host)]" if { path_beg /var }',
  'http-request set-header X-Var "%[var(txn.p)] %[var(txn.f)]" if { path_beg /var }',
  'http-request redirect location /elsewhere if { path_beg /r302 }',
  'http-request redirect location /x code 301 if { path_beg /r301 }',
  'http-request redirect location /x code 303 set-cookie SEEN=1 if { path_beg /r303 }',
  'http-request redirect scheme https if { path_beg /rscheme }',
  'http-request redirect prefix https://p.example drop-query if { path_beg /rprefix }',
  'http-request redirect prefix / append-slash drop-query if { path_beg /rslash }',
  'http-request redirect location https://w.example%[path] code 308 if { path_beg /rlf }',
  'http-request return if { path_beg /ret0 }',
  'http-request return status 404 content-type text/plain string nope hdr X-R "v %[path]" if { path_beg /ret1 }',
  'http-request return status 201 content-type text/plain lf-string "hi %[path] %[req.hdr(host)]" if { path_beg /ret2 }',
  `http-request return status 200 errorfile ${RETURNFILE} if { path_beg /ret3 }`,
  'http-request deny if { path_beg /deny0 }',
  'http-request deny deny_status 429 if { path_beg /deny1 }',
  'http-request deny status 418 content-type text/plain string teapot if { path_beg /deny2 }',
  'http-request auth realm "My Realm" if { path_beg /auth }',
  'http-response set-header X-Resp "%[res.hdr(x-from)]" if { res.hdr(x-from) echo }',
  'http-response del-header server',
  'http-response replace-value x-list ^a$ A',
  'http-after-response set-header X-After "%ST"',
  'use_backend %[req.hdr(x-be)] if { req.hdr(x-be) -m found }',
  'use_backend dead if { path_beg /dead }',
  'default_backend echo',
];

interface Case {
  name: string;
  path: string;
  headers?: string[];
}

const CASES: Case[] = [
  { name: 'set-header / add-header', path: '/sethdr/a?q=1', headers: ['X-A: old'] },
  { name: 'del-header -m beg', path: '/delhdr', headers: ['X-Del-1: a', 'x-delete: b', 'X-Keep: c'] },
  { name: 'replace-header', path: '/rephdr', headers: ['Cookie: foo=bar; x=y'] },
  { name: 'replace-value', path: '/repval', headers: ['X-Fwd: 10.0.0.1, 192.168.0.1,10.1.1.1'] },
  { name: 'set-path', path: '/setpath/a?x=1' },
  { name: 'set-query', path: '/setquery?x=1' },
  { name: 'set-uri', path: '/seturi/a?b' },
  { name: 'replace-path', path: '/rp/a/b?x=1' },
  { name: 'set-method', path: '/setmethod' },
  { name: 'normalize-uri', path: '/norm//a/b/../c' },
  { name: 'set-var / set-var-fmt', path: '/var/x' },
  { name: 'redirect 302', path: '/r302' },
  { name: 'redirect 301', path: '/r301' },
  { name: 'redirect 303 set-cookie', path: '/r303' },
  { name: 'redirect scheme', path: '/rscheme/a?b=1' },
  { name: 'redirect prefix drop-query', path: '/rprefix/a?b=1' },
  { name: 'redirect append-slash', path: '/rslash/a?b=1' },
  { name: 'redirect location log-format', path: '/rlf/z' },
  { name: 'return empty', path: '/ret0' },
  { name: 'return string + hdr', path: '/ret1' },
  { name: 'return lf-string', path: '/ret2/x' },
  { name: 'return errorfile', path: '/ret3' },
  { name: 'deny', path: '/deny0' },
  { name: 'deny deny_status 429', path: '/deny1' },
  { name: 'deny with payload', path: '/deny2' },
  { name: 'auth', path: '/auth' },
  { name: 'forwarded response with http-response rules', path: '/plain' },
  { name: 'dynamic use_backend', path: '/dyn', headers: ['X-Be: echo2'] },
  { name: 'dynamic use_backend, unknown name', path: '/dyn', headers: ['X-Be: nosuch'] },
  { name: 'backend errorfile for 503', path: '/dead' },
  { name: 'monitor-uri', path: '/mon' },
];

function config(port: number, echo: number): string {
  return `global
    expose-experimental-directives
defaults
    mode http
    timeout connect 2s
    timeout client 5s
    timeout server 5s
frontend fe
    bind 127.0.0.1:${port}
    monitor-uri /mon
${FRONTEND_RULES.map((r) => `    ${r}\n`).join('')}backend echo
    server s1 127.0.0.1:${echo}
backend echo2
    http-request set-header X-Be2 yes
    server s1 127.0.0.1:${echo}
backend dead
    errorfile 503 ${ERRORFILE}
    timeout connect 200ms
    retries 0
    server gone 127.0.0.1:1
`;
}

interface Observed {
  statusLine: string;
  headers: string[];
  /** For forwarded requests: the request head the backend received; else the reply body. */
  body: string[];
}

/** What a client observes, without the framing headers that legitimately differ (connection, date). */
function observe(raw: string): Observed {
  const end = raw.indexOf('\r\n\r\n');
  const lines = raw.slice(0, end).split('\r\n');
  const headers = lines.slice(1).filter((l) => !/^(connection|date|keep-alive):/i.test(l));
  const body = raw.slice(end + 4).split('\r\n').filter((l) => l !== '' && !/^connection:/i.test(l));
  return { statusLine: lines[0]!, headers, body };
}

describe.skipIf(!hasHaproxy())('differential: haproxy 2.6 vs portico on http rules', () => {
  let echo: Server;
  let haproxy: Proc;
  let portico: Proc;
  let hPort: number, pPort: number;

  beforeAll(async () => {
    let ePort: number;
    [hPort, pPort, ePort] = await freePorts(3);
    echo = await startRawEcho(ePort);
    haproxy = await startHaproxy(config(hPort, ePort), [hPort]);
    portico = await startRulesPortico(config(pPort, ePort), [pPort]);
  }, 120_000);
  afterAll(async () => {
    await haproxy?.stop();
    await portico?.stop();
    await new Promise<void>((r) => (echo ? echo.close(() => r()) : r()));
  });

  it.each(CASES)('$name', async (c) => {
    const req = (port: number) => `GET ${c.path} HTTP/1.1\r\nHost: h.example:8080\r\n${(c.headers ?? []).map((h) => `${h}\r\n`).join('')}Connection: close\r\n\r\n`;
    const [h, p] = await Promise.all([rawExchange(hPort, req(hPort)), rawExchange(pPort, req(pPort))]);
    expect(h, 'haproxy answered').not.toBe('');
    const oh = observe(h);
    const op = observe(p);
    // The client port differs between the two runs: hide it where %ci/%cp could show it.
    expect(op).toEqual(oh);
  });
});
