/**
 * Differential sweep of the HTTP/1 codec (src/http/h1/): Debian's haproxy 2.6 and portico run
 * the same configuration in front of identical raw backends (lib.ts); each case sends the same
 * bytes to both on one connection and compares the responses (status lines, headers without
 * `date`, bodies) and the request heads and bodies the backend received. Request-line and header
 * edge cases, buffer limits (a second pair of processes runs with tune.bufsize 1024) and odd
 * server responses (canned in RAW_RESPONSES). Skipped when haproxy is not installed.
 *
 * Connections end quickly on both sides: `timeout http-keep-alive 100ms` closes a kept-alive
 * client after its response, `timeout http-request 400ms` answers an unfinished head with 408,
 * `timeout tunnel 200ms` ends CONNECT and upgrade tunnels. Whether the proxy closed is not
 * compared: it always does, sooner or later; a closing answer says `connection: close`.
 *
 * Intended differences, normalised away before comparing (and only those): portico drops
 * hop-by-hop headers (keep-alive, proxy-connection, te, trailer, upgrade, those a Connection
 * header names) from forwarded messages and rebuilds Connection (lower case, last); see
 * engine-diff.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts, hasHaproxy, startHaproxy, startPortico, type Proc } from '../harness.js';
import { RAW_RESPONSES, exchange, splitResponses, startRawBackend, type RawBackend } from './lib.js';

type Profile = 'default' | 'small';
const PROFILES: Profile[] = ['default', 'small'];
const TUNE: Record<Profile, string> = { default: '', small: '    tune.bufsize 1024\n    tune.maxrewrite 64\n' };

function config(profile: Profile, port: number, be: number): string {
  return `global
    maxconn 200
${TUNE[profile]}defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
    timeout http-request 400ms
    timeout http-keep-alive 100ms
    timeout tunnel 200ms
listen codec
    bind 127.0.0.1:${port}
    server s1 127.0.0.1:${be}
`;
}

/** Server responses for /resp/NAME (the raw backend closes after each). */
const RESPONSES: Record<string, string> = {
  cdnoreason: 'HTTP/1.1 200\r\ncontent-length: 2\r\n\r\nok',
  cdnoreasonlf: 'HTTP/1.1 200\ncontent-length: 2\n\nok',
  cdreasontabs: 'HTTP/1.1 200 A\tB  \r\ncontent-length: 2\r\n\r\nok',
  cdreason8bit: 'HTTP/1.1 200 \xe9t\xe9\r\ncontent-length: 2\r\n\r\nok',
  cdstatus0200: 'HTTP/1.1 0200 OK\r\ncontent-length: 2\r\n\r\nok',
  cdstatus1000: 'HTTP/1.1 1000 OK\r\ncontent-length: 2\r\n\r\nok',
  cdstatus99999: 'HTTP/1.1 99999 OK\r\ncontent-length: 2\r\n\r\nok',
  cdstatusneg: 'HTTP/1.1 -1 OK\r\ncontent-length: 2\r\n\r\nok',
  cdstatusnone: 'HTTP/1.1 \r\ncontent-length: 2\r\n\r\nok',
  cdstatusletters: 'HTTP/1.1 OK 200\r\ncontent-length: 2\r\n\r\nok',
  cdstatustab: 'HTTP/1.1\t200\tOK\r\ncontent-length: 2\r\n\r\nok',
  cdv12: 'HTTP/1.2 200 OK\r\ncontent-length: 2\r\n\r\nok',
  cdv2: 'HTTP/2 200 OK\r\ncontent-length: 2\r\n\r\nok',
  cdvlower: 'http/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok',
  cdv110: 'HTTP/1.10 200 OK\r\ncontent-length: 2\r\n\r\nok',
  cdvnospace: 'HTTP/1.1200 OK\r\ncontent-length: 2\r\n\r\nok',
  cdleadingspace: ' HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok',
  cdleadingcrlf: '\r\n\nHTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok',
  cdcontinue: 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok',
  cd102cl: 'HTTP/1.1 102 Processing\r\ncontent-length: 5\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok',
  cd100te: 'HTTP/1.1 100 Continue\r\ntransfer-encoding: chunked\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok',
  cd103: 'HTTP/1.1 103 Early\r\nlink: </a>\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok',
  cd204cl: 'HTTP/1.1 204 No\r\ncontent-length: 5\r\n\r\n',
  cd204body: 'HTTP/1.1 204 No\r\ncontent-length: 5\r\n\r\nhello',
  cd204te: 'HTTP/1.1 204 No\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n',
  cd304cl: 'HTTP/1.1 304 NM\r\ncontent-length: 5\r\n\r\n',
  cd304te: 'HTTP/1.1 304 NM\r\ntransfer-encoding: chunked\r\n\r\n',
  cd304badcl: 'HTTP/1.1 304 NM\r\ncontent-length: x\r\n\r\n',
  cdclte: 'HTTP/1.1 200 OK\r\ncontent-length: 10\r\ntransfer-encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n',
  cdtebadcl: 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\ncontent-length: x\r\n\r\n2\r\nok\r\n0\r\n\r\n',
  cdnamespace: 'HTTP/1.1 200 OK\r\nx a: 1\r\ncontent-length: 2\r\n\r\nok',
  cdnameparen: 'HTTP/1.1 200 OK\r\nx(a: 1\r\ncontent-length: 2\r\n\r\nok',
  cdnameempty: 'HTTP/1.1 200 OK\r\n: 1\r\ncontent-length: 2\r\n\r\nok',
  cdname8bit: 'HTTP/1.1 200 OK\r\nx\xe9: 1\r\ncontent-length: 2\r\n\r\nok',
  cdnamenul: 'HTTP/1.1 200 OK\r\nx\x00: 1\r\ncontent-length: 2\r\n\r\nok',
  cdnocolon: 'HTTP/1.1 200 OK\r\nxa\r\ncontent-length: 2\r\n\r\nok',
  cdfoldcolon: 'HTTP/1.1 200 OK\r\nx-a:\r\n  b\r\ncontent-length: 2\r\n\r\nok',
  cdfoldfirst: 'HTTP/1.1 200 OK\r\n x: 1\r\ncontent-length: 2\r\n\r\nok',
  cdlonecr: 'HTTP/1.1 200 OK\r\nx: a\rb\r\ncontent-length: 2\r\n\r\nok',
  cdnulvalue: 'HTTP/1.1 200 OK\r\nx: a\x00b\r\ncontent-length: 2\r\n\r\nok',
  cdcl02: 'HTTP/1.1 200 OK\r\ncontent-length: 02\r\n\r\nok',
  cdcldup: 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-length: 2\r\n\r\nok',
  cdcllist: 'HTTP/1.1 200 OK\r\ncontent-length: 2, 2\r\n\r\nok',
  cdclneg: 'HTTP/1.1 200 OK\r\ncontent-length: -2\r\n\r\nok',
  cdclempty: 'HTTP/1.1 200 OK\r\ncontent-length:\r\n\r\nok',
  cdteidentity: 'HTTP/1.1 200 OK\r\ntransfer-encoding: identity\r\n\r\nok',
  cdtechunkedgzip: 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked, gzip\r\n\r\nok',
  cdteupper: 'HTTP/1.1 200 OK\r\ntransfer-encoding: CHUNKED\r\n\r\n2\r\nok\r\n0\r\n\r\n',
  cd10keepalive: 'HTTP/1.0 200 OK\r\nconnection: keep-alive\r\ncontent-length: 2\r\n\r\nok',
  cd100headers: `HTTP/1.1 200 OK\r\n${Array.from({ length: 99 }, (_, i) => `x-${i}: v\r\n`).join('')}content-length: 2\r\n\r\nok`,
  cd101headers: `HTTP/1.1 200 OK\r\n${Array.from({ length: 100 }, (_, i) => `x-${i}: v\r\n`).join('')}content-length: 2\r\n\r\nok`,
  cdsetcookiefold: 'HTTP/1.1 200 OK\r\nset-cookie: a=1;\r\n path=/\r\ncontent-length: 2\r\n\r\nok',
  cdtrailerupper: 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nX-Up: A\r\n\r\n',
  cdtrailertegzip: 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nok\r\n0\r\ntransfer-encoding: gzip\r\n\r\n',
  cdtrailertegzipchunked: 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nok\r\n0\r\ntransfer-encoding: gzip, chunked\r\n\r\n',
  cdtrailerbadcl: 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nok\r\n0\r\ncontent-length: x\r\n\r\n',
  cdtrailerclte: 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nok\r\n0\r\ncontent-length: 1\r\ntransfer-encoding: chunked\r\n\r\n',
  cd101: 'HTTP/1.1 101 Switching\r\nconnection: upgrade\r\nupgrade: foo\r\n\r\n',
  cd101noconn: 'HTTP/1.1 101 Switching\r\nupgrade: foo\r\n\r\n',
  cd101cl: 'HTTP/1.1 101 Switching\r\nconnection: upgrade\r\nupgrade: foo\r\ncontent-length: 5\r\n\r\n',
  cd101te: 'HTTP/1.1 101 Switching\r\nconnection: upgrade\r\nupgrade: foo\r\ntransfer-encoding: chunked\r\n\r\n',
};
// The raw backend looks canned responses up in this table; the names above are this suite's own.
Object.assign(RAW_RESPONSES, RESPONSES);

