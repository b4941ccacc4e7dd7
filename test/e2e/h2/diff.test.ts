/**
 * Differential test: the same HTTP/2 requests (node:http2, prior knowledge on a `proto h2` bind)
 * through Debian's haproxy 2.6 and through portico, to the same recording HTTP/1.1 backend; and
 * the same HTTP/1.1 requests to a `server ... proto h2` (a recording node:http2 server).
 * Compared: what the server receives (request line, fields in order, body), what the client
 * receives (status, fields, body) and the httplog line. Known, documented differences are
 * masked: HAProxy's absolute request URI in logs, the order between different response fields
 * (node:http2 groups them by name), and the `te` field, which portico's HTTP/1 engine strips
 * for every client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { createServer as createH2Server, type Http2Server } from 'node:http2';
import { freePorts, hasHaproxy, rawExchange, startHaproxy, startPortico, type Proc } from '../harness.js';
import { startReceiver, type Receiver } from '../log/syslog.js';
import { h2Request, openH2 } from './h2-helpers.js';
import type { OutgoingHttpHeaders } from 'node:http2';

const HAVE = hasHaproxy();

interface Received {
  method: string;
  url: string;
  fields: string[];
  body: string;
}

let backend: Server;
let backendPort: number;
let h2backend: Http2Server;
let h2backendPort: number;
const received = new Map<string, Received>();
const sides: { name: string; proc: Proc; rx: Receiver; port: number; h1port: number }[] = [];

function config(port: number, h1port: number, log: number): string {
  return `global
    log 127.0.0.1:${log} local0
defaults
    mode http
    log global
    option httplog
    timeout connect 1s
    timeout client 3s
    timeout server 3s
frontend fe
    bind 127.0.0.1:${port} proto h2
    http-request deny if { path /deny }
    http-request set-header x-ver %[req.ver]
    http-request set-header x-hv %HV
    default_backend be
backend be
    cookie SERVERID insert indirect nocache
    server s1 127.0.0.1:${backendPort} cookie s1
frontend toh2
    bind 127.0.0.1:${h1port}
    default_backend h2
backend h2
    server s1 127.0.0.1:${h2backendPort} proto h2
`;
}

beforeAll(async () => {
  if (!HAVE) return;
  // Records each request under its x-case field, with the side that sent it.
  backend = createServer({ keepAliveTimeout: 10_000 }, (req, res) => {
    let body = '';
    req.setEncoding('latin1');
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const fields: string[] = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) fields.push(`${req.rawHeaders[i]!.toLowerCase()}: ${req.rawHeaders[i + 1]}`);
      received.set(`${String(req.headers['x-side'])}/${String(req.headers['x-case'])}`, { method: req.method!, url: req.url!, fields, body });
      res.setHeader('content-type', 'text/plain');
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      res.setHeader('x-answer', 'yes');
      res.end(`answer to ${req.url}`);
    });
  });
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  backendPort = (backend.address() as { port: number }).port;
  // The h2 recorder: fields exactly as received, answered without content-length, with trailers.
  h2backend = createH2Server();
  h2backend.on('session', (ss) => ss.on('error', () => {}));
  h2backend.on('stream', (stream, headers, _flags, raw: string[]) => {
    stream.on('error', () => {});
    let body = '';
    stream.setEncoding('latin1');
    stream.on('data', (d: string) => (body += d));
    stream.on('end', () => {
      const fields: string[] = [];
      for (let i = 0; i < raw.length; i += 2) fields.push(`${raw[i]}: ${raw[i + 1]}`);
      received.set(`${String(headers['x-side'])}/${String(headers['x-case'])}`, { method: String(headers[':method']), url: String(headers[':path']), fields, body });
      stream.respond({ ':status': 200, 'content-type': 'text/plain', 'set-cookie': ['a=1', 'b=2'] }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'x-sum': '1' }));
      stream.end(headers[':method'] === 'HEAD' ? undefined : `h2 answer to ${String(headers[':path'])}`);
    });
  });
  await new Promise<void>((r) => h2backend.listen(0, '127.0.0.1', r));
  h2backendPort = (h2backend.address() as { port: number }).port;
  const [hp, pp, hh1, ph1] = await freePorts(4);
  for (const [name, port, h1port] of [['haproxy', hp!, hh1!], ['portico', pp!, ph1!]] as const) {
    const rx = await startReceiver();
    const cfg = config(port, h1port, rx.port);
    const proc = name === 'haproxy' ? await startHaproxy(cfg, [port, h1port]) : await startPortico(cfg, [port, h1port]);
    sides.push({ name, proc, rx, port, h1port });
  }
});

afterAll(async () => {
  for (const s of sides) {
    await s.proc.stop();
    await s.rx.close();
  }
  backend?.close();
  h2backend?.close();
});

interface Case {
  name: string;
  headers: OutgoingHttpHeaders;
  body?: string;
}

const CASES: Case[] = [
  { name: 'get', headers: { ':path': '/a?b=1', 'x-custom': 'one', cookie: ['x=1', 'y=2'], 'user-agent': 'diff' } },
  { name: 'post-cl', headers: { ':method': 'POST', ':path': '/p', 'content-length': '5', 'content-type': 'text/plain' }, body: 'hello' },
  { name: 'post-chunked', headers: { ':method': 'POST', ':path': '/q' }, body: 'abc' },
  { name: 'head', headers: { ':method': 'HEAD', ':path': '/h' } },
  { name: 'persist', headers: { ':path': '/c', cookie: ['SERVERID=s1', 'other=1'] } },
  { name: 'deny', headers: { ':path': '/deny' } },
];

/** Fields a side adds on its own, masked before comparing. */
const SIDE_FIELDS = /^(x-side|te|transfer-encoding): /;

