/**
 * Issue 3 features end to end against portico alone: bind forms (addresses, IPv6, ranges, UNIX
 * sockets, inherited fds, family prefixes), maxconn at frontend/global level, disabled
 * proxies, server addresses by name (init-addr), server-template, default-server, weights,
 * monitor-uri, WebSocket tunnels with timeout tunnel, retries and queues.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect, createServer, type Socket } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, DEFAULTS, ensureBuilt, freePorts, parseResponses, sleep, startBackend, startPortico, waitForPorts, type Backend, type Proc } from '../harness.js';
import { freeConsecutivePorts } from '../../free-port.js';

const tmp = mkdtempSync(join(tmpdir(), 'portico-features-'));

/** One request over `opts` (TCP host/port or UNIX path); resolves with the raw answer. */
function ask(target: { port?: number; host?: string; path?: string }, req = 'GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n', ms = 3000): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const s = target.path ? connect({ path: target.path }) : connect({ port: target.port!, host: target.host ?? '127.0.0.1' });
    const t = setTimeout(() => s.destroy(), ms);
    s.on('data', (d) => chunks.push(d));
    s.on('error', () => {});
    s.on('close', () => {
      clearTimeout(t);
      resolve(Buffer.concat(chunks).toString('latin1'));
    });
    s.write(req);
  });
}

const statusOf = (raw: string) => Number(/^HTTP\/1\.\d (\d{3})/.exec(raw)?.[1] ?? 0);
const serverOf = (raw: string) => /x-srv: (\S+)/i.exec(raw)?.[1];

function hasIpv6(): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(0, '::1', () => s.close(() => resolve(true)));
  });
}

/** A connection that sent one keep-alive request and got its answer; stays open until closed. */
async function heldConnection(port: number): Promise<{ socket: Socket; first: string }> {
  const socket = connect({ port, host: '127.0.0.1' });
  socket.on('error', () => {});
  const first = await new Promise<string>((resolve) => {
    let buf = '';
    const t = setTimeout(() => resolve(buf), 3000);
    socket.on('data', (d) => {
      buf += d.toString('latin1');
      if (/\r\n\r\n[\s\S]*\}$/.test(buf)) {
        clearTimeout(t);
        resolve(buf);
      }
    });
    socket.write('GET /held HTTP/1.1\r\nhost: x\r\n\r\n');
  });
  return { socket, first };
}

/** Sends a request and reports whether an answer came within `ms`; keeps listening afterwards. */
function pendingRequest(port: number): { answeredWithin(ms: number): Promise<boolean>; answer: Promise<string>; socket: Socket } {
  const socket = connect({ port, host: '127.0.0.1' });
  socket.on('error', () => {});
  let buf = '';
  const answer = new Promise<string>((resolve) => {
    const t = setTimeout(() => resolve(buf), 5000);
    socket.on('data', (d) => (buf += d.toString('latin1')));
    socket.on('close', () => {
      clearTimeout(t);
      resolve(buf);
    });
  });
  socket.write('GET /waiting HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n');
  return {
    socket,
    answer,
    answeredWithin: async (ms) => {
      const deadline = Date.now() + ms;
      while (Date.now() < deadline && buf === '') await sleep(20);
      return buf !== '';
    },
  };
}

