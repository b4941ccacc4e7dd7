/**
 * Killing sessions on state changes, with long-lived connections (a streaming HTTP response, a
 * TCP tunnel): `on-marked-down shutdown-sessions` (server DOWN by its check: its sessions die, log
 * flag D), `on-marked-up shutdown-backup-sessions` (an active server comes back: the backup
 * servers' sessions die, flag U), and `shutdown sessions server` on the Runtime API (flag K).
 * Each scenario runs on portico and, when installed, on haproxy 2.6 with the same expectations.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasHaproxy, sleep, type Proc } from '../harness.js';
import { cli, ctlBackend, echoBackend, holdConnection, startOn, waitFor, waitLine, type CtlBackend, type Target } from './lib.js';

const TARGETS: Target[] = hasHaproxy() ? ['portico', 'haproxy'] : ['portico'];

const head = (api: number) => `global
    log stdout format raw local0
    stats socket ipv4@127.0.0.1:${api} level admin
defaults
    log global
    timeout connect 2s
    timeout client 30s
    timeout server 30s
`;

/** The harness waits for the API port only: a probe of a TCP frontend would be a session. */
async function start(target: Target, cfg: (fe: number, api: number) => string): Promise<{ p: Proc; fe: number; api: number }> {
  const { p, ports } = await startOn(target, 2, ([fe, api]) => cfg(fe!, api!), ([, api]) => [api!]);
  return { p, fe: ports[0]!, api: ports[1]! };
}

const STREAM = 'GET /stream HTTP/1.1\r\nhost: x\r\n\r\n';

/** The termination flags of the httplog line of `path` (4 chars) or the tcplog line (2 chars). */
async function httpFlags(p: Proc, path: string): Promise<string | undefined> {
  const line = await waitLine(p, new RegExp(`"GET ${path} HTTP/1\\.1"`), 3000);
  return line ? / ([-A-Za-z]{4}) \d+\/\d+\/\d+\/\d+\/\d+ /.exec(line)?.[1] : undefined;
}