interface Side {
  label: 'haproxy' | 'portico';
  procs: Proc[];
  port: Record<Profile, number>;
  be: Record<Profile, RawBackend>;
}

/** What one case observed on one side. */
interface Obs {
  responses: { statusLine: string; headers: string[]; body: string }[];
  /** What the backend received during the case: request line, header lines, `body=...`. */
  seen: string[][];
}

/** A difference whose fix belongs to code this suite does not own (reported to its owner). */
interface Pending {
  bug: string;
  /** 'responses': leave what the client got out; a header name: leave that header out everywhere */
  ignore: 'responses' | { header: string };
}

interface Case {
  name: string;
  send: string | Buffer;
  profile?: Profile;
  pending?: Pending;
}

const HOP_BY_HOP = new Set(['keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade']);

/** The intended differences (file comment) applied to "name: value" lines. */
function normaliseFields(lines: string[]): string[] {
  const isConn = (l: string) => /^connection:/i.test(l);
  const tokens = lines.filter(isConn).flatMap((l) => l.slice(11).split(',').map((t) => t.trim().toLowerCase()));
  const own = new Set(['close', 'keep-alive', 'upgrade']);
  const drop = new Set([...HOP_BY_HOP, ...tokens.filter((t) => !own.has(t))]);
  const kept = lines.filter((l) => !isConn(l) && !drop.has(l.slice(0, l.indexOf(':')).toLowerCase()));
  // HAProxy forwards "Connection: X-Secret" (it only acts on its own tokens); portico drops it.
  const conn = lines.filter(isConn).map((l) => l.toLowerCase()).filter((l) => l.slice(11).split(',').some((t) => own.has(t.trim())));
  return [...kept, ...conn];
}