describe('bind forms', () => {
  let b: Backend;
  let p: Proc;
  let ports: number[];
  let range: number;
  let v6: boolean;
  const sock1 = join(tmp, 'a.sock');
  const sock2 = join(tmp, 'b.sock');

  beforeAll(async () => {
    b = await startBackend('b');
    v6 = await hasIpv6();
    ports = await freePorts(9);
    range = await freeConsecutivePorts(3);
    const [addr, star, colon, multiA, multiB, ip4, ip6] = ports as [number, number, number, number, number, number, number];
    p = await startPortico(
      `${DEFAULTS}
frontend fe
    bind 127.0.0.1:${addr}
    bind *:${star}
    bind :${colon}
    bind 127.0.0.1:${multiA},127.0.0.1:${multiB}
    bind 127.0.0.1:${range}-${range + 2}
    bind unix@${sock1}
    bind ${sock2}
    bind ipv4@127.0.0.1:${ip4}
${v6 ? `    bind [::1]:${ip6}\n    bind ipv6@::1:${ports[0]}\n    bind [::]:${ports[7]} v6only\n    bind [::]:${ports[8]}\n` : ''}    default_backend be
backend be
    server s1 127.0.0.1:${b.port}
`,
      [addr, star, colon, multiA, multiB, range, range + 1, range + 2, ip4],
    );
  });
  afterAll(async () => {
    await p?.stop();
    await b?.close();
  });

  it('ADDR:PORT, *:PORT, :PORT, a list on one line, a port range and ipv4@ all serve', async () => {
    for (const port of [...ports.slice(0, 6), range, range + 1, range + 2]) {
      expect(statusOf(await ask({ port })), `port ${port}`).toBe(200);
    }
  });

  it('*:PORT and :PORT listen on every IPv4 address, ADDR:PORT only on its own', async () => {
    // 127.0.0.2 is another loopback address: the wildcard binds accept there, 127.0.0.1:P does not.
    expect(statusOf(await ask({ port: ports[1], host: '127.0.0.2' }))).toBe(200);
    expect(statusOf(await ask({ port: ports[2], host: '127.0.0.2' }))).toBe(200);
    expect(await ask({ port: ports[0], host: '127.0.0.2' }, undefined, 1000)).toBe('');
  });

  it('unix@PATH and an absolute path bind UNIX sockets', async () => {
    expect(statusOf(await ask({ path: sock1 }))).toBe(200);
    expect(statusOf(await ask({ path: sock2 }))).toBe(200);
  });

  it('[::1]:PORT and ipv6@ bind IPv6', async ({ skip }) => {
    if (!v6) skip('no IPv6 loopback on this machine');
    expect(statusOf(await ask({ port: ports[6], host: '::1' }))).toBe(200);
    expect(statusOf(await ask({ port: ports[0], host: '::1' }))).toBe(200);
  });

  it('[::]:PORT is dual-stack unless v6only', async ({ skip }) => {
    if (!v6) skip('no IPv6 loopback on this machine');
    expect(statusOf(await ask({ port: ports[8], host: '::1' }))).toBe(200);
    expect(statusOf(await ask({ port: ports[8], host: '127.0.0.1' }))).toBe(200);
    expect(statusOf(await ask({ port: ports[7], host: '::1' }))).toBe(200);
    expect(await ask({ port: ports[7], host: '127.0.0.1' }, undefined, 1000)).toBe('');
  });
});

describe('bind fd@N with an inherited listening socket', () => {
  it('serves on the socket it was given as fd 3', async () => {
    ensureBuilt();
    const b = await startBackend('b');
    const listener = createServer();
    await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
    const port = (listener.address() as { port: number }).port;
    const fd = (listener as unknown as { _handle: { fd: number } })._handle.fd;
    expect(fd).toBeGreaterThan(2);
    const file = join(tmp, 'fd.cfg');
    writeFileSync(file, `${DEFAULTS}\nlisten fd\n    bind fd@3\n    server s1 127.0.0.1:${b.port}\n`);
    const child = spawn(process.execPath, [CLI, '-db', '-f', file], { stdio: ['ignore', 'pipe', 'pipe', fd] });
    const stderr: string[] = [];
    child.stderr!.on('data', (d: Buffer) => stderr.push(d.toString()));
    // The parent stops accepting on its copy; the kernel queue is shared, so only the child serves.
    listener.close();
    try {
      let raw = '';
      for (let i = 0; i < 40 && statusOf(raw) !== 200; i++) {
        raw = await ask({ port }, undefined, 1000);
        if (statusOf(raw) !== 200) await sleep(100);
      }
      expect(statusOf(raw), stderr.join('')).toBe(200);
      expect(raw).toContain('"backend":"b"');
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => {
        const t = setTimeout(() => {
          child.kill('SIGKILL');
          r(undefined);
        }, 5000);
        child.on('exit', () => {
          clearTimeout(t);
          r(undefined);
        });
      });
      await b.close();
    }
  });
});

