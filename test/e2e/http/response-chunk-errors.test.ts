/**
 * A server's bad chunked framing: when the bad chunk comes in the same read as the response head,
 * HAProxy 2.6 has not forwarded anything yet and answers 502 (logged PH, no response time), the
 * client connection staying open; when it comes later, the head is already out and the
 * connection is cut (SD).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScriptedServer, type ScriptedServer } from '../scripted-server.js';
import { freePorts, startPortico, type Proc } from '../harness.js';
import { exchange, splitResponses, until } from '../http-diff/lib.js';

const H = 'Host: t\r\n';
const CHUNKED = 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n';

function startServer(): Promise<ScriptedServer> {
  return startScriptedServer((path, s) => {
    if (path === '/bad-same') s.write(`${CHUNKED}5\r\nhello\r\nzz\r\n`);
    else if (path === '/bad-later') {
      s.write(`${CHUNKED}5\r\nhello\r\n`);
      setTimeout(() => s.writable && s.write('zz\r\n'), 80);
    } else s.write(`HTTP/1.1 200 OK\r\ncontent-length: ${path.length}\r\n\r\n${path}`);
  });
}

describe('bad chunked framing from a server', () => {
  let srv: Awaited<ReturnType<typeof startServer>>;
  let portico: Proc;
  let port: number;

  beforeAll(async () => {
    srv = await startServer();
    [port] = await freePorts(1);
    portico = await startPortico(`global
    log stdout format raw local0
defaults
    mode http
    log global
    option httplog
    timeout connect 2s
    timeout client 5s
    timeout server 5s
listen basic
    bind 127.0.0.1:${port}
    server s1 127.0.0.1:${srv.port}
`, [port!]);
  });
  afterAll(async () => {
    await portico?.stop();
    await srv?.close();
  });

  const logLine = async (path: string) => {
    await until(() => portico.stdout.some((l) => l.includes(`"GET ${path} `)), 1500);
    return portico.stdout.find((l) => l.includes(`"GET ${path} `)) ?? '';
  };

  it('in the same read as the head: 502 before anything is forwarded, logged PH, connection kept', async () => {
    const ex = await exchange(port, [`GET /bad-same HTTP/1.1\r\n${H}\r\n`, { wait: 150 }, `GET /next HTTP/1.1\r\n${H}Connection: close\r\n\r\n`], 1000);
    expect(splitResponses(ex.raw).map((r) => `${r.statusLine} ${r.body.startsWith('<html>') ? 'page' : r.body}`)).toEqual(['HTTP/1.1 502 Bad Gateway page', 'HTTP/1.1 200 OK /next']);
    // No response time (Tr -1) and PH: as a bad response head.
    expect(await logLine('/bad-same')).toMatch(/ \d+\/\d+\/\d+\/-1\/\d+ 502 \d+ - - PH-- /);
  });

  it('in a later read: the head is already out, the connection is cut (SD)', async () => {
    const ex = await exchange(port, [`GET /bad-later HTTP/1.1\r\n${H}\r\n`], 1000);
    expect(ex.raw).toBe('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n');
    expect(ex.closed).toBe(true);
    expect(await logLine('/bad-later')).toMatch(/ 200 \d+ - - SD-- /);
  });
});
