/**
 * SIGTTOU / SIGTTIN pause and resume the listeners. In master-worker mode the socket stays open
 * (the master holds it): a client connecting while paused waits in the backlog and is answered
 * once resumed. In a single process the port is released, as HAProxy's pause does, so that a new
 * process (-sf) can bind it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts, startBackend, startPortico, httpRequest, rawExchange, sleep, DEFAULTS, type Backend, type Proc } from '../harness.js';
import { porticoCmd, probe, waitForLine } from './proc.js';

const config = (port: number, backend: number) =>
  `global\n    nbthread 2\n${DEFAULTS}\nfrontend fe\n    bind 127.0.0.1:${port}\n    default_backend be\n\nbackend be\n    server s1 127.0.0.1:${backend}\n`;

describe('pause and resume', () => {
  let backend: Backend | undefined;
  let portico: Proc | undefined;
  afterEach(async () => {
    await portico?.stop('SIGKILL');
    await backend?.close();
    portico = backend = undefined;
  });

  it('master-worker: paused, connections wait without being refused; resumed, they are served', async () => {
    backend = await startBackend('b1');
    const [port] = await freePorts(1);
    portico = await startPortico(config(port!, backend.port), [port!], [], porticoCmd('-W', '-db'));
    portico.proc.kill('SIGTTOU');
    await waitForLine(portico.stderr, /Paused frontend fe\./, 5000);
    await sleep(200);
    expect(await probe(port!)).toBe('open');
    const waiting = rawExchange(port!, `GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`, 6000);
    await sleep(700);
    portico.proc.kill('SIGTTIN');
    await waitForLine(portico.stderr, /Resumed frontend fe\./, 5000);
    const raw = await waiting;
    expect(raw).toMatch(/^HTTP\/1\.1 200/);
    expect((await httpRequest(port!, '/')).status).toBe(200);
  }, 20_000);

  it('master-worker: nothing is answered while paused', async () => {
    backend = await startBackend('b1');
    const [port] = await freePorts(1);
    portico = await startPortico(config(port!, backend.port), [port!], [], porticoCmd('-W', '-db'));
    portico.proc.kill('SIGTTOU');
    await waitForLine(portico.stderr, /Paused frontend fe\./, 5000);
    await sleep(200);
    const raw = await rawExchange(port!, `GET / HTTP/1.1\r\nhost: x\r\n\r\n`, 500);
    expect(raw).toBe('');
  }, 20_000);

  it('single process: paused, the port is free for another process; resumed, it serves again', async () => {
    backend = await startBackend('b1');
    const [port] = await freePorts(1);
    portico = await startPortico(config(port!, backend.port), [port!], [], porticoCmd('-db'));
    portico.proc.kill('SIGTTOU');
    await waitForLine(portico.stderr, /Paused frontend fe\./, 5000);
    expect(await probe(port!)).toBe('refused');
    // Another process could bind it now (what -sf relies on); release it again.
    const other = createServer();
    await new Promise<void>((resolve, reject) => other.once('error', reject).listen(port, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => other.close(() => resolve()));
    portico.proc.kill('SIGTTIN');
    await waitForLine(portico.stderr, /Resumed frontend fe\./, 5000);
    expect((await httpRequest(port!, '/')).status).toBe(200);
  }, 20_000);

  it('single process: a pause signal sent the moment the port accepts is applied, not left to stop the process', async () => {
    backend = await startBackend('b1');
    const [port] = await freePorts(1);
    // A stats socket keeps the start going after the ports are open (the Runtime API loads then).
    const sock = join(mkdtempSync(join(tmpdir(), 'portico-pause-')), 'api.sock');
    const cfg = config(port!, backend.port).replace('global\n', `global\n    stats socket ${sock} level admin\n`);
    portico = await startPortico(cfg, [], [], porticoCmd('-db'));
    let state = await probe(port!, 200);
    for (let i = 0; i < 2000 && state !== 'open'; i++) {
      await sleep(2);
      state = await probe(port!, 200);
    }
    expect(state).toBe('open');
    portico.proc.kill('SIGTTOU');
    await waitForLine(portico.stderr, /Paused frontend fe\./, 5000);
    portico.proc.kill('SIGTTIN');
    await waitForLine(portico.stderr, /Resumed frontend fe\./, 5000);
    expect((await httpRequest(port!, '/')).status).toBe(200);
  }, 20_000);
});
