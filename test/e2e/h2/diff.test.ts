/**
 * Differential test: the same HTTP/2 requests (node:http2, prior knowledge on a `proto h2` bind)
 * through Debian's haproxy 2.6 and through portico, to the same recording HTTP/1.1 backend.
 * Compared: what the server receives (request line, fields in order, body), what the client
 * receives (status, fields, body) and the httplog line. Known, documented differences are
 * masked: HAProxy's absolute request URI in logs, the order between different response fields
 * (node:http2 groups them by name), and the `te` field, which portico's HTTP/1 engine strips
 * for every client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { freePorts, hasHaproxy, startHaproxy, startPortico, type Proc } from '../harness.js';
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
const received = new Map<string, Received>();
const sides: { name: string; proc: Proc; rx: Receiver; port: number }[] = [];

function config(port: number, log: number): string {
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
  const [hp, pp] = await freePorts(2);
  for (const [name, port] of [['haproxy', hp!], ['portico', pp!]] as const) {
    const rx = await startReceiver();
    const proc = name === 'haproxy' ? await startHaproxy(config(port, rx.port), [port]) : await startPortico(config(port, rx.port), [port]);
    sides.push({ name, proc, rx, port });
  }
});

afterAll(async () => {
  for (const s of sides) {
    await s.proc.stop();
    await s.rx.close();
  }
  backend?.close();
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
    expect(p!.status).toBe(h!.status);
    expect(p!.fields).toEqual(h!.fields);
    expect(p!.setCookies).toEqual(h!.setCookies);
    expect(p!.body).toBe(h!.body);
    expect(p!.log).toBe(h!.log);
    expect(p!.server).toEqual(h!.server);
    expect(p!.te).toBe(h!.te);
  });
});
