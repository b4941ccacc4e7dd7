/**
 * Differential suite for the HTTP engine: Debian's haproxy 2.6 and portico run the same
 * configuration, each in front of its own set of identical raw backends; every case sends the
 * same bytes to both and compares what the client got (status lines, headers without `date`,
 * bodies, whether the proxy closed) and what the backends received (request heads and bodies,
 * and which server got each request). Skipped when haproxy is not installed.
 *
 * Intended differences, normalised away before comparing (and only those):
 *  - portico removes the headers named in a Connection header and the fixed hop-by-hop set
 *    (keep-alive, proxy-connection, trailer, upgrade unless upgrading) from forwarded
 *    messages on purpose; HAProxy 2.6 forwards them. See HOP_BY_HOP below. TE is compared:
 *    both keep `te: trailers` in requests and drop its other codings.
 *  - as part of that, portico rebuilds the Connection header (lower-case tokens, placed last)
 *    where HAProxy edits it in place: see connectionLast().
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { freePorts, hasHaproxy, startHaproxy, startPortico, type Proc } from '../harness.js';
import { RAW_RESPONSES, exchange, splitResponses, startRawBackend, until, type RawBackend, type Step } from './lib.js';

const SERVERS = ['s1', 's2', 's3', 's4'] as const;

const LISTENS = [
  'basic', 'ff', 'ffexcept', 'ffheader', 'ot', 'httpclose', 'srvclose', 'nosrv', 'refused', 'redispatch', 'slow', 'queue',
  'reqtimeout', 'kaidle', 'rr', 'rrw', 'static', 'source', 'sourcec', 'uri', 'uric', 'urlparam', 'urlparamc', 'hdr', 'hdrc',
  'first', 'leastconn', 'backup', 'allbackups', 'weight0', 'uriwhole', 'uridepth', 'urilen', 'uripath', 'hdrdomain', 'crc32c',
  'djb2', 'wt6ava', 'sdbmava', 'lcweights', 'rrdown', 'slowloris', 'stall', 'ff6', 'tunnel', 'queuefifo', 'queueconnect', 'febeclose', 'febesc', 'fesc', 'feffbe',
  'retry503', 'retryall', 'retryrd', 'retrynone', 'retry503dead', 'retryrddead', 'retrystatus',
  'hashpath', 'hashhostc', 'hashint', 'cpost', 'cpostc',
  'wfb', 'wfbleast', 'bufreq', 'febufbe', 'feroute',
] as const;
type ListenName = (typeof LISTENS)[number];

function config(ports: Record<ListenName, number>, be: Record<string, number>): string {
  const l = (name: ListenName, body: string) => `listen ${name}\n    bind 127.0.0.1:${ports[name]}\n${body.replace(/^/gm, '    ')}\n`;
  const srv = (names: string[], extra = '') => names.map((n) => `server ${n} 127.0.0.1:${be[n]}${extra}`).join('\n');
  const four = srv([...SERVERS]);
  const weighted = ['s1 weight 3', 's2 weight 1', 's3 weight 2', 's4 weight 5'].map((x) => {
    const [n, ...rest] = x.split(' ');
    return `server ${n} 127.0.0.1:${be[n!]} ${rest.join(' ')}`;
  }).join('\n');
  return `global
    maxconn 500
defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
${l('basic', srv(['s1']))}
${l('ff', `option forwardfor\n${srv(['s1'])}`)}
${l('ffexcept', `option forwardfor except 127.0.0.0/8\n${srv(['s1'])}`)}
${l('ffheader', `option forwardfor header X-Client if-none\n${srv(['s1'])}`)}
${l('ot', `option originalto\noption forwardfor header X-Real-IP\n${srv(['s1'])}`)}
${l('httpclose', `option httpclose\n${srv(['s1'])}`)}
${l('srvclose', `option http-server-close\n${srv(['s1'])}`)}
${l('nosrv', '')}
${l('refused', 'timeout connect 200ms\nretries 2\nserver dead 127.0.0.1:1')}
${l('redispatch', `timeout connect 200ms\nretries 1\noption redispatch\nserver dead 127.0.0.1:1\n${srv(['s2'])}`)}
${l('slow', `timeout server 300ms\n${srv(['s1'])}`)}
${l('queue', `timeout queue 300ms\n${srv(['s1'], ' maxconn 1')}`)}
${l('reqtimeout', `timeout http-request 300ms\n${srv(['s1'])}`)}
${l('kaidle', `timeout http-keep-alive 300ms\n${srv(['s1'])}`)}
${l('rr', four)}
${l('rrw', weighted)}
${l('static', `balance static-rr\n${weighted}`)}
${l('source', `balance source\n${weighted}`)}
${l('sourcec', `balance source\nhash-type consistent\n${weighted}`)}
${l('uri', `balance uri\n${weighted}`)}
${l('uric', `balance uri\nhash-type consistent\n${weighted}`)}
${l('urlparam', `balance url_param id\n${weighted}`)}
${l('urlparamc', `balance url_param id\nhash-type consistent\n${weighted}`)}
${l('hdr', `balance hdr(host)\n${weighted}`)}
${l('hdrc', `balance hdr(host)\nhash-type consistent\n${weighted}`)}
${l('first', `balance first\n${srv([...SERVERS], ' maxconn 1')}`)}
${l('leastconn', `balance leastconn\n${four}`)}
${l('backup', `server dead 127.0.0.1:1 check inter 100ms\n${srv(['s2', 's3', 's4'], ' backup')}`)}
${l('allbackups', `option allbackups\nserver dead 127.0.0.1:1 check inter 100ms\n${srv(['s2', 's3', 's4'], ' backup')}`)}
${l('weight0', `server s1 127.0.0.1:${be.s1} weight 0\n${srv(['s2', 's3'])}`)}
${l('uriwhole', `balance uri whole\n${weighted}`)}
${l('uridepth', `balance uri depth 2\n${weighted}`)}
${l('urilen', `balance uri len 6\n${weighted}`)}
${l('uripath', `balance uri path-only\nhash-type consistent\n${weighted}`)}
${l('hdrdomain', `balance hdr(host) use_domain_only\n${weighted}`)}
${l('crc32c', `balance uri\nhash-type consistent crc32\n${weighted}`)}
${l('djb2', `balance uri\nhash-type map-based djb2\n${weighted}`)}
${l('wt6ava', `balance url_param id\nhash-type consistent wt6 avalanche\n${weighted}`)}
${l('sdbmava', `balance hdr(host)\nhash-type map-based sdbm avalanche\n${weighted}`)}
${l('lcweights', `balance leastconn\n${weighted}`)}
${l('rrdown', `server dead 127.0.0.1:1 check inter 100ms\n${weighted}`)}
${l('slowloris', `timeout http-request 400ms\n${srv(['s1'])}`)}
${l('stall', `timeout server 300ms\n${srv(['s1'])}`)}
listen ff6
    bind [::]:${ports.ff6}
    option forwardfor
    option originalto
${srv(['s1']).replace(/^/gm, '    ')}
${l('tunnel', `timeout tunnel 400ms\n${srv(['s1'])}`)}
${l('queuefifo', `timeout queue 3s\n${srv(['s1'], ' maxconn 1')}`)}
${l('queueconnect', `timeout connect 300ms\n${srv(['s1'], ' maxconn 1')}`)}
${l('retry503', `retry-on 503\nretries 2\n${srv(['s1'])}`)}
${l('retryall', `retry-on all-retryable-errors\nretries 2\ntimeout server 300ms\n${srv(['s1'])}`)}
${l('retryrd', `retry-on 503 504\nretries 2\noption redispatch\ntimeout server 300ms\n${srv(['s1', 's2'])}`)}
${l('retrynone', `retry-on none\nretries 2\ntimeout connect 200ms\nserver dead 127.0.0.1:1`)}
${l('retry503dead', `retry-on 503\nretries 2\ntimeout connect 200ms\nserver dead 127.0.0.1:1`)}
${l('retryrddead', `retry-on conn-failure 503\nretries 2\noption redispatch\ntimeout connect 200ms\nserver dead 127.0.0.1:1\n${srv(['s2'])}`)}
${l('retrystatus', `retry-on 401 403 404 408 425 500 501 502\nretries 3\n${srv(['s1'])}`)}
${l('hashpath', `balance hash path\n${weighted}`)}
${l('hashhostc', `balance hash req.hdr(host),lower\nhash-type consistent\n${weighted}`)}
${l('hashint', `balance hash req.hdr_val(x-n)\n${weighted}`)}
${l('cpost', `balance url_param id check_post\ntimeout http-request 500ms\n${weighted}`)}
${l('cpostc', `balance url_param id check_post\nhash-type consistent\n${weighted}`)}
${l('wfb', `timeout http-request 5s\nhttp-request deny if { path /deny }\nhttp-request set-header x-before %[req.body_len]\nhttp-request wait-for-body time 500ms if METH_POST\nhttp-request set-header x-len %[req.body_len]\nhttp-request set-header x-size %[req.body_size]\nhttp-request set-header x-id %[req.body_param(id)]\nhttp-request set-header x-first %[req.body_param]\n${srv(['s1'])}`)}
${l('wfbleast', `http-request wait-for-body time 2s at-least 4\nhttp-request set-header x-len %[req.body_len]\nhttp-request set-header x-body %[req.body]\n${srv(['s1'])}`)}
${l('bufreq', `option http-buffer-request\ntimeout http-request 500ms\nhttp-request set-header x-len %[req.body_len]\n${srv(['s1'])}`)}
frontend febufbe
    bind 127.0.0.1:${ports.febufbe}
    timeout http-request 500ms
    http-request set-header x-fe-len %[req.body_len]
    default_backend be_buf
frontend feroute
    bind 127.0.0.1:${ports.feroute}
    http-request wait-for-body time 1s
    use_backend be_ff if { req.body_param(to) -m str ff }
    default_backend be_plain
backend be_buf
    option http-buffer-request
    http-request set-header x-be-len %[req.body_len]
    server s1 127.0.0.1:${be.s1}
frontend febeclose
    bind 127.0.0.1:${ports.febeclose}
    default_backend be_httpclose
frontend febesc
    bind 127.0.0.1:${ports.febesc}
    default_backend be_srvclose
frontend fesc
    bind 127.0.0.1:${ports.fesc}
    option http-server-close
    default_backend be_plain
frontend feffbe
    bind 127.0.0.1:${ports.feffbe}
    option forwardfor header X-FE
    default_backend be_ff
backend be_httpclose
    option httpclose
    server s1 127.0.0.1:${be.s1}
backend be_srvclose
    option http-server-close
    server s1 127.0.0.1:${be.s1}
backend be_plain
    server s1 127.0.0.1:${be.s1}
backend be_ff
    option forwardfor header X-BE
    server s1 127.0.0.1:${be.s1}
`;
}

interface Side {
  label: 'haproxy' | 'portico';
  proc?: Proc;
  ports: Record<ListenName, number>;
  be: Record<string, RawBackend>;
}

/** What one case observed on one side. */
interface Obs {
  responses: { statusLine: string; headers: string[]; body: string }[];
  closed: boolean;
  /** Requests the backends received during the case: "server: request line", header lines, body. */
  seen: string[][];
  extra?: unknown;
}

