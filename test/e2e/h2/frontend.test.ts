/**
 * HTTP/2 clients end to end: `alpn h2,http/1.1` on an ssl bind and `proto h2` on a clear bind,
 * with node:http2 and curl, through the same rules, ACLs, cookie persistence and logs as
 * HTTP/1.1 (HTTP/1.1 backends recording what they receive). Also: ALPN fallback to http/1.1,
 * TLS passthrough in tcp mode, maxconn counting connections, idle timeouts, and bad input
 * (garbage preface, malformed streams, resets) that must never take portico down.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request as httpsRequest } from 'node:https';
import { connect as netConnect } from 'node:net';
import { connect as h2connect, constants, type ClientHttp2Session } from 'node:http2';
import { connect as tlsConnect } from 'node:tls';
import { DEFAULTS, freePorts, sleep, startBackend, startPortico, type Backend, type Proc } from '../harness.js';
import { startReceiver, type Receiver } from '../log/syslog.js';
import { curl, h2Request, makeCerts, openH2, startH2Backend, type Certs, type H2Backend } from './h2-helpers.js';

let certs: Certs;
let b1: Backend, b2: Backend, api: Backend, beta: Backend;
let tlsBackend: H2Backend;
let rx: Receiver;
let portico: Proc;
let tlsPort: number, h2cPort: number, ptPort: number, limitedPort: number, idlePort: number, shortPort: number, forcedPort: number;

const sessions: ClientHttp2Session[] = [];
async function session(url: string, ca?: string): Promise<ClientHttp2Session> {
  const s = await openH2(url, ca);
  s.on('error', () => {});
  sessions.push(s);
  return s;
}

const json = (b: Buffer) => JSON.parse(b.toString()) as { backend: string; method: string; url: string; headers: Record<string, string | string[]>; body: string };

beforeAll(async () => {
  certs = makeCerts();
  [b1, b2, api, beta] = await Promise.all([startBackend('p1'), startBackend('p2'), startBackend('api'), startBackend('beta')]);
  tlsBackend = await startH2Backend('tls-h2', certs);
  rx = await startReceiver();
  [tlsPort, h2cPort, ptPort, limitedPort, idlePort, shortPort, forcedPort] = await freePorts(7);
  const cfg = `global
    log 127.0.0.1:${rx.port} local0
    tune.h2.max-concurrent-streams 8
${DEFAULTS}    log global
    option httplog
frontend www
    bind 127.0.0.1:${tlsPort} ssl crt ${certs.pemFile} alpn h2,http/1.1
    bind 127.0.0.1:${h2cPort} proto h2
    bind 127.0.0.1:${forcedPort} ssl crt ${certs.pemFile} proto h2
    stats enable
    stats uri /admin/stats
    http-request deny if { path_beg /denied }
    http-request redirect location /elsewhere code 302 if { path_beg /redir }
    http-request return status 200 content-type text/plain string returned-locally if { path_beg /ret }
    http-request set-header x-ver %[req.ver]
    http-request set-header x-alpn %[ssl_fc_alpn]
    acl is_api path_beg /api
    acl is_beta req.hdr(x-beta) -m str yes
    use_backend api if is_api
    use_backend beta if is_beta
    use_backend sticky if { path_beg /sticky }
    default_backend pool
frontend limited
    bind 127.0.0.1:${limitedPort} proto h2
    maxconn 1
    default_backend api
frontend idle
    bind 127.0.0.1:${idlePort} proto h2
    timeout http-keep-alive 300ms
    default_backend api
frontend shortclient
    bind 127.0.0.1:${shortPort} proto h2
    timeout client 400ms
    default_backend pool
backend pool
    balance roundrobin
    server p1 127.0.0.1:${b1.port}
    server p2 127.0.0.1:${b2.port}
backend api
    server api1 127.0.0.1:${api.port}
backend beta
    server beta1 127.0.0.1:${beta.port}
backend sticky
    cookie SERVERID insert indirect nocache
    server s1 127.0.0.1:${b1.port} cookie s1
    server s2 127.0.0.1:${b2.port} cookie s2
listen passthrough
    mode tcp
    bind 127.0.0.1:${ptPort}
    server tls 127.0.0.1:${tlsBackend.port}
`;
  portico = await startPortico(cfg, [tlsPort, h2cPort, ptPort, limitedPort, idlePort, shortPort, forcedPort]);
});

afterAll(async () => {
  for (const s of sessions) s.destroy();
  await portico?.stop();
  await Promise.all([b1?.close(), b2?.close(), api?.close(), beta?.close(), tlsBackend?.close(), rx?.close()]);
});

describe('HTTP/2 clients over TLS (alpn h2,http/1.1)', () => {
  it('serves a GET to node:http2 as HTTP/1.1 to the server, with the h2 facts in fetches', async () => {
    const s = await session(`https://127.0.0.1:${tlsPort}`, certs.ca);
    const r = await h2Request(s, { ':path': '/hello?x=1', 'x-custom': 'yes' });
    expect(r.status).toBe(200);
    expect(r.headers['connection']).toBeUndefined();
    const seen = json(r.body);
    expect(seen.url).toBe('/hello?x=1');
    // :authority becomes Host (node:http2 names the server it was told to verify).
    expect(seen.headers['host']).toBe(`a.test:${tlsPort}`);
    expect(seen.headers['x-custom']).toBe('yes');
    expect(seen.headers['x-ver']).toBe('2.0');
    expect(seen.headers['x-alpn']).toBe('h2');
    // The backend got an HTTP/1.1 request whose first field is Host, as HAProxy sends it.
    const last = [b1, b2].flatMap((b) => b.seen).find((x) => x.url === '/hello?x=1')!;
    expect(last.rawHeaders[0]!.toLowerCase()).toBe('host');
  });

  it('forwards POST bodies: with content-length, and without (sent chunked) with trailers', async () => {
    const s = await session(`https://127.0.0.1:${tlsPort}`, certs.ca);
    const withCl = await h2Request(s, { ':method': 'POST', ':path': '/api/cl', 'content-length': '11' }, { body: 'hello world' });
    expect(json(withCl.body).body).toBe('hello world');
    expect(json(withCl.body).headers['content-length']).toBe('11');
    const big = Buffer.alloc(300_000, 'z');
    const chunked = await h2Request(s, { ':method': 'POST', ':path': '/api/chunked' }, { body: big, parts: 7, trailers: { 'x-sum': '42' } });
    const seen = json(chunked.body);
    expect(seen.body.length).toBe(big.length);
    expect(seen.headers['transfer-encoding']).toBe('chunked');
  });

  it('streams a large response with flow control', async () => {
    const s = await session(`https://127.0.0.1:${tlsPort}`, certs.ca);
    const r = await h2Request(s, { ':path': '/size/3000000' }, { ms: 10_000 });
    expect(r.status).toBe(200);
    expect(r.body.length).toBe(3_000_000);
  });

  it('answers curl --http2 over TLS', async () => {
    const r = await curl(['--http2', '--cacert', `${certs.dir}/ca.crt`, '--resolve', `a.test:${tlsPort}:127.0.0.1`, '-w', '\n%{http_version} %{http_code}', `https://a.test:${tlsPort}/api/curl`, '-d', 'from-curl']);
    expect(r.code).toBe(0);
    const [body, last] = [r.stdout.slice(0, r.stdout.lastIndexOf('\n')), r.stdout.slice(r.stdout.lastIndexOf('\n') + 1)];
    expect(last).toBe('2 200');
    expect(json(Buffer.from(body)).body).toBe('from-curl');
  });

  it('runs concurrent streams of one connection through roundrobin', async () => {
    const s = await session(`https://127.0.0.1:${tlsPort}`, certs.ca);
    // tune.h2.max-concurrent-streams: the client queues what goes beyond.
    expect(s.remoteSettings.maxConcurrentStreams).toBe(8);
    const before = { p1: b1.seen.length, p2: b2.seen.length };
    const started = Date.now();
    const all = await Promise.all(Array.from({ length: 10 }, (_, i) => h2Request(s, { ':path': `/slow/300?n=${i}` })));
    const elapsed = Date.now() - started;
    expect(all.every((r) => r.status === 200)).toBe(true);
    const names = all.map((r) => r.headers['x-backend']);
    expect(names.filter((n) => n === 'p1').length).toBe(5);
    expect(names.filter((n) => n === 'p2').length).toBe(5);
    expect(b1.seen.length - before.p1 + (b2.seen.length - before.p2)).toBe(10);
    // In parallel, not one after the other (10 x 300 ms).
    expect(elapsed).toBeLessThan(2500);
  });

  it('routes with ACLs on the path and on a header', async () => {
    const s = await session(`https://127.0.0.1:${tlsPort}`, certs.ca);
    expect((await h2Request(s, { ':path': '/api/x' })).headers['x-backend']).toBe('api');
    expect((await h2Request(s, { ':path': '/other', 'x-beta': 'yes' })).headers['x-backend']).toBe('beta');
    expect(['p1', 'p2']).toContain((await h2Request(s, { ':path': '/other', 'x-beta': 'no' })).headers['x-backend']);
  });

  it('keeps cookie persistence; several cookie fields reach the server as one Cookie header', async () => {
    const s = await session(`https://127.0.0.1:${tlsPort}`, certs.ca);
    const first = await h2Request(s, { ':path': '/sticky/a' });
    const setCookie = ([] as string[]).concat(first.headers['set-cookie'] ?? []);
    const mine = setCookie.find((c) => c.startsWith('SERVERID='));
    expect(mine).toMatch(/^SERVERID=s[12]; path=\//);
    const id = /^SERVERID=(s[12])/.exec(mine!)![1]!;
    const expected = id === 's1' ? 'p1' : 'p2';
    const backend = id === 's1' ? b1 : b2;
    for (let i = 0; i < 4; i++) {
      const r = await h2Request(s, { ':path': `/sticky/again${i}`, cookie: [`SERVERID=${id}`, 'other=1', 'third=3'] });
      expect(r.headers['x-backend']).toBe(expected);
    }
    const seen = backend.seen.filter((x) => x.url.startsWith('/sticky/again'));
    expect(seen.length).toBe(4);
    for (const x of seen) {
      const cookies = x.rawHeaders.filter((_, i) => i % 2 === 0 && x.rawHeaders[i]!.toLowerCase() === 'cookie');
      expect(cookies.length).toBe(1);
      // `indirect`: the persistence cookie is removed, the others are joined with "; ".
      expect(x.headers['cookie']).toBe('other=1; third=3');
    }
  });

  it('logs HTTP/2 requests with HTTP/2.0, like HAProxy', async () => {
    rx.mark();
    const s = await session(`https://127.0.0.1:${tlsPort}`, certs.ca);
    await h2Request(s, { ':path': '/api/logged' });
    const line = await rx.next(/\/api\/logged/);
    expect(line).toContain('"GET /api/logged HTTP/2.0"');
    expect(line).toMatch(/ www api\/api1 \d+\/\d+\/\d+\/\d+\/\d+ 200 /);
  });

  it('speaks HTTP/2 on an ssl bind with proto h2 even without ALPN', async () => {
    const tlsSock = await new Promise<import('node:tls').TLSSocket>((resolve, reject) => {
      const t = tlsConnect({ host: '127.0.0.1', port: forcedPort, servername: 'a.test', ca: certs.ca }, () => resolve(t));
      t.on('error', reject);
    });
    expect(tlsSock.alpnProtocol).toBe(false);
    const s = h2connect(`https://a.test:${forcedPort}`, { createConnection: () => tlsSock });
    s.on('error', () => {});
    sessions.push(s);
    const r = await h2Request(s, { ':path': '/api/forced' });
    expect(r.status).toBe(200);
    expect(json(r.body).headers['x-ver']).toBe('2.0');
  });

  it('falls back to HTTP/1.1 for a client offering only http/1.1', async () => {
    const r = await new Promise<{ status: number; body: string; alpn: string | false }>((resolve, reject) => {
      const req = httpsRequest({ host: '127.0.0.1', port: tlsPort, path: '/api/h1', servername: 'a.test', ca: certs.ca, ALPNProtocols: ['http/1.1'], agent: false }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode!, body, alpn: (res.socket as import('node:tls').TLSSocket).alpnProtocol }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(r.status).toBe(200);
    expect(r.alpn).toBe('http/1.1');
    const seen = JSON.parse(r.body) as { headers: Record<string, string> };
    expect(seen.headers['x-ver']).toBe('1.1');
    expect(seen.headers['x-alpn']).toBe('http/1.1');
    const c = await curl(['--http1.1', '--cacert', `${certs.dir}/ca.crt`, '--resolve', `a.test:${tlsPort}:127.0.0.1`, '-o', '/dev/null', '-w', '%{http_version} %{http_code}', `https://a.test:${tlsPort}/api/h1curl`]);
    expect(c.stdout).toBe('1.1 200');
  });
});

describe('answers made by portico itself, over HTTP/2', () => {
  it('denies, redirects, returns, serves the stats page and answers HEAD without a body', async () => {
    const s = await session(`http://127.0.0.1:${h2cPort}`);
    const denied = await h2Request(s, { ':path': '/denied' });
    expect(denied.status).toBe(403);
    expect(denied.body.toString()).toContain('403 Forbidden');
    expect(denied.headers['connection']).toBeUndefined();
    const redir = await h2Request(s, { ':path': '/redir' });
    expect(redir.status).toBe(302);
    expect(redir.headers['location']).toBe('/elsewhere');
    const ret = await h2Request(s, { ':path': '/ret' });
    expect(ret.status).toBe(200);
    expect(ret.body.toString()).toBe('returned-locally');
    const stats = await h2Request(s, { ':path': '/admin/stats;csv' });
    expect(stats.status).toBe(200);
    expect(stats.body.toString()).toMatch(/^# pxname,svname,/);
    const head = await h2Request(s, { ':path': '/api/head', ':method': 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers['content-type']).toBe('application/json');
    // The same connection served all of it.
    expect((await h2Request(s, { ':path': '/api/after-local' })).status).toBe(200);
  });
});

describe('HTTP/2 with prior knowledge on a clear `proto h2` bind', () => {
  it('answers curl --http2-prior-knowledge', async () => {
    const r = await curl(['--http2-prior-knowledge', '-w', '\n%{http_version} %{http_code}', `http://127.0.0.1:${h2cPort}/api/pk`]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines.at(-1)).toBe('2 200');
    const seen = JSON.parse(lines.slice(0, -1).join('\n')) as { headers: Record<string, string> };
    expect(seen.headers['x-ver']).toBe('2.0');
    // As HAProxy: set-header with an empty sample (no TLS) sets an empty value.
    expect(seen.headers['x-alpn']).toBe('');
  });

  it('answers node:http2 and keeps the connection across sequential streams', async () => {
    const s = await session(`http://127.0.0.1:${h2cPort}`);
    for (let i = 0; i < 5; i++) {
      const r = await h2Request(s, { ':path': `/api/seq${i}`, ':method': 'PUT' }, { body: `body${i}` });
      expect(r.status).toBe(200);
      expect(json(r.body).body).toBe(`body${i}`);
    }
    // The virtual connection is kept between streams: the server connection is reused too.
    const ports = new Set(api.seen.filter((x) => x.url.startsWith('/api/seq')).map((x) => x.remotePort));
    expect(ports.size).toBe(1);
  });

  it('counts h2 connections, not streams, against maxconn', async () => {
    const first = await session(`http://127.0.0.1:${limitedPort}`);
    const many = await Promise.all(Array.from({ length: 5 }, (_, i) => h2Request(first, { ':path': `/api/m${i}` })));
    expect(many.every((r) => r.status === 200)).toBe(true);
    // A second connection waits for the first to close (maxconn 1).
    const second = openH2(`http://127.0.0.1:${limitedPort}`).then((s) => {
      sessions.push(s);
      s.on('error', () => {});
      return h2Request(s, { ':path': '/api/second' }, { ms: 6000 });
    });
    let done = false;
    void second.then(() => (done = true));
    await sleep(400);
    expect(done).toBe(false);
    first.close();
    const r = await second;
    expect(r.status).toBe(200);
  });

  it('closes an idle connection after timeout http-keep-alive (GOAWAY)', async () => {
    const s = await session(`http://127.0.0.1:${idlePort}`);
    await h2Request(s, { ':path': '/api/idle' });
    const closed = await new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(false), 3000);
      s.once('close', () => {
        clearTimeout(t);
        resolve(true);
      });
    });
    expect(closed).toBe(true);
  });
});

/** Raw h2 frames, to send what node:http2 refuses to produce. */
const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
function frame(type: number, flags: number, stream: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(9);
  h.writeUIntBE(payload.length, 0, 3);
  h[3] = type;
  h[4] = flags;
  h.writeUInt32BE(stream, 5);
  return Buffer.concat([h, payload]);
}
/** HPACK "literal header field without indexing, new name", no Huffman (lengths below 127). */
function literal(name: string, value: string): Buffer {
  return Buffer.concat([Buffer.from([0x00, name.length]), Buffer.from(name, 'latin1'), Buffer.from([value.length]), Buffer.from(value, 'latin1')]);
}
function headersFrame(stream: number, fields: [string, string][]): Buffer {
  return frame(0x1, 0x5, stream, Buffer.concat(fields.map(([n, v]) => literal(n, v))));
}
interface Frame {
  type: number;
  flags: number;
  stream: number;
  payload: Buffer;
}
function parseFrames(buf: Buffer): Frame[] {
  const frames: Frame[] = [];
  for (let at = 0; at + 9 <= buf.length; ) {
    const len = buf.readUIntBE(at, 3);
    if (at + 9 + len > buf.length) break;
    frames.push({ type: buf[at + 3]!, flags: buf[at + 4]!, stream: buf.readUInt32BE(at + 5) & 0x7fffffff, payload: buf.subarray(at + 9, at + 9 + len) });
    at += 9 + len;
  }
  return frames;
}
/** Sends bytes on a raw connection; collects the frames received until close, `until` says enough, or `ms`. */
function rawH2(port: number, bytes: Buffer, until: (f: Frame[]) => boolean = () => false, ms = 2000): Promise<{ frames: Frame[]; closed: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let closed = false;
    let over = false;
    const s = netConnect(port, '127.0.0.1', () => s.write(bytes));
    const finish = () => {
      if (over) return;
      over = true;
      resolve({ frames: parseFrames(Buffer.concat(chunks)), closed });
    };
    const t = setTimeout(() => {
      s.destroy();
      finish();
    }, ms);
    s.on('data', (d) => {
      chunks.push(d);
      if (until(parseFrames(Buffer.concat(chunks)))) {
        clearTimeout(t);
        s.destroy();
        finish();
      }
    });
    s.on('error', () => {});
    s.on('close', () => {
      closed = true;
      clearTimeout(t);
      finish();
    });
  });
}
const GOOD: [string, string][] = [
  [':method', 'GET'],
  [':scheme', 'http'],
  [':path', '/api/raw'],
  [':authority', 'x.test'],
];

