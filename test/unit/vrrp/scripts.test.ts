import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { VrrpScript } from '../../../src/vrrp/config.js';
import { runCheck, ScriptTracker } from '../../../src/vrrp/scripts.js';

const script = (o: Partial<VrrpScript> = {}): VrrpScript => ({ name: 'chk', intervalMs: 1000, timeoutMs: 1000, weight: 0, rise: 2, fall: 3, initFail: false, where: { file: 'k', line: 1 }, ...o });
const dir = mkdtempSync(join(tmpdir(), 'portico-vrrp-scripts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('vrrp_script rise/fall', () => {
  it('changes its verdict only after `fall` failures and `rise` successes in a row', () => {
    const logs: string[] = [];
    const changes: boolean[] = [];
    const t = new ScriptTracker(script(), (m) => logs.push(m));
    t.onChange((ok) => changes.push(ok));
    const seq = [false, false, true, false, false, false, true, false, true, true];
    const verdicts = seq.map((ok) => (t.record({ ok, detail: ok ? 'exited with status 0' : 'exited with status 1' }), t.ok));
    expect(verdicts).toEqual([true, true, true, true, true, false, false, false, false, true]);
    expect(changes).toEqual([false, true]);
    expect(logs).toEqual(['VRRP_Script(chk) failed (exited with status 1)', 'VRRP_Script(chk) succeeded']);
  });

  it('init_fail starts failed and needs `rise` successes', () => {
    const t = new ScriptTracker(script({ initFail: true, rise: 2 }), () => {});
    expect(t.ok).toBe(false);
    t.record({ ok: true, detail: '' });
    expect(t.ok).toBe(false);
    t.record({ ok: true, detail: '' });
    expect(t.ok).toBe(true);
  });
});

describe('vrrp_script checks', () => {
  it('runs shell scripts with a timeout', async () => {
    expect(await runCheck(script({ script: 'exit 0' }))).toMatchObject({ ok: true });
    expect(await runCheck(script({ script: 'exit 3' }))).toEqual({ ok: false, detail: 'exited with status 3' });
    const t0 = Date.now();
    expect(await runCheck(script({ script: 'sleep 5', timeoutMs: 200 }))).toEqual({ ok: false, detail: 'timed out after 200 ms' });
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('checks a pid file', async () => {
    const live = join(dir, 'live.pid');
    writeFileSync(live, `${process.pid}\n`);
    expect(await runCheck(script({ builtin: { kind: 'pidfile', target: live } }))).toMatchObject({ ok: true });
    const dead = join(dir, 'dead.pid');
    writeFileSync(dead, '999999999\n');
    expect(await runCheck(script({ builtin: { kind: 'pidfile', target: dead } }))).toMatchObject({ ok: false });
    expect(await runCheck(script({ builtin: { kind: 'pidfile', target: join(dir, 'none.pid') } }))).toMatchObject({ ok: false, detail: expect.stringContaining('ENOENT') });
  });

  it('checks a unix stats socket', async () => {
    const path = join(dir, 'stats.sock');
    const srv = createNetServer((c) => c.end()).listen(path);
    await new Promise((r) => srv.once('listening', r));
    expect(await runCheck(script({ builtin: { kind: 'unix_socket', target: path } }))).toMatchObject({ ok: true });
    await new Promise((r) => srv.close(r));
    expect(await runCheck(script({ builtin: { kind: 'unix_socket', target: path } }))).toMatchObject({ ok: false });
  });

  it('checks an HTTP URL: below 400 is healthy', async () => {
    let status = 200;
    const srv: Server = createServer((_q, s) => s.writeHead(status).end('x')).listen(0, '127.0.0.1');
    await new Promise((r) => srv.once('listening', r));
    const url = `http://127.0.0.1:${(srv.address() as { port: number }).port}/healthz`;
    try {
      expect(await runCheck(script({ builtin: { kind: 'http', target: url } }))).toEqual({ ok: true, detail: `${url} answered 200` });
      status = 503;
      expect(await runCheck(script({ builtin: { kind: 'http', target: url } }))).toEqual({ ok: false, detail: `${url} answered 503` });
    } finally {
      await new Promise((r) => srv.close(r));
    }
    expect(await runCheck(script({ builtin: { kind: 'http', target: url } }))).toMatchObject({ ok: false, detail: expect.stringContaining('ECONNREFUSED') });
  });
});
