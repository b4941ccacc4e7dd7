/**
 * `option accept-invalid-http-request` (frontend) and `option accept-invalid-http-response`
 * (backend): a header name with a character outside the token set is refused (400 / 502) unless
 * the option is set, as in HAProxy 2.6.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:net';
import { DEFAULTS, freePorts, rawExchange, startPortico, type Proc } from '../harness.js';

let origin: Server;
let originPort: number;
let px: Proc;
let strict: number;
let lenient: number;

beforeAll(async () => {
  // Answers every request with a response whose second header has an invalid name.
  origin = createServer((s) => {
    s.on('error', () => {});
    s.once('data', () => s.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nx(bad): 1\r\nconnection: close\r\n\r\nok'));
  });
  await new Promise<void>((r) => origin.listen(0, '127.0.0.1', r));
  originPort = (origin.address() as { port: number }).port;
  [strict, lenient] = await freePorts(2);
  px = await startPortico(
    `${DEFAULTS}
listen strict
  bind 127.0.0.1:${strict}
  server o 127.0.0.1:${originPort}

listen lenient
  bind 127.0.0.1:${lenient}
  option accept-invalid-http-request
  option accept-invalid-http-response
  server o 127.0.0.1:${originPort}
`,
    [strict!, lenient!],
  );
});

afterAll(async () => {
  await px?.stop();
  await new Promise((r) => origin.close(r));
});

const request = (name: string) => `GET / HTTP/1.1\r\nhost: a\r\n${name}: v\r\nconnection: close\r\n\r\n`;

describe('accept-invalid-http-request / -response', () => {
  it('a request header name with "(" is a 400 by default', async () => {
    expect(await rawExchange(strict!, request('x(y)'), 3000)).toMatch(/^HTTP\/1\.1 400 /);
  });
  it('an invalid response header name is a 502 by default', async () => {
    expect(await rawExchange(strict!, request('x-ok'), 3000)).toMatch(/^HTTP\/1\.1 502 /);
  });
  it('with both options the request goes through and the response comes back', async () => {
    const raw = await rawExchange(lenient!, request('x(y)'), 3000);
    expect(raw).toMatch(/^HTTP\/1\.1 200 /);
    expect(raw).toContain('x(bad): 1');
  });
});
