/**
 * After an error page portico generated itself (502, 503, 504, a deny), a keep-alive client
 * keeps its connection, as with HAProxy 2.6, and the next request on it gets its own response:
 * nothing of the failed exchange (a server's late bytes, an error page's body sent to a HEAD)
 * may be read by the client as part of a later response.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScriptedServer, type ScriptedServer } from '../scripted-server.js';
import { DEFAULTS, freePorts, startPortico, type Proc } from '../harness.js';
import { exchange, splitResponses } from '../http-diff/lib.js';

const H = 'Host: t\r\n';
const get = (path: string, extra = '') => `GET ${path} HTTP/1.1\r\n${H}${extra}\r\n`;
const head = (path: string) => `HEAD ${path} HTTP/1.1\r\n${H}\r\n`;

/**
 * A server reading request heads: /late answers garbage at once (a 502 for portico), then a
 * well-formed response 100 ms later on the same connection; /silent never answers; anything
 * else gets a 200 naming its path.
 */
function startServer(): Promise<ScriptedServer> {
  return startScriptedServer((path, s) => {
    if (path === '/late') {
      s.write('NOT HTTP\r\n\r\n');
      setTimeout(() => s.writable && s.write('HTTP/1.1 200 OK\r\nx-late: yes\r\ncontent-length: 4\r\n\r\nLATE'), 100);
    } else if (path !== '/silent') {
      s.write(`HTTP/1.1 200 OK\r\ncontent-length: ${path.length}\r\n\r\n${path}`);
    }
  });
}

describe('keep-alive after an error page', () => {
  let srv: Awaited<ReturnType<typeof startServer>>;
  let portico: Proc;
  let nosrv: number, basic: number, slow: number, deny: number;

  beforeAll(async () => {
    srv = await startServer();
    [nosrv, basic, slow, deny] = await freePorts(4);
    portico = await startPortico(
      `${DEFAULTS}
listen nosrv
    bind 127.0.0.1:${nosrv}
listen basic
    bind 127.0.0.1:${basic}
    server s1 127.0.0.1:${srv.port}
listen slow
    bind 127.0.0.1:${slow}
    timeout server 200ms
    server s1 127.0.0.1:${srv.port}
listen deny
    bind 127.0.0.1:${deny}
    http-request deny if { path /denied }
    server s1 127.0.0.1:${srv.port}
`,
      [nosrv, basic, slow, deny],
    );
  });
  afterAll(async () => {
    await portico?.stop();
    await srv?.close();
  });

  it('503: the connection stays open for the next request, without connection: close', async () => {
    const ex = await exchange(nosrv, [get('/a'), { wait: 100 }, get('/b')], 400);
    const rs = splitResponses(ex.raw);
    expect(rs.map((r) => r.statusLine)).toEqual(['HTTP/1.1 503 Service Unavailable', 'HTTP/1.1 503 Service Unavailable']);
    expect(rs.flatMap((r) => r.headers).filter((h) => /^connection:/i.test(h))).toEqual([]);
    expect(ex.closed).toBe(false);
  });

  it('an error page answering HEAD has no body, and the next response is read in step', async () => {
    const ex = await exchange(nosrv, [head('/a'), { wait: 100 }, get('/b', 'Connection: close\r\n')], 1000);
    // The 503 to HEAD keeps its content-length but carries no body: the next bytes are a status line.
    const first = ex.raw.indexOf('\r\n\r\n') + 4;
    expect(ex.raw.slice(0, 12)).toBe('HTTP/1.1 503');
    expect(ex.raw.slice(first, first + 12)).toBe('HTTP/1.1 503');
    expect(ex.raw.slice(0, first)).toMatch(/content-length: 107\r\n/);
    expect(ex.closed).toBe(true);
  });

  it('a denied HEAD gets the 403 head only', async () => {
    const ex = await exchange(deny, [head('/denied'), { wait: 100 }, get('/ok', 'Connection: close\r\n')], 1000);
    const first = ex.raw.indexOf('\r\n\r\n') + 4;
    expect(ex.raw.slice(0, 12)).toBe('HTTP/1.1 403');
    expect(ex.raw.slice(first)).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\n\/ok$/);
  });

  it('502: bytes the discarded server connection sends later never reach the client', async () => {
    const ex = await exchange(basic, [get('/late'), { wait: 300 }, get('/next'), { wait: 300 }, get('/last', 'Connection: close\r\n')], 1500);
    const rs = splitResponses(ex.raw);
    expect(rs.map((r) => `${r.statusLine} ${r.body.startsWith('<html>') ? 'page' : r.body}`)).toEqual([
      'HTTP/1.1 502 Bad Gateway page',
      'HTTP/1.1 200 OK /next',
      'HTTP/1.1 200 OK /last',
    ]);
    expect(ex.raw).not.toContain('LATE');
  });

  it('502 to a HEAD request, then a GET on the same connection', async () => {
    const ex = await exchange(basic, [head('/late'), { wait: 300 }, get('/after', 'Connection: close\r\n')], 1500);
    expect(splitResponses(ex.raw, [true, false]).map((r) => `${r.statusLine} ${r.body}`)).toEqual(['HTTP/1.1 502 Bad Gateway ', 'HTTP/1.1 200 OK /after']);
  });

  it('504: the next request on the connection gets its own response', async () => {
    const ex = await exchange(slow, [get('/silent'), { wait: 400 }, get('/then', 'Connection: close\r\n')], 1500);
    expect(splitResponses(ex.raw).map((r) => `${r.statusLine} ${r.body.startsWith('<html>') ? 'page' : r.body}`)).toEqual([
      'HTTP/1.1 504 Gateway Time-out page',
      'HTTP/1.1 200 OK /then',
    ]);
  });

  it('an HTTP/1.0 keep-alive client is told keep-alive on an error page', async () => {
    const ex = await exchange(nosrv, [`GET /a HTTP/1.0\r\n${H}Connection: keep-alive\r\n\r\n`], 400);
    expect(splitResponses(ex.raw)[0]!.headers).toContain('connection: keep-alive');
    expect(ex.closed).toBe(false);
  });

  it('an unfinished request body still closes the connection after the error page', async () => {
    const ex = await exchange(nosrv, [`POST /a HTTP/1.1\r\n${H}Content-Length: 10\r\n\r\nabc`], 1000);
    expect(splitResponses(ex.raw)[0]!.headers).toContain('connection: close');
    expect(ex.closed).toBe(true);
  });
});
