/**
 * `timeout server` on both sides of a server connection's life: while a request uses it (no
 * byte for that long: 504, sH--; a slow response that keeps sending is not cut), and while it
 * waits in the idle pool (closed after that long; reused before it, here by another client with
 * `http-reuse always`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScriptedServer, type ScriptedServer } from '../scripted-server.js';
import { freePorts, httpRequest, sleep, startPortico, type Proc } from '../harness.js';

/** Answers `/` at once, `/silent` never, `/drip` with 5 body bytes 150 ms apart. */
function startServer(): Promise<ScriptedServer> {
  return startScriptedServer((path, s) => {
    if (path === '/silent') return;
    if (path === '/drip') {
      s.write('HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n');
      for (let i = 1; i <= 5; i++) setTimeout(() => s.writable && s.write('x'), i * 150);
      return;
    }
    s.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
  });
}

describe('timeout server', () => {
  let srv: Awaited<ReturnType<typeof startServer>>;
  let portico: Proc;
  let port: number;

  beforeAll(async () => {
    srv = await startServer();
    [port] = await freePorts(1);
    portico = await startPortico(
      `defaults
    mode http
    timeout connect 2s
    timeout client 5s
    timeout server 400ms
listen web
    bind 127.0.0.1:${port}
    http-reuse always
    server s1 127.0.0.1:${srv.port}
`,
      [port!],
    );
  });

  afterAll(async () => {
    await portico?.stop();
    await srv?.close();
  });

  it('a silent server gets a 504 after the timeout, not before', async () => {
    const t0 = Date.now();
    const r = await httpRequest(port, '/silent', { ms: 4000 });
    const took = Date.now() - t0;
    expect(r.status).toBe(504);
    expect(took).toBeGreaterThanOrEqual(390);
    expect(took).toBeLessThan(3000);
  });

  it('a response that keeps coming within the timeout is not cut (each byte moves it)', async () => {
    const r = await httpRequest(port, '/drip', { ms: 4000 });
    expect(r.status).toBe(200);
    expect(r.body).toBe('xxxxx');
  });

  it('an idle pooled connection is reused within the timeout and closed after it', async () => {
    await sleep(600); // connections of the earlier tests are gone
    const before = srv.opened();
    expect((await httpRequest(port, '/')).status).toBe(200);
    await sleep(150);
    expect((await httpRequest(port, '/')).status).toBe(200);
    expect(srv.opened() - before).toBe(1); // the second request reused the first one's connection
    const deadline = Date.now() + 3000;
    while (srv.sockets.size > 0 && Date.now() < deadline) await sleep(50);
    expect(srv.sockets.size).toBe(0); // portico closed it while idle (400 ms after its last use)
  });
});