/** Hop-by-hop headers portico removes on purpose (HAProxy 2.6 forwards them between HTTP/1 peers). */
const HOP_BY_HOP = ['keep-alive', 'proxy-connection', 'trailer', 'upgrade'];

function short(body: string): string {
  return body.length > 600 ? `<${body.length} bytes sha1 ${createHash('sha1').update(body, 'latin1').digest('hex').slice(0, 12)}>` : body;
}

/** Applies the intended differences: see HOP_BY_HOP and the file comment. */
/**
 * Portico rebuilds the Connection header of forwarded messages (lower-case tokens, placed last);
 * HAProxy edits it in place. Same tokens, so compare Connection lines lower-cased, at the end.
 */
function connectionLast(lines: string[], skipFirst: boolean): string[] {
  const head = skipFirst ? lines.slice(0, 1) : [];
  const rest = skipFirst ? lines.slice(1) : lines;
  const isConn = (l: string) => /^connection:/i.test(l);
  const body = rest.filter((l) => l.startsWith('body='));
  const fields = rest.filter((l) => !l.startsWith('body='));
  return [...head, ...fields.filter((l) => !isConn(l)), ...fields.filter(isConn).map((l) => l.toLowerCase()), ...body];
}

function normalise(o: Obs, connectionNamed: string[]): Obs {
  const drop = new Set([...HOP_BY_HOP, ...connectionNamed.map((s) => s.toLowerCase())]);
  const named = new Set(connectionNamed.map((s) => s.toLowerCase()));
  const keepLine = (l: string) => {
    const name = l.slice(0, l.indexOf(':')).toLowerCase();
    if (name !== 'connection') return !drop.has(name);
    // HAProxy forwards "Connection: X-Secret" (close/keep-alive tokens stripped); portico drops it.
    const tokens = l.slice(l.indexOf(':') + 1).split(',').map((t) => t.trim().toLowerCase()).filter(Boolean);
    return !tokens.every((t) => named.has(t));
  };
  return {
    ...o,
    responses: o.responses.map((r) => ({ ...r, headers: connectionLast(r.headers.filter(keepLine), false), body: short(r.body) })),
    seen: o.seen.map((lines) => connectionLast(lines.filter((l, i) => i === 0 || l.startsWith('body=') || keepLine(l)), true)),
  };
}

async function collectSeen(side: Side, before: Record<string, number>, settleMs = 60): Promise<string[][]> {
  await new Promise((r) => setTimeout(r, settleMs));
  const out: string[][] = [];
  for (const [name, b] of Object.entries(side.be)) {
    for (const s of b.seen.slice(before[name])) {
      const lines = s.head.split('\r\n');
      out.push([`${name}: ${lines[0]}`, ...lines.slice(1), `body=${short(s.body)}`]);
    }
  }
  return out;
}

function marks(side: Side): Record<string, number> {
  return Object.fromEntries(Object.entries(side.be).map(([n, b]) => [n, b.seen.length]));
}

/** Like one(), connecting to `host` (IPv6 or IPv4) instead of 127.0.0.1. */
async function one6(side: Side, listen: ListenName, steps: Step[] | string, host: string): Promise<Obs> {
  const before = marks(side);
  const ex = await exchange(side.ports[listen], steps, 1500, host);
  return { responses: splitResponses(ex.raw), closed: ex.closed, seen: await collectSeen(side, before) };
}

/** One connection: steps, then what came back, plus what the backends saw. */
async function one(side: Side, listen: ListenName, steps: Step[] | string, opts: { ms?: number; head?: boolean[]; localAddress?: string } = {}): Promise<Obs> {
  const before = marks(side);
  const ex = await exchange(side.ports[listen], steps, opts.ms ?? 1500);
  const responses = splitResponses(ex.raw, opts.head);
  return { responses, closed: ex.closed, seen: await collectSeen(side, before) };
}

/**
 * Like one(), and also compares chunked bodies as framed on the wire: what the servers received
 * and what the client got after the first response head (both proxies re-frame chunked bodies).
 */
async function framed(side: Side, listen: ListenName, steps: Step[] | string, opts: { ms?: number; head?: boolean[] } = {}): Promise<Obs> {
  const before = marks(side);
  const ex = await exchange(side.ports[listen], steps, opts.ms ?? 1500);
  const seen = await collectSeen(side, before);
  const requestWire = Object.entries(side.be).flatMap(([n, b]) => b.seen.slice(before[n]).map((q) => q.wire));
  const responseWire = ex.raw.slice(ex.raw.indexOf('\r\n\r\n') + 4);
  return { responses: splitResponses(ex.raw, opts.head), closed: ex.closed, seen, extra: { requestWire, responseWire } };
}