describe('maxconn', () => {
  let b: Backend;
  let p: Proc;
  let pg: Proc;
  let fePort: number, globalPort: number, bindPort: number, other: number;

  beforeAll(async () => {
    b = await startBackend('b');
    [fePort, globalPort, bindPort, other] = await freePorts(4);
    p = await startPortico(
      `${DEFAULTS}
frontend felimit
    bind 127.0.0.1:${fePort}
    maxconn 1
    default_backend be
frontend bindlimit
    bind 127.0.0.1:${bindPort} maxconn 1
    bind 127.0.0.1:${other}
    default_backend be
backend be
    server s1 127.0.0.1:${b.port}
`,
      [fePort, bindPort, other],
    );
    pg = await startPortico(`global\n    maxconn 1\n${DEFAULTS}\nlisten g\n    bind 127.0.0.1:${globalPort}\n    server s1 127.0.0.1:${b.port}\n`, []);
  });
  afterAll(async () => {
    await p?.stop();
    await pg?.stop();
    await b?.close();
  });

  async function limitedToOne(port: number): Promise<void> {
    const held = await heldConnection(port);
    expect(statusOf(held.first)).toBe(200);
    const waiting = pendingRequest(port);
    try {
      expect(await waiting.answeredWithin(400)).toBe(false);
      held.socket.destroy();
      expect(statusOf(await waiting.answer)).toBe(200);
    } finally {
      held.socket.destroy();
      waiting.socket.destroy();
    }
  }

  it('frontend maxconn 1: a second connection waits until the first closes', async () => {
    await limitedToOne(fePort);
  });

  it('bind maxconn 1 limits that bind only', async () => {
    const held = await heldConnection(bindPort);
    try {
      // The other bind of the same frontend is not limited.
      expect(statusOf(await ask({ port: other }))).toBe(200);
    } finally {
      held.socket.destroy();
    }
    // startPortico's own probe connection may still hold the slot for a moment.
    await sleep(100);
    await limitedToOne(bindPort);
  });

  it('global maxconn 1 limits the process', async () => {
    // startPortico's own probe connection may still hold the slot for a moment.
    await waitForPorts([globalPort], 20_000);
    await sleep(100);
    await limitedToOne(globalPort);
  });
});

