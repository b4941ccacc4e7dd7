/**
 * A response head that nothing changes is forwarded as the server sent it, when its bytes are
 * what portico would write (lower-case names, single spaces, CRLF); anything that changes it
 * (hop-by-hop fields, the client's HTTP version, cookie insertion, response rules) still applies.
 * Each expectation is checked against Debian's haproxy too when it is installed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { startScriptedServer, type ScriptedServer } from '../scripted-server.js';
import { DEFAULTS, freePorts, hasHaproxy, rawExchange, startHaproxy, startPortico, type Proc } from '../harness.js';

/** Canonical response heads by request path; /split sends its body in a second write. */
const RESPONSES: Record<string, string> = {
  '/plain': 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\nx-a: b\r\n\r\nok',
  '/ka': 'HTTP/1.1 200 OK\r\nconnection: keep-alive\r\ncontent-length: 2\r\n\r\nok',
  '/named': 'HTTP/1.1 200 OK\r\nconnection: x-hop\r\nx-hop: 1\r\nx-end: 2\r\ncontent-length: 2\r\n\r\nok',
  '/status': 'HTTP/1.1 0201 Made\r\ncontent-length: 2\r\n\r\nok',
};

/** The origin: RESPONSES by path, anything else 404. */
function startOrigin(): Promise<ScriptedServer> {
  return startScriptedServer((path, s) => {
    if (path === '/split') {
      s.write('HTTP/1.1 200 OK\r\ncontent-length: 6\r\n\r\nab');
      setTimeout(() => s.writable && s.write('cdef'), 30);
    } else {
      s.write(RESPONSES[path] ?? 'HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
    }
  });
}

const get = (path: string, version = 'HTTP/1.1') => `GET ${path} ${version}\r\nhost: x\r\n\r\n`;

/**
 * The first response on a kept-alive connection, as raw text: complete once its content-length
 * body is in (then the connection is closed), or what came within 3 s.
 */
function first(port: number, req: string): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    const s = connect({ port, host: '127.0.0.1' });
    const done = () => {
      clearTimeout(timer);
      s.destroy();
      resolve(got);
    };
    const timer = setTimeout(done, 3000);
    s.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      const end = got.indexOf('\r\n\r\n');
      const cl = /\r\ncontent-length: *(\d+)/i.exec(got.slice(0, end));
      if (end >= 0 && cl && got.length >= end + 4 + Number(cl[1])) done();
    });
    s.on('error', done);
    s.write(req);
  });
}

const sides: { label: string; proc: Proc; port: { plain: number; cookie: number; rules: number } }[] = [];
let origin: ScriptedServer;

beforeAll(async () => {
  origin = await startOrigin();
  for (const label of hasHaproxy() ? ['portico', 'haproxy'] : ['portico']) {
    const [plain, cookie, rules] = await freePorts(3);
    const cfg = `${DEFAULTS}
listen plain
    bind 127.0.0.1:${plain}
    server o 127.0.0.1:${origin.port}
listen cookie
    bind 127.0.0.1:${cookie}
    cookie SRV insert indirect nocache
    server o 127.0.0.1:${origin.port} cookie o1
listen rules
    bind 127.0.0.1:${rules}
    http-response set-header x-added yes
    http-response del-header x-a
    server o 127.0.0.1:${origin.port}
`;
    const ports = [plain!, cookie!, rules!];
    const proc = label === 'haproxy' ? await startHaproxy(cfg, ports) : await startPortico(cfg, ports);
    sides.push({ label, proc, port: { plain: plain!, cookie: cookie!, rules: rules! } });
  }
}, 30_000);

afterAll(async () => {
  for (const s of sides) await s.proc.stop();
  await origin.close();
});

describe('response heads forwarded as received', () => {
  it('an unchanged canonical head and its body arrive byte for byte', async () => {
    for (const s of sides) expect(await first(s.port.plain, get('/plain')), s.label).toBe(RESPONSES['/plain']);
  });

  it('status digits as the server wrote them', async () => {
    for (const s of sides) expect(await first(s.port.plain, get('/status')), s.label).toBe(RESPONSES['/status']);
  });

  it('a body that comes in a later read follows the head', async () => {
    for (const s of sides) expect(await first(s.port.plain, get('/split')), s.label).toBe('HTTP/1.1 200 OK\r\ncontent-length: 6\r\n\r\nabcdef');
  });

  it('hop-by-hop fields are still removed', async () => {
    for (const s of sides) expect(await first(s.port.plain, get('/ka')), s.label).toBe('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
    // Fields a response's Connection header names: portico drops them with it (RFC 9110 7.6.1, as
    // the engine's issue asks); haproxy 2.6 forwards both, so this one is portico's alone.
    const portico = sides.find((s) => s.label === 'portico')!;
    expect(await first(portico.port.plain, get('/named'))).toBe('HTTP/1.1 200 OK\r\nx-end: 2\r\ncontent-length: 2\r\n\r\nok');
  });

  it('an HTTP/1.0 client is told the connection closes', async () => {
    for (const s of sides) {
      expect(await rawExchange(s.port.plain, get('/plain', 'HTTP/1.0'), 2000), s.label).toBe('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nx-a: b\r\nconnection: close\r\n\r\nok');
    }
  });

  it('cookie insertion adds its Set-Cookie', async () => {
    for (const s of sides) {
      expect(await first(s.port.cookie, get('/plain')), s.label).toBe(
        'HTTP/1.1 200 OK\r\ncontent-length: 2\r\nx-a: b\r\nset-cookie: SRV=o1; path=/\r\n\r\nok',
      );
    }
  });

  it('http-response rules change the head', async () => {
    for (const s of sides) expect(await first(s.port.rules, get('/plain')), s.label).toBe('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nx-added: yes\r\n\r\nok');
  });
});