function normalise(o: Obs, pending: Pending | undefined): Obs {
  const hidden = pending && pending.ignore !== 'responses' ? pending.ignore.header : undefined;
  const keep = (l: string) => hidden === undefined || l.slice(0, l.indexOf(':')).toLowerCase() !== hidden;
  return {
    responses: pending?.ignore === 'responses' ? [] : o.responses.map((r) => ({ ...r, headers: normaliseFields(r.headers).filter(keep) })),
    seen: o.seen.map((lines) => [lines[0]!, ...normaliseFields(lines.slice(1, -1)).filter(keep), lines[lines.length - 1]!]),
  };
}

async function run(side: Side, c: Case): Promise<Obs> {
  const profile = c.profile ?? 'default';
  const be = side.be[profile];
  const before = be.seen.length;
  const ex = await exchange(side.port[profile], [c.send], 1500);
  // The backend may still be reading a body the proxy forwarded just before closing.
  await new Promise((r) => setTimeout(r, 40));
  const seen = be.seen.slice(before).map((s) => [...s.head.split('\r\n'), `body=${JSON.stringify(s.body)}`]);
  return { responses: splitResponses(ex.raw, [/^HEAD /.test(typeof c.send === 'string' ? c.send : '')]), seen };
}

// ---------------------------------------------------------------- cases

const H = 'Host: a\r\n';
const req = (line: string, fields = H, body = '') => `${line}\r\n${fields}\r\n${body}`;
const hdr = (fields: string, line = 'GET /h HTTP/1.1') => req(line, `${H}${fields}`);
const post = (fields: string, body: string) => req('POST /p HTTP/1.1', `${H}${fields}`, body);
const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));
const many = (n: number) => Array.from({ length: n }, (_, i) => `x-h${i}: v\r\n`).join('');

/** Documented differences in code the codec does not own. */
const HTTP09_KEEPALIVE: Pending = {
  bug: 'forwarding.ts prepareRequestHeaders() adds `connection: keep-alive` for HTTP/1.0 only (version string test); HAProxy adds it for HTTP/0.9 too (any version below 1.1)',
  ignore: { header: 'connection' },
};
const TE_ON_304: Pending = {
  bug: 'forwarding.ts prepareResponseHeaders() drops Transfer-Encoding from a 304 (it keeps it only for chunked framing or HEAD); HAProxy forwards the 304 with its transfer-encoding header',
  ignore: { header: 'transfer-encoding' },
};
const CONNECT_UPGRADE_HEADER: Pending = {
  bug: 'forwarding.ts prepareResponseHeaders() adds `connection: upgrade` to the 2xx answer of a CONNECT (treated like a 101); HAProxy forwards it without',
  ignore: { header: 'connection' },
};

