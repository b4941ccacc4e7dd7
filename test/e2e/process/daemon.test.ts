/**
 * -D with a pid file: the command returns once the background process serves, the pid file
 * names it (the master in master-worker mode), and it answers signals. Also -sf: a new single
 * process takes the port from the old one, which finishes and exits.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts, startBackend, httpRequest, sleep, startPortico, DEFAULTS, type Backend, type Proc } from '../harness.js';
import { porticoCmd, probe, waitForLine } from './proc.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function gone(pid: number, ms: number): Promise<boolean> {
  for (let t = Date.now(); Date.now() - t < ms; await sleep(50)) if (!alive(pid)) return true;
  return false;
}

function run(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const { bin, args: base } = porticoCmd(...args);
  return new Promise((resolve) => {
    const p = spawn(bin, base, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const t = setTimeout(() => p.kill('SIGKILL'), 15_000);
    p.on('exit', (code) => {
      clearTimeout(t);
      resolve({ code, stderr });
    });
  });
}

describe('daemon and pid file', () => {
  let backend: Backend | undefined;
  const pids: number[] = [];
  let portico: Proc | undefined;
  afterEach(async () => {
    for (const pid of pids.splice(0)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    await portico?.stop('SIGKILL');
    await backend?.close();
    portico = backend = undefined;
  });

  for (const mw of [false, true]) {
    it(`-D -p${mw ? ' -W' : ''}: returns once serving, pid file names the ${mw ? 'master' : 'process'}, SIGUSR1 stops it`, async () => {
      backend = await startBackend('b1');
      const [port] = await freePorts(1);
      const dir = mkdtempSync(join(tmpdir(), 'portico-daemon-'));
      const cfg = join(dir, 'd.cfg');
      const pidfile = join(dir, 'portico.pid');
      writeFileSync(cfg, `global\n    nbthread 2\n${DEFAULTS}\nfrontend fe\n    bind 127.0.0.1:${port}\n    default_backend be\nbackend be\n    server s1 127.0.0.1:${backend.port}\n`);
      const r = await run(['-D', ...(mw ? ['-W'] : []), '-p', pidfile, '-f', cfg]);
      expect(r.code, r.stderr).toBe(0);
      const pid = Number(readFileSync(pidfile, 'utf8').trim());
      pids.push(pid);
      expect(alive(pid)).toBe(true);
      // Serving as soon as the command returned.
      expect((await httpRequest(port!, '/')).status).toBe(200);
      process.kill(pid, 'SIGUSR1');
      expect(await gone(pid, 8000)).toBe(true);
      expect(await probe(port!)).toBe('refused');
    }, 30_000);
  }

  it('-D reports a start failure with its messages and status', async () => {
    const holder = await startBackend('holder');
    try {
      const dir = mkdtempSync(join(tmpdir(), 'portico-daemon-'));
      const cfg = join(dir, 'd.cfg');
      writeFileSync(cfg, `${DEFAULTS}\nfrontend fe\n    bind 127.0.0.1:${holder.port}\n    http-request return status 200\n`);
      const r = await run(['-D', '-f', cfg]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/cannot bind socket \(Address already in use\)/);
    } finally {
      await holder.close();
    }
  }, 20_000);

  it('-sf: a new process takes the port over from the old one, which finishes and exits 0', async () => {
    backend = await startBackend('b1');
    const [port] = await freePorts(1);
    const cfg = `${DEFAULTS}\nfrontend fe\n    bind 127.0.0.1:${port}\n    default_backend be\nbackend be\n    server s1 127.0.0.1:${backend.port}\n`;
    const old = await startPortico(cfg, [port!], [], porticoCmd('-db'));
    const inflight = httpRequest(port!, '/slow/1000');
    await sleep(200);
    portico = await startPortico(cfg, [port!], [], porticoCmd('-db', '-sf', String(old.proc.pid)));
    expect((await inflight).status).toBe(200);
    const code = await Promise.race([old.exited, sleep(8000).then(() => 'timeout')]);
    expect(code).toBe(0);
    expect((await httpRequest(port!, '/')).status).toBe(200);
    await waitForLine(old.stderr, /Proxy fe stopped/, 1000);
  }, 30_000);
});
