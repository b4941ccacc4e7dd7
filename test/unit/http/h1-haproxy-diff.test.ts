/**
 * Differential test: the same raw messages go to a live haproxy 2.6 (in front of a tiny node
 * backend on loopback) and to portico's parsers; the verdicts must agree.
 * Skipped when haproxy is not installed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseRequestHead } from '../../../src/http/h1/request.js';
import { parseResponseHead } from '../../../src/http/h1/response.js';
import { REQUEST_CASES } from './request-cases.js';
import { RESPONSE_CASES } from './response-cases.js';
import { CHUNKED_CASES } from './chunked-cases.js';
import { ChunkedDecoder } from '../../../src/http/h1/chunked.js';
import { freePort } from '../../free-port.js';

const haproxyVersion = spawnSync('haproxy', ['-v'], { encoding: 'utf8' });
const hasHaproxy = haproxyVersion.status === 0 && /version 2\.6/.test(haproxyVersion.stdout);

/** Sends raw bytes and returns the first status line's code and whether the reply is HAProxy's own 502 page. */
function exchange(port: number, raw: Buffer, timeoutMs = 3000): Promise<{ status: number; own502: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const sock = net.connect(port, '127.0.0.1', () => sock.write(raw));
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const m = /^HTTP\/1\.[01] (\d+)/.exec(text);
      resolve({ status: m ? Number(m[1]) : -1, own502: text.includes('<h1>502 Bad Gateway</h1>') });
    };
    const timer = setTimeout(finish, timeoutMs);
    sock.on('data', (d) => {
      chunks.push(d);
      const text = Buffer.concat(chunks).toString('latin1');
      const headEnd = text.indexOf('\r\n\r\n');
      // Enough once the head is in (and the body of HAProxy's own pages, which we inspect).
      if (headEnd >= 0 && (!text.includes('<html>') || text.includes('</html>'))) finish();
    });
    sock.on('error', finish);
    sock.on('close', finish);
  });
}

describe.skipIf(!hasHaproxy)('differential: portico h1 parsers vs haproxy 2.6', () => {
  let dir = '';
  let haproxy: ChildProcess | undefined;
  let backend: net.Server | undefined;
  let reqPort = 0;
  let resPort = 0;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'portico-h1diff-'));
    const bePort = await freePort();
    reqPort = await freePort();
    resPort = await freePort();
    // Answers "GET /N" on the response frontend with RESPONSE_CASES[N], anything else with an empty 200.
    backend = net.createServer((s) => {
      let acc = '';
      s.on('error', () => {});
      s.on('data', (d) => {
        acc += d.toString('latin1');
        if (!acc.includes('\r\n\r\n')) return;
        const m = /^GET \/case(\d+) /.exec(acc);
        const c = m ? RESPONSE_CASES[Number(m[1])] : undefined;
        const reply = c ? Buffer.from(c.raw, 'latin1') : Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n');
        // A short delay lets haproxy finish judging a request body before any answer exists.
        setTimeout(() => s.end(reply), c ? 0 : 100);
        acc = '';
      });
    });
    await new Promise<void>((r) => backend!.listen(bePort, '127.0.0.1', () => r()));
    const cfg = [
      'global',
      '  maxconn 200',
      'defaults',
      '  mode http',
      '  timeout connect 2s',
      '  timeout client 5s',
      '  timeout server 2s',
      'frontend req',
      `  bind 127.0.0.1:${reqPort}`,
      '  default_backend be',
      'frontend res',
      `  bind 127.0.0.1:${resPort}`,
      '  default_backend be',
      'backend be',
      `  server s1 127.0.0.1:${bePort}`,
      '',
    ].join('\n');
    const cfgPath = path.join(dir, 'h.cfg');
    writeFileSync(cfgPath, cfg);
    haproxy = spawn('haproxy', ['-db', '-f', cfgPath], { stdio: 'ignore' });
    // Wait (bounded) until both frontends accept connections.
    for (let i = 0; i < 50; i++) {
      const ok = await Promise.all([reqPort, resPort].map((p) => new Promise<boolean>((r) => {
        const s = net.connect(p, '127.0.0.1', () => { s.destroy(); r(true); });
        s.on('error', () => r(false));
      })));
      if (ok.every(Boolean)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('haproxy did not start');
  });

  afterAll(async () => {
    haproxy?.kill('SIGTERM');
    await new Promise<void>((r) => (backend ? backend.close(() => r()) : r()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('gives the same verdict as haproxy for every request of the table', async () => {
    const mismatches: string[] = [];
    for (const c of REQUEST_CASES) {
      const raw = Buffer.from(c.raw, 'latin1');
      const got = await exchange(reqPort, raw);
      const theirs = got.status === 200 ? 0 : got.status;
      const r = parseRequestHead(raw);
      const ours = r.kind === 'request' ? 0 : r.kind === 'error' ? r.status : -1;
      if (theirs !== ours) mismatches.push(`${c.name}: haproxy ${theirs}, portico ${ours}`);
      // The table itself must stay true to haproxy.
      if (theirs !== c.status) mismatches.push(`${c.name}: table says ${c.status}, haproxy ${theirs}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('accepts and refuses the same chunked request bodies as haproxy', async () => {
    const mismatches: string[] = [];
    for (const [name, body, status] of CHUNKED_CASES) {
      const raw = Buffer.from(`POST / HTTP/1.1\r\nhost: a\r\ntransfer-encoding: chunked\r\n\r\n${body}`, 'latin1');
      const got = await exchange(reqPort, raw);
      const theirs = got.status === 200 ? 0 : got.status;
      const d = new ChunkedDecoder();
      const bytes = Buffer.from(body, 'latin1');
      d.feed(bytes, 0, bytes.length);
      const ours = d.error ? d.error.status : 0;
      if (theirs !== ours) mismatches.push(`${name}: haproxy ${theirs}, portico ${ours}`);
      if (theirs !== Math.max(status, 0)) mismatches.push(`${name}: table says ${status}, haproxy ${theirs}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('accepts and refuses the same server responses as haproxy', async () => {
    const mismatches: string[] = [];
    for (let i = 0; i < RESPONSE_CASES.length; i++) {
      const c = RESPONSE_CASES[i]!;
      const got = await exchange(resPort, Buffer.from(`GET /case${i} HTTP/1.1\r\nhost: a\r\n\r\n`, 'latin1'));
      const theirs = got.own502 ? 502 : 0;
      const r = parseResponseHead(Buffer.from(c.raw, 'latin1'));
      const ours = r.kind === 'response' ? 0 : r.kind === 'error' ? r.status : -1;
      if (theirs !== ours) mismatches.push(`${c.name}: haproxy ${theirs}, portico ${ours}`);
      if (theirs !== c.status) mismatches.push(`${c.name}: table says ${c.status}, haproxy ${theirs}`);
    }
    expect(mismatches).toEqual([]);
  });
});

describe.skipIf(hasHaproxy)('differential: haproxy absent', () => {
  it('is skipped because haproxy 2.6 is not installed', () => {
    expect(hasHaproxy).toBe(false);
  });
});