const CASES: Case[] = [
  // ---- issue 3, L-P: each failed before the parser fix
  { name: 'L: GET c23/r1 (authority "c23") with Host a: 400', send: req('GET c23/r1 HTTP/1.1') },
  { name: 'L: GET c23/r1 with Host c23 is forwarded', send: req('GET c23/r1 HTTP/1.1', 'Host: c23\r\n') },
  { name: 'L: GET a:b with Host a:b is forwarded', send: req('GET a:b HTTP/1.1', 'Host: a:b\r\n') },
  { name: 'L: GET ?x with Host a: 400', send: req('GET ?x HTTP/1.1') },
  { name: 'L: absolute URI vs Host with userinfo: 400', send: req('GET http://a/ HTTP/1.1', 'Host: u@a\r\n') },
  { name: 'L: CONNECT a:443 with Host a is accepted', send: req('CONNECT a:443 HTTP/1.1'), pending: CONNECT_UPGRADE_HEADER },
  { name: 'L: CONNECT without port: 400', send: req('CONNECT a HTTP/1.1') },
  { name: 'L: CONNECT a:x: 400', send: req('CONNECT a:x HTTP/1.1', 'Host: a:x\r\n') },
  { name: 'L: CONNECT a:443 with Host a:443 (Host loses the port)', send: req('CONNECT a:443 HTTP/1.1', 'Host: a:443\r\n'), pending: CONNECT_UPGRADE_HEADER },
  { name: 'L: http://a:80/ with Host a:80 (both lose the port)', send: req('GET http://a:80/ HTTP/1.1', 'Host: a:80\r\n') },
  { name: 'M: target byte 0x80 among letters is accepted', send: bytes('GET /a', [0x80], 'b HTTP/1.1\r\nHost: a\r\n\r\n') },
  { name: 'M: target byte 0x7f among letters is accepted', send: bytes('GET /a', [0x7f], 'b HTTP/1.1\r\nHost: a\r\n\r\n') },
  { name: 'M: target byte 0xa3 among letters is accepted', send: bytes('GET /a', [0xa3], 'b HTTP/1.1\r\nHost: a\r\n\r\n') },
  { name: 'M: 0x7f in the first word, 0xa3 in a word with the space: 400', send: bytes('GET /x', [0x7f], 'y', [0xa3], 'z HTTP/1.1\r\nHost: a\r\n\r\n') },
  { name: 'M: target byte 0xa4: 400', send: bytes('GET /a', [0xa4], 'b HTTP/1.1\r\nHost: a\r\n\r\n') },
  { name: 'M: target byte 0xff: 400', send: bytes('GET /a', [0xff], 'b HTTP/1.1\r\nHost: a\r\n\r\n') },
  { name: 'M: target byte 0x80 right before the space: 400', send: bytes('GET /a', [0x80], ' HTTP/1.1\r\nHost: a\r\n\r\n') },
  { name: 'M: target byte 0x80 after "!": 400', send: bytes('GET /!a', [0x80], 'b HTTP/1.1\r\nHost: a\r\n\r\n') },
  { name: 'M: target byte 0x80 in the second word', send: bytes('GET /abcd', [0x80], 'ef HTTP/1.1\r\nHost: a\r\n\r\n') },
  { name: 'N: fold right after the colon', send: hdr('X-A:\r\n  b\r\n') },
  { name: 'N: fold right after the colon, with blanks and a tab', send: hdr('X-A: \r\n\t b c\r\n') },
  { name: 'N: two folds before the value', send: hdr('X-A:\r\n \r\n  b\r\n') },
  { name: 'N: folded Content-Length', send: post('Content-Length:\r\n 3\r\n', 'abc') },
  { name: 'N: folded Host vs absolute URI', send: req('GET http://a/ HTTP/1.1', 'Host:\r\n a\r\n') },
  { name: 'O: lone CR in an unfinished header value: 400 at once', send: `GET / HTTP/1.1\r\n${H}X-A: a\rb` },
  { name: 'O: lone CR after the colon of an unfinished head: 400 at once', send: `GET / HTTP/1.1\r\n${H}X-A:\rb` },
  { name: 'O: CR as the last byte so far: 408', send: `GET / HTTP/1.1\r\n${H}X-A: a\r` },
  { name: 'P: HTTP/1.0 GET, gzip, chunked and Content-Length: 413', send: req('GET / HTTP/1.0', `${H}Transfer-Encoding: gzip, chunked\r\nContent-Length: 3\r\n`, '0\r\n\r\n') },
  { name: 'P: HTTP/1.0 GET, gzip, chunked: 413', send: req('GET / HTTP/1.0', `${H}Transfer-Encoding: gzip, chunked\r\n`, '0\r\n\r\n') },
  { name: 'P: HTTP/1.0 HEAD, gzip, chunked: 413', send: req('HEAD / HTTP/1.0', `${H}Transfer-Encoding: gzip, chunked\r\n`, '0\r\n\r\n') },
  { name: 'P: HTTP/1.0 DELETE, gzip, chunked: 413', send: req('DELETE / HTTP/1.0', `${H}Transfer-Encoding: gzip, chunked\r\n`, '0\r\n\r\n') },
  { name: 'P: HTTP/1.0 POST, gzip, chunked: 422', send: req('POST / HTTP/1.0', `${H}Transfer-Encoding: gzip, chunked\r\n`, '0\r\n\r\n') },
  { name: 'P: HTTP/1.0 GET with a body and a websocket upgrade without key: 413', send: req('GET / HTTP/1.0', `${H}Connection: upgrade\r\nUpgrade: websocket\r\nContent-Length: 3\r\n`, 'abc') },

  // ---- methods
  { name: 'method with @: 400', send: req('G@T / HTTP/1.1') },
  { name: 'method with (: 400', send: req('GE(T / HTTP/1.1') },
  { name: 'lower-case method', send: req('get / HTTP/1.1') },
  { name: 'method of tchar punctuation', send: req("!#$%&'*+-.^_`|~ / HTTP/1.1") },
  { name: 'method with a latin1 byte: 400', send: req('G\xe9T / HTTP/1.1') },
  { name: 'method with DEL: 400', send: req('GE\x7fT / HTTP/1.1') },
  { name: 'method with NUL: 400', send: req('G\x00T / HTTP/1.1') },
  { name: 'empty method: 400', send: req(' / HTTP/1.1') },
  { name: '300-byte method', send: req(`${'A'.repeat(300)} / HTTP/1.1`) },
  // ---- versions
  { name: 'HTTP/1.2 forwarded as HTTP/1.1', send: req('GET / HTTP/1.2') },
  { name: 'HTTP/2.0 forwarded as HTTP/1.1', send: req('GET / HTTP/2.0') },
  { name: 'HTTP/9.9 forwarded as HTTP/1.1', send: req('GET / HTTP/9.9') },
  { name: 'HTTP/1.0 without Host', send: 'GET / HTTP/1.0\r\n\r\n' },
  { name: 'HTTP/0.9 with Host', send: req('GET / HTTP/0.9'), pending: HTTP09_KEEPALIVE },
  { name: 'lower-case http/1.1: 400', send: req('GET / http/1.1') },
  { name: 'HTTP/1.10: 400', send: req('GET / HTTP/1.10') },
  { name: 'HTTP/11: 400', send: req('GET / HTTP/11') },
  { name: 'HTTP/1.: 400', send: req('GET / HTTP/1.') },
  { name: 'HTTPS/1.1: 400', send: req('GET / HTTPS/1.1') },
  { name: 'ABCD/1.1: 400', send: req('GET / ABCD/1.1') },
  { name: 'missing version: 400', send: req('GET /') },
  { name: 'missing version, empty head: 400', send: 'GET /\r\n\r\n' },
  { name: 'space after the version: 400', send: req('GET / HTTP/1.1 ') },
  { name: 'tab after the version: 400', send: req('GET / HTTP/1.1\t') },
  { name: 'unfinished version HTTQ: 408', send: 'GET / HTTQ' },
  { name: 'unfinished version that cannot be one: 400', send: 'GET / HTTq' },
  { name: 'bad version in an unfinished head: 408', send: 'GET / HTTQ/1.1\r\nHost: a\r\n' },
  // ---- spaces and tabs
  { name: 'two spaces after the method', send: req('GET  / HTTP/1.1') },
  { name: 'tab after the method', send: req('GET\t/ HTTP/1.1') },
  { name: 'two spaces before the version', send: req('GET /  HTTP/1.1') },
  { name: 'tab before the version', send: req('GET /\tHTTP/1.1') },
  { name: 'space before the method: 400', send: req(' GET / HTTP/1.1') },
  { name: 'space inside the target: 400', send: req('GET /a b HTTP/1.1') },
  { name: 'tab inside a value', send: hdr('X-A: a\tb\r\n') },
  { name: 'space before the colon: 400', send: hdr('X-A : b\r\n') },
  { name: 'tab before the colon: 400', send: hdr('X-A\t: b\r\n') },
  { name: 'no space after the colon', send: hdr('X-A:b\r\n') },
  { name: 'blanks around a value', send: hdr('X-A:\t\t b \t \r\n') },
  { name: 'value of blanks only', send: hdr('X-A:   \r\n') },
  { name: 'line of blanks after a header (a fold)', send: hdr('   \r\nX-A: b\r\n') },
  // ---- targets
  { name: 'target with NUL: 400', send: bytes('GET /a', [0], 'b HTTP/1.1\r\nHost: a\r\n\r\n') },
  { name: 'target with a control byte: 400', send: bytes('GET /a', [1], 'b HTTP/1.1\r\nHost: a\r\n\r\n') },
  { name: 'target with #: 400', send: req('GET /a#b HTTP/1.1') },
  { name: 'target with a double quote', send: req('GET /a"b HTTP/1.1') },
  { name: 'OPTIONS *', send: req('OPTIONS * HTTP/1.1') },
  { name: 'GET *', send: req('GET * HTTP/1.1') },
  { name: 'target //a/x (origin-form)', send: req('GET //a/x HTTP/1.1', 'Host: b\r\n') },
  { name: 'absolute URI, upper-case scheme', send: req('GET HTTP://a/ HTTP/1.1') },
  { name: 'absolute URI, other scheme', send: req('GET ftp://a/ HTTP/1.1') },
  { name: 'absolute URI, trailing dot: 400', send: req('GET http://a./ HTTP/1.1') },
  { name: 'absolute URI, empty port', send: req('GET http://a:/ HTTP/1.1', 'Host: a:\r\n') },
  { name: 'absolute URI, upper-case host with default port', send: req('GET http://A:80/ HTTP/1.1') },
  { name: 'absolute URI, https default port', send: req('GET https://a:443/x HTTP/1.1', 'Host: a:443\r\n') },
  { name: 'absolute URI, query without path: 400', send: req('GET http://a:80?q HTTP/1.1') },
  { name: 'absolute URI without host, empty Host', send: req('GET http:///x HTTP/1.1', 'Host:\r\n') },
  { name: 'CONNECT with an absolute URI', send: req('CONNECT http://a:443/ HTTP/1.1', 'Host: a:443\r\n'), pending: CONNECT_UPGRADE_HEADER },
  { name: 'CONNECT a:8443 with Host a: 400', send: req('CONNECT a:8443 HTTP/1.1') },
  // ---- Host
  { name: 'Host with port', send: req('GET / HTTP/1.1', 'Host: a:8080\r\n') },
  { name: 'Host with userinfo', send: req('GET / HTTP/1.1', 'Host: u:p@a\r\n') },
  { name: 'Host IPv6 with port', send: req('GET / HTTP/1.1', 'Host: [::1]:80\r\n') },
  { name: 'Host IPv6 without brackets', send: req('GET / HTTP/1.1', 'Host: ::1\r\n') },
  { name: 'absolute URI to IPv6 with default port', send: req('GET http://[::1]:80/ HTTP/1.1', 'Host: [::1]\r\n') },
  { name: 'two identical Host headers', send: req('GET / HTTP/1.1', 'Host: a\r\nHost: a\r\n') },
  { name: 'two Host headers differing in case', send: req('GET / HTTP/1.1', 'Host: a\r\nHost: A\r\n') },
  { name: 'two different Host headers: 400', send: req('GET / HTTP/1.1', 'Host: a\r\nHost: b\r\n') },
  { name: 'Host a and a:80: 400', send: req('GET / HTTP/1.1', 'Host: a\r\nHost: a:80\r\n') },
  { name: 'empty Host', send: req('GET / HTTP/1.1', 'Host:\r\n') },
  { name: 'Host list', send: req('GET / HTTP/1.1', 'Host: a, b\r\n') },
  { name: 'Host with a space', send: req('GET / HTTP/1.1', 'Host: a b\r\n') },
  { name: 'HTTP/1.1 without Host', send: 'GET / HTTP/1.1\r\n\r\n' },
  // ---- header names
  { name: 'empty header name: 400', send: hdr(': b\r\n') },
  { name: 'header name with /: 400', send: hdr('X/A: b\r\n') },
  { name: 'header name with [: 400', send: hdr('X[A]: b\r\n') },
  { name: 'header name with a double quote: 400', send: hdr('X"A: b\r\n') },
  { name: 'header name with =: 400', send: hdr('X=A: b\r\n') },
  { name: 'header name with NUL: 400', send: hdr('X\x00A: b\r\n') },
  { name: 'header name with DEL: 400', send: hdr('X\x7fA: b\r\n') },
  { name: 'header name with a latin1 byte: 400', send: hdr('X\xe9A: b\r\n') },
  { name: 'header name of tchar punctuation', send: hdr("!#$%&'*+-.^_`|~: b\r\n") },
  { name: 'header line without colon: 400', send: hdr('Xa\r\n') },
  { name: 'header name of 255 bytes', send: hdr(`${'n'.repeat(255)}: v\r\n`) },
  { name: 'header name of 256 bytes: 400', send: hdr(`${'n'.repeat(256)}: v\r\n`) },
  { name: 'folded first header line: 400', send: req('GET / HTTP/1.1', ' X: b\r\nHost: a\r\n') },
  // ---- header values
  { name: 'value with NUL', send: hdr('X-A: a\x00b\r\n') },
  { name: 'value with controls and DEL', send: hdr('X-A: \x01\x7f\x1bb\r\n') },
  { name: 'value with latin1 bytes', send: hdr('X-A: \xe9\xff\x80\r\n') },
  { name: 'value with a colon', send: hdr('X-A: b:c\r\n') },
  { name: 'fold inside a value', send: hdr('X-A: a \r\n \t b \r\n') },
  { name: 'fold with bare LF', send: hdr('X-A: a\n b\n') },
  { name: 'fold of blanks at the end', send: hdr('X-A: a\r\n \r\n\t\r\n') },
  // ---- Content-Length
  { name: 'Content-Length twice, equal', send: post('Content-Length: 3\r\nContent-Length: 3\r\n', 'abc') },
  { name: 'Content-Length twice, different: 400', send: post('Content-Length: 3\r\nContent-Length: 4\r\n', 'abcd') },
  { name: 'Content-Length 3 and 03', send: post('Content-Length: 3\r\nContent-Length: 03\r\n', 'abc') },
  { name: 'Content-Length +3: 400', send: post('Content-Length: +3\r\n', 'abc') },
  { name: 'Content-Length 003 (forwarded as written)', send: post('Content-Length: 003\r\n', 'abc') },
  { name: 'Content-Length with blanks around', send: post('Content-Length: \t3 \t\r\n', 'abc') },
  { name: 'Content-Length 000', send: post('Content-Length: 000\r\n', '') },
  { name: 'Content-Length list 3,3', send: post('Content-Length: 3,3\r\n', 'abc') },
  { name: 'Content-Length list 3 , 3', send: post('Content-Length: 3 , 3\r\n', 'abc') },
  { name: 'Content-Length 3.0: 400', send: post('Content-Length: 3.0\r\n', 'abc') },
  { name: 'Content-Length 1e1: 400', send: post('Content-Length: 1e1\r\n', 'abc') },
  { name: 'Content-Length empty: 400', send: post('Content-Length:\r\n', '') },
  { name: 'CONTENT-LENGTH in capitals', send: post('CONTENT-LENGTH: 3\r\n', 'abc') },
  // ---- Transfer-Encoding
  { name: 'two Transfer-Encoding chunked headers: 400', send: post('Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n', '0\r\n\r\n') },
  { name: 'Transfer-Encoding chunked, chunked: 400', send: post('Transfer-Encoding: chunked, chunked\r\n', '0\r\n\r\n') },
  { name: 'Transfer-Encoding identity: 400', send: post('Transfer-Encoding: identity\r\n', '') },
  { name: 'Transfer-Encoding identity, chunked: 422', send: post('Transfer-Encoding: identity, chunked\r\n', '0\r\n\r\n') },
  { name: 'Transfer-Encoding Chunked', send: post('Transfer-Encoding: Chunked\r\n', '0\r\n\r\n') },
  { name: 'Transfer-Encoding CHUNKED', send: post('Transfer-Encoding: CHUNKED\r\n', '0\r\n\r\n') },
  { name: 'Transfer-Encoding gzip then chunked headers: 422', send: post('Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n', '0\r\n\r\n') },
  { name: 'Transfer-Encoding gzip with Content-Length: 400', send: post('Transfer-Encoding: gzip\r\nContent-Length: 3\r\n', 'abc') },
  { name: 'Transfer-Encoding then Content-Length', send: post('Transfer-Encoding: chunked\r\nContent-Length: 3\r\n', '0\r\n\r\n') },
  { name: 'Transfer-Encoding with a bad Content-Length: 400', send: post('Transfer-Encoding: chunked\r\nContent-Length: x\r\n', '0\r\n\r\n') },
  { name: 'Transfer-Encoding "chunked, "', send: post('Transfer-Encoding: chunked, \r\n', '0\r\n\r\n') },
  { name: 'Transfer-Encoding ", chunked": 422', send: post('Transfer-Encoding: , chunked\r\n', '0\r\n\r\n') },
  { name: 'Transfer-Encoding chunked;q=1: 400', send: post('Transfer-Encoding: chunked;q=1\r\n', '0\r\n\r\n') },
  { name: 'Transfer-Encoding empty: 400', send: post('Transfer-Encoding:\r\n', '') },
  { name: 'chunked body on an HTTP/1.1 GET', send: req('GET / HTTP/1.1', `${H}Transfer-Encoding: chunked\r\n`, '3\r\nabc\r\n0\r\n\r\n') },
  { name: 'HTTP/1.0 GET chunked: 413', send: req('GET / HTTP/1.0', `${H}Transfer-Encoding: chunked\r\n`, '0\r\n\r\n') },
  { name: 'HTTP/1.0 GET Content-Length 0', send: req('GET / HTTP/1.0', `${H}Content-Length: 0\r\n`) },
  { name: 'HTTP/1.0 OPTIONS with a body', send: req('OPTIONS / HTTP/1.0', `${H}Content-Length: 3\r\n`, 'abc') },
  { name: 'HTTP/1.0 lower-case get with a body', send: req('get / HTTP/1.0', `${H}Content-Length: 3\r\n`, 'abc') },
  // ---- trailers (parsed as a request header block; invalid names are left out: haproxy 2.6.12
  // accepts or refuses them depending on the process, see src/http/h1/chunked.ts)
  { name: 'trailer with an upper-case name', send: post('Transfer-Encoding: chunked\r\n', '0\r\nX-Up: A\r\n\r\n') },
  { name: 'trailers with two different Content-Length: 400', send: post('Transfer-Encoding: chunked\r\n', '0\r\ncontent-length: 1\r\ncontent-length: 2\r\n\r\n') },
  { name: 'trailer with an empty Content-Length: 400', send: post('Transfer-Encoding: chunked\r\n', '0\r\ncontent-length:\r\n\r\n') },
  { name: 'trailer Content-Length list merged', send: post('Transfer-Encoding: chunked\r\n', '0\r\ncontent-length: 1, 1\r\ncontent-length: 01\r\n\r\n') },
  { name: 'trailers Content-Length then Transfer-Encoding (Content-Length dropped)', send: post('Transfer-Encoding: chunked\r\n', '0\r\ncontent-length: 1\r\ntransfer-encoding: chunked\r\n\r\n') },
  { name: 'trailer Transfer-Encoding gzip: 400', send: post('Transfer-Encoding: chunked\r\n', '0\r\ntransfer-encoding: gzip\r\n\r\n') },
  { name: 'trailer Transfer-Encoding gzip, chunked', send: post('Transfer-Encoding: chunked\r\n', '0\r\ntransfer-encoding: gzip, chunked\r\n\r\n') },
  { name: 'trailers with two different Host: 400', send: post('Transfer-Encoding: chunked\r\n', '0\r\nhost: a\r\nhost: b\r\n\r\n') },
  { name: 'trailers with the same Host twice (merged)', send: post('Transfer-Encoding: chunked\r\n', '0\r\nhost: a\r\nhost: A\r\n\r\n') },
  { name: '101 trailer lines with a merged duplicate', send: post('Transfer-Encoding: chunked\r\n', `0\r\n${many(99)}host: a\r\nhost: a\r\n\r\n`) },
  { name: '101 trailers: 400', send: post('Transfer-Encoding: chunked\r\n', `0\r\n${many(101)}\r\n`) },
  // ---- line ends, NUL, empty lines
  { name: 'bare LF line ends', send: 'GET / HTTP/1.1\nHost: a\nX-A: b\n\n' },
  { name: 'CR CR LF after the version: 400', send: 'GET / HTTP/1.1\r\r\nHost: a\r\n\r\n' },
  { name: 'LF then CRLF to end the head', send: 'GET / HTTP/1.1\r\nHost: a\n\r\n' },
  { name: 'bare LF inside the request line: 400', send: req('GET /\nHTTP/1.1') },
  { name: 'NUL before the request line: 400', send: '\x00GET / HTTP/1.1\r\nHost: a\r\n\r\n' },
  { name: 'empty lines before the request line', send: '\r\n\r\n\nGET / HTTP/1.1\r\nHost: a\r\n\r\n' },
  { name: 'lone CR before the request line: 400', send: '\rGET / HTTP/1.1\r\nHost: a\r\n\r\n' },
  { name: 'lone CR in a header name: 400', send: `GET / HTTP/1.1\r\n${H}X-\rA: b` },
  { name: 'lone CR in place of the empty line: 400', send: `GET / HTTP/1.1\r\n${H}\rX` },
  // ---- header count
  { name: '100 headers', send: `GET / HTTP/1.1\r\n${many(99)}${H}\r\n` },
  { name: '101 headers: 400', send: `GET / HTTP/1.1\r\n${many(100)}${H}\r\n` },
  { name: '101 complete header lines, head unfinished: 408', send: `GET / HTTP/1.1\r\n${many(101)}X` },
  { name: '102 complete header lines: 400 at once', send: `GET / HTTP/1.1\r\n${many(102)}X` },
  { name: '101 header lines with a merged duplicate Host', send: `GET / HTTP/1.1\r\n${many(99)}${H}${H}\r\n` },
  { name: '101 header lines with a merged duplicate Content-Length', send: `GET / HTTP/1.1\r\n${many(98)}${H}Content-Length: 0\r\nContent-Length: 0\r\n\r\n` },
  // ---- limits with tune.bufsize 1024, tune.maxrewrite 64
  ...[840, 850, 851, 852, 855].map((n): Case => ({ name: `bufsize 1024: target of ${n} bytes`, profile: 'small', send: req(`GET /${'a'.repeat(n - 1)} HTTP/1.1`) })),
  ...[830, 839, 840, 841, 845].map((n): Case => ({ name: `bufsize 1024: header value of ${n} bytes`, profile: 'small', send: hdr(`X: ${'a'.repeat(n)}\r\n`) })),
  ...[955, 959, 960, 961].map((n): Case => ({ name: `bufsize 1024: unfinished head of ${n} bytes`, profile: 'small', send: `GET /${'a'.repeat(n - 5)}` })),
  ...[460, 470].map((n): Case => ({ name: `bufsize 1024: ${n} empty lines then a request`, profile: 'small', send: '\r\n'.repeat(n) + req('GET / HTTP/1.1') })),
  { name: 'bufsize 1024: 20 headers of 40 bytes', profile: 'small', send: hdr(Array.from({ length: 20 }, (_, i) => `x-${String(i).padStart(2, '0')}: ${'v'.repeat(32)}\r\n`).join('')) },
  { name: 'default bufsize: unfinished head of 16319 bytes: 408', send: `GET /${'a'.repeat(16314)}` },
  { name: 'default bufsize: unfinished head of 16320 bytes: 400', send: `GET /${'a'.repeat(16315)}` },
  // ---- responses
  ...Object.keys(RESPONSES)
    .filter((n) => !n.startsWith('cd101'))
    .map((n): Case => ({ name: `response ${n.slice(2)}`, send: req(`GET /resp/${n} HTTP/1.1`), pending: n === 'cd304te' ? TE_ON_304 : undefined })),
  { name: 'response 101 to an upgrade request', send: req('GET /resp/cd101 HTTP/1.1', `${H}Connection: upgrade\r\nUpgrade: foo\r\n`) },
  { name: 'response 101 without Connection: upgrade: 502', send: req('GET /resp/cd101noconn HTTP/1.1', `${H}Connection: upgrade\r\nUpgrade: foo\r\n`) },
  { name: 'response 101 with Content-Length (dropped)', send: req('GET /resp/cd101cl HTTP/1.1', `${H}Connection: upgrade\r\nUpgrade: foo\r\n`) },
  { name: 'response 101 with Transfer-Encoding (dropped)', send: req('GET /resp/cd101te HTTP/1.1', `${H}Connection: upgrade\r\nUpgrade: foo\r\n`) },
  { name: 'response 101 to a request that did not ask for it: 502', send: req('GET /resp/cd101 HTTP/1.1') },
];

