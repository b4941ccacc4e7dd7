/**
 * %U and %B in HTTP logs count messages as HAProxy holds them (src/http/htx-size.ts), not bytes
 * on the wire. The same requests, on one keep-alive connection each, through Debian's haproxy
 * 2.6 and through portico, logging "%HM %HU %ST U=%U B=%B" to stderr: every line must be the
 * same. Responses cover fixed lengths, chunked bodies with and without trailers, a body until
 * close, HTTP/1.0, a Connection header, a response denied by a rule with its body in the same
 * read, HEAD, and portico's own replies (deny, redirect, return, 503); requests with and without
 * bodies and with a Connection header.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts, hasHaproxy, type Proc } from '../harness.js';
import { logBothSides, stderrLogPreamble } from './stderr-logs.js';
import { startScriptedServer, type ScriptedServer } from '../scripted-server.js';

const HAVE = hasHaproxy();

const RESPONSES: Record<string, string> = {
  '/len': 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello',
  '/ka': 'HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nContent-Length: 5\r\n\r\nhello',
  '/fields': 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\nX-Long-Header-Name:  padded value \r\n\r\nhello',
  '/chunk': 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n3\r\nabc\r\n0\r\n\r\n',
  '/trail': 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-T: 12\r\n\r\n',
  '/hop': 'HTTP/1.1 200 OK\r\nKeep-Alive: timeout=5\r\nContent-Length: 5\r\n\r\nhello',
  '/10': 'HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello',
  '/404': 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n',
  '/teapot': "HTTP/1.1 418 I'm a teapot\r\nContent-Length: 3\r\n\r\ntea",
  '/close': 'HTTP/1.1 200 OK\r\n\r\nhello-until-close',
};

function config(port: number, origin: number, dead: number): string {
  return `${stderrLogPreamble('%HM %HU %ST U=%U B=%B')}
frontend fe
    bind 127.0.0.1:${port}
    http-request deny if { path /deny }
    http-request redirect location /elsewhere if { path /redir }
    http-request return status 200 content-type text/plain string "abc" if { path /ret }
    use_backend dead if { path /dead }
    default_backend be
backend be
    http-response deny if { status 418 }
    server s1 127.0.0.1:${origin}
backend dead
    retries 0
    server d1 127.0.0.1:${dead}
`;
}

/** The exchanges, each on a connection of its own (one request, then the client closes). */
const REQUESTS: string[] = [
  ...Object.keys(RESPONSES).map((p) => `GET ${p} HTTP/1.1\r\nhost: a.test\r\nuser-agent: t/1\r\n\r\n`),
  'GET /len HTTP/1.1\r\nhost: a.test\r\nconnection: keep-alive\r\n\r\n',
  'GET /len?q=1 HTTP/1.1\r\nhost: a.test\r\nx-req: abcdef\r\n\r\n',
  'GET /len HTTP/1.0\r\n\r\n',
  'HEAD /len HTTP/1.1\r\nhost: a.test\r\n\r\n',
  'POST /len HTTP/1.1\r\nhost: a.test\r\ncontent-type: text/plain\r\ncontent-length: 11\r\n\r\nhello=world',
  'GET /deny HTTP/1.1\r\nhost: a.test\r\n\r\n',
  'HEAD /deny HTTP/1.1\r\nhost: a.test\r\n\r\n',
  'GET /redir HTTP/1.1\r\nhost: a.test\r\n\r\n',
  'GET /ret HTTP/1.1\r\nhost: a.test\r\n\r\n',
  'HEAD /ret HTTP/1.1\r\nhost: a.test\r\n\r\n',
  'GET /dead HTTP/1.1\r\nhost: a.test\r\n\r\n',
];

describe.skipIf(!HAVE)('HTTP byte counts in logs (%U, %B) against haproxy 2.6', () => {
  let origin: ScriptedServer;
  let lines = new Map<string, string[]>();
  let procs: Proc[] = [];

  beforeAll(async () => {
    origin = await startScriptedServer((path, s) => {
      const r = RESPONSES[path.split('?')[0]!] ?? RESPONSES['/len']!;
      s.write(r);
      if (path === '/close') s.end();
    });
    const [dead] = await freePorts(1);
    ({ lines, procs } = await logBothSides((port) => config(port, origin.port, dead!), REQUESTS, (l) => / U=\d+ B=\d+$/.test(l)));
  }, 60_000);

  afterAll(async () => {
    for (const p of procs) await p.stop();
    await origin?.close();
  });

  it('logs one line per request on both sides', () => {
    for (const [name, l] of lines) expect(l.length, name).toBe(REQUESTS.length);
  });

  it('gives the same %U and %B as haproxy for every exchange', () => {
    const h = lines.get('haproxy')!;
    const p = lines.get('portico')!;
    // Sorted: each side logs in the order its transactions end.
    expect([...p].sort()).toEqual([...h].sort());
    console.log(`byte counts: ${p.length} exchanges, the same on both sides:\n${[...p].sort().join('\n')}`);
    // Counts of the internal form, not of the wire: the 503 page is 214 bytes long.
    expect(p).toContain('GET /dead 503 U=47 B=217');
  });
});
