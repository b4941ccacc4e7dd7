/**
 * `option forwarded` (RFC 7239, HAProxy 2.8 syntax, a portico extension over 2.6): the header the
 * server receives, expressions, inheritance from defaults, and config errors with file:line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, DEFAULTS, ensureBuilt, freePorts, rawExchange, startBackend, startPortico, type Backend, type Proc } from '../harness.js';

let be: Backend;
let px: Proc;
let ports: number[];

beforeAll(async () => {
  be = await startBackend('fwd');
  ports = await freePorts(3);
  px = await startPortico(
    `${DEFAULTS}
defaults named
  mode http
  timeout connect 2s
  timeout client 5s
  timeout server 5s
  option forwarded

listen plain from named
  bind 127.0.0.1:${ports[0]}
  server s 127.0.0.1:${be.port}

listen custom
  bind 127.0.0.1:${ports[1]}
  option forwarded proto host by by_port for-expr str(_hidden) for_port-expr int(4711)
  server s 127.0.0.1:${be.port}

frontend fe
  bind 127.0.0.1:${ports[2]}
  default_backend off
backend off from named
  no option forwarded
  server s 127.0.0.1:${be.port}
`,
    ports,
  );
});

afterAll(async () => {
  await px?.stop();
  await be?.close();
});

async function forwardedSeen(port: number, extra = ''): Promise<string | string[] | undefined> {
  const before = be.seen.length;
  const raw = await rawExchange(port, `GET /f HTTP/1.1\r\nhost: app.test\r\n${extra}connection: close\r\n\r\n`, 3000);
  expect(raw).toMatch(/^HTTP\/1\.1 200/);
  expect(be.seen.length).toBe(before + 1);
  return be.seen[before]!.headers['forwarded'];
}

describe('option forwarded', () => {
  it('inherited from defaults: proto and for', async () => {
    expect(await forwardedSeen(ports[0]!)).toBe('proto=http;for=127.0.0.1');
  });

  it('a client-sent Forwarded field is kept and extended', async () => {
    expect(await forwardedSeen(ports[0]!, 'forwarded: for=203.0.113.9\r\n')).toBe('for=203.0.113.9, proto=http;for=127.0.0.1');
  });

  it('host, by with port, and expressions for an obfuscated client', async () => {
    expect(await forwardedSeen(ports[1]!)).toBe(`proto=http;host=app.test;by="127.0.0.1:${ports[1]}";for="_hidden:4711"`);
  });

  it('no option forwarded cancels the inherited option', async () => {
    expect(await forwardedSeen(ports[2]!)).toBeUndefined();
  });
});

describe('option forwarded: configuration', () => {
  ensureBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'portico-fwd-'));
  function check(body: string) {
    const file = join(dir, 'c.cfg');
    writeFileSync(file, `${DEFAULTS}\n${body}`);
    const r = spawnSync(process.execPath, [CLI, '-c', '-f', file], { encoding: 'utf8' });
    return { code: r.status, out: r.stdout + r.stderr, line: (kw: string) => `${file}:${`${DEFAULTS}\n${body}`.split('\n').findIndex((l) => l.includes(kw)) + 1}` };
  }

  it('an unknown parameter is refused with file and line', () => {
    const r = check('backend b\n  mode http\n  option forwarded proto fro\n  server s 127.0.0.1:1\n');
    expect(r.code).toBe(1);
    expect(r.out).toContain(`[${r.line('option forwarded')}]`);
    expect(r.out).toContain("unknown parameter 'fro'");
  });

  it('a bad expression is refused', () => {
    const r = check('backend b\n  mode http\n  option forwarded for-expr nosuchfetch\n  server s 127.0.0.1:1\n');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/option forwarded.*nosuchfetch/);
  });

  it('in a frontend it is ignored with a warning, as HAProxy does for backend-only keywords', () => {
    const r = check('frontend f\n  mode http\n  bind 127.0.0.1:1\n  option forwarded\n');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/WARNING.*option forwarded/);
  });
});