const H = 'Host: example.test\r\n';
const get = (path: string, extra = '') => `GET ${path} HTTP/1.1\r\n${H}${extra}\r\n`;
const getClose = (path: string, extra = '') => get(path, `${extra}Connection: close\r\n`);

/** Which server answered each of `n` sequential requests (one connection each). */
async function sequence(
  side: Side,
  listen: ListenName,
  paths: string[],
  hostFor?: (i: number) => string,
  localFor?: (i: number) => string,
  more?: (i: number) => { method?: string; headers?: string; body?: string },
): Promise<Obs> {
  const order: string[] = [];
  for (let i = 0; i < paths.length; i++) {
    const host = hostFor ? `Host: ${hostFor(i)}\r\n` : H;
    const m = more?.(i) ?? {};
    const body = m.body !== undefined ? `Content-Length: ${m.body.length}\r\n\r\n${m.body}` : '\r\n';
    const ex = await exchangeFrom(side.ports[listen], `${m.method ?? 'GET'} ${paths[i]} HTTP/1.1\r\n${host}${m.headers ?? ''}Connection: close\r\n${body}`, localFor?.(i));
    const r = splitResponses(ex)[0];
    order.push(r ? `${r.statusLine.split(' ')[1]} ${/x-server: (\S+)/.exec(r.headers.join('\n'))?.[1] ?? '-'}` : 'none');
  }
  return { responses: [], closed: true, seen: [], extra: order };
}

async function exchangeFrom(port: number, data: string, localAddress?: string): Promise<string> {
  const { connect } = await import('node:net');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const s = connect({ port, host: '127.0.0.1', localAddress });
    const t = setTimeout(() => s.destroy(), 3000);
    s.on('data', (d) => chunks.push(d));
    s.on('error', () => {});
    s.on('close', () => {
      clearTimeout(t);
      resolve(Buffer.concat(chunks).toString('latin1'));
    });
    s.write(data);
  });
}

interface Case {
  name: string;
  run: (side: Side) => Promise<Obs>;
  /** Header names the client listed in Connection (forwarded by HAProxy, removed by portico). */
  connectionNamed?: string[];
  /**
   * A known portico difference waiting for a fix in code this suite does not own: the named
   * parts are left out of the comparison and the case counts as a disagreement in the summary.
   * Remove the entry once the fix lands.
   */
  pending?: { bug: string; ignore: ('closed' | 'headers' | 'connection-header' | 'extra')[] };
}

const many = (n: number) => Array.from({ length: n }, (_, i) => `x-h${i}: v\r\n`).join('');

