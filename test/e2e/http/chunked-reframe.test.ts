/**
 * Chunked bodies are re-framed in both directions as HAProxy 2.6 does: what is at hand goes out
 * as one chunk with an upper-case hex size, extensions are dropped, bare LFs become CRLF, and the
 * trailers follow the last chunk with lower-case names. (The differential suite compares the same
 * bytes against haproxy itself.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS, freePorts, startPortico, type Proc } from '../harness.js';
import { exchange, startRawBackend, until, type RawBackend } from '../http-diff/lib.js';

const H = 'Host: t\r\n';

describe('chunked bodies are re-framed', () => {
  let be: RawBackend;
  let portico: Proc;
  let port: number;

  beforeAll(async () => {
    be = await startRawBackend('s1');
    [port] = await freePorts(1);
    portico = await startPortico(`${DEFAULTS}
listen basic
    bind 127.0.0.1:${port}
    server s1 127.0.0.1:${be.port}
`, [port!]);
  });
  afterAll(async () => {
    await portico?.stop();
    await be?.close();
  });

  /** Sends `steps`, returns what the backend received as the body of the request to `path`. */
  async function requestWire(path: string, steps: Parameters<typeof exchange>[1]): Promise<string> {
    const before = be.seen.length;
    await exchange(port, steps, 800);
    await until(() => be.seen.slice(before).some((q) => q.head.startsWith(`POST ${path} `)), 1000);
    return be.seen.slice(before).find((q) => q.head.startsWith(`POST ${path} `))?.wire ?? '<none>';
  }

  it('request: one chunk per read, extensions dropped, bare LF fixed, trailers kept', async () => {
    const wire = await requestWire('/odd', `POST /odd HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n0003 \nabc\n00a;x="y z"\r\n0123456789\r\n1;e\r\n!\r\n0\nX-Up: One\r\n\r\n`);
    expect(wire).toBe('E\r\nabc0123456789!\r\n0\r\nx-up: One\r\n\r\n');
  });

  it('request: payload arriving in several reads keeps its own chunks', async () => {
    const wire = await requestWire('/reads', [`POST /reads HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n`, { wait: 150 }, '3\r\nab', { wait: 150 }, 'c\r\n0\r\n\r\n']);
    expect(wire).toBe('5\r\nhello\r\n2\r\nab\r\n1\r\nc\r\n0\r\n\r\n');
  });

  it('request: an empty chunked body is the last chunk alone', async () => {
    expect(await requestWire('/empty-body', `POST /empty-body HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n`)).toBe('0\r\n\r\n');
  });

  it('response: re-framed with trailers', async () => {
    const ex = await exchange(port, `GET /resp/chunkodd HTTP/1.1\r\n${H}Connection: close\r\n\r\n`, 800);
    expect(ex.raw.slice(ex.raw.indexOf('\r\n\r\n') + 4)).toBe('D\r\nok0123456789x\r\n0\r\nx-up: A\r\n\r\n');
  });

  it('response: a chunk extension does not reach the client', async () => {
    const ex = await exchange(port, `GET /resp/chunktrailer HTTP/1.1\r\n${H}Connection: close\r\n\r\n`, 800);
    expect(ex.raw.slice(ex.raw.indexOf('\r\n\r\n') + 4)).toBe('2\r\nok\r\n0\r\nx-t: 1\r\n\r\n');
  });
});
