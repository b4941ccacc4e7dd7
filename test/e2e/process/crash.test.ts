/**
 * A worker killed under load is replaced by the master, and the listening socket is never closed:
 * with one worker, connections made while no worker runs wait in the backlog and are served by
 * the replacement; no client ever gets "connection refused".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts, startBackend, startPortico, sleep, DEFAULTS, type Backend, type Proc } from '../harness.js';
import { startLoad } from './load.js';
import { porticoCmd, probe, waitForLine } from './proc.js';

describe('worker crash', () => {
  let backend: Backend;
  let portico: Proc;
  let port: number;

  beforeAll(async () => {
    backend = await startBackend('b1');
    [port] = await freePorts(1);
    const cfg = `global\n    nbthread 1\n${DEFAULTS}\nfrontend fe\n    bind 127.0.0.1:${port}\n    default_backend be\n\nbackend be\n    server s1 127.0.0.1:${backend.port}\n`;
    portico = await startPortico(cfg, [port!], [], porticoCmd('-W', '-db'));
  });

  afterAll(async () => {
    await portico?.stop();
    await backend?.close();
  });

  it('replaces a killed worker without closing the listener (no connection refused)', async () => {
    const load = startLoad({ port: port!, keepAlive: 2, fresh: 6, header: 'x-backend', maxMs: 30_000 });
    await sleep(500);
    const before = load.stats.ok;
    const worker = Number(/New worker \((\d+)\) forked/.exec(await waitForLine(portico.stderr, /New worker/))![1]);
    // Probes during the crash: every one must complete its TCP handshake.
    const probes: Promise<string>[] = [];
    const probing = (async () => {
      for (let i = 0; i < 30; i++) {
        probes.push(probe(port!, 3000));
        await sleep(20);
      }
    })();
    process.kill(worker, 'SIGKILL');
    await waitForLine(portico.stderr, new RegExp(`Current worker \\(${worker}\\) exited with code 137 \\(Killed\\)`), 5000);
    const killedAt = portico.stderr.findIndex((l) => l.includes(`Current worker (${worker})`));
    await waitForLine(portico.stderr, /New worker \(\d+\) forked/, 5000, killedAt);
    await probing;
    const results = await Promise.all(probes);
    await sleep(1000);
    const stats = await load.stop();
    const refused = stats.errors['ECONNREFUSED'] ?? 0;
    console.log(
      `crash test: worker ${worker} killed with SIGKILL under load; ${stats.ok} requests ok (${stats.ok - before} after the kill began), ${stats.failed} failed ${JSON.stringify(stats.errors)}; ` +
        `probes: ${results.filter((r) => r === 'open').length} open, ${results.filter((r) => r === 'refused').length} refused of ${results.length}`,
    );
    expect(refused).toBe(0);
    expect(results.filter((r) => r === 'refused')).toEqual([]);
    // Only requests that the killed worker had in hand may fail (reset), never more than the clients.
    expect(stats.failed).toBeLessThanOrEqual(8);
    // The replacement serves: requests keep succeeding after the kill (how many depends on how
    // busy the machine is; a handful is proof enough).
    expect(stats.ok - before).toBeGreaterThan(5);
  }, 40_000);
});

