/**
 * TCP mode end to end with the real portico: echo with half-close and back-pressure, SNI routing
 * of real TLS handshakes without termination, PROXY protocol v1/v2 in and out, tcp-request
 * connection/content rules, a fake MySQL server behind `option mysql-check`, and the tcplog
 * termination states that can be provoked on loopback (--, SC, sD, cD, PR, CD).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { connect as tlsConnect, createServer as createTlsServer } from 'node:tls';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts, sleep, startPortico, type Proc } from '../harness.js';
import { startEcho, startReceiver, type Receiver } from '../log/syslog.js';
import { buildProxyV2 } from '../../../src/tcp/proxy-protocol.js';

const servers: Server[] = [];
const sockets = new Set<Socket>();
function track(s: Socket): void {
  sockets.add(s);
  s.on('close', () => sockets.delete(s));
  s.on('error', () => {});
}
function listen(handler: (s: Socket) => void, opts: { allowHalfOpen?: boolean } = {}): Promise<number> {
  const srv = createServer(opts, (s) => {
    track(s);
    handler(s);
  });
  servers.push(srv);
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve((srv.address() as { port: number }).port)));
}

/** Writes `data` (then FIN unless `keepOpen`), collects the answer until close or `ms`. */
function exchange(port: number, data: Buffer | string, opts: { keepOpen?: boolean; ms?: number; localAddress?: string } = {}): Promise<{ data: Buffer; localPort: number }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let localPort = 0;
    const s = connect({ port, host: '127.0.0.1', ...(opts.localAddress ? { localAddress: opts.localAddress } : {}) }, () => {
      localPort = s.localPort ?? 0;
      if (opts.keepOpen) s.write(data);
      else s.end(data);
    });
    const timer = setTimeout(() => s.destroy(), opts.ms ?? 3000);
    s.on('data', (d) => chunks.push(d));
    s.on('error', () => {});
    s.on('close', () => {
      clearTimeout(timer);
      resolve({ data: Buffer.concat(chunks), localPort });
    });
  });
}

function makeCert(dir: string, cn: string): { key: Buffer; cert: Buffer } {
  const key = join(dir, `${cn}.key`);
  const cert = join(dir, `${cn}.crt`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-subj', `/CN=${cn}`, '-days', '1'], { stdio: 'ignore' });
  return { key: readFileSync(key), cert: readFileSync(cert) };
}

function tlsHello(port: number, servername: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect({ port, host: '127.0.0.1', servername, rejectUnauthorized: false }, () => {
      const cn = s.getPeerCertificate().subject?.CN;
      let body = '';
      s.on('data', (d) => (body += d));
      s.on('end', () => resolve(`${cn}:${body}`));
    });
    s.setTimeout(3000, () => reject(new Error('tls timeout')));
    s.on('error', reject);
  });
}

/** A MySQL 5.7 initial handshake packet (protocol 10), as mysql-check expects it. */
function mysqlGreeting(): Buffer {
  const payload = Buffer.concat([
    Buffer.from([0x0a]),
    Buffer.from('5.7.42-fake\0'),
    Buffer.from([1, 0, 0, 0]),
    Buffer.from('abcdefgh'),
    Buffer.from([0, 0xff, 0xf7, 0x21, 0x02, 0, 0xff, 0x81, 0x15]),
    Buffer.alloc(10),
    Buffer.from('ijklmnopqrst\0'),
    Buffer.from('mysql_native_password\0'),
  ]);
  const head = Buffer.from([payload.length & 0xff, (payload.length >> 8) & 0xff, 0, 0]);
  return Buffer.concat([head, payload]);
}
const MYSQL_OK = Buffer.from([7, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0]);