const CASES: Case[] = [
  // ---- plain forwarding
  { name: 'GET forwarded: head the server sees, response headers', run: (s) => one(s, 'basic', getClose('/a?b=1', 'X-Custom: One\r\nuser-agent: t/1\r\n')) },
  { name: 'header names are lower-cased, values kept', run: (s) => one(s, 'basic', getClose('/case', 'X-MiXeD-CaSe: VaLuE\r\nACCEPT: */*\r\n')) },
  { name: 'absolute-form URI', run: (s) => one(s, 'basic', 'GET http://example.test/abs?q=1 HTTP/1.1\r\nHost: example.test\r\nConnection: close\r\n\r\n') },
  { name: 'absolute-form URI with default port vs Host', run: (s) => one(s, 'basic', 'GET http://example.test:80/abs HTTP/1.1\r\nHost: example.test\r\nConnection: close\r\n\r\n') },
  { name: 'absolute-form URI disagreeing with Host: 400', run: (s) => one(s, 'basic', 'GET http://other.test/abs HTTP/1.1\r\nHost: example.test\r\n\r\n') },
  { name: 'HTTP/1.0 request without Host', run: (s) => one(s, 'basic', 'GET /ten HTTP/1.0\r\n\r\n') },
  { name: 'HTTP/1.1 request without Host', run: (s) => one(s, 'basic', 'GET /nohost HTTP/1.1\r\nConnection: close\r\n\r\n') },
  { name: 'POST with content-length body', run: (s) => one(s, 'basic', `POST /p HTTP/1.1\r\n${H}Content-Length: 11\r\nConnection: close\r\n\r\nhello world`) },
  { name: 'chunked request body', run: (s) => framed(s, 'basic', `POST /c HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n`) },
  { name: 'chunked request with extension and trailer', run: (s) => framed(s, 'basic', `POST /c HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n5;ext=1\r\nhello\r\n0\r\nx-trailer: t\r\n\r\n`) },
  {
    name: 'chunked request, odd framing (leading zeros, blanks, bare LF, extensions, trailers)',
    run: (s) => framed(s, 'basic', `POST /odd HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n0003 \nabc\n00A;x="y z"\r\n0123456789\r\n1;e\r\n!\r\n0\nX-Up: One\ntrailer-b: 2\r\n\r\n`),
  },
  {
    name: 'chunked request body in several reads: one chunk per read',
    run: (s) => framed(s, 'basic', [`POST /reads HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n6\r\n world\r\n`, { wait: 150 }, '0a\r\n0123456789\r\n3\r\nab', { wait: 150 }, 'c\r\n', { wait: 150 }, '0\r\n\r\n']),
  },
  {
    name: 'chunked request, then a pipelined request',
    run: (s) => framed(s, 'basic', `POST /first HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n${getClose('/second')}`),
  },
  { name: 'chunked response', run: (s) => framed(s, 'basic', getClose('/chunked')) },
  { name: 'large request and response bodies', run: (s) => one(s, 'basic', [`POST /size/2000000 HTTP/1.1\r\n${H}Content-Length: 1000000\r\nConnection: close\r\n\r\n`, Buffer.alloc(1_000_000, 'y')], { ms: 5000 }) },
  { name: 'close-delimited response', run: (s) => one(s, 'basic', getClose('/eof')) },
  { name: 'close-delimited response, keep-alive client', run: (s) => one(s, 'basic', get('/eof')) },
  { name: 'HTTP/1.0 response from the server', run: (s) => one(s, 'basic', get('/http10')) },
  { name: 'HTTP/1.0 response from the server, client asks close', run: (s) => one(s, 'basic', getClose('/http10')) },
  { name: 'HTTP/1.0 request with a body', run: (s) => one(s, 'basic', `POST /b HTTP/1.0\r\n${H}Content-Length: 2\r\n\r\nab`) },
  { name: 'server says connection: close, client keeps alive', run: (s) => one(s, 'basic', [get('/server-close'), { wait: 100 }, getClose('/after')]) },
  { name: 'HEAD response keeps content-length, no body', run: (s) => one(s, 'basic', [`HEAD /head HTTP/1.1\r\n${H}\r\n`, getClose('/next')], { head: [true, false] }) },
  { name: '204 without body', run: (s) => one(s, 'basic', [get('/status/204'), { wait: 50 }, getClose('/next')]) },
  { name: '304 without body', run: (s) => one(s, 'basic', [get('/status/304'), { wait: 50 }, getClose('/next')]) },
  { name: 'status and reason from the server (404, 500)', run: (s) => one(s, 'basic', [get('/status/404'), { wait: 50 }, getClose('/status/500')]) },
  { name: 'hop-by-hop headers in the response', run: (s) => one(s, 'basic', getClose('/hop')), connectionNamed: ['x-hop'] },
  {
    name: 'hop-by-hop headers in the request',
    run: (s) => one(s, 'basic', `GET /h HTTP/1.1\r\n${H}Connection: close, X-Secret\r\nX-Secret: 1\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\nProxy-Connection: keep-alive\r\n\r\n`),
    connectionNamed: ['x-secret'],
  },
  {
    // HAProxy matches the token in lower case only: "Trailers" is dropped with the rest.
    name: 'TE in requests: "trailers" kept alone, other codings dropped',
    run: (s) => one(s, 'basic', [get('/te1', 'TE: trailers, deflate;q=0.5\r\n'), { wait: 50 }, get('/te2', 'TE: deflate\r\n'), { wait: 50 }, getClose('/te3', 'te: Trailers\r\n')]),
  },
  { name: 'pipelined requests answered in order', run: (s) => one(s, 'basic', get('/p1') + get('/p2') + `POST /p3 HTTP/1.1\r\n${H}Content-Length: 3\r\n\r\nabc` + getClose('/p4')) },
  // A FIN after pipelined requests (the first still being served when it comes). HAProxy races
  // when the FIN is in the same read as the requests (it then sometimes serves only the first);
  // test/e2e/http/pipelined-fin.test.ts covers that case on portico alone.
  { name: 'pipelined requests then FIN: every one answered', run: (s) => one(s, 'basic', [get('/slow/150') + get('/p2') + get('/p3'), { wait: 30 }, { end: true }]) },
  { name: 'pipelined requests with bodies then FIN', run: (s) => one(s, 'basic', [`POST /slow/150 HTTP/1.1\r\n${H}Content-Length: 3\r\n\r\nabc` + `POST /b2 HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n2\r\nde\r\n0\r\n\r\n` + get('/b3'), { wait: 30 }, { end: true }]) },
  { name: 'pipelined: a request, then part of one, then FIN: 400 for the part', run: (s) => one(s, 'basic', [get('/slow/150') + 'GET /p2 HTTP/1.1\r\nHo', { wait: 30 }, { end: true }]) },
  { name: 'a request answered, then part of one and FIN: 400', run: (s) => one(s, 'basic', [get('/p1'), { wait: 150 }, 'GET /p2 HTTP/1.1\r\nHo', { end: true }]) },
  { name: 'pipelined: garbage after a request, then FIN: 400', run: (s) => one(s, 'basic', [get('/slow/150') + 'this is not http\r\n\r\n', { wait: 30 }, { end: true }]) },
  { name: 'pipelined: 503 (no server) for each, then FIN', run: (s) => one(s, 'nosrv', [get('/a') + get('/b'), { wait: 30 }, { end: true }]) },
  { name: '100-continue', run: (s) => one(s, 'basic', [`POST /cont HTTP/1.1\r\n${H}Content-Length: 5\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`, { wait: 300 }, 'hello']) },
  { name: 'HTTP/1.0 client with keep-alive', run: (s) => one(s, 'basic', [`GET /k1 HTTP/1.0\r\n${H}Connection: keep-alive\r\n\r\n`, { wait: 100 }, `GET /k2 HTTP/1.0\r\n${H}\r\n`]) },
  { name: 'HTTP/1.0 client without keep-alive closes', run: (s) => one(s, 'basic', `GET /k HTTP/1.0\r\n${H}\r\n`) },
  { name: 'keep-alive connection stays open', run: (s) => one(s, 'basic', get('/ka'), { ms: 400 }) },
  // ---- message safety
  { name: 'CL + TE: CL dropped, chunked forwarded, then close', run: (s) => framed(s, 'basic', `POST /clte HTTP/1.1\r\n${H}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\n${H}\r\n`) },
  { name: 'two different Content-Length: 400', run: (s) => one(s, 'basic', `POST / HTTP/1.1\r\n${H}Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello`) },
  { name: 'identical Content-Length merged', run: (s) => one(s, 'basic', `POST /same HTTP/1.1\r\n${H}Content-Length: 5\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello`) },
  { name: 'Content-Length list "5, 5"', run: (s) => one(s, 'basic', `POST /list HTTP/1.1\r\n${H}Content-Length: 5, 5\r\nConnection: close\r\n\r\nhello`) },
  { name: 'malformed Content-Length +5: 400', run: (s) => one(s, 'basic', `POST / HTTP/1.1\r\n${H}Content-Length: +5\r\n\r\nhello`) },
  { name: 'malformed Content-Length -1: 400', run: (s) => one(s, 'basic', `POST / HTTP/1.1\r\n${H}Content-Length: -1\r\n\r\n`) },
  { name: 'empty Content-Length: 400', run: (s) => one(s, 'basic', `POST / HTTP/1.1\r\n${H}Content-Length:\r\n\r\n`) },
  { name: 'Transfer-Encoding chunked, chunked: 400', run: (s) => one(s, 'basic', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n`) },
  { name: 'Transfer-Encoding xchunked: 400', run: (s) => one(s, 'basic', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n`) },
  { name: 'two Transfer-Encoding headers: 400', run: (s) => one(s, 'basic', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`) },
  { name: 'Transfer-Encoding gzip, chunked', run: (s) => framed(s, 'basic', `POST /gz HTTP/1.1\r\n${H}Transfer-Encoding: gzip, chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n0\r\n\r\n`) },
  { name: 'Transfer-Encoding chunked on HTTP/1.0 (forwarded, server connection not kept)', run: (s) => one(s, 'basic', `POST / HTTP/1.0\r\n${H}Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n`) },
  { name: 'HTTP/1.0 GET with a body: 413', run: (s) => one(s, 'basic', `GET / HTTP/1.0\r\n${H}Content-Length: 5\r\n\r\nhello`) },
  { name: 'obs-fold is unfolded', run: (s) => one(s, 'basic', `GET /fold HTTP/1.1\r\n${H}X-Folded: a\r\n  b\r\n\tc\r\nConnection: close\r\n\r\n`) },
  { name: 'Transfer-Encoding value on a folded line', run: (s) => framed(s, 'basic', `POST /tefold HTTP/1.1\r\n${H}Transfer-Encoding: \r\n chunked\r\nX-After: 1\r\nConnection: close\r\n\r\n3\r\nabc\r\n0\r\n\r\n`) },
  {
    name: 'HTTP/1.0 keep-alive client sending a chunked body, then a pipelined request',
    run: (s) => one(s, 'basic', `PUT /ten-chunked HTTP/1.0\r\n${H}Connection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\nGET /next HTTP/1.1\r\n${H}\r\n`),
  },
  { name: 'bare LF line ends accepted', run: (s) => one(s, 'basic', `GET /lf HTTP/1.1\nHost: example.test\nX-A: 1\nConnection: close\n\n`) },
  { name: 'lone CR in a header value: 400', run: (s) => one(s, 'basic', `GET / HTTP/1.1\r\n${H}X-A: a\rb\r\n\r\n`) },
  { name: 'space before colon: 400', run: (s) => one(s, 'basic', `GET / HTTP/1.1\r\n${H}X-A : a\r\n\r\n`) },
  { name: 'invalid header name character: 400', run: (s) => one(s, 'basic', `GET / HTTP/1.1\r\n${H}X(A): a\r\n\r\n`) },
  { name: 'two different Host headers: 400', run: (s) => one(s, 'basic', `GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n`) },
  { name: '100 headers pass', run: (s) => one(s, 'basic', `GET /h100 HTTP/1.1\r\nConnection: close\r\n${many(99)}\r\n`) },
  { name: 'more than 100 headers: 400', run: (s) => one(s, 'basic', `GET / HTTP/1.1\r\n${H}${many(101)}\r\n`) },
  { name: 'one header over the buffer: 400', run: (s) => one(s, 'basic', `GET / HTTP/1.1\r\n${H}X-Big: ${'a'.repeat(17000)}\r\n\r\n`) },
  { name: 'request line over the buffer: 400', run: (s) => one(s, 'basic', `GET /${'a'.repeat(17000)} HTTP/1.1\r\n${H}\r\n`) },
  { name: 'invalid method token: 400', run: (s) => one(s, 'basic', `G(T / HTTP/1.1\r\n${H}\r\n`) },
  { name: 'bad version: 400', run: (s) => one(s, 'basic', `GET / HTTP/2.0\r\n${H}\r\n`) },
  { name: 'garbage request: 400', run: (s) => one(s, 'basic', 'this is not http\r\n\r\n') },
  { name: 'chunk size over 13 hex digits: 400', run: (s) => one(s, 'basic', `POST /big HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n10000000000000\r\nx\r\n`) },
  { name: 'invalid chunk size', run: (s) => one(s, 'basic', `POST /bad HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\nzz\r\nx\r\n0\r\n\r\n`) },
  { name: 'leading empty lines before the request line', run: (s) => one(s, 'basic', `\r\n\r\nGET /lead HTTP/1.1\r\n${H}Connection: close\r\n\r\n`) },
  { name: 'incomplete request then FIN', run: (s) => one(s, 'basic', [`GET / HTTP/1.1\r\n${H}`, { end: true }]) },
  // ---- what servers say
  ...Object.keys(RAW_RESPONSES).map((name) => ({
    name: `server response: ${name}`,
    run: (s: Side) => framed(s, 'basic', getClose(`/resp/${name}`)),
  })),
  { name: 'bad chunk in the same read as the response head: 502, connection kept', run: (s) => one(s, 'basic', [get('/resp/badchunk'), { wait: 100 }, getClose('/after')]) },
  { name: 'CONNECT answered 200: no connection: upgrade added', run: (s) => one(s, 'tunnel', [`CONNECT example.test:443 HTTP/1.1\r\n${H}\r\n`, { wait: 100 }], { ms: 600 }) },
  { name: 'HTTP/0.9 request line: keep-alive asked of the server as for HTTP/1.0', run: (s) => one(s, 'basic', `GET /nine HTTP/0.9\r\n${H}\r\n`) },
  { name: 'HEAD to a chunked response', run: (s) => one(s, 'basic', [`HEAD /chunked HTTP/1.1\r\n${H}\r\n`, { wait: 100 }, getClose('/next')], { head: [true, false] }) },
  // ---- server connections
  {
    name: 'keep-alive: server connection reused across requests',
    run: async (s) => {
      const before = s.be.s1!.connections;
      const o = await one(s, 'basic', [get('/1'), { wait: 50 }, get('/2'), { wait: 50 }, getClose('/3')]);
      return { ...o, extra: { serverConnections: s.be.s1!.connections - before } };
    },
  },
  {
    name: 'http-server-close: one server connection per request',
    run: async (s) => {
      const before = s.be.s1!.connections;
      const o = await one(s, 'srvclose', [get('/1'), { wait: 50 }, get('/2'), { wait: 50 }, getClose('/3')]);
      return { ...o, extra: { serverConnections: s.be.s1!.connections - before } };
    },
  },
  { name: 'pipelined: a bad request after a good one', run: (s) => one(s, 'basic', get('/good') + `GET /bad HTTP/1.1\r\n${H}Content-Length: x\r\n\r\n` + getClose('/never')) },
  { name: 'HTTP/1.1 with Connection: keep-alive', run: (s) => one(s, 'basic', get('/ka', 'Connection: keep-alive\r\n'), { ms: 400 }) },
  // ---- errors from the server side
  { name: '503 when the backend has no server', run: (s) => one(s, 'nosrv', get('/x')) },
  { name: '503 when the backend has no server, client asks close', run: (s) => one(s, 'nosrv', getClose('/x')) },
  { name: '503 after retries on a refused server', run: (s) => one(s, 'refused', get('/x'), { ms: 4000 }) },
  // ---- retry-on
  { name: 'retry-on 503: a 503 is retried on the same server', run: (s) => one(s, 'retry503', getClose('/fail/503/1/a')) },
  { name: 'retry-on 503: retries exhausted, the last 503 goes to the client', run: (s) => one(s, 'retry503', getClose('/fail/503/9/b')) },
  { name: 'retry-on 503: a 500 is not retried', run: (s) => one(s, 'retry503', getClose('/fail/500/1/c')) },
  { name: 'retry-on 503: a POST body is sent again', run: (s) => one(s, 'retry503', `POST /fail/503/1/d HTTP/1.1\r\n${H}Content-Length: 5\r\nConnection: close\r\n\r\nhello`) },
  { name: 'retry-on 503: a chunked POST body is sent again', run: (s) => one(s, 'retry503', `POST /fail/503/2/e HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n`) },
  { name: 'retry-on 503: a body still arriving is not kept, no retry', run: (s) => one(s, 'retry503', [`POST /fail/503/1/f HTTP/1.1\r\n${H}Content-Length: 10\r\nConnection: close\r\n\r\nhello`, { wait: 150 }, 'world']) },
  { name: 'retry-on 503: keep-alive client, next request after the retried one', run: (s) => one(s, 'retry503', [get('/fail/503/1/g'), { wait: 150 }, getClose('/after')]) },
  { name: 'retry-on all-retryable-errors: empty response retried', run: (s) => one(s, 'retryall', getClose('/fail/empty/1/h')) },
  { name: 'retry-on all-retryable-errors: junk response retried', run: (s) => one(s, 'retryall', getClose('/fail/junk/1/i')) },
  { name: 'retry-on all-retryable-errors: partial head retried', run: (s) => one(s, 'retryall', getClose('/fail/partial/1/j')) },
  { name: 'retry-on all-retryable-errors: response timeout retried', run: (s) => one(s, 'retryall', getClose('/fail/silent/1/k'), { ms: 2500 }) },
  { name: 'retry-on all-retryable-errors: 504 after the last timeout', run: (s) => one(s, 'retryall', get('/fail/silent/9/l'), { ms: 2500 }) },
  { name: 'retry-on all-retryable-errors: 404 is not retried', run: (s) => one(s, 'retryall', getClose('/fail/404/1/m')) },
  { name: 'retry-on 401..502: each listed status retried', run: (s) => one(s, 'retrystatus', [get('/fail/401/1/n'), { wait: 100 }, get('/fail/403/1/o'), { wait: 100 }, get('/fail/404/1/p'), { wait: 100 }, get('/fail/502/1/q'), { wait: 100 }, getClose('/fail/503/1/r')]) },
  { name: 'retry-on with option redispatch: the last retry goes to another server', run: (s) => sequence(s, 'retryrd', ['/fail/503/1/s', '/fail/503/2/t', '/fail/503/3/u']) },
  { name: 'retry-on none: no retry on a refused connection', run: (s) => one(s, 'retrynone', get('/x'), { ms: 2000 }) },
  { name: 'retry-on 503 without conn-failure: a refused connection is not retried', run: async (s) => {
    const t = Date.now();
    const o = await one(s, 'retry503dead', getClose('/x'), { ms: 3000 });
    return { ...o, extra: { fast: Date.now() - t < 900 } };
  } },
  { name: 'retry-on conn-failure 503 with redispatch: dead server, last retry elsewhere', run: (s) => one(s, 'retryrddead', getClose('/x'), { ms: 4000 }) },
  { name: 'redispatch to another server after a refused connection', run: (s) => one(s, 'redispatch', getClose('/x'), { ms: 4000 }) },
  { name: '504 when the server is too slow', run: (s) => one(s, 'slow', get('/slow/1500'), { ms: 2500 }) },
  { name: '502 on a garbage response', run: (s) => one(s, 'basic', get('/garbage')) },
  { name: '502 on an empty response', run: (s) => one(s, 'basic', get('/empty')) },
  { name: '502 when the server resets', run: (s) => one(s, 'basic', get('/close')) },
  { name: '502, then the next request on the same connection', run: (s) => one(s, 'basic', [get('/garbage'), { wait: 100 }, getClose('/after')]) },
  { name: '503 to a HEAD request: head only, connection kept', run: (s) => one(s, 'nosrv', [`HEAD /x HTTP/1.1\r\n${H}\r\n`, { wait: 100 }, getClose('/y')], { head: [true, false] }) },
  { name: '502 to a HEAD request: head only, connection kept', run: (s) => one(s, 'basic', [`HEAD /garbage HTTP/1.1\r\n${H}\r\n`, { wait: 100 }, getClose('/after')], { head: [true, false] }) },
  { name: '502 after a POST body was sent', run: (s) => one(s, 'basic', [`POST /garbage HTTP/1.1\r\n${H}Content-Length: 5\r\n\r\nhello`, { wait: 100 }, getClose('/after')]) },
  { name: '502 on an empty response, HTTP/1.0 keep-alive client', run: (s) => one(s, 'basic', `GET /empty HTTP/1.0\r\n${H}Connection: keep-alive\r\n\r\n`) },
  { name: '503 to an HTTP/1.0 client', run: (s) => one(s, 'nosrv', `GET /x HTTP/1.0\r\n${H}\r\n`) },
  { name: '503 to an HTTP/1.0 keep-alive client', run: (s) => one(s, 'nosrv', [`GET /x HTTP/1.0\r\n${H}Connection: keep-alive\r\n\r\n`, { wait: 100 }, `GET /y HTTP/1.0\r\n${H}\r\n`]) },
  { name: '504, then the next request on the same connection', run: (s) => one(s, 'slow', [get('/slow/1000'), { wait: 600 }, getClose('/after')], { ms: 2500 }) },
  {
    name: 'queue timeout: 503 for the queued request',
    run: async (s) => {
      const [a, b] = await Promise.all([one(s, 'queue', getClose('/slow/900'), { ms: 2500 }), (async () => {
        await new Promise((r) => setTimeout(r, 100));
        return one(s, 'queue', get('/q'), { ms: 2500 });
      })()]);
      return { responses: [...a.responses, ...b.responses], closed: b.closed, seen: a.seen.slice(0, 1) };
    },
  },
  {
    name: 'queued requests are served in arrival order (server maxconn 1)',
    run: async (s) => {
      const before = marks(s);
      const all = [exchange(s.ports.queuefifo, getClose('/slow/300'), 3000)];
      for (const i of [1, 2, 3, 4]) {
        await new Promise((r) => setTimeout(r, 40));
        all.push(exchange(s.ports.queuefifo, getClose(`/q${i}`), 3000));
      }
      const answers = await Promise.all(all);
      return { responses: answers.flatMap((a) => splitResponses(a.raw)), closed: true, seen: await collectSeen(s, before) };
    },
  },
  {
    name: 'timeout queue falls back to timeout connect',
    run: async (s) => {
      const first = one(s, 'queueconnect', getClose('/slow/900'), { ms: 2500 });
      await new Promise((r) => setTimeout(r, 100));
      const queued = await exchange(s.ports.queueconnect, getClose('/q'), 2500);
      const a = await first;
      // Queued 300 ms (timeout connect), well before the first request ends at 900 ms.
      return { responses: [...a.responses, ...splitResponses(queued.raw)], closed: true, seen: a.seen, extra: { queuedAnsweredBeforeFirst: queued.elapsed < 700 } };
    },
  },
  { name: '408 when the request head is incomplete at timeout http-request', run: (s) => one(s, 'reqtimeout', `GET / HTTP/1.1\r\n${H}`, { ms: 1500 }) },
  { name: '408 on an idle connection (no byte)', run: (s) => one(s, 'reqtimeout', [], { ms: 1500 }) },
  { name: 'keep-alive idle close is silent', run: (s) => one(s, 'kaidle', get('/a'), { ms: 1500 }) },
  // ---- connection modes
  { name: 'option httpclose', run: (s) => one(s, 'httpclose', [get('/a'), { wait: 100 }, get('/b')]) },
  { name: 'option http-server-close', run: (s) => one(s, 'srvclose', [get('/a'), { wait: 100 }, getClose('/b')]) },
  { name: 'option http-server-close, HTTP/1.0 keep-alive client', run: (s) => one(s, 'srvclose', [`GET /a HTTP/1.0\r\n${H}Connection: keep-alive\r\n\r\n`]) },
  { name: 'option httpclose in the backend only', run: (s) => one(s, 'febeclose', [get('/a'), { wait: 100 }, get('/b')]) },
  { name: 'option http-server-close in the backend only', run: (s) => one(s, 'febesc', [get('/a'), { wait: 100 }, getClose('/b')]) },
  { name: 'option http-server-close in the frontend only', run: (s) => one(s, 'fesc', [get('/a'), { wait: 100 }, getClose('/b')]) },
  { name: 'option forwardfor in frontend and backend: the backend header wins', run: (s) => one(s, 'feffbe', getClose('/ff')) },
  // ---- forwardfor / originalto
  { name: 'option forwardfor appends X-Forwarded-For', run: (s) => one(s, 'ff', getClose('/ff', 'X-Forwarded-For: 10.0.0.1\r\n')) },
  { name: 'option forwardfor except 127.0.0.0/8', run: (s) => one(s, 'ffexcept', getClose('/ff')) },
  { name: 'option forwardfor header X-Client if-none (absent)', run: (s) => one(s, 'ffheader', getClose('/ff')) },
  { name: 'option forwardfor header X-Client if-none (present)', run: (s) => one(s, 'ffheader', getClose('/ff', 'X-Client: 10.9.9.9\r\n')) },
  { name: 'option originalto', run: (s) => one(s, 'ot', getClose('/ot', 'X-Original-To: 1.2.3.4\r\n')) },
  { name: 'option forwardfor on [::], client over IPv6', run: (s) => one6(s, 'ff6', getClose('/v6'), '::1') },
  { name: 'option forwardfor on [::], client over IPv4 (v4-mapped)', run: (s) => one6(s, 'ff6', getClose('/v4'), '127.0.0.1') },
  // ---- upgrade to a tunnel
  {
    name: 'Upgrade: websocket, 101, bytes both ways, timeout tunnel',
    run: (s) =>
      one(s, 'tunnel', [`GET /upgrade HTTP/1.1\r\n${H}Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`, { wait: 100 }, 'ping', { wait: 100 }], { ms: 1500 }),
  },
  { name: 'websocket: 101 without sec-websocket-accept', run: (s) => one(s, 'tunnel', [`GET /upgrade-noaccept HTTP/1.1\r\n${H}Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`, { wait: 100 }, 'ping', { wait: 100 }], { ms: 1500 }) },
  { name: 'websocket: 101 with a wrong sec-websocket-accept', run: (s) => one(s, 'tunnel', [`GET /upgrade-badaccept HTTP/1.1\r\n${H}Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`, { wait: 100 }, 'ping', { wait: 100 }], { ms: 1500 }) },
  { name: 'websocket: request without sec-websocket-key', run: (s) => one(s, 'tunnel', [`GET /upgrade HTTP/1.1\r\n${H}Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n\r\n`, { wait: 100 }, 'ping', { wait: 100 }], { ms: 1500 }) },
  { name: 'upgrade to another protocol (h2c): 101 without accept', run: (s) => one(s, 'tunnel', [`GET /upgrade-h2c HTTP/1.1\r\n${H}Connection: Upgrade\r\nUpgrade: h2c\r\n\r\n`, { wait: 100 }, 'ping', { wait: 100 }], { ms: 1500 }) },
  { name: 'websocket request, server answers h2c 101', run: (s) => one(s, 'tunnel', [`GET /upgrade-h2c HTTP/1.1\r\n${H}Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`, { wait: 100 }, 'ping', { wait: 100 }], { ms: 1500 }) },
  { name: '101 to a request that did not ask for an upgrade', run: (s) => one(s, 'tunnel', [get('/upgrade'), { wait: 100 }, 'ping', { wait: 100 }], { ms: 1500 }) },
  {
    name: 'Upgrade header without Connection: upgrade is not a tunnel',
    run: (s) => one(s, 'basic', getClose('/plain', 'Upgrade: websocket\r\n')),
  },
  // ---- waiting for the request body
  { name: 'wait-for-body: later rules see a body that arrives after the head', run: (s) => one(s, 'wfb', [`POST /wfb?q=1 HTTP/1.1\r\n${H}Content-Length: 16\r\nConnection: close\r\n\r\n`, { wait: 200 }, 'a=1&id=xyz&b=two']) },
  { name: 'wait-for-body: a chunked body', run: (s) => one(s, 'wfb', [`POST /wfbc HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n4\r\nid=q\r\n`, { wait: 150 }, '2\r\nrs\r\n0\r\n\r\n']) },
  { name: 'wait-for-body: the body never completes (408)', run: (s) => one(s, 'wfb', `POST /wfb HTTP/1.1\r\n${H}Content-Length: 16\r\n\r\na=1`, { ms: 1500 }) },
  { name: 'wait-for-body: Expect 100-continue answered by the proxy', run: (s) => one(s, 'wfb', [`POST /exp HTTP/1.1\r\n${H}Content-Length: 4\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`, { wait: 200 }, 'id=e']) },
  { name: 'wait-for-body: a deny before it answers at once', run: (s) => one(s, 'wfb', `POST /deny HTTP/1.1\r\n${H}Content-Length: 16\r\n\r\na=1`, { ms: 800 }) },
  { name: 'wait-for-body: its condition is false for a GET', run: (s) => one(s, 'wfb', getClose('/get')) },
  { name: 'wait-for-body: a body larger than the buffer', run: (s) => one(s, 'wfb', [`POST /big HTTP/1.1\r\n${H}Content-Length: 30000\r\nConnection: close\r\n\r\n`, { wait: 150 }, Buffer.alloc(20_000, 'a'), { wait: 300 }, Buffer.alloc(10_000, 'b')], { ms: 2500 }) },
  { name: 'wait-for-body at-least 4', run: (s) => one(s, 'wfbleast', [`POST /least HTTP/1.1\r\n${H}Content-Length: 10\r\nConnection: close\r\n\r\nab`, { wait: 150 }, 'cdef', { wait: 150 }, 'ghij']) },
  { name: 'option http-buffer-request', run: (s) => one(s, 'bufreq', [`POST /buf HTTP/1.1\r\n${H}Content-Length: 10\r\nConnection: close\r\n\r\nid`, { wait: 200 }, '=abc&x=1']) },
  { name: 'option http-buffer-request: 408 at timeout http-request', run: (s) => one(s, 'bufreq', `POST /buf HTTP/1.1\r\n${H}Content-Length: 10\r\n\r\nid`, { ms: 1500 }) },
  { name: 'option http-buffer-request in the backend: its rules see the body, the frontend\'s do not', run: (s) => one(s, 'febufbe', [`POST /bufbe HTTP/1.1\r\n${H}Content-Length: 10\r\nConnection: close\r\n\r\nid`, { wait: 200 }, '=abc&x=1']) },
  { name: 'wait-for-body: use_backend on a body parameter', run: (s) => one(s, 'feroute', [`POST /route HTTP/1.1\r\n${H}Content-Length: 5\r\nConnection: close\r\n\r\n`, { wait: 150 }, 'to=ff']) },
  // ---- server choice
  { name: 'roundrobin, equal weights', run: (s) => sequence(s, 'rr', Array.from({ length: 9 }, (_, i) => `/r${i}`)) },
  { name: 'roundrobin, weights 3/1/2/5', run: (s) => sequence(s, 'rrw', Array.from({ length: 22 }, (_, i) => `/r${i}`)) },
  { name: 'static-rr, weights 3/1/2/5', run: (s) => sequence(s, 'static', Array.from({ length: 22 }, (_, i) => `/r${i}`)) },
  { name: 'balance source (map-based)', run: (s) => sequence(s, 'source', Array.from({ length: 16 }, () => '/'), undefined, (i) => `127.0.0.${i + 2}`) },
  { name: 'balance source (consistent)', run: (s) => sequence(s, 'sourcec', Array.from({ length: 16 }, () => '/'), undefined, (i) => `127.0.0.${i + 2}`) },
  { name: 'balance uri (map-based)', run: (s) => sequence(s, 'uri', Array.from({ length: 20 }, (_, i) => `/u/${i}?q=${i}`)) },
  { name: 'balance uri (consistent)', run: (s) => sequence(s, 'uric', Array.from({ length: 20 }, (_, i) => `/u/${i * 7}/x`)) },
  { name: 'balance url_param (map-based)', run: (s) => sequence(s, 'urlparam', Array.from({ length: 20 }, (_, i) => (i % 5 === 4 ? `/x?other=${i}` : `/x?a=1&id=user${i}`))) },
  { name: 'balance url_param (consistent)', run: (s) => sequence(s, 'urlparamc', Array.from({ length: 20 }, (_, i) => `/x?id=${i * 13}`)) },
  { name: 'balance hdr(host) (map-based)', run: (s) => sequence(s, 'hdr', Array.from({ length: 16 }, () => '/'), (i) => `site${i}.example`) },
  { name: 'balance hdr(host) (consistent)', run: (s) => sequence(s, 'hdrc', Array.from({ length: 16 }, () => '/'), (i) => `host-${i * 3}.test`) },
  { name: 'balance hash path', run: (s) => sequence(s, 'hashpath', Array.from({ length: 20 }, (_, i) => `/h/${i * 7}?q=${i}`)) },
  { name: 'balance hash req.hdr(host),lower (consistent)', run: (s) => sequence(s, 'hashhostc', Array.from({ length: 16 }, () => '/'), (i) => `Site${i}.Example`) },
  { name: 'balance hash on an integer (req.hdr_val)', run: (s) => sequence(s, 'hashint', Array.from({ length: 16 }, () => '/'), undefined, undefined, (i) => ({ headers: `x-n: ${i * 37}\r\n` })) },
  { name: 'balance hash without a value: round robin', run: (s) => sequence(s, 'hashint', Array.from({ length: 8 }, (_, i) => `/none${i}`)) },
  { name: 'balance url_param check_post: id in the POST body', run: (s) => sequence(s, 'cpost', Array.from({ length: 16 }, (_, i) => `/p${i}`), undefined, undefined, (i) => ({ method: 'POST', headers: 'Content-Type: application/x-www-form-urlencoded\r\n', body: `a=1&id=user${i * 3}&b=2` })) },
  { name: 'balance url_param check_post (consistent)', run: (s) => sequence(s, 'cpostc', Array.from({ length: 16 }, (_, i) => `/p${i}`), undefined, undefined, (i) => ({ method: 'POST', body: `id=${i * 11}` })) },
  { name: 'balance url_param check_post: the query string wins', run: (s) => sequence(s, 'cpost', Array.from({ length: 8 }, (_, i) => `/q?id=q${i}`), undefined, undefined, (i) => ({ method: 'POST', body: `id=${i}` })) },
  { name: 'balance url_param check_post: the body arrives later', run: (s) => one(s, 'cpost', [`POST /late HTTP/1.1\r\n${H}Content-Length: 9\r\nConnection: close\r\n\r\n`, { wait: 200 }, 'id=user42']) },
  { name: 'balance url_param check_post: a chunked body', run: (s) => one(s, 'cpost', [`POST /late HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nid=\r\n`, { wait: 150 }, '6\r\nuser42\r\n0\r\n\r\n']) },
  { name: 'balance url_param check_post: the body never comes (408 at timeout http-request)', run: (s) => one(s, 'cpost', `POST /never HTTP/1.1\r\n${H}Content-Length: 9\r\n\r\nid=`, { ms: 1500 }) },
  { name: 'balance url_param check_post: Expect 100-continue answered while waiting', run: (s) => one(s, 'cpost', [`POST /exp HTTP/1.1\r\n${H}Content-Length: 9\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`, { wait: 200 }, 'id=user42']) },
  { name: 'balance url_param check_post: a PUT is not waited for', run: (s) => one(s, 'cpost', [`PUT /put HTTP/1.1\r\n${H}Content-Length: 9\r\nConnection: close\r\n\r\n`, { wait: 200 }, 'id=user42']) },
  { name: 'weight 0 is never chosen', run: (s) => sequence(s, 'weight0', Array.from({ length: 6 }, (_, i) => `/w${i}`)) },
  { name: 'backup used when the active server is down (first backup only)', run: (s) => sequence(s, 'backup', Array.from({ length: 6 }, (_, i) => `/b${i}`)) },
  { name: 'option allbackups balances across backups', run: (s) => sequence(s, 'allbackups', Array.from({ length: 6 }, (_, i) => `/b${i}`)) },
  { name: 'balance uri whole', run: (s) => sequence(s, 'uriwhole', Array.from({ length: 16 }, (_, i) => `/same/path?v=${i}`)) },
  { name: 'balance uri depth 2', run: (s) => sequence(s, 'uridepth', Array.from({ length: 16 }, (_, i) => `/a${i % 4}/b${i % 3}/c${i}`)) },
  { name: 'balance uri len 6', run: (s) => sequence(s, 'urilen', Array.from({ length: 16 }, (_, i) => `/${String.fromCharCode(97 + (i % 8))}bcd${i}/tail`)) },
  { name: 'balance uri path-only (consistent)', run: (s) => sequence(s, 'uripath', Array.from({ length: 16 }, (_, i) => `/p${i % 6}?q=${i}`)) },
  { name: 'balance hdr(host) use_domain_only', run: (s) => sequence(s, 'hdrdomain', Array.from({ length: 16 }, () => '/'), (i) => [`www.site${i % 5}.com`, `a.b.site${i}.org:8080`, `site${i}.net`, `localhost`][i % 4]!) },
  { name: 'balance hdr(host) with no Host header', run: (s) => sequence(s, 'hdr', ['/a', '/b', '/c', '/d'], () => '') },
  { name: 'hash-type consistent crc32 (uri)', run: (s) => sequence(s, 'crc32c', Array.from({ length: 16 }, (_, i) => `/crc/${i * 17}`)) },
  { name: 'hash-type map-based djb2 (uri)', run: (s) => sequence(s, 'djb2', Array.from({ length: 16 }, (_, i) => `/djb/${i * 5}`)) },
  { name: 'hash-type consistent wt6 avalanche (url_param)', run: (s) => sequence(s, 'wt6ava', Array.from({ length: 16 }, (_, i) => `/x?id=${i * 3}`)) },
  { name: 'hash-type map-based sdbm avalanche (hdr)', run: (s) => sequence(s, 'sdbmava', Array.from({ length: 16 }, () => '/'), (i) => `ava${i}.test`) },
  { name: 'leastconn with weights, sequential', run: (s) => sequence(s, 'lcweights', Array.from({ length: 22 }, (_, i) => `/l${i}`)) },
  { name: 'roundrobin with weights, a server down', run: (s) => sequence(s, 'rrdown', Array.from({ length: 22 }, (_, i) => `/d${i}`)) },

  // ---- timeouts while data trickles or stalls
  {
    name: 'timeout http-request counts from the first byte even while bytes trickle in',
    run: (s) => one(s, 'slowloris', ['GET / HTTP/1.1\r\n', { wait: 150 }, 'Host: x\r\n', { wait: 150 }, 'X-A: 1\r\n', { wait: 150 }, 'X-B: 2\r\n', { wait: 150 }, 'X-C: 3\r\n'], { ms: 1500 }),
  },
  { name: 'request body stalls: 504 at timeout server', run: (s) => one(s, 'stall', `POST /p HTTP/1.1\r\n${H}Content-Length: 10\r\n\r\nabc`, { ms: 1500 }) },
  { name: 'server stalls in the middle of the body (timeout server)', run: (s) => one(s, 'stall', getClose('/resp/truncated'), { ms: 1500 }) },
  {
    name: 'balance first fills servers in order (maxconn 1, held connections)',
    run: async (s) => {
      const held = [0, 1, 2].map((i) => exchange(s.ports.first, getClose(`/slow/${700 - i * 100}`), 2000));
      await until(() => s.be.s1!.open + s.be.s2!.open + s.be.s3!.open >= 3, 1000);
      await new Promise((r) => setTimeout(r, 50));
      const later = await sequence(s, 'first', ['/now']);
      // The two held requests race each other: which one lands where is arbitrary on both sides,
      // so they are compared as a set.
      const results = (await Promise.all(held)).map((e) => /x-server: (\S+)/.exec(e.raw)?.[1] ?? '-').sort();
      return { responses: [], closed: true, seen: [], extra: { held: results.sort(), later: later.extra } };
    },
  },
  {
    name: 'leastconn avoids servers holding connections',
    run: async (s) => {
      const seen = () => Object.values(s.be).reduce((n, b) => n + b.seen.filter((q) => q.head.startsWith('GET /slow/600 ')).length, 0);
      const before = seen();
      // Each held request must be on its server before the next is balanced (a fixed pause was
      // not enough on a loaded machine; sent together, haproxy sometimes puts both on s1 when it
      // takes them in one polling loop); bounded waits.
      const held: ReturnType<typeof exchange>[] = [];
      for (let i = 1; i <= 2; i++) {
        held.push(exchange(s.ports.leastconn, getClose('/slow/600'), 3000));
        await until(() => seen() - before >= i, 2000);
      }
      const later = await sequence(s, 'leastconn', ['/a', '/b', '/c', '/d']);
      // The two held requests race each other: which one lands where is arbitrary on both sides,
      // so they are compared as a set.
      const results = (await Promise.all(held)).map((e) => /x-server: (\S+)/.exec(e.raw)?.[1] ?? '-').sort();
      return { responses: [], closed: true, seen: [], extra: { held: results, later: later.extra } };
    },
  },
];

interface Result {
  name: string;
  agree: boolean;
  pending?: string;
}
const results: Result[] = [];

describe.skipIf(!hasHaproxy())('differential: haproxy 2.6 vs portico, HTTP engine', () => {
  const sides: Side[] = [];

  beforeAll(async () => {
    for (const label of ['haproxy', 'portico'] as const) {
      const be: Record<string, RawBackend> = {};
      for (const n of SERVERS) be[n] = await startRawBackend(n);
      const ports = await freePorts(LISTENS.length);
      const map = Object.fromEntries(LISTENS.map((n, i) => [n, ports[i]!])) as Record<ListenName, number>;
      const cfg = config(map, Object.fromEntries(Object.entries(be).map(([n, b]) => [n, b.port])));
      const proc = label === 'haproxy' ? await startHaproxy(cfg, ports) : await startPortico(cfg, ports);
      sides.push({ label, proc, ports: map, be });
    }
    // Let the first health checks mark the dead servers of `backup`/`allbackups` down.
    await new Promise((r) => setTimeout(r, 600));
  }, 60_000);

  afterAll(async () => {
    for (const s of sides) {
      await s.proc?.stop();
      await Promise.all(Object.values(s.be).map((b) => b.close()));
    }
    const bad = results.filter((r) => !r.agree);
    const lines = bad.map((b) => `  - ${b.name}${b.pending ? ` [pending: ${b.pending}]` : ''}`);
    console.log(`http differential: ${results.length} cases, ${results.length - bad.length} agree\n${lines.join('\n')}`);
  });

  it.each(CASES)('$name', async (c) => {
    const [h, p] = await Promise.all(sides.map((s) => c.run(s)));
    let nh = normalise(h!, c.connectionNamed ?? []);
    let np = normalise(p!, c.connectionNamed ?? []);
    const fullyAgree = JSON.stringify(nh) === JSON.stringify(np);
    const ignore = c.pending?.ignore ?? [];
    const strip = (o: Obs): Obs => ({
      ...o,
      closed: ignore.includes('closed') ? false : o.closed,
      extra: ignore.includes('extra') ? undefined : o.extra,
      responses: o.responses.map((r) =>
        ignore.includes('headers') ? { ...r, headers: [] } : ignore.includes('connection-header') ? { ...r, headers: r.headers.filter((h) => !/^connection:/i.test(h)) } : r,
      ),
    });
    nh = strip(nh);
    np = strip(np);
    results.push({ name: c.name, agree: fullyAgree, pending: fullyAgree ? undefined : c.pending?.bug });
    expect(nh.responses.length + nh.seen.length + (nh.extra ? 1 : 0) + (nh.closed ? 1 : 0), 'haproxy observed something').toBeGreaterThan(0);
    expect(np).toEqual(nh);
  });
});