describe.each(TARGETS)('%s', (target) => {
  let a: CtlBackend, b: CtlBackend;
  beforeAll(async () => {
    [a, b] = await Promise.all([ctlBackend('a'), ctlBackend('b')]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });

  it('on-marked-down shutdown-sessions: a streaming response dies with the server (DD); without the option it goes on', async () => {
    a.healthStatus = 200;
    const { p, fe } = await start(
      target,
      (fe, api) => `${head(api)}    mode http
    option httplog
frontend fe
    bind 127.0.0.1:${fe}
    use_backend keep if { path_beg /keep }
    default_backend app
backend app
    option httpchk GET /health
    server s1 127.0.0.1:${a.port} check inter 200 fall 1 rise 1 on-marked-down shutdown-sessions
    server s2 127.0.0.1:${b.port} backup
backend keep
    option httpchk GET /health
    http-request set-path /stream
    server k1 127.0.0.1:${a.port} check inter 200 fall 1 rise 1
`,
    );
    try {
      await sleep(300);
      const killed = holdConnection(fe, STREAM);
      const kept = holdConnection(fe, 'GET /keep HTTP/1.1\r\nhost: x\r\n\r\n');
      expect(await waitFor(() => killed.data().includes('a tick 2') && kept.data().includes('a tick 2'), 3000)).toBe(true);
      a.healthStatus = 503;
      const down = Date.now();
      expect(await waitLine(p, /Server app\/s1 is DOWN/, 3000)).toBeDefined();
      expect(await waitFor(() => killed.isClosed(), 2000)).toBe(true);
      expect(Date.now() - down).toBeLessThan(2500);
      expect(await httpFlags(p, '/stream')).toBe('DD--');
      // keep/k1 went DOWN too, but its session stays.
      expect(await waitLine(p, /Server keep\/k1 is DOWN/, 3000)).toBeDefined();
      const before = kept.data().length;
      await sleep(400);
      expect(kept.isClosed()).toBe(false);
      expect(kept.data().length).toBeGreaterThan(before);
      kept.destroy();
    } finally {
      a.healthStatus = 200;
      await p.stop();
    }
  }, 30_000);

  it('on-marked-down in TCP mode: the tunnel is closed (D-)', async () => {
    const echo = await echoBackend('echo');
    a.healthStatus = 200;
    const { p, fe } = await start(
      target,
      (fe, api) => `${head(api)}    mode tcp
    option tcplog
listen app
    bind 127.0.0.1:${fe}
    option httpchk GET /health
    server s1 127.0.0.1:${echo.port} check port ${a.port} inter 200 fall 1 rise 1 on-marked-down shutdown-sessions
`,
    );
    try {
      await sleep(300);
      const c = holdConnection(fe, 'hello\n');
      expect(await waitFor(() => c.data() === 'echo\nhello\n', 2000)).toBe(true);
      a.healthStatus = 503;
      expect(await waitLine(p, /Server app\/s1 is DOWN/, 3000)).toBeDefined();
      expect(await waitFor(() => c.isClosed(), 2000)).toBe(true);
      const line = await waitLine(p, /app\/s1 \d+\/\d+\/\d+ 11 /, 3000);
      // HAProxy's TCP streams have no "data phase" flag when killed: 'D-'.
      expect(line).toMatch(/ 11 D- \d+\/\d+\/\d+\/\d+\/\d+ /);
    } finally {
      a.healthStatus = 200;
      await p.stop();
      await echo.close();
    }
  }, 30_000);

  it('on-marked-up shutdown-backup-sessions: the backup\'s sessions die when the active server is back (UD)', async () => {
    a.healthStatus = 503;
    const { p, fe } = await start(
      target,
      (fe, api) => `${head(api)}    mode http
    option httplog
frontend fe
    bind 127.0.0.1:${fe}
    default_backend app
backend app
    option httpchk GET /health
    server s1 127.0.0.1:${a.port} check inter 200 fall 1 rise 1 on-marked-up shutdown-backup-sessions
    server s2 127.0.0.1:${b.port} backup
`,
    );
    try {
      expect(await waitLine(p, /Server app\/s1 is DOWN/, 3000)).toBeDefined();
      const onBackup = holdConnection(fe, STREAM);
      expect(await waitFor(() => onBackup.data().includes('b tick 2'), 3000)).toBe(true);
      a.healthStatus = 200;
      expect(await waitLine(p, /Server app\/s1 is UP/, 3000)).toBeDefined();
      expect(await waitFor(() => onBackup.isClosed(), 2000)).toBe(true);
      expect(await httpFlags(p, '/stream')).toBe('UD--');
    } finally {
      a.healthStatus = 200;
      await p.stop();
    }
  }, 30_000);

  it('shutdown sessions server: the Runtime API kills the server\'s sessions (KD), not the others', async () => {
    const { p, fe, api } = await start(
      target,
      (fe, api) => `${head(api)}    mode http
    option httplog
frontend fe
    bind 127.0.0.1:${fe}
    default_backend app
backend app
    balance roundrobin
    server s1 127.0.0.1:${a.port}
    server s2 127.0.0.1:${b.port}
`,
    );
    try {
      const one = holdConnection(fe, STREAM);
      expect(await waitFor(() => one.data().includes('tick 1'), 3000)).toBe(true);
      const two = holdConnection(fe, STREAM);
      expect(await waitFor(() => two.data().includes('tick 1'), 3000)).toBe(true);
      const onA = one.data().includes('a start') ? one : two;
      const onB = onA === one ? two : one;
      expect(onB.data()).toContain('b start');
      expect(await cli(api, 'shutdown sessions server app/s1')).toBe('\n');
      expect(await waitFor(() => onA.isClosed(), 2000)).toBe(true);
      expect(await httpFlags(p, '/stream')).toBe('KD--');
      await sleep(300);
      expect(onB.isClosed()).toBe(false);
      onB.destroy();
    } finally {
      await p.stop();
    }
  }, 30_000);
});
