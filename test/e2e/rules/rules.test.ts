/** The rules engine end to end: the real portico in front of node echo backends on loopback. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULTS, freePorts, httpRequest, parseResponses, rawExchange, startBackend, type Backend, type Proc } from '../harness.js';
import { engineHasTarpit, startRulesPortico } from './start.js';

const dir = mkdtempSync(join(tmpdir(), 'portico-rules-e2e-'));
const ERRORFILE = join(dir, '503.http');
writeFileSync(ERRORFILE, 'HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\ndown\n');

describe('rules end to end', () => {
  let b1: Backend, b2: Backend;
  let portico: Proc;
  let port: number;

  beforeAll(async () => {
    [b1, b2] = await Promise.all([startBackend('b1'), startBackend('b2')]);
    [port] = await freePorts(1);
    portico = await startRulesPortico(
      `${DEFAULTS}    timeout tarpit 300ms
userlist users
    user admin insecure-password s3cret
frontend fe
    bind 127.0.0.1:${port}
    monitor-uri /mon
    acl url_ms1 path_beg -i /ms1/
    http-request redirect scheme https code 301 if { path_beg /secure }
    http-request return status 200 content-type text/plain lf-string "pong %[path]" if { path /ping }
    http-request deny if { path_beg /admin }
    http-request auth realm Private if { path_beg /private } !{ http_auth(users) }
    http-request tarpit if { path /tar }
    http-request set-header X-Client %[src]
    http-request del-header X-Remove
    http-request set-path /v2%[path] if { path_beg /v1 }
    http-response set-header X-Resp yes
    http-after-response set-header X-After %ST
    use_backend ms1 if url_ms1
    use_backend dead if { path_beg /dead }
    default_backend web
backend ms1
    http-request set-header X-Be ms1
    server s1 127.0.0.1:${b1.port}
backend web
    server s2 127.0.0.1:${b2.port}
backend dead
    errorfile 503 ${ERRORFILE}
    timeout connect 200ms
    retries 0
    server gone 127.0.0.1:1
`,
      [port],
    );
  }, 120_000); // may include a tsc build of dist/
  afterAll(async () => {
    await portico?.stop();
    await Promise.all([b1?.close(), b2?.close()]);
  });

  const seenBody = (r: { body: string }) => JSON.parse(r.body) as { backend: string; url: string; headers: Record<string, string> };

  it('use_backend by path, default_backend otherwise; backend rules apply', async () => {
    const a = await httpRequest(port, '/MS1/x');
    expect(seenBody(a).backend).toBe('b1');
    expect(seenBody(a).headers['x-be']).toBe('ms1');
    const b = await httpRequest(port, '/other');
    expect(seenBody(b).backend).toBe('b2');
    expect(seenBody(b).headers['x-be']).toBeUndefined();
  });

  it('header and path rewrites are what the server sees; response rules add their headers', async () => {
    const r = await httpRequest(port, '/v1/items?q=1', { headers: { 'x-remove': 'secret' } });
    const seen = seenBody(r);
    expect(seen.url).toBe('/v2/v1/items?q=1');
    expect(seen.headers['x-client']).toBe('127.0.0.1');
    expect(seen.headers['x-remove']).toBeUndefined();
    expect(r.headers['x-resp']).toBe('yes');
    expect(r.headers['x-after']).toBe('200');
  });

  it('redirect scheme https keeps the Host port', async () => {
    const raw = await rawExchange(port, 'GET /secure/x?y=1 HTTP/1.1\r\nHost: shop.example:8080\r\nConnection: close\r\n\r\n');
    // The client asked to close: HAProxy says `connection: close` last (checked on haproxy 2.6).
    expect(raw).toBe('HTTP/1.1 301 Moved Permanently\r\ncontent-length: 0\r\nlocation: https://shop.example:8080/secure/x?y=1\r\nx-after: 301\r\nconnection: close\r\n\r\n');
  });

  it('return with lf-string, deny, and monitor-uri answer locally with after-response headers', async () => {
    const pong = await httpRequest(port, '/ping');
    expect([pong.status, pong.body, pong.headers['content-type'], pong.headers['x-after']]).toEqual([200, 'pong /ping', 'text/plain', '200']);
    const denied = await httpRequest(port, '/admin/x');
    expect([denied.status, denied.headers['x-after']]).toEqual([403, '403']);
    expect(denied.body).toContain('Request forbidden by administrative rules.');
    const mon = await httpRequest(port, '/mon');
    expect([mon.status, mon.body]).toEqual([200, '<html><body><h1>200 OK</h1>\nService ready.\n</body></html>\n']);
  });

  it('auth asks for credentials and lets the right ones through', async () => {
    const no = await httpRequest(port, '/private');
    expect([no.status, no.headers['www-authenticate']]).toEqual([401, 'Basic realm="Private"']);
    const yes = await httpRequest(port, '/private', { headers: { authorization: `Basic ${Buffer.from('admin:s3cret').toString('base64')}` } });
    expect(yes.status).toBe(200);
  });

  it("the backend's errorfile is used for its 503, with after-response rules", async () => {
    const r = await httpRequest(port, '/dead');
    expect([r.status, r.body, r.headers['x-after']]).toEqual([503, 'down\n', '503']);
  });

  it('keeps the connection open after local replies (pipelined requests all answered)', async () => {
    const raw = await rawExchange(port, 'GET /ping HTTP/1.1\r\nHost: h\r\n\r\nGET /admin HTTP/1.1\r\nHost: h\r\n\r\nGET /other HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n');
    expect(parseResponses(raw).map((r) => r.status)).toEqual([200, 403, 200]);
  });

  it.skipIf(!engineHasTarpit())('tarpit holds the request for timeout tarpit, then answers 500', async () => {
    const t0 = Date.now();
    const r = await httpRequest(port, '/tar');
    expect(r.status).toBe(500);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
  });
});
