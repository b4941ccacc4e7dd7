/**
 * Load balancing on more than the request head: `balance hash <expr>` hashes the value of a
 * sample expression (here a variable the rules set), `balance url_param NAME check_post` finds
 * the parameter in a POST body, waiting for the body as HAProxy does. The differential suite
 * compares the server choices with haproxy 2.6.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts, startPortico, type Proc } from '../harness.js';
import { exchange, splitResponses, startRawBackend, type RawBackend } from '../http-diff/lib.js';

const H = 'Host: t\r\n';

describe('balance on a sample expression and on a POST body', () => {
  const be: RawBackend[] = [];
  let portico: Proc;
  let hash: number, post: number;

  beforeAll(async () => {
    for (const n of ['s1', 's2', 's3', 's4']) be.push(await startRawBackend(n));
    [hash, post] = await freePorts(2);
    const servers = be.map((b) => `    server ${b.name} 127.0.0.1:${b.port}`).join('\n');
    portico = await startPortico(`defaults
    mode http
    timeout connect 2s
    timeout client 5s
    timeout server 5s
listen hash
    bind 127.0.0.1:${hash}
    http-request set-var(txn.key) req.hdr(x-key),lower
    balance hash var(txn.key)
${servers}
listen post
    bind 127.0.0.1:${post}
    balance url_param id check_post
    timeout http-request 1s
${servers}
`, [hash!, post!]);
  });
  afterAll(async () => {
    await portico?.stop();
    await Promise.all(be.map((b) => b.close()));
  });

  const serverOf = async (port: number, steps: Parameters<typeof exchange>[1]) => {
    const ex = await exchange(port, steps, 2000);
    const r = splitResponses(ex.raw)[0];
    return r ? `${r.statusLine.split(' ')[1]} ${/x-server: (\S+)/.exec(r.headers.join('\n'))?.[1] ?? '-'}` : 'none';
  };

  it('balance hash: the same value always goes to the same server, values spread over servers', async () => {
    const pick = (key: string) => serverOf(hash, `GET /h HTTP/1.1\r\n${H}x-key: ${key}\r\nConnection: close\r\n\r\n`);
    const first: string[] = [];
    for (let i = 0; i < 10; i++) first.push(await pick(`Key${i}`));
    const again: string[] = [];
    for (let i = 0; i < 10; i++) again.push(await pick(`KEY${i}`)); // lower-cased by the expression
    expect(again).toEqual(first);
    expect(new Set(first).size).toBeGreaterThan(1);
  });

  it('check_post: a body arriving after the head is waited for and picks the same server as the query string would', async () => {
    for (const id of ['alice', 'bob', 'carol', 'dave']) {
      const byQuery = await serverOf(post, `GET /x?id=${id} HTTP/1.1\r\n${H}Connection: close\r\n\r\n`);
      const body = `a=1&id=${id}`;
      const byBody = await serverOf(post, [`POST /x HTTP/1.1\r\n${H}Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`, { wait: 150 }, body]);
      expect(byBody).toBe(byQuery);
    }
  });

  it('check_post: a body that never completes gets a 408 at timeout http-request', async () => {
    const ex = await exchange(post, `POST /x HTTP/1.1\r\n${H}Content-Length: 20\r\n\r\nid=`, 2500);
    expect(splitResponses(ex.raw)[0]?.statusLine).toBe('HTTP/1.1 408 Request Time-out');
    expect(ex.closed).toBe(true);
  });

  it('check_post: Expect 100-continue is answered by the proxy while it waits', async () => {
    const ex = await exchange(post, [`POST /x HTTP/1.1\r\n${H}Content-Length: 8\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`, { wait: 200 }, 'id=alice'], 2000);
    expect(ex.raw.startsWith('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n')).toBe(true);
    const seen = be.flatMap((b) => b.seen).find((q) => q.body === 'id=alice' && q.head.startsWith('POST /x '));
    expect(seen?.head.toLowerCase()).not.toContain('expect:');
  });
});