describe('proxies, servers and addresses', () => {
  let b1: Backend, b2: Backend, b3: Backend;
  let p: Proc;
  let port: Record<string, number>;
  const names = ['main', 'off', 'offfe', 'libc', 'none', 'fallback', 'tmpl', 'defsrv', 'w256', 'mon'];

  beforeAll(async () => {
    [b1, b2, b3] = await Promise.all([startBackend('b1'), startBackend('b2'), startBackend('b3')]);
    const list = await freePorts(names.length);
    port = Object.fromEntries(names.map((n, i) => [n, list[i]!]));
    p = await startPortico(
      `${DEFAULTS}
listen main
    bind 127.0.0.1:${port.main}
    server s1 127.0.0.1:${b1.port}
listen off
    disabled
    bind 127.0.0.1:${port.off}
    server s1 127.0.0.1:${b1.port}
frontend offfe
    bind 127.0.0.1:${port.offfe}
    disabled
    default_backend libc
listen libc
    bind 127.0.0.1:${port.libc}
    http-response set-header x-srv %s
    server byname localhost:${b1.port} init-addr libc
listen none
    bind 127.0.0.1:${port.none}
    server unresolved no-such-host.invalid:${b1.port} init-addr none
listen fallback
    bind 127.0.0.1:${port.fallback}
    http-response set-header x-srv %s
    server fb no-such-host.invalid:${b2.port} init-addr libc,127.0.0.1
listen tmpl
    bind 127.0.0.1:${port.tmpl}
    http-response set-header x-srv %s
    server-template web 3 127.0.0.1:${b1.port}
listen defsrv
    bind 127.0.0.1:${port.defsrv}
    http-response set-header x-srv %s
    default-server weight 0
    server zero 127.0.0.1:${b1.port}
    server one 127.0.0.1:${b2.port} weight 1
listen w256
    bind 127.0.0.1:${port.w256}
    http-response set-header x-srv %s
    server heavy 127.0.0.1:${b1.port} weight 256
    server light 127.0.0.1:${b2.port} weight 1
listen mon
    bind 127.0.0.1:${port.mon}
    monitor-uri /healthz
    server s1 127.0.0.1:${b3.port}
`,
      names.filter((n) => n !== 'off' && n !== 'offfe').map((n) => port[n]!),
    );
  });
  afterAll(async () => {
    await p?.stop();
    await Promise.all([b1?.close(), b2?.close(), b3?.close()]);
  });

  it('disabled listen and frontend sections do not listen', async () => {
    expect(statusOf(await ask({ port: port.main }))).toBe(200);
    expect(await ask({ port: port.off }, undefined, 1000)).toBe('');
    expect(await ask({ port: port.offfe }, undefined, 1000)).toBe('');
  });

  it('a server given by host name is resolved at start (init-addr libc)', async () => {
    const raw = await ask({ port: port.libc });
    expect(statusOf(raw)).toBe(200);
    expect(serverOf(raw)).toBe('byname');
  });

  it('init-addr none: an unresolvable server starts in maintenance (503), the proxy still runs', async () => {
    expect(statusOf(await ask({ port: port.none }))).toBe(503);
    expect(statusOf(await ask({ port: port.main }))).toBe(200);
  });

  it('init-addr libc,IP falls back to the IP address', async () => {
    const raw = await ask({ port: port.fallback });
    expect(statusOf(raw)).toBe(200);
    expect(raw).toContain('"backend":"b2"');
  });

  it('server-template makes N servers named PREFIX1..PREFIXN', async () => {
    const seen: string[] = [];
    for (let i = 0; i < 6; i++) seen.push(serverOf(await ask({ port: port.tmpl }))!);
    expect(seen).toEqual(['web1', 'web2', 'web3', 'web1', 'web2', 'web3']);
  });

  it('default-server settings apply unless a server overrides them (weight 0 never chosen)', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5; i++) seen.add(serverOf(await ask({ port: port.defsrv }))!);
    expect([...seen]).toEqual(['one']);
  });

  it('weight 256 against weight 1', async () => {
    const seen: string[] = [];
    for (let i = 0; i < 40; i++) seen.push(serverOf(await ask({ port: port.w256 }))!);
    expect(seen.filter((s) => s === 'heavy').length).toBeGreaterThanOrEqual(39);
  });

  it('monitor-uri answers 200 itself without reaching the server', async () => {
    const before = b3.seen.length;
    const raw = await ask({ port: port.mon }, 'GET /healthz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n');
    const [r] = parseResponses(raw);
    expect(r!.status).toBe(200);
    expect(r!.body).toBe('<html><body><h1>200 OK</h1>\nService ready.\n</body></html>\n');
    expect(b3.seen.length).toBe(before);
    expect(statusOf(await ask({ port: port.mon }, 'GET /other HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n'))).toBe(200);
    expect(b3.seen.length).toBe(before + 1);
  });
});