describe('tcp mode', () => {
  let proc: Proc;
  let rx: Receiver;
  const P: Record<string, number> = {};
  const seenByRecorder: Buffer[] = [];
  let mysqlConns = 0;

  beforeAll(async () => {
    rx = await startReceiver();
    const echo = await startEcho();
    servers.push({ close: (cb?: () => void) => void echo.close().then(() => cb?.()) } as unknown as Server);
    const dir = mkdtempSync(join(tmpdir(), 'portico-tls-'));
    const certA = makeCert(dir, 'a.example');
    const certB = makeCert(dir, 'b.example');
    const tlsA = createTlsServer(certA, (s) => s.end('hello from A'));
    const tlsB = createTlsServer(certB, (s) => s.end('hello from B'));
    for (const t of [tlsA, tlsB]) t.on('connection', track);
    servers.push(tlsA, tlsB);
    const tlsPort = (srv: Server) => new Promise<number>((r) => srv.listen(0, '127.0.0.1', () => r((srv.address() as { port: number }).port)));
    const ta = await tlsPort(tlsA);
    const tb = await tlsPort(tlsB);
    const recorder = await listen((s) => {
      const chunks: Buffer[] = [];
      s.on('data', (d) => chunks.push(d));
      s.on('end', () => {
        seenByRecorder.push(Buffer.concat(chunks));
        s.end('ok');
      });
    }, { allowHalfOpen: true });
    const mute = await listen(() => {});
    const mysql = await listen((s) => {
      mysqlConns++;
      s.write(mysqlGreeting());
      s.once('data', () => s.write(MYSQL_OK));
    });
    const notMysql = await listen((s) => s.end('HTTP/1.0 400 nope\r\n\r\n'));
    const [dead] = await freePorts(1);
    const names = ['echo', 'sni', 'ppin', 'ppout', 'ppv1', 'guard', 'slow', 'idle', 'dead', 'mysql', 'big', 'limited', 'pperr'];
    const ports = await freePorts(names.length);
    names.forEach((n, i) => (P[n] = ports[i]!));
    const cfg = `global
    log 127.0.0.1:${rx.port} local0
defaults
    log global
    mode tcp
    option tcplog
    timeout connect 1s
    timeout client 3s
    timeout server 3s
frontend echo
    bind 127.0.0.1:${P['echo']}
    default_backend echo
frontend big
    bind 127.0.0.1:${P['big']}
    option dontlognull
    default_backend echo
backend echo
    server e1 127.0.0.1:${echo.port}
frontend sni
    bind 127.0.0.1:${P['sni']}
    tcp-request inspect-delay 2s
    tcp-request content accept if { req.ssl_hello_type 1 }
    use_backend tls_a if { req.ssl_sni -i a.example }
    use_backend tls_b if { req.ssl_sni -i b.example }
    default_backend echo
backend tls_a
    server a 127.0.0.1:${ta}
backend tls_b
    server b 127.0.0.1:${tb}
frontend ppin
    bind 127.0.0.1:${P['ppin']} accept-proxy
    default_backend echo
frontend pperr
    bind 127.0.0.1:${P['pperr']} accept-proxy
    error-log-format "conn-error %ci %ft %ac/%fc"
    default_backend echo
frontend ppout
    bind 127.0.0.1:${P['ppout']}
    default_backend chain
backend chain
    server c1 127.0.0.1:${P['ppin']} send-proxy-v2
frontend ppv1
    bind 127.0.0.1:${P['ppv1']}
    default_backend rec
backend rec
    server r1 127.0.0.1:${recorder} send-proxy
frontend limited
    bind 127.0.0.1:${P['limited']}
    stick-table type ip size 1k expire 30s store conn_cnt
    tcp-request connection track-sc0 src
    tcp-request connection reject if { sc0_conn_cnt gt 3 }
    default_backend echo
frontend guard
    bind 127.0.0.1:${P['guard']}
    tcp-request connection reject if { src 127.0.0.3 }
    tcp-request inspect-delay 1s
    tcp-request content reject if { req.payload(0,4) -m bin 42414421 }
    tcp-request content accept if { req.len ge 4 }
    default_backend echo
frontend slow
    bind 127.0.0.1:${P['slow']}
    default_backend mute
backend mute
    timeout server 300ms
    server m1 127.0.0.1:${mute}
frontend idle
    bind 127.0.0.1:${P['idle']}
    timeout client 300ms
    default_backend mute2
backend mute2
    server m1 127.0.0.1:${mute}
frontend dead
    bind 127.0.0.1:${P['dead']}
    default_backend dead
backend dead
    retries 0
    server d1 127.0.0.1:${dead}
frontend mysql
    bind 127.0.0.1:${P['mysql']}
    default_backend mysql
backend mysql
    option mysql-check user haproxy
    server good 127.0.0.1:${mysql} check inter 300
    server bad 127.0.0.1:${notMysql} check inter 300 backup
`;
    proc = await startPortico(cfg, Object.values(P));
  }, 60_000);

  afterAll(async () => {
    await proc?.stop();
    await rx?.close();
    for (const s of sockets) s.destroy();
    for (const s of servers) await new Promise<void>((r) => s.close(() => r()));
  });

  it('echoes with half-close and logs a normal tcplog line', async () => {
    rx.mark();
    const r = await exchange(P['echo']!, 'ping');
    expect(r.data.toString()).toBe('ping');
    const line = await rx.next(new RegExp(`:${r.localPort} \\[`));
    expect(line).toMatch(new RegExp(`^<134>\\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d haproxy\\[\\d+\\]: 127\\.0\\.0\\.1:${r.localPort} \\[\\d\\d/\\w{3}/\\d{4}:\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\] echo echo/e1 \\d+/\\d+/\\d+ 4 -- \\d+/\\d+/\\d+/\\d+/0 0/0\\n$`));
  });

  it('moves 8 MB both ways with back-pressure, bytes intact', async () => {
    const payload = Buffer.alloc(8 * 1024 * 1024);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 31) & 0xff;
    const r = await exchange(P['big']!, payload, { ms: 20_000 });
    expect(r.data.length).toBe(payload.length);
    expect(r.data.equals(payload)).toBe(true);
  }, 30_000);

  it('routes a real TLS handshake on its SNI without terminating it', async () => {
    expect(await tlsHello(P['sni']!, 'a.example')).toBe('a.example:hello from A');
    expect(await tlsHello(P['sni']!, 'B.EXAMPLE')).toBe('b.example:hello from B');
    // Not TLS: the accept rule never matches, inspect-delay ends, default backend (echo).
    const r = await exchange(P['sni']!, 'plain');
    expect(r.data.toString()).toBe('plain');
    expect(await rx.next(/ sni tls_a\/a /)).toMatch(/ -- /);
  });

  it('accept-proxy: v2 from portico itself, and v2 from a raw client, give the log its client', async () => {
    rx.mark();
    const r = await exchange(P['ppout']!, 'via chain');
    expect(r.data.toString()).toBe('via chain');
    // The inner frontend saw the original client (address and port) through the PROXY header.
    expect(await rx.next(new RegExp(`127\\.0\\.0\\.1:${r.localPort} \\[[^\\]]+\\] ppin echo/e1 `))).toMatch(/ -- /);
    const hdr = buildProxyV2({ src: '10.1.2.3', srcPort: 4567, dst: '10.9.9.9', dstPort: 80 });
    const r2 = await exchange(P['ppin']!, Buffer.concat([hdr, Buffer.from('after header')]));
    expect(r2.data.toString()).toBe('after header');
    expect(await rx.next(/ 10\.1\.2\.3:4567 \[[^\]]+\] ppin echo\/e1 /)).toMatch(/ 12 -- /);
  });

  it('accept-proxy: v1 text header, and an error line for a connection without one', async () => {
    const r = await exchange(P['ppin']!, 'PROXY TCP4 192.0.2.7 198.51.100.1 5555 443\r\nv1 data');
    expect(r.data.toString()).toBe('v1 data');
    await rx.next(/ 192\.0\.2\.7:5555 \[[^\]]+\] ppin echo\/e1 /);
    const bad = await exchange(P['ppin']!, 'GET / HTTP/1.0\r\n\r\n');
    expect(bad.data.length).toBe(0);
    expect(await rx.next(new RegExp(`127\\.0\\.0\\.1:${bad.localPort} \\[[^\\]]+\\] ppin/1: Received something which does not look like a PROXY protocol header`))).toBeTruthy();
  });

  it('error-log-format replaces the legacy connection error line', async () => {
    rx.mark();
    await exchange(P['pperr']!, 'not a proxy header');
    expect(await rx.next(/conn-error /)).toMatch(/haproxy\[\d+\]: conn-error 127\.0\.0\.1 pperr \d+\/\d+\n$/);
  });

  it('send-proxy: the server gets a v1 header with the client addresses, then the data', async () => {
    const before = seenByRecorder.length;
    const r = await exchange(P['ppv1']!, 'payload');
    expect(r.data.toString()).toBe('ok');
    for (let i = 0; i < 50 && seenByRecorder.length === before; i++) await sleep(20);
    expect(seenByRecorder[before]!.toString()).toBe(`PROXY TCP4 127.0.0.1 127.0.0.1 ${r.localPort} ${P['ppv1']}\r\npayload`);
  });

  it('tcp-request connection reject closes at once without a log line; content reject logs PR', async () => {
    rx.mark();
    const r = await exchange(P['guard']!, 'x', { localAddress: '127.0.0.3' });
    expect(r.data.length).toBe(0);
    const bad = await exchange(P['guard']!, 'BAD!rest');
    expect(bad.data.length).toBe(0);
    expect(await rx.next(new RegExp(`:${bad.localPort} \\[[^\\]]+\\] guard guard/<NOSRV> -1/-1/\\d+ 0 PR `))).toBeTruthy();
    const good = await exchange(P['guard']!, 'GOOD data');
    expect(good.data.toString()).toBe('GOOD data');
    await rx.next(new RegExp(`:${good.localPort} \\[[^\\]]+\\] guard echo/e1 `));
    expect(rx.matching(new RegExp(`:${r.localPort} \\[`))).toEqual([]);
  });

  it('tcp-request connection track-sc0 counts connections in the stick table; reject above a rate', async () => {
    // From a source of its own: conn_cnt 1, 2, 3 pass; the fourth (4 > 3) is refused at accept.
    const answers: string[] = [];
    for (let i = 0; i < 4; i++) answers.push((await exchange(P['limited']!, `n${i}`, { localAddress: '127.0.0.5' })).data.toString());
    expect(answers).toEqual(['n0', 'n1', 'n2', '']);
    const other = await exchange(P['limited']!, 'other', { localAddress: '127.0.0.6' });
    expect(other.data.toString()).toBe('other');
  });

  it('termination states: SC (refused), sD (server timeout), cD (client timeout)', async () => {
    const dead = await exchange(P['dead']!, 'x');
    expect(await rx.next(new RegExp(`:${dead.localPort} \\[[^\\]]+\\] dead dead/d1 0/-1/\\d+ 0 SC `))).toBeTruthy();
    const slow = await exchange(P['slow']!, 'hello?', { keepOpen: true });
    expect(await rx.next(new RegExp(`:${slow.localPort} \\[[^\\]]+\\] slow mute/m1 0/\\d+/\\d+ 0 sD `))).toBeTruthy();
    const idle = await exchange(P['idle']!, '', { keepOpen: true });
    expect(await rx.next(new RegExp(`:${idle.localPort} \\[[^\\]]+\\] idle mute2/m1 0/\\d+/\\d+ 0 cD `))).toBeTruthy();
  });

  it('client reset during data: CD', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = connect({ port: P['slow']!, host: '127.0.0.1' }, () => {
        s.write('x');
        setTimeout(() => s.resetAndDestroy(), 100);
        resolve(s.localPort ?? 0);
      });
      s.on('error', () => {});
    });
    expect(await rx.next(new RegExp(`:${port} \\[[^\\]]+\\] slow mute/m1 0/\\d+/\\d+ 0 CD `))).toBeTruthy();
  });

  it('mysql-check: a fake MySQL passes and serves traffic; a non-MySQL backup is marked DOWN in stderr and syslog', async () => {
    const r = await exchange(P['mysql']!, '', { keepOpen: true, ms: 500 });
    expect(r.data.subarray(4, 5)[0]).toBe(0x0a);
    expect(r.data.includes(Buffer.from('5.7.42-fake'))).toBe(true);
    // The first failed check comes right after start: look at every line received.
    for (let i = 0; i < 250 && rx.matching(/Backup Server mysql\/bad is DOWN/).length === 0; i++) await sleep(20);
    expect(rx.matching(/Backup Server mysql\/bad is DOWN/)[0]).toMatch(/^<129>\w{3} [ \d]\d [\d:]{8} haproxy\[\d+\]: Backup Server mysql\/bad is DOWN, reason: Layer7 /);
    expect(proc.stderr.join('\n')).toMatch(/Backup Server mysql\/bad is DOWN/);
    expect(mysqlConns).toBeGreaterThan(1);
    expect(rx.matching(/Server mysql\/good is DOWN/)).toEqual([]);
  });
});
