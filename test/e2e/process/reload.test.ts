/**
 * Reloads under load: a master-worker portico (2 workers) in front of a Node backend, with
 * keep-alive and new-connection clients sending requests back to back, receives 50 reload
 * signals at 10 per second, each with a new configuration (a response header changes). No request
 * may fail, and the last configuration must be the one serving at the end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renameSync, writeFileSync } from 'node:fs';

/**
 * Replaces the configuration file the way deployment tools do (write aside, then rename): a
 * reload that starts while a plain write is under way reads a truncated file, which can be a
 * valid configuration binding another port, and that is not what these tests are about.
 */
function replaceConfig(file: string, text: string): void {
  writeFileSync(`${file}.new`, text);
  renameSync(`${file}.new`, file);
}
import { freePorts, startBackend, startPortico, httpRequest, sleep, type Backend, type Proc } from '../harness.js';
import { startLoad } from './load.js';
import { countLines, porticoCmd, probe, waitForLine } from './proc.js';

const config = (port: number, backend: number, gen: number, extraBind = '') => `global
    master-worker
    nbthread 2
    hard-stop-after 10s

defaults
    mode http
    option http-keep-alive
    timeout connect 2s
    timeout client 10s
    timeout server 10s
    timeout http-keep-alive 10s

frontend fe
    bind 127.0.0.1:${port}${extraBind}
    http-response set-header x-config gen-${gen}
    default_backend be

backend be
    server s1 127.0.0.1:${backend}
`;

describe('master-worker reload', () => {
  let backend: Backend;
  let portico: Proc;
  let port: number;

  beforeAll(async () => {
    backend = await startBackend('b1');
    [port] = await freePorts(1);
    portico = await startPortico(config(port!, backend.port, 1), [port!], [], porticoCmd('-W', '-db'));
  });

  afterAll(async () => {
    await portico?.stop();
    await backend?.close();
  });

  it('serves every request through 50 reload signals at 10 per second, and the last configuration wins', async () => {
    const load = startLoad({ port: port!, keepAlive: 4, fresh: 4, header: 'x-config', maxMs: 60_000 });
    await sleep(300);
    const signals = 50;
    const from = portico.stderr.length;
    for (let i = 0; i < signals; i++) {
      replaceConfig(portico.file, config(port!, backend.port, i + 2));
      portico.proc.kill('SIGUSR2');
      await sleep(100);
    }
    // Signals that arrive during a reload are merged into one more reload, which reads the last file.
    const deadline = Date.now() + 20_000;
    let last = '';
    while (Date.now() < deadline && last !== `gen-${signals + 1}`) {
      last = (await httpRequest(port!, '/')).headers['x-config'] ?? '';
      if (last !== `gen-${signals + 1}`) await sleep(50);
    }
    await sleep(300);
    const stats = await load.stop();
    const out = portico.stderr.slice(from);
    const reloads = countLines(out, /Loading success\./);
    const former = countLines(out, /Former worker \(\d+\) exited with code 0 \(Exit\)/);
    console.log(
      `reload test: ${signals} SIGUSR2 at 10/s → ${reloads} reloads (${countLines(out, /Reloading HAProxy/)} started); ` +
        `${stats.ok} requests ok, ${stats.failed} failed ${JSON.stringify(stats.errors)}; ${Object.keys(stats.values).length} configurations served; ${former} former workers exited with 0`,
    );
    expect(stats.failed, JSON.stringify(stats.errors)).toBe(0);
    expect(stats.ok).toBeGreaterThan(300);
    expect(last).toBe(`gen-${signals + 1}`);
    expect(reloads).toBeGreaterThanOrEqual(2);
    expect(Object.keys(stats.values).length).toBeGreaterThanOrEqual(3);
    expect(countLines(out, /Loading failure!/)).toBe(0);
  }, 60_000);

  it('applies each configuration when reloads come one after the other', async () => {
    for (let i = 0; i < 5; i++) {
      const from = portico.stderr.length;
      replaceConfig(portico.file, config(port!, backend.port, 500 + i));
      portico.proc.kill(i % 2 ? 'SIGHUP' : 'SIGUSR2');
      await waitForLine(portico.stderr, /Loading success\./, 10_000, from);
      // The former workers stop accepting when the master tells them, just after "Loading success.".
      let seen = '';
      for (let t = 0; t < 40 && seen !== `gen-${500 + i}`; t++) {
        seen = (await httpRequest(port!, '/')).headers['x-config'] ?? '';
        if (seen !== `gen-${500 + i}`) await sleep(50);
      }
      expect(seen).toBe(`gen-${500 + i}`);
    }
  }, 40_000);

  it('refuses a configuration with errors and keeps serving with the former one', async () => {
    const before = (await httpRequest(port!, '/')).headers['x-config'];
    const from = portico.stderr.length;
    replaceConfig(portico.file, `${config(port!, backend.port, 999)}\nfrontend broken\n    no-such-keyword\n`);
    portico.proc.kill('SIGHUP');
    await waitForLine(portico.stderr, /Loading failure!/, 10_000, from);
    expect(portico.stderr.slice(from).join('\n')).toMatch(/\[ALERT\] +\(\d+\) : config : parsing \[.*:\d+\] : unknown keyword 'no-such-keyword'/);
    expect((await httpRequest(port!, '/')).headers['x-config']).toBe(before);
  });

  it('opens the binds a reload adds and closes the ones it removes', async () => {
    const [extra] = await freePorts(1);
    const from = portico.stderr.length;
    replaceConfig(portico.file, config(port!, backend.port, 2000, `\n    bind 127.0.0.1:${extra}`));
    portico.proc.kill('SIGUSR2');
    await waitForLine(portico.stderr, /Loading success\./, 10_000, from);
    expect((await httpRequest(extra!, '/')).headers['x-config']).toBe('gen-2000');
    const from2 = portico.stderr.length;
    replaceConfig(portico.file, config(port!, backend.port, 2001));
    portico.proc.kill('SIGUSR2');
    await waitForLine(portico.stderr, /Loading success\./, 10_000, from2);
    // Both workers of the former generation hold the removed socket until they stop accepting;
    // the first one's exit says nothing of the second, so the port is probed until it closes.
    await waitForLine(portico.stderr, /Former worker/, 10_000, from2);
    let state = await probe(extra!);
    for (let t = 0; t < 50 && state !== 'refused'; t++) {
      await sleep(100);
      state = await probe(extra!);
    }
    expect(state).toBe('refused');
    expect((await httpRequest(port!, '/')).headers['x-config']).toBe('gen-2001');
  });
});