describe('bad input on HTTP/2 connections', () => {
  it('closes a connection whose preface is garbage, and keeps serving others', async () => {
    const r = await rawH2(h2cPort, Buffer.from('GET / HTTP/1.1\r\nhost: x\r\n\r\n', 'latin1'));
    expect(r.closed).toBe(true);
    // If anything came back, it is HTTP/2 (SETTINGS, GOAWAY), never an HTTP/1 answer.
    expect(r.frames.every((f) => f.type === 0x4 || f.type === 0x7)).toBe(true);
    const junk = await rawH2(h2cPort, Buffer.concat([PREFACE, Buffer.alloc(64, 0xff)]), (f) => f.some((x) => x.type === 0x7));
    expect(junk.frames.some((f) => f.type === 0x7)).toBe(true);
    const s = await session(`http://127.0.0.1:${h2cPort}`);
    expect((await h2Request(s, { ':path': '/api/after-garbage' })).status).toBe(200);
  });

  it('resets malformed streams (connection-specific field, bad path, uppercase name) and serves the next one', async () => {
    const bad: [string, string][][] = [
      [...GOOD, ['connection', 'keep-alive']],
      [[':method', 'GET'], [':scheme', 'http'], [':path', '/a b'], [':authority', 'x.test']],
      [...GOOD, ['X-Upper', 'v']],
      [[':method', 'GET'], [':scheme', 'http'], [':authority', 'x.test']],
    ];
    for (const fields of bad) {
      const answered = (f: Frame[]) => f.some((x) => x.type === 0x7 || (x.stream === 3 && (x.type === 0x1 || x.type === 0x3)));
      const r = await rawH2(h2cPort, Buffer.concat([PREFACE, frame(0x4, 0, 0, Buffer.alloc(0)), headersFrame(1, fields), headersFrame(3, GOOD)]), answered);
      const rst = r.frames.find((f) => f.type === 0x3 && f.stream === 1);
      const goaway = r.frames.find((f) => f.type === 0x7);
      expect(rst ?? goaway, JSON.stringify(fields)).toBeDefined();
      if (rst) {
        expect(rst.payload.readUInt32BE(0)).toBe(constants.NGHTTP2_PROTOCOL_ERROR);
        // The connection lives on: stream 3 is answered.
        expect(r.frames.some((f) => f.type === 0x1 && f.stream === 3)).toBe(true);
      }
    }
    const s = await session(`http://127.0.0.1:${h2cPort}`);
    expect((await h2Request(s, { ':path': '/api/still-alive' })).status).toBe(200);
  });

  it('survives clients resetting streams mid-response and logs the abort', async () => {
    rx.mark();
    const s = await session(`http://127.0.0.1:${h2cPort}`);
    const req = s.request({ ':path': '/slow/500' });
    req.on('error', () => {});
    await sleep(100);
    req.close(constants.NGHTTP2_CANCEL);
    const line = await rx.next(/\/slow\/500/);
    expect(line).toMatch(/ CD-- | CD/);
    expect((await h2Request(s, { ':path': '/api/after-reset' })).status).toBe(200);
  });
});

