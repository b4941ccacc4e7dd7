/**
 * A client that sends pipelined requests and half-closes at once (FIN in the same write) gets an
 * answer to every complete request, then the connection closes; a partial request left at the
 * end gets HAProxy's 400. (HAProxy 2.6 does this too, though when the FIN is in the same read it
 * sometimes serves only the first: the differential suite compares with a FIN sent a little later.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS, freePorts, startPortico, type Proc } from '../harness.js';
import { exchange, splitResponses, startRawBackend, type RawBackend } from '../http-diff/lib.js';

const H = 'Host: t\r\n';
const get = (path: string) => `GET ${path} HTTP/1.1\r\n${H}\r\n`;

describe('pipelined requests then an immediate FIN', () => {
  let be: RawBackend;
  let portico: Proc;
  let basic: number, nosrv: number;

  beforeAll(async () => {
    be = await startRawBackend('s1');
    [basic, nosrv] = await freePorts(2);
    portico = await startPortico(`${DEFAULTS}
listen basic
    bind 127.0.0.1:${basic}
    server s1 127.0.0.1:${be.port}
listen nosrv
    bind 127.0.0.1:${nosrv}
`, [basic!, nosrv!]);
  });
  afterAll(async () => {
    await portico?.stop();
    await be?.close();
  });

  const statuses = async (port: number, data: string) => {
    const ex = await exchange(port, [data, { end: true }], 2000);
    return { got: splitResponses(ex.raw).map((r) => `${r.statusLine.split(' ')[1]} ${r.body.startsWith('<html>') ? 'page' : r.body}`), closed: ex.closed };
  };

  it('every complete request is answered, in order, then the connection closes', async () => {
    expect(await statuses(basic, get('/slow/100') + get('/p2') + get('/p3'))).toEqual({
      got: ['200 s1', '200 s1 got 0 bytes: ', '200 s1 got 0 bytes: '],
      closed: true,
    });
    expect(be.seen.slice(-3).map((q) => q.head.split(' ')[1])).toEqual(['/slow/100', '/p2', '/p3']);
  });

  it('requests with content-length and chunked bodies', async () => {
    const data = `POST /a HTTP/1.1\r\n${H}Content-Length: 3\r\n\r\nabc` + `POST /b HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n2\r\nde\r\n0\r\n\r\n` + get('/c');
    expect(await statuses(basic, data)).toEqual({ got: ['200 s1 got 3 bytes: abc', '200 s1 got 2 bytes: de', '200 s1 got 0 bytes: '], closed: true });
  });

  it('a partial request at the end gets a 400', async () => {
    expect(await statuses(basic, get('/p1') + 'GET /p2 HTTP/1.1\r\nHo')).toEqual({ got: ['200 s1 got 0 bytes: ', '400 page'], closed: true });
  });

  it('error pages for each request', async () => {
    expect(await statuses(nosrv, get('/a') + get('/b') + get('/c'))).toEqual({ got: ['503 page', '503 page', '503 page'], closed: true });
  });
});
