/**
 * End-to-end test helpers: free ports on loopback, echo backends that record what they
 * receive, spawning the real portico (and Debian's haproxy for differential tests), and
 * small HTTP clients (keep-alive and raw bytes). Every wait is bounded in time.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = join(ROOT, 'dist', 'cli.js');

/**
 * `npm test` builds before running vitest; a direct `vitest run` on a fresh clone builds here.
 * (Rebuilding on every stale file would race with edits in progress.)
 */
export function ensureBuilt(): void {
  if (existsSync(CLI)) return;
  const r = spawnSync('npx', ['tsc', '-p', ROOT], { cwd: ROOT, encoding: 'utf8' });
  if (!existsSync(CLI)) throw new Error(`build failed:\n${r.stdout}${r.stderr}`);
}

export function hasHaproxy(): boolean {
  return spawnSync('haproxy', ['-v'], { encoding: 'utf8' }).status === 0;
}

export { freePort, freePorts } from '../free-port.js';

export interface Seen {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  rawHeaders: string[];
  body: string;
  remotePort: number;
}

export interface Backend {
  name: string;
  port: number;
  server: Server;
  /** Requests received, in order. */
  seen: Seen[];
  /** TCP connections accepted. */
  connections: number;
  close(): Promise<void>;
}

/**
 * An HTTP backend that answers JSON describing the request. Paths change its behaviour:
 * /status/N, /slow/MS, /size/N (N bytes of 'x'), /chunked, /close (destroy the socket),
 * /garbage (invalid response), /empty (close without a response).
 */
export async function startBackend(name: string, port?: number): Promise<Backend> {
  const seen: Seen[] = [];
  const b: Partial<Backend> = { name, seen, connections: 0 };
  const server = createHttpServer({ keepAliveTimeout: 30_000 }, (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, rawHeaders: req.rawHeaders, body, remotePort: req.socket.remotePort! });
      const url = req.url ?? '/';
      let m: RegExpExecArray | null;
      res.setHeader('x-backend', name);
      if ((m = /^\/status\/(\d+)/.exec(url))) {
        res.statusCode = Number(m[1]);
        res.end(name);
      } else if ((m = /^\/slow\/(\d+)/.exec(url))) {
        setTimeout(() => res.end(name), Number(m[1]));
      } else if ((m = /^\/size\/(\d+)/.exec(url))) {
        res.setHeader('content-type', 'application/octet-stream');
        res.end(Buffer.alloc(Number(m[1]), 'x'));
      } else if (url.startsWith('/chunked')) {
        res.write(`${name}-part1,`);
        setTimeout(() => res.end(`${name}-part2`), 10);
      } else if (url.startsWith('/close')) {
        req.socket.destroy();
      } else if (url.startsWith('/garbage')) {
        req.socket.end('NOT HTTP AT ALL\r\n\r\n');
      } else if (url.startsWith('/empty')) {
        req.socket.end();
      } else {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ backend: name, method: req.method, url, headers: req.headers, body }));
      }
    });
  });
  server.on('connection', () => b.connections!++);
  await new Promise<void>((resolve) => server.listen(port ?? 0, '127.0.0.1', resolve));
  b.port = (server.address() as { port: number }).port;
  b.server = server;
  b.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return b as Backend;
}

export interface Proc {
  proc: ChildProcess;
  stdout: string[];
  stderr: string[];
  file: string;
  /** Waits for exit (bounded) and returns the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  exited: Promise<number | null>;
}

/** Writes `config` to a temp file and runs `portico -db -f file` (or another command). */
export async function startPortico(config: string, ports: number[], extraArgs: string[] = [], cmd?: { bin: string; args: string[] }): Promise<Proc> {
  ensureBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'portico-e2e-'));
  const file = join(dir, 'test.cfg');
  writeFileSync(file, config);
  const bin = cmd?.bin ?? process.execPath;
  const args = cmd ? [...cmd.args, '-f', file] : [CLI, '-db', '-f', file, ...extraArgs];
  const proc = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout: string[] = [];
  const stderr: string[] = [];
  proc.stdout!.on('data', (d: Buffer) => stdout.push(...d.toString().split('\n').filter(Boolean)));
  proc.stderr!.on('data', (d: Buffer) => stderr.push(...d.toString().split('\n').filter(Boolean)));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  try {
    // Generous: on a loaded 2-core machine a master-worker start can take several seconds; a passing test does not wait longer.
    await waitForPorts(ports, 20_000, () => proc.exitCode !== null);
  } catch (e) {
    await stop('SIGKILL');
    throw new Error(`${(e as Error).message}\nstderr:\n${stderr.join('\n')}`);
  }
  return { proc, stdout, stderr, file, stop, exited };
}