describe('timeout client on HTTP/2 connections', () => {
  it('does not cut a complete request waiting for a slow server', async () => {
    const s = await session(`http://127.0.0.1:${shortPort}`);
    const r = await h2Request(s, { ':path': '/slow/900' });
    expect(r.status).toBe(200);
  });

  it('abandons a request whose body stops arriving', async () => {
    const s = await session(`http://127.0.0.1:${shortPort}`);
    const req = s.request({ ':method': 'POST', ':path': '/stalled', 'content-length': '100' });
    req.write('only ten b');
    const outcome = await new Promise<string>((resolve) => {
      const t = setTimeout(() => resolve('still open'), 3000);
      req.on('response', (h) => {
        clearTimeout(t);
        resolve(`response ${String(h[':status'])}`);
      });
      req.on('close', () => {
        clearTimeout(t);
        resolve(`closed ${req.rstCode}`);
      });
      req.on('error', () => {});
    });
    expect(outcome).toBe(`closed ${constants.NGHTTP2_CANCEL}`);
    // The connection itself still serves.
    expect((await h2Request(s, { ':path': '/after-stall' })).status).toBe(200);
  });
});

describe('TLS passthrough in tcp mode', () => {
  it('still carries TLS (and h2 inside it) untouched to the server', async () => {
    const s = await session(`https://127.0.0.1:${ptPort}`, certs.ca);
    const r = await h2Request(s, { ':path': '/through' });
    expect(r.status).toBe(200);
    expect(r.headers['x-backend']).toBe('tls-h2');
    expect(tlsBackend.seen.at(-1)!.path).toBe('/through');
  });
});
