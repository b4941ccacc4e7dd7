/**
 * `retry-on` (HAProxy 2.6 configuration.txt): layer-7 failures send the kept request again, each
 * retry counting against `retries`; connection failures are retried only when conn-failure is
 * listed (the default); `option redispatch` moves retries to another server as HAProxy does.
 * The differential suite checks the same cases against haproxy itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts, startPortico, type Proc } from '../harness.js';
import { exchange, splitResponses, startRawBackend, until, type RawBackend } from '../http-diff/lib.js';

const H = 'Host: t\r\n';
const get = (path: string) => `GET ${path} HTTP/1.1\r\n${H}Connection: close\r\n\r\n`;

describe('retry-on', () => {
  let s1: RawBackend, s2: RawBackend;
  let portico: Proc;
  let p503: number, all: number, rd: number, none: number, only503: number;

  beforeAll(async () => {
    [s1, s2] = await Promise.all([startRawBackend('s1'), startRawBackend('s2')]);
    [p503, all, rd, none, only503] = await freePorts(5);
    portico = await startPortico(`global
    log stdout format raw local0
defaults
    mode http
    log global
    option httplog
    timeout connect 300ms
    timeout client 5s
    timeout server 300ms
listen p503
    bind 127.0.0.1:${p503}
    retry-on 503
    retries 2
    server s1 127.0.0.1:${s1.port}
listen all
    bind 127.0.0.1:${all}
    retry-on all-retryable-errors
    retries 2
    server s1 127.0.0.1:${s1.port}
listen rd
    bind 127.0.0.1:${rd}
    retry-on 503
    retries 2
    option redispatch
    server s1 127.0.0.1:${s1.port}
    server s2 127.0.0.1:${s2.port}
listen none
    bind 127.0.0.1:${none}
    retry-on none
    retries 3
    server dead 127.0.0.1:1
listen only503
    bind 127.0.0.1:${only503}
    retry-on 503
    retries 3
    server dead 127.0.0.1:1
`, [p503!, all!, rd!, none!, only503!]);
  });
  afterAll(async () => {
    await portico?.stop();
    await Promise.all([s1?.close(), s2?.close()]);
  });

  const seenFor = (path: string) => [s1, s2].flatMap((b) => b.seen.filter((q) => q.head.split(' ')[1] === path).map((q) => `${b.name} ${q.body}`));
  const answer = async (port: number, data: string | Parameters<typeof exchange>[1], ms = 1500) => {
    const ex = await exchange(port, data, ms);
    const r = splitResponses(ex.raw)[0];
    return r ? `${r.statusLine.split(' ')[1]} ${r.body}` : 'none';
  };
  /** The log line of `path`: "status retries termination". */
  const logOf = async (path: string) => {
    await until(() => portico.stdout.some((l) => l.includes(` ${path} HTTP/1.1"`)), 1500);
    const l = portico.stdout.find((x) => x.includes(` ${path} HTTP/1.1"`)) ?? '';
    const m = / (\d{3}) \d+ - - (\S{4}) \d+\/\d+\/\d+\/\d+\/(\+?\d+) /.exec(l);
    return m ? `${m[1]} retries=${m[3]} ${m[2]}` : l;
  };

  it('a listed status is retried on the same server, and the retry counts in the log', async () => {
    expect(await answer(p503, get('/fail/503/1/a'))).toBe('200 s1 got 0 bytes: ');
    expect(seenFor('/fail/503/1/a')).toEqual(['s1 ', 's1 ']);
    expect(await logOf('/fail/503/1/a')).toBe('200 retries=1 ----');
  });

  it('when retries are spent, the last response goes to the client', async () => {
    expect(await answer(p503, get('/fail/503/9/b'))).toBe('503 s1 failed');
    expect(seenFor('/fail/503/9/b')).toHaveLength(3);
    expect(await logOf('/fail/503/9/b')).toBe('503 retries=2 ----');
  });

  it('a request body (content-length or chunked) is sent again', async () => {
    expect(await answer(p503, `POST /fail/503/1/c HTTP/1.1\r\n${H}Content-Length: 5\r\nConnection: close\r\n\r\nhello`)).toBe('200 s1 got 5 bytes: hello');
    expect(seenFor('/fail/503/1/c')).toEqual(['s1 hello', 's1 hello']);
    expect(await answer(p503, `POST /fail/503/2/d HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n`)).toBe('200 s1 got 5 bytes: abcde');
    expect(seenFor('/fail/503/2/d')).toEqual(['s1 abcde', 's1 abcde', 's1 abcde']);
  });

  it('a request whose body was not complete when it was sent is not retried', async () => {
    expect(await answer(p503, [`POST /fail/503/1/e HTTP/1.1\r\n${H}Content-Length: 10\r\nConnection: close\r\n\r\nhello`, { wait: 150 }, 'world'])).toBe('503 s1 failed');
    expect(seenFor('/fail/503/1/e')).toHaveLength(1);
  });

  it('a request larger than a buffer is not retried', async () => {
    const body = 'x'.repeat(20_000);
    expect(await answer(p503, `POST /fail/503/1/f HTTP/1.1\r\n${H}Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`)).toBe('503 s1 failed');
    expect(seenFor('/fail/503/1/f')).toHaveLength(1);
  });

  it('empty, junk and partial responses and a response timeout are retried (all-retryable-errors)', async () => {
    for (const kind of ['empty', 'junk', 'partial', 'silent']) {
      expect(await answer(all, get(`/fail/${kind}/1/g`))).toBe('200 s1 got 0 bytes: ');
      expect(seenFor(`/fail/${kind}/1/g`)).toHaveLength(2);
    }
    expect(await answer(all, get('/fail/silent/9/h'), 2500)).toMatch(/^504 /);
    expect(await logOf('/fail/silent/9/h')).toBe('504 retries=2 sH--');
  });

  it('with option redispatch and roundrobin, each retry goes to another server ("+" in the log)', async () => {
    expect(await answer(rd, get('/fail/503/1/i'))).toMatch(/^200 /);
    const seen = seenFor('/fail/503/1/i');
    expect(seen).toHaveLength(3);
    expect(new Set(seen.map((x) => x.split(' ')[0]))).toEqual(new Set(['s1', 's2']));
    expect(await logOf('/fail/503/1/i')).toBe('200 retries=+2 ----');
  });

  it('retry-on none, or a list without conn-failure: a refused connection is not retried', async () => {
    for (const port of [none, only503]) {
      expect(await answer(port!, get(`/x${port}`), 3000)).toMatch(/^503 /);
      expect(await logOf(`/x${port}`)).toBe('503 retries=0 SC--');
    }
  });
});