/** Starts Debian's haproxy with the same kind of config (for differential tests). */
export function startHaproxy(config: string, ports: number[]): Promise<Proc> {
  return startPortico(config, ports, [], { bin: 'haproxy', args: ['-db'] });
}

export async function waitForPorts(ports: number[], ms: number, gaveUp: () => boolean = () => false): Promise<void> {
  const deadline = Date.now() + ms;
  for (const port of ports) {
    for (;;) {
      if (gaveUp()) throw new Error('process exited before listening');
      if (await canConnect(port)) break;
      if (Date.now() > deadline) throw new Error(`port ${port} did not open within ${ms} ms`);
      await sleep(25);
    }
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends raw bytes and collects everything until the peer closes or `ms` passes. */
export function rawExchange(port: number, data: string | Buffer, ms = 2000, endAfterWrite = false): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const s: Socket = connect({ port, host: '127.0.0.1' });
    const timer = setTimeout(() => {
      s.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    }, ms);
    s.on('data', (d) => chunks.push(d));
    s.on('error', () => {});
    s.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('latin1'));
    });
    s.write(data);
    if (endAfterWrite) s.end();
  });
}

export interface SimpleResponse {
  status: number;
  headers: Record<string, string>;
  /** Header lines exactly as received, "name: value". */
  rawHeaders: string[];
  body: string;
}

/** Parses one or more raw HTTP/1 responses (content-length framed or close-delimited). */
export function parseResponses(raw: string): SimpleResponse[] {
  const out: SimpleResponse[] = [];
  let rest = raw;
  while (rest.length > 0) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) break;
    const lines = rest.slice(0, end).split('\r\n');
    const status = Number(lines[0]!.split(' ')[1]);
    const headers: Record<string, string> = {};
    for (const l of lines.slice(1)) {
      const i = l.indexOf(':');
      headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
    }
    let bodyStart = end + 4;
    let body: string;
    if (headers['content-length'] !== undefined) {
      const n = Number(headers['content-length']);
      body = rest.slice(bodyStart, bodyStart + n);
      rest = rest.slice(bodyStart + n);
    } else if (headers['transfer-encoding'] === 'chunked') {
      body = '';
      for (;;) {
        const le = rest.indexOf('\r\n', bodyStart);
        const size = parseInt(rest.slice(bodyStart, le), 16);
        if (!(size > 0)) {
          rest = rest.slice(le + 4);
          break;
        }
        body += rest.slice(le + 2, le + 2 + size);
        bodyStart = le + 2 + size + 2;
      }
    } else {
      body = rest.slice(bodyStart);
      rest = '';
    }
    out.push({ status, headers, rawHeaders: lines.slice(1), body });
  }
  return out;
}

/** One request over a fresh connection: method, path, headers, body; returns the parsed response. */
export async function httpRequest(
  port: number,
  path = '/',
  opts: { method?: string; headers?: Record<string, string>; body?: string; ms?: number } = {},
): Promise<SimpleResponse> {
  const method = opts.method ?? 'GET';
  const headers = { host: `127.0.0.1:${port}`, connection: 'close', ...opts.headers };
  if (opts.body !== undefined) headers['content-length'] = String(Buffer.byteLength(opts.body));
  const head = `${method} ${path} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
  const raw = await rawExchange(port, head + (opts.body ?? ''), opts.ms ?? 5000);
  const r = parseResponses(raw)[0];
  if (!r) throw new Error(`no response from port ${port}: ${JSON.stringify(raw)}`);
  return r;
}

/** Base config lines shared by e2e tests. */
export const DEFAULTS = `defaults
    mode http
    timeout connect 2s
    timeout client 5s
    timeout server 5s
`;
