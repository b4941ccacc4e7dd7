/**
 * A 101 Switching Protocols is checked before the tunnel opens, as HAProxy 2.6 does: a switch to
 * WebSocket without Sec-WebSocket-Accept, or a 101 the request never asked for, is an invalid
 * response (502, logged PH, the client kept); with the header (whatever its value) or for another
 * protocol, the tunnel opens.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts, startPortico, type Proc } from '../harness.js';
import { exchange, splitResponses, startRawBackend, until, type RawBackend } from '../http-diff/lib.js';

const H = 'Host: t\r\n';
const WS = 'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n';

describe('101 responses', () => {
  let be: RawBackend;
  let portico: Proc;
  let port: number;

  beforeAll(async () => {
    be = await startRawBackend('s1');
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
    timeout tunnel 2s
listen basic
    bind 127.0.0.1:${port}
    server s1 127.0.0.1:${be.port}
`, [port!]);
  });
  afterAll(async () => {
    await portico?.stop();
    await be?.close();
  });

  const run = async (path: string, headers: string) => {
    const ex = await exchange(port, [`GET ${path} HTTP/1.1\r\n${H}${headers}\r\n`, { wait: 100 }, 'ping', { wait: 100 }], 300);
    return { first: splitResponses(ex.raw)[0]?.statusLine, echoed: ex.raw.includes('echo:ping'), closed: ex.closed };
  };
  const logOf = async (path: string) => {
    await until(() => portico.stdout.some((l) => l.includes(`"GET ${path} `)), 1500);
    return portico.stdout.filter((l) => l.includes(`"GET ${path} `)).at(-1) ?? '';
  };

  it('a valid WebSocket switch opens the tunnel', async () => {
    expect(await run('/upgrade', WS)).toEqual({ first: 'HTTP/1.1 101 Switching Protocols', echoed: true, closed: false });
  });

  it('WebSocket 101 without Sec-WebSocket-Accept: 502, PH, connection kept', async () => {
    expect(await run('/upgrade-noaccept', WS)).toEqual({ first: 'HTTP/1.1 502 Bad Gateway', echoed: false, closed: false });
    expect(await logOf('/upgrade-noaccept')).toMatch(/ 502 \d+ - - PH-- /);
  });

  it('a wrong Sec-WebSocket-Accept value is not checked (as HAProxy)', async () => {
    expect((await run('/upgrade-badaccept', WS)).first).toBe('HTTP/1.1 101 Switching Protocols');
  });

  it('a 101 to another protocol needs no accept header', async () => {
    expect((await run('/upgrade-h2c', 'Connection: Upgrade\r\nUpgrade: h2c\r\n')).first).toBe('HTTP/1.1 101 Switching Protocols');
  });

  it('a 101 to a request that did not ask for an upgrade: 502', async () => {
    expect(await run('/upgrade', '')).toEqual({ first: 'HTTP/1.1 502 Bad Gateway', echoed: false, closed: false });
    expect(await logOf('/upgrade')).toMatch(/ 502 \d+ - - PH-- /);
  });
});