interface Result {
  name: string;
  agree: boolean;
  pending?: string;
}
const results: Result[] = [];

describe.skipIf(!hasHaproxy())('differential: haproxy 2.6 vs portico, HTTP/1 codec edge cases', () => {
  const sides: Side[] = [];

  beforeAll(async () => {
    for (const label of ['haproxy', 'portico'] as const) {
      const side: Side = { label, procs: [], port: {} as Record<Profile, number>, be: {} as Record<Profile, RawBackend> };
      for (const profile of PROFILES) {
        const be = await startRawBackend(profile); // same name on both sides: it shows in x-server and bodies
        const [port] = await freePorts(1);
        const cfg = config(profile, port!, be.port);
        side.procs.push(label === 'haproxy' ? await startHaproxy(cfg, [port!]) : await startPortico(cfg, [port!]));
        side.port[profile] = port!;
        side.be[profile] = be;
      }
      sides.push(side);
    }
  }, 60_000);

  afterAll(async () => {
    for (const s of sides) {
      await Promise.all(s.procs.map((p) => p.stop()));
      await Promise.all(Object.values(s.be).map((b) => b.close()));
    }
    const bad = results.filter((r) => !r.agree);
    const lines = bad.map((b) => `  - ${b.name}${b.pending ? ` [pending: ${b.pending}]` : ''}`);
    console.log(`codec differential: ${results.length} cases, ${results.length - bad.length} agree\n${lines.join('\n')}`);
  });

  it.each(CASES)('$name', async (c) => {
    const [h, p] = await Promise.all(sides.map((s) => run(s, c)));
    const fullyAgree = JSON.stringify(normalise(h!, undefined)) === JSON.stringify(normalise(p!, undefined));
    results.push({ name: c.name, agree: fullyAgree, pending: fullyAgree ? undefined : c.pending?.bug });
    expect(h!.responses.length + h!.seen.length, 'haproxy observed something').toBeGreaterThan(0);
    expect(normalise(p!, c.pending)).toEqual(normalise(h!, c.pending));
  });
});