describe('configuration checks for servers', () => {
  function check(cfg: string): { status: number | null; out: string } {
    ensureBuilt();
    const file = join(tmp, `c${Math.random().toString(36).slice(2)}.cfg`);
    // A listener, else -c says "will not start (no listener)" and exits 2.
    writeFileSync(file, `${DEFAULTS}\nfrontend f\n    bind 127.0.0.1:1\n    default_backend b\n${cfg}`);
    const r = spawnSync(process.execPath, [CLI, '-c', '-f', file], { encoding: 'utf8', timeout: 15_000 });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  }

  it('weights 0 and 256 are valid, 257 is not', () => {
    expect(check('backend b\n    server a 127.0.0.1:1 weight 0\n    server c 127.0.0.1:2 weight 256\n').status).toBe(0);
    const bad = check('backend b\n    server a 127.0.0.1:1 weight 257\n');
    expect(bad.status).toBe(1);
    expect(bad.out).toMatch(/weight/);
  });

  it('an unresolvable server name without init-addr stops the start', async () => {
    ensureBuilt();
    const [port] = await freePorts(1);
    const file = join(tmp, 'unres.cfg');
    writeFileSync(file, `${DEFAULTS}\nlisten x\n    bind 127.0.0.1:${port}\n    server s1 no-such-host.invalid:80\n`);
    const r = spawnSync(process.execPath, [CLI, '-db', '-f', file], { encoding: 'utf8', timeout: 15_000 });
    expect(r.status).not.toBe(0);
    expect(r.status).not.toBeNull();
    expect(`${r.stdout}${r.stderr}`).toMatch(/could not resolve address 'no-such-host\.invalid'/);
  });
});

