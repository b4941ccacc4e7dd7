/**
 * `server ... proto h2`: portico speaks HTTP/2 to node:http2 servers (prior knowledge on clear
 * TCP, ALPN h2 over TLS) whatever its clients speak, with bodies, trailers, connection reuse,
 * and clean failures (stream reset by the server, a server that does not speak h2).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, request as httpRequestRaw } from 'node:http';
import { connect as netConnect } from 'node:net';
import { DEFAULTS, freePorts, httpRequest, startBackend, startPortico, type Backend, type Proc } from '../harness.js';
import { h2Request, makeCerts, openH2, startH2Backend, type Certs, type H2Backend } from './h2-helpers.js';

let certs: Certs;
let be1: H2Backend, be2: H2Backend, tlsBe: H2Backend, proxied: H2Backend;
let h1only: Backend;
let portico: Proc;
let h1Port: number, h2cPort: number, deadPort: number;

/** A request on a keep-alive agent: resolves with status, headers, body and trailers. */
function get(agent: Agent, path: string, opts: { method?: string; body?: string; chunks?: string[]; trailers?: Record<string, string> } = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string; trailers: Record<string, string> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequestRaw({ host: '127.0.0.1', port: h1Port, path, method: opts.method ?? 'GET', agent, headers: opts.chunks ? { 'transfer-encoding': 'chunked', ...(opts.trailers ? { trailer: Object.keys(opts.trailers).join(', ') } : {}) } : {} }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body, trailers: res.trailers as Record<string, string> }));
    });
    req.setTimeout(5000, () => req.destroy(new Error(`${path} timed out`)));
    req.on('error', reject);
    if (opts.chunks) {
      for (const c of opts.chunks) req.write(c);
      if (opts.trailers) req.addTrailers(opts.trailers);
    } else if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

beforeAll(async () => {
  certs = makeCerts();
  [be1, be2, tlsBe, proxied] = await Promise.all([startH2Backend('h2-a'), startH2Backend('h2-b'), startH2Backend('h2-tls', certs), startH2Backend('h2-proxied', undefined, { proxyProtocol: true })]);
  h1only = await startBackend('h1-only');
  [h1Port, h2cPort, deadPort] = await freePorts(3);
  portico = await startPortico(
    `${DEFAULTS}frontend fe
    bind 127.0.0.1:${h1Port}
    bind 127.0.0.1:${h2cPort} proto h2
    use_backend tlsh2 if { path_beg /tls }
    use_backend broken if { path_beg /broken }
    use_backend dead if { path_beg /dead }
    use_backend proxied if { path_beg /proxied }
    default_backend h2c
backend h2c
    balance roundrobin
    server a 127.0.0.1:${be1.port} proto h2
    server b 127.0.0.1:${be2.port} proto h2
backend tlsh2
    server t 127.0.0.1:${tlsBe.port} proto h2 ssl verify required ca-file ${certs.dir}/ca.crt alpn h2 sni str(a.test)
backend broken
    server x 127.0.0.1:${h1only.port} proto h2
backend proxied
    server p 127.0.0.1:${proxied.port} proto h2 send-proxy
backend dead
    retries 0
    server d 127.0.0.1:${deadPort} proto h2
`,
    [h1Port, h2cPort],
  );
});

afterAll(async () => {
  await portico?.stop();
  await Promise.all([be1?.close(), be2?.close(), tlsBe?.close(), proxied?.close(), h1only?.close()]);
});

const seenAll = () => [...be1.seen, ...be2.seen];

