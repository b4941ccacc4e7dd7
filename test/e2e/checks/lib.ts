/**
 * Helpers for the health-check e2e tests: a controllable HTTP backend (health answer, error mode,
 * streaming responses, kill), a TCP echo backend, the Runtime API over TCP, long-lived clients,
 * and bounded waits on a process's output lines.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import { connect, createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { freePorts, sleep, startHaproxy, startPortico, type Proc } from '../harness.js';

export interface CtlBackend {
  name: string;
  port: number;
  /** Status of /health (the check URI). */
  healthStatus: number;
  /** When set, every non-health request gets this status. */
  forceStatus: number | undefined;
  /** Requests (non-health) received. */
  hits: number;
  /** Closes the listener and every open connection (the server process "dies"). */
  kill(): Promise<void>;
  close(): Promise<void>;
}

/**
 * An HTTP backend: GET /health answers `healthStatus`; /stream sends a line every 100 ms until the
 * client goes; anything else answers `name` (or `forceStatus`). Keep-alive for 30 s.
 */
export async function ctlBackend(name: string, port = 0): Promise<CtlBackend> {
  const sockets = new Set<Socket>();
  const b = { name, port: 0, healthStatus: 200, forceStatus: undefined as number | undefined, hits: 0 } as CtlBackend;
  const server: Server = createHttpServer({ keepAliveTimeout: 30_000 }, (req, res) => {
    const url = req.url ?? '/';
    if (url.startsWith('/health')) {
      res.statusCode = b.healthStatus;
      res.end('health\n');
      return;
    }
    b.hits++;
    res.setHeader('x-backend', name);
    if (b.forceStatus !== undefined) {
      res.statusCode = b.forceStatus;
      res.end(`${name} error\n`);
      return;
    }
    if (url.startsWith('/stream')) {
      res.setHeader('content-type', 'text/plain');
      res.write(`${name} start\n`);
      let n = 0;
      const t = setInterval(() => {
        // Bounded: a stream lasts at most 60 s.
        if (++n > 600) return res.end();
        res.write(`${name} tick ${n}\n`);
      }, 100);
      res.on('close', () => clearInterval(t));
      return;
    }
    res.end(`${name}\n`);
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  b.port = (server.address() as { port: number }).port;
  const shut = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  b.kill = shut;
  b.close = shut;
  return b;
}

/** A TCP backend that greets with its name, then echoes. */
export async function echoBackend(name: string): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: NetServer = createNetServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    s.write(`${name}\n`);
    s.pipe(s);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** One Runtime API command over `stats socket ipv4@127.0.0.1:port`; the whole answer. */
export function cli(port: number, command: string, ms = 3000): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const s = connect({ port, host: '127.0.0.1' });
    const timer = setTimeout(() => s.destroy(), ms);
    s.on('data', (d) => chunks.push(d));
    s.on('error', () => {});
    s.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString());
    });
    s.write(`${command}\n`);
  });
}

/** A client holding one connection open: what it received and when the proxy closed it. */
export interface HeldClient {
  data(): string;
  closed: Promise<void>;
  isClosed(): boolean;
  destroy(): void;
}

/** Opens a connection, writes `request`, and keeps reading until the peer closes (at most `ms`). */
export function holdConnection(port: number, request: string, ms = 20_000): HeldClient {
  const chunks: Buffer[] = [];
  let closed = false;
  const s = connect({ port, host: '127.0.0.1' });
  s.on('error', () => {});
  s.on('data', (d) => chunks.push(d));
  const timer = setTimeout(() => s.destroy(), ms);
  const done = new Promise<void>((resolve) =>
    s.on('close', () => {
      closed = true;
      clearTimeout(timer);
      resolve();
    }),
  );
  s.write(request);
  return { data: () => Buffer.concat(chunks).toString('latin1'), closed: done, isClosed: () => closed, destroy: () => s.destroy() };
}

/** Polls `cond` every 20 ms until it holds or `ms` passes; returns whether it held. */
export async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    if (cond()) return true;
    if (Date.now() > end) return false;
    await sleep(20);
  }
}

/** The first output line (stdout or stderr) matching `re`, waiting up to `ms`. */
export async function waitLine(p: Proc, re: RegExp, ms: number): Promise<string | undefined> {
  let found: string | undefined;
  await waitFor(() => (found = [...p.stdout, ...p.stderr].find((l) => re.test(l))) !== undefined, ms);
  return found;
}

/** Output lines (stdout + stderr) matching `re`, without syslog headers or [WARNING] tags. */
export function lines(p: Proc, re: RegExp): string[] {
  return [...p.stdout, ...p.stderr].filter((l) => re.test(l)).map((l) => l.replace(/^<\d+>\S*\s*|^\[\w+\]\s+\(\d+\) : /, ''));
}

export type Target = 'portico' | 'haproxy';

/**
 * Starts portico or haproxy with `cfg(ports)` on `n` fresh ports, waiting for `ready(ports)` to
 * listen. Another test file may grab a port between freePorts() and the bind: then it starts
 * again on new ports (at most 3 times).
 */
export async function startOn(target: Target, n: number, cfg: (ports: number[]) => string, ready: (ports: number[]) => number[] = (p) => p): Promise<{ p: Proc; ports: number[] }> {
  for (let attempt = 1; ; attempt++) {
    const ports = await freePorts(n);
    try {
      const p = target === 'portico' ? await startPortico(cfg(ports), ready(ports)) : await startHaproxy(cfg(ports), ready(ports));
      return { p, ports };
    } catch (e) {
      if (attempt >= 3 || !/Address already in use|EADDRINUSE/.test(String(e))) throw e;
    }
  }
}
