/**
 * Runs the real haproxy on loopback in front of node backends for the persistence tests.
 * Each backend answers with the headers the client asks for (request header x-resp, JSON
 * [[name, value], ...]) and reports its name and the raw Cookie headers it received.
 * haproxy logs "%s %tsc" per request to stdout so tests can read the cookie status chars.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { freePort } from '../../free-port.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function haproxyAvailable(): boolean {
  const r = spawnSync('haproxy', ['-v'], { encoding: 'utf8' });
  return r.status === 0 && /HAProxy version 2\.6/.test(r.stdout);
}

export interface HarnessServer {
  name: string;
  /** words after "server NAME ADDR", e.g. "cookie s1" or "cookie s2 disabled" */
  params?: string;
}

export interface Exchange {
  /** Server that answered ("" when haproxy answered itself). */
  server: string;
  status: number;
  /** Raw Cookie header values the backend received, in order. */
  backendCookies: string[];
  /** Response headers as the client saw them, names as sent, in order. */
  headers: [string, string][];
  /** "%s %tsc" from haproxy's log line for this request. */
  log: string;
  /** Unix seconds just before sending and just after receiving. */
  t0: number;
  t1: number;
}

export interface SendOpts {
  method?: string;
  path?: string;
  /** Request headers in order (several Cookie headers allowed). */
  headers?: [string, string][];
  /** Headers the backend adds to its response. */
  respHeaders?: [string, string][];
  /** Status the backend answers with (200 by default). */
  respStatus?: number;
}

export interface Harness {
  /** Ports of the node backends, in server order. */
  ports: number[];
  send(opts: SendOpts): Promise<Exchange>;
  close(): Promise<void>;
}

export async function startHarness(backendLines: string[], servers: HarnessServer[]): Promise<Harness> {
  const backends: Server[] = [];
  const ports: number[] = [];
  for (const s of servers) {
    const srv = createServer((req, res) => {
      req.resume();
      const cookies: string[] = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        if (req.rawHeaders[i]!.toLowerCase() === 'cookie') cookies.push(req.rawHeaders[i + 1]!);
      }
      const want = req.headers['x-resp'];
      const extra: [string, string][] = typeof want === 'string' ? (JSON.parse(want) as [string, string][]) : [];
      const raw: string[] = ['content-type', 'application/json'];
      for (const [n, v] of extra) raw.push(n, v);
      const body = JSON.stringify({ server: s.name, cookies });
      raw.push('content-length', String(Buffer.byteLength(body)));
      res.writeHead(Number(req.headers['x-status'] ?? 200), raw);
      res.end(body);
    });
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', () => resolve()));
    const addr = srv.address();
    ports.push(typeof addr === 'object' && addr ? addr.port : 0);
    backends.push(srv);
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'portico-persist-'));
  const cfg = [
    'global',
    '  maxconn 100',
    '  log stdout format raw local0',
    'defaults',
    '  mode http',
    '  log global',
    '  log-format "%s %tsc"',
    '  timeout connect 2s',
    '  timeout client 5s',
    '  timeout server 5s',
    'frontend fe',
    `  bind 127.0.0.1:${port}`,
    '  default_backend be',
    'backend be',
    '  balance roundrobin',
    ...backendLines.map((l) => `  ${l}`),
    ...servers.map((s, i) => `  server ${s.name} 127.0.0.1:${ports[i]} ${s.params ?? ''}`),
    '',
  ].join('\n');
  const cfgPath = join(dir, 'h.cfg');
  writeFileSync(cfgPath, cfg);
  const proc: ChildProcess = spawn('haproxy', ['-db', '-f', cfgPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  const logs: string[] = [];
  let partial = '';
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  proc.stdout?.on('data', (d: Buffer) => {
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) if (l && !l.startsWith('<NOSRV> CR')) logs.push(l); // readiness probes
  });

  const send = async (opts: SendOpts): Promise<Exchange> => {
    const before = logs.length;
    const t0 = Math.floor(Date.now() / 1000);
    let head = `${opts.method ?? 'GET'} ${opts.path ?? '/'} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n`;
    for (const [n, v] of opts.headers ?? []) head += `${n}: ${v}\r\n`;
    if (opts.respHeaders) head += `x-resp: ${JSON.stringify(opts.respHeaders)}\r\n`;
    if (opts.respStatus) head += `x-status: ${opts.respStatus}\r\n`;
    head += 'content-length: 0\r\n\r\n';
    const res = parseResponse(await exchange(port, head));
    const t1 = Math.floor(Date.now() / 1000);
    for (let i = 0; i < 100 && logs.length <= before; i++) await new Promise((r) => setTimeout(r, 10));
    let server = '';
    let backendCookies: string[] = [];
    try {
      const j = JSON.parse(res.body) as { server: string; cookies: string[] };
      server = j.server;
      backendCookies = j.cookies;
    } catch {
      // haproxy's own reply
    }
    return { server, status: res.status, backendCookies, headers: res.headers, log: logs[before] ?? '', t0, t1 };
  };

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
  return { ports, send, close };
}

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

/** Sends raw bytes and answers everything the peer sent until it closed. */
function exchange(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = connect(port, '127.0.0.1');
    let data = '';
    c.setEncoding('latin1');
    c.on('data', (d: string) => (data += d));
    c.once('end', () => resolve(data));
    c.once('error', reject);
    c.setTimeout(5000, () => {
      c.destroy();
      reject(new Error('timeout'));
    });
    c.write(bytes, 'latin1');
  });
}

function parseResponse(raw: string): { status: number; headers: [string, string][]; body: string } {
  const end = raw.indexOf('\r\n\r\n');
  const lines = raw.slice(0, end).split('\r\n');
  const status = Number(lines[0]!.split(' ')[1]);
  const headers: [string, string][] = [];
  for (const l of lines.slice(1)) {
    const i = l.indexOf(':');
    headers.push([l.slice(0, i), l.slice(i + 1).trim()]);
  }
  let body = raw.slice(end + 4);
  if (headers.some(([n, v]) => n.toLowerCase() === 'transfer-encoding' && v === 'chunked')) body = dechunk(body);
  return { status, headers, body };
}

function dechunk(b: string): string {
  let out = '';
  for (let i = 0; i < 1000 && b.length > 0; i++) {
    const nl = b.indexOf('\r\n');
    const n = parseInt(b.slice(0, nl), 16);
    if (!(n > 0)) break;
    out += b.slice(nl + 2, nl + 2 + n);
    b = b.slice(nl + 4 + n);
  }
  return out;
}