describe('WebSocket through portico', () => {
  let ws: HttpServer;
  let wsPort: number;
  let p: Proc;
  let port: number;
  let upgrades = 0;
  const tunnels = new Set<Socket>();

  beforeAll(async () => {
    ws = createHttpServer((_req, res) => res.end('plain'));
    ws.on('upgrade', (req, socket: Socket) => {
      upgrades++;
      tunnels.add(socket);
      const accept = createHash('sha1').update(`${req.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
      socket.write(Buffer.from([0x81, 0x05, ...Buffer.from('hello')])); // server speaks first
      socket.on('data', (d) => socket.write(Buffer.concat([Buffer.from('echo:'), d])));
      socket.on('error', () => {});
    });
    await new Promise<void>((r) => ws.listen(0, '127.0.0.1', r));
    wsPort = (ws.address() as { port: number }).port;
    [port] = await freePorts(1);
    p = await startPortico(`${DEFAULTS}\nlisten ws\n    bind 127.0.0.1:${port}\n    timeout tunnel 400ms\n    server s1 127.0.0.1:${wsPort}\n`, [port]);
  });
  afterAll(async () => {
    await p?.stop();
    ws?.closeAllConnections();
    for (const t of tunnels) t.destroy();
    await new Promise((r) => ws?.close(r));
  });

  it('switches protocols, carries bytes both ways, and timeout tunnel closes an idle tunnel', async () => {
    const key = Buffer.from('portico-e2e-key!').toString('base64');
    const expectedAccept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    const s = connect({ port, host: '127.0.0.1' });
    s.on('error', () => {});
    let buf = Buffer.alloc(0);
    let closedAt = 0;
    s.on('data', (d) => (buf = Buffer.concat([buf, d])));
    s.on('close', () => (closedAt = Date.now()));
    s.write(`GET /chat HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    const until = async (cond: () => boolean, ms: number) => {
      const deadline = Date.now() + ms;
      while (!cond() && Date.now() < deadline) await sleep(10);
      return cond();
    };
    expect(await until(() => buf.includes('hello'), 3000)).toBe(true);
    const text = buf.toString('latin1');
    expect(text).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
    expect(text.toLowerCase()).toContain('upgrade: websocket\r\n');
    expect(text.toLowerCase()).toContain('connection: upgrade\r\n');
    expect(text).toContain(`ec-websocket-accept: ${expectedAccept}`.slice(1));
    expect(upgrades).toBe(1);
    // A masked client text frame "ping", echoed back by the server.
    const mask = [1, 2, 3, 4];
    const frame = Buffer.from([0x81, 0x84, ...mask, ...Buffer.from('ping').map((c, i) => c ^ mask[i % 4]!)]);
    const before = buf.length;
    s.write(frame);
    expect(await until(() => buf.length >= before + 5 + frame.length, 2000)).toBe(true);
    expect(buf.subarray(before).equals(Buffer.concat([Buffer.from('echo:'), frame]))).toBe(true);
    // Idle from here: timeout tunnel (400 ms) closes both sides.
    const idleFrom = Date.now();
    expect(await until(() => closedAt > 0, 3000)).toBe(true);
    expect(closedAt - idleFrom).toBeGreaterThanOrEqual(300);
    expect(closedAt - idleFrom).toBeLessThan(2000);
    s.destroy();
  });
});

describe('retries, redispatch and queues', () => {
  let b1: Backend, b2: Backend;
  let p: Proc;
  let refused: number, noretry: number, persist: number, persistRedis: number;

  beforeAll(async () => {
    [b1, b2] = await Promise.all([startBackend('b1'), startBackend('b2')]);
    [refused, noretry, persist, persistRedis] = await freePorts(4);
    p = await startPortico(
      `${DEFAULTS}
listen refused
    bind 127.0.0.1:${refused}
    timeout connect 300ms
    retries 2
    server dead 127.0.0.1:1
listen noretry
    bind 127.0.0.1:${noretry}
    retries 3
    option redispatch
    server s1 127.0.0.1:${b1.port}
    server s2 127.0.0.1:${b2.port}
listen persist
    bind 127.0.0.1:${persist}
    timeout queue 2s
    cookie SRV insert indirect nocache
    server s1 127.0.0.1:${b1.port} cookie s1 maxconn 1 maxqueue 1
    server s2 127.0.0.1:${b2.port} cookie s2
listen persistredis
    bind 127.0.0.1:${persistRedis}
    timeout queue 2s
    option redispatch
    cookie SRV insert indirect nocache
    server s1 127.0.0.1:${b1.port} cookie s1 maxconn 1 maxqueue 1
    server s2 127.0.0.1:${b2.port} cookie s2
`,
      [refused, noretry, persist, persistRedis],
    );
  });
  afterAll(async () => {
    await p?.stop();
    await Promise.all([b1?.close(), b2?.close()]);
  });

  it('a refused server is retried `retries` times with a pause, then 503', async () => {
    const started = Date.now();
    const raw = await ask({ port: refused }, undefined, 6000);
    const elapsed = Date.now() - started;
    expect(statusOf(raw)).toBe(503);
    // Two pauses of min(timeout connect, 1 s) between the three attempts.
    expect(elapsed).toBeGreaterThanOrEqual(500);
    expect(elapsed).toBeLessThan(3000);
  });

  it('nothing is retried once the request was sent: 502 and exactly one request on the servers', async () => {
    for (const path of ['/empty', '/close', '/garbage']) {
      const before = b1.seen.length + b2.seen.length + b1.connections + b2.connections;
      const raw = await ask({ port: noretry }, `POST ${path} HTTP/1.1\r\nhost: x\r\ncontent-length: 3\r\nconnection: close\r\n\r\nabc`);
      expect(statusOf(raw), path).toBe(502);
      await sleep(50);
      // One connection and at most one recorded request (/close and /empty answer nothing).
      expect(b1.seen.length + b2.seen.length + b1.connections + b2.connections - before, path).toBeLessThanOrEqual(2);
    }
  });

  async function persistentTrio(port: number): Promise<string[]> {
    const req = (path: string) => `GET ${path} HTTP/1.1\r\nhost: x\r\ncookie: SRV=s1\r\nconnection: close\r\n\r\n`;
    const first = ask({ port }, req('/slow/700'), 5000);
    await sleep(100);
    const second = ask({ port }, req('/queued'), 5000);
    await sleep(100);
    const third = await ask({ port }, req('/third'), 5000);
    const answers = [await first, await second, third];
    return answers.map((r) => `${statusOf(r)} ${/x-backend: (\w+)/.exec(r)?.[1] ?? '-'}`);
  }

  it('server maxconn 1 + maxqueue 1: one served, one queued, the next is refused with 503', async () => {
    expect(await persistentTrio(persist)).toEqual(['200 b1', '200 b1', '503 -']);
  });

  it('with option redispatch a request finding the server queue full goes to another server', async () => {
    expect(await persistentTrio(persistRedis)).toEqual(['200 b1', '200 b1', '200 b2']);
  });
});
