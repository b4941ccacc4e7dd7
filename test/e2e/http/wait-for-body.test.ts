/**
 * `http-request wait-for-body time T [at-least N]` pauses the request rules until the body is in
 * (or N bytes of it, or a full buffer), so that later rules, use_backend and the body fetches
 * (req.body, req.body_len, req.body_size, req.body_param) see it; 408 at T. `option
 * http-buffer-request` waits the same way before a proxy's rules (up to timeout http-request).
 * The differential suite compares the same cases with haproxy 2.6.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts, startPortico, type Proc } from '../harness.js';
import { exchange, splitResponses, startRawBackend, until, type RawBackend } from '../http-diff/lib.js';

const H = 'Host: t\r\n';
const post = (path: string, len: number, extra = '') => `POST ${path} HTTP/1.1\r\n${H}Content-Length: ${len}\r\n${extra}Connection: close\r\n\r\n`;

describe('waiting for the request body', () => {
  let s1: RawBackend, s2: RawBackend;
  let portico: Proc;
  let wfb: number, fe: number, buf: number;

  beforeAll(async () => {
    [s1, s2] = await Promise.all([startRawBackend('s1'), startRawBackend('s2')]);
    [wfb, fe, buf] = await freePorts(3);
    portico = await startPortico(`global
    log stdout format raw local0
defaults
    mode http
    log global
    option httplog
    timeout connect 2s
    timeout client 5s
    timeout server 5s
listen wfb
    bind 127.0.0.1:${wfb}
    http-request deny if { path /deny }
    http-request set-header x-before %[req.body_len]
    http-request wait-for-body time 600ms at-least 8 if METH_POST
    http-request set-header x-len %[req.body_len]
    http-request set-header x-size %[req.body_size]
    http-request set-header x-id %[req.body_param(id)]
    http-request set-header x-body %[req.body]
    server s1 127.0.0.1:${s1.port}
frontend fe
    bind 127.0.0.1:${fe}
    timeout http-request 600ms
    http-request wait-for-body time 1s
    use_backend be2 if { req.body_param(to) -m str two }
    default_backend be_buf
backend be2
    server s2 127.0.0.1:${s2.port}
backend be_buf
    option http-buffer-request
    http-request set-header x-be-len %[req.body_len]
    server s1 127.0.0.1:${s1.port}
listen buf
    bind 127.0.0.1:${buf}
    option http-buffer-request
    timeout http-request 600ms
    http-request set-header x-len %[req.body_len]
    server s1 127.0.0.1:${s1.port}
`, [wfb!, fe!, buf!]);
  });
  afterAll(async () => {
    await portico?.stop();
    await Promise.all([s1?.close(), s2?.close()]);
  });

  /** The head lines (x-*) and body the backends got for `path`. */
  const seen = async (path: string) => {
    await until(() => [s1, s2].some((b) => b.seen.some((q) => q.head.split(' ')[1] === path)), 1500);
    for (const b of [s1, s2]) {
      const q = b.seen.find((x) => x.head.split(' ')[1] === path);
      if (q) return { server: b.name, x: q.head.split('\r\n').filter((l) => l.startsWith('x-')), body: q.body };
    }
    return undefined;
  };

  it('rules after wait-for-body see a body that came after the head; rules before it do not', async () => {
    await exchange(wfb, [post('/a', 16), { wait: 200 }, 'a=1&id=xyz&b=two'], 1500);
    expect(await seen('/a')).toEqual({ server: 's1', x: ['x-before: 0', 'x-len: 16', 'x-size: 16', 'x-id: xyz', 'x-body: a=1&id=xyz&b=two'], body: 'a=1&id=xyz&b=two' });
  });

  it('at-least: the rules go on once that many bytes are in', async () => {
    await exchange(wfb, [post('/b', 20), { wait: 150 }, 'id=12345', { wait: 300 }, '6789012345AB'], 1500);
    expect((await seen('/b'))?.x).toContain('x-len: 8');
  });

  it('a chunked body is decoded for the fetches', async () => {
    await exchange(wfb, [`POST /c HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nid=\r\n`, { wait: 150 }, '5\r\nchunk\r\n0\r\n\r\n'], 1500);
    expect((await seen('/c'))?.x).toEqual(['x-before: 3', 'x-len: 8', 'x-size: 8', 'x-id: chunk', 'x-body: id=chunk']);
  });

  it('a deny before the wait answers at once; the wait ends with a 408 at its time', async () => {
    const denied = await exchange(wfb, `POST /deny HTTP/1.1\r\n${H}Content-Length: 16\r\n\r\na=1`, 1500);
    expect(splitResponses(denied.raw)[0]?.statusLine).toBe('HTTP/1.1 403 Forbidden');
    expect(denied.elapsed).toBeLessThan(500);
    const late = await exchange(wfb, `POST /late HTTP/1.1\r\n${H}Content-Length: 16\r\n\r\na=1`, 2000);
    expect(splitResponses(late.raw)[0]?.statusLine).toBe('HTTP/1.1 408 Request Time-out');
    expect(late.elapsed).toBeGreaterThanOrEqual(550);
  });

  it('the log counts the wait in TR, as HAProxy', async () => {
    await exchange(wfb, [post('/tr', 16), { wait: 250 }, 'a=1&id=xyz&b=two'], 1500);
    await until(() => portico.stdout.some((l) => l.includes('"POST /tr ')), 1500);
    const line = portico.stdout.find((l) => l.includes('"POST /tr ')) ?? '';
    const tr = Number(/ (\d+)\/\d+\/\d+\/\d+\/\d+ 200 /.exec(line)?.[1] ?? -1);
    expect(tr).toBeGreaterThanOrEqual(200);
  });

  it('use_backend after wait-for-body routes on a body parameter', async () => {
    await exchange(fe, [post('/r1', 6), { wait: 150 }, 'to=two'], 1500);
    await exchange(fe, [post('/r2', 6), { wait: 150 }, 'to=one'], 1500);
    expect((await seen('/r1'))?.server).toBe('s2');
    expect(await seen('/r2')).toEqual({ server: 's1', x: ['x-be-len: 6'], body: 'to=one' });
  });

  it('option http-buffer-request: the rules see the whole body; 408 at timeout http-request', async () => {
    await exchange(buf, [post('/buf', 10), { wait: 200 }, 'id=abc&x=1'], 1500);
    expect((await seen('/buf'))?.x).toEqual(['x-len: 10']);
    const late = await exchange(buf, `POST /buf2 HTTP/1.1\r\n${H}Content-Length: 10\r\n\r\nid`, 2000);
    expect(splitResponses(late.raw)[0]?.statusLine).toBe('HTTP/1.1 408 Request Time-out');
  });
});
