/**
 * Soft stop (SIGUSR1) lets requests in flight finish and refuses new ones; hard stop (SIGTERM)
 * ends at once; both with HAProxy's exit status and messages, in master-worker and single-process
 * modes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { freePorts, startBackend, startPortico, httpRequest, sleep, DEFAULTS, type Backend, type Proc } from '../harness.js';
import { porticoCmd, probe, waitForLine } from './proc.js';

const config = (port: number, backend: number, global = '') => `global
    hard-stop-after 10s
${global}
${DEFAULTS}
frontend fe
    bind 127.0.0.1:${port}
    default_backend be

backend be
    server s1 127.0.0.1:${backend}
`;

describe('stopping', () => {
  let backend: Backend | undefined;
  let portico: Proc | undefined;
  afterEach(async () => {
    await portico?.stop('SIGKILL');
    await backend?.close();
    portico = backend = undefined;
  });

  for (const mode of ['master-worker', 'single process'] as const) {
    it(`SIGUSR1 (${mode}): requests in flight complete, new connections are refused, exit 0`, async () => {
      backend = await startBackend('slow');
      const [port] = await freePorts(1);
      const args = mode === 'master-worker' ? ['-W', '-db'] : ['-db'];
      portico = await startPortico(config(port!, backend.port, mode === 'master-worker' ? '    nbthread 2' : ''), [port!], [], porticoCmd(...args));
      const inflight = [httpRequest(port!, '/slow/1200'), httpRequest(port!, '/slow/1500'), httpRequest(port!, '/slow/1000')];
      await sleep(300);
      portico.proc.kill('SIGUSR1');
      await waitForLine(portico.stderr, /Proxy fe stopped \(cumulated conns: FE: \d+, BE: \d+\)\./, 5000);
      // Listeners close at once; the requests under way are not cut.
      let refused = false;
      for (let i = 0; i < 20 && !refused; i++) {
        refused = (await probe(port!)) === 'refused';
        if (!refused) await sleep(50);
      }
      expect(refused).toBe(true);
      const answers = await Promise.all(inflight);
      expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
      const code = await Promise.race([portico.exited, sleep(8000).then(() => 'timeout')]);
      expect(code).toBe(0);
      if (mode === 'master-worker') {
        expect(portico.stderr.join('\n')).toMatch(/Exiting Master process\.\.\./);
        expect(portico.stderr.join('\n')).toMatch(/Current worker \(\d+\) exited with code 0 \(Exit\)/);
        expect(portico.stderr.join('\n')).toMatch(/All workers exited\. Exiting\.\.\. \(0\)/);
      }
    }, 20_000);
  }

  it('hard-stop-after bounds a soft stop', async () => {
    backend = await startBackend('slow');
    const [port] = await freePorts(1);
    portico = await startPortico(config(port!, backend.port).replace('hard-stop-after 10s', 'hard-stop-after 500ms'), [port!], [], porticoCmd('-W', '-db'));
    const long = httpRequest(port!, '/slow/5000', { ms: 4000 }).catch(() => undefined);
    await sleep(300);
    const t0 = Date.now();
    portico.proc.kill('SIGUSR1');
    const code = await Promise.race([portico.exited, sleep(5000).then(() => 'timeout')]);
    expect(code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(portico.stderr.join('\n')).toMatch(/soft-stop running for too long, performing a hard-stop\./);
    await long;
  }, 15_000);

  it('SIGTERM to the master: workers end at once (143), the master exits 0', async () => {
    backend = await startBackend('b');
    const [port] = await freePorts(1);
    portico = await startPortico(config(port!, backend.port), [port!], [], porticoCmd('-W', '-db'));
    portico.proc.kill('SIGTERM');
    const code = await Promise.race([portico.exited, sleep(5000).then(() => 'timeout')]);
    expect(code).toBe(0);
    expect(portico.stderr.join('\n')).toMatch(/\[ALERT\] +\(\d+\) : Current worker \(\d+\) exited with code 143 \(Terminated\)/);
  });

  it('SIGTERM to a single process: it dies of the signal, as HAProxy', async () => {
    backend = await startBackend('b');
    const [port] = await freePorts(1);
    portico = await startPortico(config(port!, backend.port), [port!], [], porticoCmd('-db'));
    portico.proc.kill('SIGTERM');
    await Promise.race([portico.exited, sleep(5000)]);
    expect(portico.proc.signalCode).toBe('SIGTERM');
  });
});
