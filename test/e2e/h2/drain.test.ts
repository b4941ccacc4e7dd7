/**
 * Soft stop (SIGUSR1) with HTTP/2 clients: each connection says GOAWAY, a stream in progress
 * completes, idle connections close, and the process exits without waiting for hard-stop-after.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS, freePorts, sleep, startBackend, startPortico, type Backend, type Proc } from '../harness.js';
import { h2Request, openH2 } from './h2-helpers.js';

let backend: Backend;
let portico: Proc;
let port: number;

beforeAll(async () => {
  backend = await startBackend('be');
  [port] = await freePorts(1);
  portico = await startPortico(
    `global
    hard-stop-after 20s
${DEFAULTS}    timeout http-keep-alive 30s
frontend fe
    bind 127.0.0.1:${port} proto h2
    default_backend be
backend be
    server s1 127.0.0.1:${backend.port}
`,
    [port],
  );
});

afterAll(async () => {
  await portico?.stop('SIGKILL');
  await backend?.close();
});

describe('soft stop with HTTP/2 connections', () => {
  it('sends GOAWAY, finishes the stream in progress, closes idle connections and exits', async () => {
    const idle = await openH2(`http://127.0.0.1:${port}`);
    const busy = await openH2(`http://127.0.0.1:${port}`);
    for (const s of [idle, busy]) s.on('error', () => {});
    expect((await h2Request(idle, { ':path': '/warm' })).status).toBe(200);
    const goaways: string[] = [];
    idle.on('goaway', () => goaways.push('idle'));
    busy.on('goaway', () => goaways.push('busy'));
    const idleClosed = new Promise<void>((r) => idle.once('close', () => r()));
    const slow = h2Request(busy, { ':path': '/slow/600' }, { ms: 8000 });
    await sleep(100);
    const started = Date.now();
    portico.proc.kill('SIGUSR1');
    const r = await slow;
    expect(r.status).toBe(200);
    expect(r.body.toString()).toBe('be');
    await idleClosed;
    const code = await Promise.race([portico.exited, sleep(8000).then(() => 'timeout' as const)]);
    expect(code).toBe(0);
    // Well before hard-stop-after (20 s): nothing waited for the idle connection.
    expect(Date.now() - started).toBeLessThan(5000);
    // (node:http2 may repeat the GOAWAY as it closes; RFC 9113 6.8 allows it.)
    expect([...new Set(goaways)].sort()).toEqual(['busy', 'idle']);
  });
});