describe.skipIf(!HAVE)('HTTP/2 clients: portico vs haproxy 2.6', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const results: { status: number; fields: string[]; body: string; setCookies: string[]; log: string; server: Received | undefined; te: boolean }[] = [];
    for (const side of sides) {
      side.rx.mark();
      const s = await openH2(`http://127.0.0.1:${side.port}`);
      s.on('error', () => {});
      let r;
      try {
        r = await h2Request(s, { ...c.headers, 'x-side': side.name, 'x-case': c.name }, c.body !== undefined ? { body: c.body } : {});
      } finally {
        s.close();
      }
      const fields = Object.entries(r.headers)
        .filter(([k]) => k !== 'date' && k !== 'set-cookie')
        .map(([k, v]) => `${k}: ${String(v)}`)
        .sort();
      const setCookies = ([] as string[]).concat(r.headers['set-cookie'] ?? []);
      const line = await side.rx.next(new RegExp(`"${c.headers[':method'] ?? 'GET'} `));
      // The log line from the frontend name on; HAProxy's absolute URI becomes the path.
      const log = line
        .slice(line.indexOf(' fe '))
        .replace(/(-?\d+)\/(-?\d+)\/(-?\d+)\/(-?\d+)\/(-?\d+)/, (...t: string[]) => t.slice(1, 6).map((x) => (x === '-1' ? '-1' : 't')).join('/'))
        .replace(/ \d+ - - /, ' B - - ')
        .replace(/"(\w+) https?:\/\/[^/ ]+/, '"$1 ');
      const server = received.get(`${side.name}/${c.name}`);
      const te = server?.fields.some((f) => f.startsWith('transfer-encoding: chunked')) ?? false;
      // The two proxies listen on different ports: the authority differs by its port only.
      if (server) server.fields = server.fields.filter((f) => !SIDE_FIELDS.test(f)).map((f) => f.replace(/^host: 127\.0\.0\.1:\d+$/, 'host: 127.0.0.1:PORT'));
      results.push({ status: r.status, fields, body: r.body.toString(), setCookies, log, server, te });
    }
    const [h, p] = results;
    if (c.name !== 'deny') expect(h!.server).toBeDefined();
    expect(p!.status).toBe(h!.status);
    expect(p!.fields).toEqual(h!.fields);
    expect(p!.setCookies).toEqual(h!.setCookies);
    expect(p!.body).toBe(h!.body);
    expect(p!.log).toBe(h!.log);
    expect(p!.server).toEqual(h!.server);
    expect(p!.te).toBe(h!.te);
  });
});

const H1_CASES: { name: string; request: (side: string) => string }[] = [
  { name: 'get', request: (side) => `GET /g?x=1 HTTP/1.1\r\nhost: h2.test\r\nuser-agent: diff\r\nx-side: ${side}\r\nx-case: get\r\ncookie: a=1; b=2\r\nconnection: close\r\n\r\n` },
  { name: 'absolute', request: (side) => `GET http://abs.test:81/abs HTTP/1.1\r\nhost: abs.test:81\r\nx-side: ${side}\r\nx-case: absolute\r\nconnection: close\r\n\r\n` },
  { name: 'post', request: (side) => `POST /p HTTP/1.1\r\nhost: h2.test\r\nx-side: ${side}\r\nx-case: post\r\ncontent-length: 5\r\nconnection: close\r\n\r\nhello` },
  { name: 'chunked', request: (side) => `POST /c HTTP/1.1\r\nhost: h2.test\r\nx-side: ${side}\r\nx-case: chunked\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n3\r\nabc\r\n0\r\n\r\n` },
  { name: 'head', request: (side) => `HEAD /h HTTP/1.1\r\nhost: h2.test\r\nx-side: ${side}\r\nx-case: head\r\nconnection: close\r\n\r\n` },
];

describe.skipIf(!HAVE)('server proto h2: portico vs haproxy 2.6', () => {
  it.each(H1_CASES.map((c) => [c.name, c] as const))('%s', async (name, c) => {
    const out: { response: string; server: Received | undefined }[] = [];
    for (const side of sides) {
      const raw = await rawExchange(side.h1port, c.request(side.name), 4000);
      // Date and chunk sizes aside (chunks follow the server's DATA frames, the same on both sides).
      const response = raw.replace(/\r\ndate: [^\r]*/i, '');
      const server = received.get(`${side.name}/${name}`);
      if (server) server.fields = server.fields.filter((f) => !/^x-side: /.test(f));
      out.push({ response, server });
    }
    const [h, p] = out;
    expect(h!.server).toBeDefined();
    expect(p!.server).toEqual(h!.server);
    // The order between connection: close and transfer-encoding differs (HTTP/1 engine detail).
    const norm = (r: string) => {
      const end = r.indexOf('\r\n\r\n');
      const [line, ...fields] = r.slice(0, end).split('\r\n');
      return { line, fields: fields.sort(), body: r.slice(end) };
    };
    expect(norm(p!.response)).toEqual(norm(h!.response));
  });
});