describe('server proto h2', () => {
  it('sends an HTTP/1.1 request as an h2 stream, as HAProxy 2.6 builds it', async () => {
    const r = await httpRequest(h1Port, '/first?q=1', { headers: { 'x-client': 'h1', cookie: 'a=1; b=2' } });
    expect(r.status).toBe(200);
    // No reason phrase in HTTP/2: the status line has an empty one.
    expect(JSON.parse(r.body)).toMatchObject({ method: 'GET', path: '/first?q=1', scheme: 'https' });
    const seen = seenAll().find((s) => s.path === '/first?q=1')!;
    // Origin form: :scheme https, and the Host field stays a field (no authority in the request line).
    expect(seen.raw.slice(0, 8)).toEqual([':method', 'GET', ':scheme', 'https', ':path', '/first?q=1', 'host', `127.0.0.1:${h1Port}`]);
    const names = seen.raw.filter((_, i) => i % 2 === 0);
    expect(names).toContain('x-client');
    expect(names).not.toContain(':authority');
    // Connection-specific fields never reach an h2 server.
    expect(names).not.toContain('connection');
    expect(r.headers['x-backend']).toMatch(/^h2-[ab]$/);
    const abs = await httpRequest(h1Port, 'http://abs.test:8081/absolute', { headers: { host: 'abs.test:8081' } });
    expect(abs.status).toBe(200);
    const seenAbs = seenAll().find((s) => s.path === '/absolute')!;
    expect(seenAbs.raw.slice(0, 8)).toEqual([':method', 'GET', ':scheme', 'http', ':authority', 'abs.test:8081', ':path', '/absolute']);
  });

  it('forwards request bodies (content-length and chunked with trailers) and response trailers', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const post = await get(agent, '/post', { method: 'POST', body: 'x'.repeat(200_000) });
      expect(JSON.parse(post.body).body.length).toBe(200_000);
      const chunked = await get(agent, '/chunked-up', { method: 'POST', chunks: ['one,', 'two,', 'three'], trailers: { 'x-req-sum': '7' } });
      expect(JSON.parse(chunked.body).body).toBe('one,two,three');
      expect(seenAll().find((s) => s.path === '/chunked-up')!.trailers?.['x-req-sum']).toBe('7');
      const t = await get(agent, '/trailers');
      expect(t.body).toBe('part one,part two');
      expect(t.headers['transfer-encoding']).toBe('chunked');
      expect(t.trailers['x-checksum']).toBe('abc123');
      const big = await get(agent, '/size/2000000');
      expect(big.body.length).toBe(2_000_000);
    } finally {
      agent.destroy();
    }
  });

  it('answers an HTTP/1.0 client as HAProxy 2.6 does: empty reason, chunked body, then close', async () => {
    const raw = await new Promise<string>((resolve) => {
      let got = '';
      const s = netConnect(h1Port, '127.0.0.1', () => s.write('GET /trailers HTTP/1.0\r\n\r\n'));
      const t = setTimeout(() => s.destroy(), 4000);
      s.on('data', (d) => (got += d.toString('latin1')));
      s.on('error', () => {});
      s.on('close', () => {
        clearTimeout(t);
        resolve(got);
      });
    });
    expect(raw).toMatch(/^HTTP\/1\.1 200 \r\n/);
    expect(raw).toContain('\r\ntransfer-encoding: chunked\r\n');
    expect(raw).toContain('\r\nconnection: close\r\n');
    const body = raw.slice(raw.indexOf('\r\n\r\n') + 4);
    expect(body.replace(/(^|\r\n)[0-9a-f]+\r\n/g, '$1').replace(/\r\n/g, '')).toBe('part one,part twox-checksum: abc123');
    expect(body.endsWith('0\r\nx-checksum: abc123\r\n\r\n')).toBe(true);
  });

  it('reuses server connections across requests (one h2 session per server connection)', async () => {
    const before = be1.sessions + be2.sessions;
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (let i = 0; i < 10; i++) expect((await get(agent, `/reuse${i}`)).status).toBe(200);
    } finally {
      agent.destroy();
    }
    // First request on a fresh server connection each (http-reuse safe), later ones reuse them.
    expect(be1.sessions + be2.sessions - before).toBeLessThanOrEqual(3);
    const ports = new Set(seenAll().filter((s) => s.path.startsWith('/reuse')).map((s) => s.remotePort));
    expect(ports.size).toBeLessThanOrEqual(3);
  });

  it('speaks h2 over TLS with alpn h2 and verifies the server', async () => {
    const r = await httpRequest(h1Port, '/tls/secure');
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ path: '/tls/secure', scheme: 'https' });
    expect(tlsBe.seen.at(-1)!.raw).toContain('host');
  });

  it('carries h2 clients to h2 servers', async () => {
    const s = await openH2(`http://127.0.0.1:${h2cPort}`);
    s.on('error', () => {});
    try {
      const rs = await Promise.all(Array.from({ length: 6 }, (_, i) => h2Request(s, { ':path': `/both${i}`, ':method': 'POST', cookie: ['c1=1', 'c2=2'] }, { body: `b${i}`, trailers: { 'x-t': String(i) } })));
      expect(rs.every((r) => r.status === 200)).toBe(true);
      expect(new Set(rs.map((r) => r.headers['x-backend']))).toEqual(new Set(['h2-a', 'h2-b']));
      expect(rs.map((r) => JSON.parse(r.body.toString()).body).sort()).toEqual(['b0', 'b1', 'b2', 'b3', 'b4', 'b5']);
      const seen = seenAll().find((x) => x.path === '/both0')!;
      // The client's two cookie fields were joined into one for the engine.
      const cookies = seen.raw.filter((_, i) => i % 2 === 1 && seen.raw[i - 1] === 'cookie');
      expect(cookies).toEqual(['c1=1; c2=2']);
      const t = await h2Request(s, { ':path': '/trailers' });
      expect(t.body.toString()).toBe('part one,part two');
      expect(t.trailers?.['x-checksum']).toBe('abc123');
    } finally {
      s.close();
    }
  });

  it('answers 502 when the server resets the stream or does not speak h2, 503 when it is down', async () => {
    expect((await httpRequest(h1Port, '/reset')).status).toBe(502);
    expect((await httpRequest(h1Port, '/broken/x')).status).toBe(502);
    expect((await httpRequest(h1Port, '/dead/x')).status).toBe(503);
    // Still serving.
    expect((await httpRequest(h1Port, '/after-errors')).status).toBe(200);
  });

  it('sends the PROXY header before the HTTP/2 preface (send-proxy)', async () => {
    const r = await httpRequest(h1Port, '/proxied/x');
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ path: '/proxied/x' });
    expect(proxied.proxyLines.at(-1)).toMatch(new RegExp(`^PROXY TCP4 127\\.0\\.0\\.1 127\\.0\\.0\\.1 \\d+ ${h1Port}$`));
  });

  it('ends the response short when the server dies in the middle of the body', async () => {
    const raw = await new Promise<string>((resolve) => {
      let got = '';
      const s = netConnect(h1Port, '127.0.0.1', () => s.write('GET /die HTTP/1.1\r\nhost: x\r\n\r\n'));
      const t = setTimeout(() => s.destroy(), 4000);
      s.on('data', (d) => (got += d.toString('latin1')));
      s.on('error', () => {});
      s.on('close', () => {
        clearTimeout(t);
        resolve(got);
      });
    });
    expect(raw).toMatch(/^HTTP\/1\.1 200 /);
    expect(raw).toContain('content-length: 1000');
    // 100 bytes of the 1000 announced, then the connection closed.
    expect(raw.length - raw.indexOf('\r\n\r\n') - 4).toBe(100);
    expect((await httpRequest(h1Port, '/after-die')).status).toBe(200);
  });

  it('survives a client that leaves while an h2 server answers', async () => {
    await new Promise<void>((resolve) => {
      const s = netConnect(h1Port, '127.0.0.1', () => {
        s.write('GET /size/5000000 HTTP/1.1\r\nhost: x\r\n\r\n');
        s.once('data', () => {
          s.destroy();
          resolve();
        });
      });
      s.on('error', () => resolve());
    });
    expect((await httpRequest(h1Port, '/after-abort')).status).toBe(200);
  });
});
