/**
 * Helpers for the HTTP/2 end-to-end tests: certificates made with openssl at test time, a
 * node:http2 client with bounded waits, curl, and a node:http2 backend that records what it
 * receives. Every wait is bounded in time.
 */
import { execFile, execFileSync } from 'node:child_process';
import { createServer as createNetServer } from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  connect as h2connect,
  createServer as createH2Server,
  createSecureServer,
  type ClientHttp2Session,
  type Http2Server,
  type Http2SecureServer,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
  type ServerHttp2Stream,
} from 'node:http2';

export interface Certs {
  dir: string;
  /** CA certificate (PEM text) that signed the server certificate. */
  ca: string;
  /** HAProxy-style PEM file (certificate + key) for a.test / localhost / 127.0.0.1. */
  pemFile: string;
  key: string;
  cert: string;
}

/** A CA and a server certificate for a.test (and localhost, 127.0.0.1), valid two days. */
export function makeCerts(): Certs {
  const dir = mkdtempSync(join(tmpdir(), 'portico-h2-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=portico h2 test CA');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=a.test');
  writeFileSync(join(dir, 'srv.ext'), 'subjectAltName=DNS:a.test,DNS:localhost,IP:127.0.0.1\n');
  openssl('x509', '-req', '-in', 'srv.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'srv.crt', '-days', '2', '-extfile', 'srv.ext');
  const cert = readFileSync(join(dir, 'srv.crt'), 'utf8');
  const key = readFileSync(join(dir, 'srv.key'), 'utf8');
  const pemFile = join(dir, 'srv.pem');
  writeFileSync(pemFile, cert + key);
  return { dir, ca: readFileSync(join(dir, 'ca.crt'), 'utf8'), pemFile, key, cert };
}

export interface H2Response {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  trailers: IncomingHttpHeaders | undefined;
}

/**
 * Opens an h2 connection (clear with prior knowledge for http://, TLS with ALPN h2 for https://);
 * resolves once the server's SETTINGS have arrived.
 */
export function openH2(url: string, ca?: string): Promise<ClientHttp2Session> {
  return new Promise((resolve, reject) => {
    const s = h2connect(url, ca ? { ca, servername: 'a.test' } : {});
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`h2 connect to ${url} timed out`));
    }, 5000);
    s.once('remoteSettings', () => {
      clearTimeout(timer);
      resolve(s);
    });
    s.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** One request on `session`; `body` is sent in `parts` DATA writes, `trailers` after it. */
export function h2Request(
  session: ClientHttp2Session,
  headers: OutgoingHttpHeaders,
  opts: { body?: Buffer | string; parts?: number; trailers?: OutgoingHttpHeaders; ms?: number } = {},
): Promise<H2Response> {
  return new Promise((resolve, reject) => {
    const hasBody = opts.body !== undefined;
    const req = session.request({ ':method': 'GET', ':path': '/', ...headers }, { endStream: !hasBody, ...(opts.trailers ? { waitForTrailers: true } : {}) });
    const timer = setTimeout(() => {
      req.close();
      reject(new Error(`h2 request ${String(headers[':path'])} timed out`));
    }, opts.ms ?? 5000);
    let status = 0;
    let resHeaders: IncomingHttpHeaders = {};
    let trailers: IncomingHttpHeaders | undefined;
    const chunks: Buffer[] = [];
    req.on('response', (h) => {
      status = Number(h[':status']);
      resHeaders = h;
    });
    req.on('trailers', (t) => (trailers = t));
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      clearTimeout(timer);
      resolve({ status, headers: resHeaders, body: Buffer.concat(chunks), trailers });
    });
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    if (opts.trailers) req.on('wantTrailers', () => req.sendTrailers(opts.trailers!));
    if (hasBody) {
      const body = Buffer.from(opts.body!);
      const parts = Math.max(1, opts.parts ?? 1);
      const size = Math.ceil(body.length / parts);
      for (let i = 0; i < parts; i++) req.write(body.subarray(i * size, (i + 1) * size));
      req.end();
    }
  });
}

