/** Local replies, compared with the bytes haproxy 2.6.12 sends for the same rules. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HEAD, replyOf, request, setup, txnOf } from './helpers.js';
import { serializeReply } from '../../../src/rules/index.js';

const dir = mkdtempSync(join(tmpdir(), 'portico-rules-'));
const f403 = join(dir, '403.http');
writeFileSync(f403, 'HTTP/1.1 403 Nope\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nno\n');
const fBody = join(dir, 'body.txt');
writeFileSync(fBody, 'from file\n');

function fe(rules: string[], beExtra: string[] = [], feExtra = ''): string {
  return `${HEAD}http-errors myerr\n  errorfile 404 ${f403}\nfrontend fe\n  bind 127.0.0.1:8080\n${feExtra}${rules.map((r) => `  ${r}\n`).join('')}  default_backend be\nbackend be\n${beExtra.map((r) => `  ${r}\n`).join('')}  server s1 127.0.0.1:9\n`;
}

function bytes(rules: string[], path = '/', beExtra: string[] = []): string {
  const { v } = request(setup(fe(rules, beExtra)), `GET ${path} HTTP/1.1\nHost: h:8080\n\n`);
  if (v.kind !== 'reply') throw new Error(`expected a reply, got ${v.kind}`);
  return v.bytes.toString('latin1');
}

describe('return', () => {
  it('without payload: status and content-length: 0 only', () => {
    expect(bytes(['http-request return'])).toBe('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n');
    expect(bytes(['http-request return status 302'])).toBe('HTTP/1.1 302 Moved Temporarily\r\ncontent-length: 0\r\n\r\n');
    expect(bytes(['http-request return status 599'])).toBe('HTTP/1.1 599 Server Error\r\ncontent-length: 0\r\n\r\n');
  });

  it('string, lf-string and file payloads; hdr lines come first', () => {
    expect(bytes(['http-request return status 404 content-type text/plain string "nope" hdr X-A "v %[path]"'], '/r1')).toBe(
      'HTTP/1.1 404 Not Found\r\nx-a: v /r1\r\ncontent-length: 4\r\ncontent-type: text/plain\r\n\r\nnope',
    );
    expect(bytes(['http-request return content-type text/plain lf-string "hi %[path]"'], '/r2')).toBe('HTTP/1.1 200 OK\r\ncontent-length: 6\r\ncontent-type: text/plain\r\n\r\nhi /r2');
    expect(bytes([`http-request return content-type text/plain file ${fBody}`])).toBe('HTTP/1.1 200 OK\r\ncontent-length: 10\r\ncontent-type: text/plain\r\n\r\nfrom file\n');
  });

  it('errorfile and errorfiles send the file as is (header names lower-cased)', () => {
    expect(bytes([`http-request return status 403 errorfile ${f403}`])).toBe('HTTP/1.1 403 Nope\r\ncontent-type: text/plain\r\ncontent-length: 3\r\n\r\nno\n');
    expect(bytes(['http-request return status 404 errorfiles myerr'])).toBe('HTTP/1.1 403 Nope\r\ncontent-type: text/plain\r\ncontent-length: 3\r\n\r\nno\n');
  });

  it('keeps the connection open', () => {
    const { v } = request(setup(fe(['http-request return'])), 'GET / HTTP/1.1\nHost: h\n\n');
    expect(v).toMatchObject({ kind: 'reply', close: false, termination: 'LR--' });
  });
});

describe('deny, tarpit, reject, auth', () => {
  it('deny sends the 403 page; deny_status picks another page', () => {
    expect(bytes(['http-request deny'])).toBe(
      'HTTP/1.1 403 Forbidden\r\ncontent-length: 93\r\ncache-control: no-cache\r\ncontent-type: text/html\r\n\r\n<html><body><h1>403 Forbidden</h1>\nRequest forbidden by administrative rules.\n</body></html>\n',
    );
    expect(replyOf(request(setup(fe(['http-request deny deny_status 429'])), 'GET / HTTP/1.1\nHost: h\n\n').v).line).toBe('HTTP/1.1 429 Too Many Requests');
  });

  it('deny with a payload builds it like return', () => {
    expect(bytes(['http-request deny status 418 content-type text/plain string teapot'])).toBe("HTTP/1.1 418 I'm a teapot\r\ncontent-length: 6\r\ncontent-type: text/plain\r\n\r\nteapot");
  });

  it('deny uses the proxy errorfile for its status', () => {
    const s = setup(fe(['http-request deny'], [], `  errorfile 403 ${f403}\n`));
    expect(replyOf(request(s, 'GET / HTTP/1.1\nHost: h\n\n').v).line).toBe('HTTP/1.1 403 Nope');
  });

  it('tarpit answers 500 after timeout tarpit (falling back to timeout connect)', () => {
    const { v } = request(setup(fe(['http-request tarpit'])), 'GET / HTTP/1.1\nHost: h\n\n');
    expect(v).toMatchObject({ kind: 'reply', status: 500, termination: 'PT--', delayMs: 5000 });
    const s = setup(fe(['http-request tarpit'], [], '  timeout tarpit 200ms\n'));
    expect(request(s, 'GET / HTTP/1.1\nHost: h\n\n').v).toMatchObject({ delayMs: 200 });
  });

  it('reject closes without a response', () => {
    const { v } = request(setup(fe(['http-request reject'])), 'GET / HTTP/1.1\nHost: h\n\n');
    expect(v).toMatchObject({ kind: 'reply', close: true, termination: 'PR--' });
    expect(v.kind === 'reply' && v.bytes.length).toBe(0);
  });

  it('auth sends 401 with WWW-Authenticate, realm defaulting to the proxy name', () => {
    expect(bytes(['http-request auth'])).toBe(
      'HTTP/1.1 401 Unauthorized\r\ncontent-length: 112\r\ncache-control: no-cache\r\ncontent-type: text/html\r\nwww-authenticate: Basic realm="fe"\r\n\r\n<html><body><h1>401 Unauthorized</h1>\nYou need a valid user and password to access this content.\n</body></html>\n',
    );
    expect(bytes(['http-request auth realm "My Realm"'])).toContain('www-authenticate: Basic realm="My Realm"\r\n');
  });

  it('auth unless http_auth lets valid credentials through', () => {
    const cfg = `${HEAD}userlist users\n  user admin insecure-password secret\n${fe(['http-request auth realm r unless { http_auth(users) }']).slice(HEAD.length)}`;
    const s = setup(cfg);
    expect(request(s, 'GET / HTTP/1.1\nHost: h\n\n').v.kind).toBe('reply');
    const basic = Buffer.from('admin:secret').toString('base64');
    expect(request(s, `GET / HTTP/1.1\nHost: h\nAuthorization: Basic ${basic}\n\n`).v.kind).toBe('forward');
  });
});

describe('redirect', () => {
  const h = (rules: string[], path = '/a?b=1') => bytes(rules, path);

  it('codes and their headers', () => {
    expect(h(['http-request redirect location /x'])).toBe('HTTP/1.1 302 Found\r\ncontent-length: 0\r\nlocation: /x\r\ncache-control: no-cache\r\n\r\n');
    expect(h(['http-request redirect location /x code 301'])).toBe('HTTP/1.1 301 Moved Permanently\r\ncontent-length: 0\r\nlocation: /x\r\n\r\n');
    expect(h(['http-request redirect location /x code 308'])).toBe('HTTP/1.1 308 Permanent Redirect\r\ncontent-length: 0\r\nlocation: /x\r\n\r\n');
    expect(h(['http-request redirect location /x code 303 set-cookie A=1'])).toBe(
      'HTTP/1.1 303 See Other\r\ncontent-length: 0\r\nlocation: /x\r\ncache-control: no-cache\r\nset-cookie: A=1; path=/;\r\n\r\n',
    );
    expect(h(['http-request redirect location /x code 307 clear-cookie B'])).toBe(
      'HTTP/1.1 307 Temporary Redirect\r\ncontent-length: 0\r\nlocation: /x\r\ncache-control: no-cache\r\nset-cookie: B; path=/; Max-Age=0;\r\n\r\n',
    );
  });

  it('scheme keeps the Host with its port; prefix appends the path; drop-query and append-slash', () => {
    expect(h(['http-request redirect scheme https'], '/s/x?y=1')).toContain('location: https://h:8080/s/x?y=1\r\n');
    expect(h(['http-request redirect prefix https://p.example drop-query'], '/p/x?y=1')).toContain('location: https://p.example/p/x\r\n');
    expect(h(['http-request redirect prefix https://p.example'], '/p/x?y=1')).toContain('location: https://p.example/p/x?y=1\r\n');
    expect(h(['http-request redirect prefix / append-slash drop-query'], '/q/x?y=1')).toContain('location: /q/x/\r\n');
  });

  it('location is a log-format in http-request rules, literal in the legacy redirect keyword', () => {
    expect(h(['http-request redirect location https://w.example%[path]'], '/z')).toContain('location: https://w.example/z\r\n');
    expect(h(['redirect location /lit%[path]'], '/z')).toContain('location: /lit%[path]\r\n');
  });

  it('ignore-empty skips the rule when the location is empty', () => {
    const s = setup(fe(['http-request redirect location "%[req.hdr(x-to)]" ignore-empty']));
    expect(request(s, 'GET / HTTP/1.1\nHost: h\n\n').v.kind).toBe('forward');
    expect(replyOf(request(s, 'GET / HTTP/1.1\nHost: h\nX-To: /t\n\n').v).headers).toContain('/t');
  });

  it('legacy redirect rules run after all http-request rules of the proxy', () => {
    const s = setup(fe(['redirect location /legacy', 'http-request deny']));
    expect(replyOf(request(s, 'GET / HTTP/1.1\nHost: h\n\n').v).status).toBe(403);
  });
});

describe('error pages', () => {
  it('http-error replaces a status page, with log-format headers', () => {
    const s = setup(fe(['http-error status 429 content-type text/plain string "slow down" hdr X-R "%[path]"', 'http-request deny deny_status 429']));
    const { v } = request(s, 'GET /d429 HTTP/1.1\nHost: h\n\n');
    expect(v.kind === 'reply' && v.bytes.toString()).toBe(
      'HTTP/1.1 429 Too Many Requests\r\nx-r: /d429\r\ncontent-length: 9\r\ncontent-type: text/plain\r\n\r\nslow down',
    );
  });

  it("errorBytes: the backend's pages win over the frontend's once it is chosen", () => {
    const s = setup(`${HEAD}frontend fe\n  bind 127.0.0.1:8080\n  errorfile 503 ${f403}\n  default_backend nosrv\nbackend nosrv\n  errorloc302 503 http://err.example/x\n`);
    const txn = txnOf(s, 'GET / HTTP/1.1\nHost: h\n\n');
    expect(s.hooks.errorBytes!(txn, 503)!.toString()).toBe('HTTP/1.1 403 Nope\r\ncontent-type: text/plain\r\ncontent-length: 3\r\n\r\nno\n');
    s.hooks.request!(txn);
    txn.backend = s.rt.backends.get('nosrv');
    expect(s.hooks.errorBytes!(txn, 503)!.toString()).toBe('HTTP/1.1 302 Found\r\ncache-control: no-cache\r\ncontent-length: 0\r\nlocation: http://err.example/x\r\n\r\n');
  });

  it('errorBytes leaves the default page to the engine when nothing is configured', () => {
    const s = setup(fe([]));
    expect(s.hooks.errorBytes!(txnOf(s, 'GET / HTTP/1.1\nHost: h\n\n'), 503)).toBeUndefined();
  });
});

describe('http-after-response', () => {
  it('applies to locally generated replies and error pages', () => {
    const s = setup(fe(['http-after-response set-header X-After "%ST"', 'http-after-response del-header cache-control', 'http-request deny if { path /d }']));
    const { v } = request(s, 'GET /d HTTP/1.1\nHost: h\n\n');
    expect(v.kind === 'reply' && v.bytes.toString()).toContain('content-type: text/html\r\nx-after: 403\r\n\r\n');
    expect(v.kind === 'reply' && v.bytes.toString()).not.toContain('cache-control');
    const txn = txnOf(s, 'GET / HTTP/1.1\nHost: h\n\n');
    expect(s.hooks.errorBytes!(txn, 504)!.toString()).toContain('x-after: 504\r\n');
    const local = s.hooks.localReply!(txn, { status: 200, reason: 'OK', headers: ['content-length', '0'], body: Buffer.alloc(0) });
    expect(local.toString()).toBe('HTTP/1.1 200 OK\r\ncontent-length: 0\r\nx-after: 200\r\n\r\n');
  });

  it('set-status changes the status line of a local reply', () => {
    const s = setup(fe(['http-after-response set-status 299 reason Fine', 'http-request return']));
    expect(replyOf(request(s, 'GET / HTTP/1.1\nHost: h\n\n').v).line).toBe('HTTP/1.1 299 Fine');
  });
});

describe('serializeReply', () => {
  it('adds connection: close last for closing replies', () => {
    expect(serializeReply({ status: 400, reason: 'Bad request', headers: ['content-length', '0'], body: Buffer.alloc(0), close: true }).toString()).toBe(
      'HTTP/1.1 400 Bad request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n',
    );
  });
});

describe('silent-drop', () => {
  it('closes without a response, like reject', () => {
    const { v } = request(setup(fe(['http-request silent-drop if { path /bot }'])), 'GET /bot HTTP/1.1\nHost: h\n\n');
    expect(v).toMatchObject({ kind: 'reply', close: true, status: -1 });
  });
});
