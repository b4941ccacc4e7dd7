import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import {
  DEFAULTS,
  freePorts,
  httpRequest,
  parseResponses,
  rawExchange,
  sleep,
  startBackend,
  startPortico,
  type Backend,
  type Proc,
} from '../harness.js';

const BODY_503 = '<html><body><h1>503 Service Unavailable</h1>\nNo server is available to handle this request.\n</body></html>\n';

describe('HTTP engine: forwarding and load balancing', () => {
  let b1: Backend, b2: Backend, b3: Backend;
  let portico: Proc;
  let rr: number, weighted: number, down: number, closing: number, leastconn: number;

  beforeAll(async () => {
    [b1, b2, b3] = await Promise.all([startBackend('b1'), startBackend('b2'), startBackend('b3')]);
    [rr, weighted, down, closing, leastconn] = await freePorts(5);
    portico = await startPortico(
      `${DEFAULTS}
frontend rr
    bind 127.0.0.1:${rr}
    option forwardfor
    default_backend rr
backend rr
    server s1 127.0.0.1:${b1.port}
    server s2 127.0.0.1:${b2.port}
    server s3 127.0.0.1:${b3.port}
listen weighted
    bind 127.0.0.1:${weighted}
    server s1 127.0.0.1:${b1.port} weight 3
    server s2 127.0.0.1:${b2.port} weight 1
listen down
    bind 127.0.0.1:${down}
    timeout connect 200ms
    retries 1
    server dead 127.0.0.1:1
listen closing
    bind 127.0.0.1:${closing}
    option httpclose
    server s1 127.0.0.1:${b1.port}
listen leastconn
    bind 127.0.0.1:${leastconn}
    balance leastconn
    server s1 127.0.0.1:${b1.port}
    server s2 127.0.0.1:${b2.port}
`,
      [rr, weighted, down, closing, leastconn],
    );
  });
  afterAll(async () => {
    await portico?.stop();
    await Promise.all([b1?.close(), b2?.close(), b3?.close()]);
  });

  it('round-robins across servers starting at the first, one request at a time', async () => {
    const order: string[] = [];
    for (let i = 0; i < 6; i++) order.push((await httpRequest(rr, `/rr${i}`)).headers['x-backend']!);
    expect(order).toEqual(['b1', 'b2', 'b3', 'b1', 'b2', 'b3']);
  });

  it('interleaves weighted servers like HAProxy (3:1)', async () => {
    const order: string[] = [];
    for (let i = 0; i < 8; i++) order.push((await httpRequest(weighted, '/w')).headers['x-backend']!);
    expect(order.filter((b) => b === 'b1')).toHaveLength(6);
    expect(order.filter((b) => b === 'b2')).toHaveLength(2);
  });

  it('balances each request of a keep-alive connection on its own and reuses server connections', async () => {
    const agent = new Agent({ connections: 1, pipelining: 1 });
    const before = b1.connections + b2.connections + b3.connections;
    const names: string[] = [];
    for (let i = 0; i < 9; i++) {
      const r = await request(`http://127.0.0.1:${rr}/ka${i}`, { dispatcher: agent });
      names.push(r.headers['x-backend'] as string);
      await r.body.text();
    }
    await agent.close();
    expect(new Set(names)).toEqual(new Set(['b1', 'b2', 'b3']));
    // 9 requests over one client connection need at most one new connection per server.
    expect(b1.connections + b2.connections + b3.connections - before).toBeLessThanOrEqual(3);
  });

  it('forwards bodies both ways, adds X-Forwarded-For and drops hop-by-hop headers', async () => {
    const r = await httpRequest(rr, '/post', {
      method: 'POST',
      body: 'a=1&b=2',
      headers: { connection: 'close, x-secret', 'x-secret': 'hop', 'keep-alive': 'timeout=5', 'x-kept': 'yes' },
    });
    const seen = JSON.parse(r.body) as { body: string; headers: Record<string, string> };
    expect(seen.body).toBe('a=1&b=2');
    expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen.headers['x-kept']).toBe('yes');
    expect(seen.headers['x-secret']).toBeUndefined();
    expect(seen.headers['keep-alive']).toBeUndefined();
    expect(r.headers['connection']).toBe('close');
  });

  it('forwards chunked responses and large bodies intact', async () => {
    const c = await httpRequest(rr, '/chunked');
    expect(c.headers['transfer-encoding']).toBe('chunked');
    expect(c.body).toMatch(/^b\d-part1,b\d-part2$/);
    const big = await httpRequest(rr, '/size/3000000', { ms: 10_000 });
    expect(big.body.length).toBe(3_000_000);
  });

  it('answers HAProxy 503 page when no server can be reached, after the retries', async () => {
    const started = Date.now();
    const r = await httpRequest(down, '/');
    expect(r.status).toBe(503);
    expect(r.body).toBe(BODY_503);
    expect(r.headers['content-type']).toBe('text/html');
    expect(r.headers['cache-control']).toBe('no-cache');
    expect(r.headers['content-length']).toBe(String(BODY_503.length));
    // One retry after a pause of at most 1 s (bounded by timeout connect).
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('with option httpclose closes both sides after each response', async () => {
    const raw = await rawExchange(closing, `GET /a HTTP/1.1\r\nhost: x\r\n\r\n`, 3000);
    const [r] = parseResponses(raw);
    expect(r!.status).toBe(200);
    expect(r!.headers['connection']).toBe('close');
    const seen = b1.seen.at(-1)!;
    expect(seen.headers['connection']).toBe('close');
  });

  it('leastconn sends a new request to the less busy server', async () => {
    // Hold one slow request on a server, then the next requests go to the other one.
    const slow = httpRequest(leastconn, '/slow/600');
    await sleep(100);
    const next = await httpRequest(leastconn, '/quick');
    const held = (await slow).headers['x-backend'];
    expect(next.headers['x-backend']).not.toBe(held);
  });

  it('serves pipelined requests in order', async () => {
    const raw = await rawExchange(rr, 'GET /p1 HTTP/1.1\r\nhost: x\r\n\r\nGET /p2 HTTP/1.1\r\nhost: x\r\n\r\nGET /p3 HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n', 3000);
    const urls = parseResponses(raw).map((r) => (JSON.parse(r.body) as { url: string }).url);
    expect(urls).toEqual(['/p1', '/p2', '/p3']);
  });
});

describe('HTTP engine: errors and timeouts', () => {
  let b: Backend;
  let portico: Proc;
  let port: number, slowPort: number, queuePort: number, reqTimeoutPort: number;

  beforeAll(async () => {
    b = await startBackend('b');
    [port, slowPort, queuePort, reqTimeoutPort] = await freePorts(4);
    portico = await startPortico(
      `${DEFAULTS}
listen main
    bind 127.0.0.1:${port}
    server s1 127.0.0.1:${b.port}
listen slow
    bind 127.0.0.1:${slowPort}
    timeout server 300ms
    server s1 127.0.0.1:${b.port}
listen queue
    bind 127.0.0.1:${queuePort}
    timeout queue 300ms
    server s1 127.0.0.1:${b.port} maxconn 1
listen reqtimeout
    bind 127.0.0.1:${reqTimeoutPort}
    timeout http-request 300ms
    server s1 127.0.0.1:${b.port}
`,
      [port, slowPort, queuePort, reqTimeoutPort],
    );
  });
  afterAll(async () => {
    await portico?.stop();
    await b?.close();
  });

  it('504 when the server does not answer within timeout server', async () => {
    const r = await httpRequest(slowPort, '/slow/2000');
    expect(r.status).toBe(504);
    expect(r.body).toBe("<html><body><h1>504 Gateway Time-out</h1>\nThe server didn't respond in time.\n</body></html>\n");
  });

  it('502 on an invalid or empty server response', async () => {
    expect((await httpRequest(port, '/garbage')).status).toBe(502);
    expect((await httpRequest(port, '/empty')).status).toBe(502);
  });

  it('queues at server maxconn and answers 503 at timeout queue', async () => {
    const first = httpRequest(queuePort, '/slow/800');
    await sleep(50);
    const queuedOk = httpRequest(queuePort, '/slow/10'); // waits, then times out at 300 ms
    const r = await queuedOk;
    expect(r.status).toBe(503);
    expect((await first).status).toBe(200);
    // Once the slot is free, requests pass again.
    expect((await httpRequest(queuePort, '/after')).status).toBe(200);
  });

  it('408 with Connection: close when the request head does not arrive in time', async () => {
    const raw = await rawExchange(reqTimeoutPort, 'GET / HTTP/1.1\r\nhost: x\r\n', 2000);
    expect(raw).toMatch(/^HTTP\/1\.1 408 Request Time-out\r\n/);
    expect(raw).toContain('Connection: close\r\n');
  });

  it('400 for malformed requests, and the backend never sees a smuggled request', async () => {
    const before = b.seen.length;
    const cases = [
      'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n',
      'GET / HTTP/1.1\r\nhost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello',
      'GET / HTTP/1.1\r\nhost: x\r\nContent-Length: +5\r\n\r\nhello',
      'GET / HTTP/1.1\r\nhost: x\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n',
      'GET / HTTP/1.1\r\nhost: x\r\nBad Header: x\r\n\r\n',
      'GET / HTTP/1.1\r\nhost: x\r\nfoo: a\rb\r\n\r\n',
    ];
    for (const c of cases) {
      const raw = await rawExchange(port, c, 2000);
      expect(raw, c).toMatch(/^HTTP\/1\.1 400 Bad request\r\n/);
    }
    expect(b.seen.length).toBe(before);
    // CL + TE: forwarded chunked with CL dropped; the bytes after the chunked body are not a request.
    const smuggle = 'POST /s HTTP/1.1\r\nhost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nhost: x\r\n\r\n';
    await rawExchange(port, smuggle, 1500);
    const urls = b.seen.slice(before).map((s) => s.url);
    expect(urls).toEqual(['/s']);
    expect(b.seen.at(-1)!.headers['content-length']).toBeUndefined();
  });

  it('more than 100 headers is a 400', async () => {
    const many = Array.from({ length: 101 }, (_, i) => `x-h${i}: v\r\n`).join('');
    const raw = await rawExchange(port, `GET / HTTP/1.1\r\nhost: x\r\n${many}\r\n`, 2000);
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
  });
});