/** Runs curl (bounded); resolves with stdout, stderr and the exit code. */
export function curl(args: string[], ms = 8000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('curl', ['-sS', '--max-time', String(Math.ceil(ms / 1000)), ...args], { timeout: ms + 2000, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export interface H2Seen {
  method: string;
  path: string;
  /** Request fields as received, pseudo-headers included: name, value, ... */
  raw: string[];
  body: string;
  trailers: IncomingHttpHeaders | undefined;
  /** The client port of the connection the request came on (to count reused connections). */
  remotePort: number;
}

export interface H2Backend {
  name: string;
  port: number;
  seen: H2Seen[];
  /** PROXY protocol lines received (backends started with `proxyProtocol`). */
  proxyLines: string[];
  /** Connections accepted. */
  sessions: number;
  close(): Promise<void>;
}

/**
 * A node:http2 backend (h2c, or TLS when certs are given) answering JSON about the request.
 * /trailers answers with a trailer field, /size/N with N bytes, /reset resets the stream,
 * /die sends half a body and drops the connection. With `proxyProtocol`, each connection must
 * start with a PROXY v1 line (recorded), then h2c.
 */
export async function startH2Backend(name: string, certs?: Certs, opts: { proxyProtocol?: boolean } = {}): Promise<H2Backend> {
  const seen: H2Seen[] = [];
  const proxyLines: string[] = [];
  const state = { sessions: 0 };
  const server: Http2Server | Http2SecureServer = certs ? createSecureServer({ key: certs.key, cert: certs.cert }) : createH2Server();
  server.on('session', (s) => {
    state.sessions++;
    s.on('error', () => {});
  });
  server.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, _flags: number, raw: string[]) => {
    stream.on('error', () => {});
    const chunks: Buffer[] = [];
    let trailers: IncomingHttpHeaders | undefined;
    stream.on('trailers', (t) => (trailers = t));
    stream.on('data', (d: Buffer) => chunks.push(d));
    stream.on('end', () => {
      const path = String(headers[':path']);
      const body = Buffer.concat(chunks).toString('latin1');
      seen.push({ method: String(headers[':method']), path, raw, body, trailers, remotePort: stream.session?.socket.remotePort ?? 0 });
      if (stream.destroyed) return;
      if (path.startsWith('/reset')) return void stream.close(2);
      if (path.startsWith('/die')) {
        stream.respond({ ':status': 200, 'content-length': '1000', 'x-backend': name });
        stream.write(Buffer.alloc(100, 'd'));
        return void setTimeout(() => stream.session?.destroy(), 50);
      }
      const m = /^\/size\/(\d+)/.exec(path);
      if (m) {
        stream.respond({ ':status': 200, 'content-type': 'application/octet-stream', 'x-backend': name });
        return void stream.end(Buffer.alloc(Number(m[1]), 'y'));
      }
      if (path.startsWith('/trailers')) {
        stream.respond({ ':status': 200, 'x-backend': name }, { waitForTrailers: true });
        stream.on('wantTrailers', () => stream.sendTrailers({ 'x-checksum': 'abc123' }));
        stream.write('part one,');
        return void stream.end('part two');
      }
      stream.respond({ ':status': 200, 'content-type': 'application/json', 'x-backend': name, 'set-cookie': ['b1=x', 'b2=y'] });
      stream.end(JSON.stringify({ backend: name, method: headers[':method'], path, body, scheme: headers[':scheme'], authority: headers[':authority'] }));
    });
  });
  let listening: { address(): unknown; close(cb: () => void): void } = server;
  if (opts.proxyProtocol) {
    // Reads the PROXY line, then gives the rest of the connection to the h2 server.
    const front = createNetServer((sock) => {
      let buf = Buffer.alloc(0);
      const onData = (d: Buffer) => {
        buf = Buffer.concat([buf, d]);
        const end = buf.indexOf('\r\n');
        if (end < 0) return;
        sock.removeListener('data', onData);
        sock.pause();
        proxyLines.push(buf.subarray(0, end).toString('latin1'));
        if (end + 2 < buf.length) sock.unshift(buf.subarray(end + 2));
        server.emit('connection', sock);
      };
      sock.on('data', onData);
      sock.on('error', () => {});
    });
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    listening = front;
  } else {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  }
  const port = (listening.address() as { port: number }).port;
  return {
    name,
    port,
    seen,
    proxyLines,
    get sessions() {
      return state.sessions;
    },
    close: () =>
      new Promise<void>((resolve) => {
        listening.close(() => resolve());
        if (listening !== server) server.close();
        setTimeout(resolve, 1000).unref();
      }),
  };
}
