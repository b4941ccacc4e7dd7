/**
 * Runs the real haproxy on loopback in front of tiny node backends that answer with their own name,
 * so tests can record which server HAProxy picks for a sequence of requests.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function haproxyAvailable(): boolean {
  const r = spawnSync('haproxy', ['-v'], { encoding: 'utf8' });
  return r.status === 0 && /HAProxy version/.test(r.stdout);
}

import { freePort } from '../../free-port.js';

export interface HarnessServer {
  name: string;
  /** words after "server NAME ADDR", e.g. "weight 3" or "id 7 backup" */
  params?: string;
}

export interface Harness {
  port: number;
  /** One request; answers the name of the server that replied. */
  get(path: string, opts?: { headers?: Record<string, string>; localAddress?: string }): Promise<string>;
  close(): Promise<void>;
}

/** Starts node backends and haproxy with `backendLines` (e.g. ["balance source", "hash-type consistent"]). */
export async function startHarness(backendLines: string[], servers: HarnessServer[]): Promise<Harness> {
  const backends: Server[] = [];
  const ports: number[] = [];
  for (const s of servers) {
    const srv = createServer((req, res) => {
      req.resume();
      res.setHeader('content-type', 'text/plain');
      res.end(s.name);
    });
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', () => resolve()));
    const addr = srv.address();
    ports.push(typeof addr === 'object' && addr ? addr.port : 0);
    backends.push(srv);
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'portico-lb-'));
  const cfg = [
    'global',
    '  maxconn 100',
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 5s',
    '  timeout server 5s',
    'frontend fe',
    `  bind 127.0.0.1:${port}`,
    '  default_backend be',
    'backend be',
    ...backendLines.map((l) => `  ${l}`),
    ...servers.map((s, i) => `  server ${s.name} 127.0.0.1:${ports[i]} ${s.params ?? ''}`),
    '',
  ].join('\n');
  const cfgPath = join(dir, 'h.cfg');
  writeFileSync(cfgPath, cfg);
  const proc: ChildProcess = spawn('haproxy', ['-db', '-f', cfgPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));

  const get: Harness['get'] = (path, opts = {}) =>
    new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path,
          headers: { connection: 'close', ...opts.headers },
          localAddress: opts.localAddress,
          agent: false,
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve(res.statusCode === 200 ? body : `HTTP ${res.statusCode}`));
        },
      );
      req.on('error', reject);
      req.end();
    });

  // Wait (bounded) until haproxy accepts connections.
  let ready = false;
  for (let i = 0; i < 100 && !ready; i++) {
    if (proc.exitCode !== null) break;
    try {
      await new Promise<void>((resolve, reject) => probe(port, resolve, reject));
      ready = true;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const close = async (): Promise<void> => {
    if (proc.exitCode === null) {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    }
    await Promise.all(backends.map((b) => new Promise((r) => b.close(r))));
    rmSync(dir, { recursive: true, force: true });
  };
  if (!ready) {
    await close();
    throw new Error(`haproxy did not start: ${stderr}`);
  }
  return { port, get, close };
}

/** Opens and closes one TCP connection to see whether something listens on `port`. */
function probe(port: number, onOk: () => void, onErr: (e: Error) => void): void {
  const c = connect(port, '127.0.0.1');
  c.once('connect', () => {
    c.destroy();
    onOk();
  });
  c.once('error', (e) => {
    c.destroy();
    onErr(e);
  });
}

/** Requests `paths` one after another and answers the server names in order. */
export async function sequence(h: Harness, paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) out.push(await h.get(p));
  return out;
}
