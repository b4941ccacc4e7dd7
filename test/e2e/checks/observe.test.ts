/**
 * Passive health checks (`observe layer4|layer7` + `error-limit` + `on-error`) fed by real traffic:
 * portico and haproxy 2.6 run the same configuration in front of the same backends, and the
 * server must go DOWN at the same request with the same log line, long before the regular check
 * (which keeps passing) would say anything.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts, hasHaproxy, rawExchange, type Proc } from '../harness.js';
import { ctlBackend, echoBackend, startOn, waitLine, type CtlBackend, type Target } from './lib.js';

const HAVE_HAPROXY = hasHaproxy();

const head = (ready: number) => `global
    log stdout format raw local0
    stats socket ipv4@127.0.0.1:${ready} level admin
defaults
    log global
    timeout connect 2s
    timeout client 5s
    timeout server 5s
`;

/** Log lines (stdout: the `log stdout` target) matching `re`. */
const logLines = (p: Proc, re: RegExp) => p.stdout.filter((l) => re.test(l));

/** Sends `n` requests one after the other (a new connection each); answers the statuses. */
async function requests(port: number, path: string, n: number, ms = 3000): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const raw = await rawExchange(port, `GET ${path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`, ms);
    out.push(Number(/^HTTP\/1\.1 (\d+)/.exec(raw)?.[1] ?? 0));
  }
  return out;
}

/**
 * Starts portico (and haproxy when installed) with `cfg(fe, ready)`; each gets its own ports. The
 * harness waits for `ready` to listen (a `stats socket`), never connecting to the frontend: in TCP
 * mode that probe would be a session of its own.
 */
async function startBoth(cfg: (fe: number, ready: number) => string): Promise<{ procs: { name: string; p: Proc; fe: number }[] }> {
  const targets: Target[] = HAVE_HAPROXY ? ['portico', 'haproxy'] : ['portico'];
  const procs: { name: string; p: Proc; fe: number }[] = [];
  for (const t of targets) {
    const { p, ports } = await startOn(t, 2, ([fe, ready]) => cfg(fe!, ready!), ([, ready]) => [ready!]);
    procs.push({ name: t, p, fe: ports[0]! });
  }
  return { procs };
}

describe('observe layer7', () => {
  let a: CtlBackend, b: CtlBackend;
  beforeAll(async () => {
    [a, b] = await Promise.all([ctlBackend('a'), ctlBackend('b')]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });

  it('on-error mark-down: error-limit 5xx in a row take the server DOWN with "Health analyze"', async () => {
    a.forceStatus = 500;
    const cfg = (fe: number, ready: number) => `${head(ready)}    mode http
frontend fe
    bind 127.0.0.1:${fe}
    default_backend app
backend app
    option httpchk GET /health
    server s1 127.0.0.1:${a.port} check inter 10s observe layer7 error-limit 3 on-error mark-down
    server s2 127.0.0.1:${b.port} check inter 10s backup
`;
    const { procs } = await startBoth(cfg);
    try {
      for (const { name, p, fe } of procs) {
        // Two errors, then a success (a 501 is the client's fault): the count starts again.
        a.forceStatus = 500;
        expect(await requests(fe, '/x', 2), name).toEqual([500, 500]);
        a.forceStatus = 501;
        expect(await requests(fe, '/x', 1), name).toEqual([501]);
        a.forceStatus = 503;
        const started = Date.now();
        expect(await requests(fe, '/x', 2), name).toEqual([503, 503]);
        expect(logLines(p, /is DOWN/), name).toEqual([]);
        expect(await requests(fe, '/x', 1, 8000), name).toEqual([503]);
        const down = await waitLine(p, /Server app\/s1 is DOWN/, 2000);
        // The regular check (every 10 s, /health answers 200) would never have done it.
        expect(Date.now() - started, name).toBeLessThan(5000);
        expect(logLines(p, /Server app\/s1 is DOWN/), name).toEqual([
          'Server app/s1 is DOWN, reason: Health analyze, info: "Detected 3 consecutive errors, last one was: Wrong http response". 0 active and 1 backup servers left. Running on backup. 1 sessions active, 0 requeued, 0 remaining in queue.',
        ]);
        expect(down, name).toBeDefined();
        // The backup takes the traffic now.
        a.forceStatus = undefined;
        const hitsBefore = b.hits;
        expect(await requests(fe, '/x', 2), name).toEqual([200, 200]);
        expect(b.hits - hitsBefore, name).toBe(2);
      }
    } finally {
      for (const { p } of procs) await p.stop();
    }
  }, 40_000);

  it('on-error sudden-death: the first batch leaves one check to live, the second one kills (with log-health-checks)', async () => {
    const cfg = (fe: number, ready: number) => `${head(ready)}    mode http
frontend fe
    bind 127.0.0.1:${fe}
    default_backend app
backend app
    option httpchk GET /health
    option log-health-checks
    server s1 127.0.0.1:${a.port} check inter 10s rise 2 fall 3 observe layer7 error-limit 2 on-error sudden-death
    server s2 127.0.0.1:${b.port} backup
`;
    a.forceStatus = undefined;
    const { procs } = await startBoth(cfg);
    const seen: Record<string, string[]> = {};
    try {
      for (const { name, p, fe } of procs) {
        // The first (passing) check makes the server fully UP; then the traffic breaks.
        expect(await waitLine(p, /Health check for server app\/s1 succeeded/, 3000), name).toBeDefined();
        a.forceStatus = 500;
        expect(await requests(fe, '/x', 2), name).toEqual([500, 500]);
        expect(await waitLine(p, /status: 1\/3 UP/, 2000), name).toBeDefined();
        expect(logLines(p, /is DOWN/), name).toEqual([]);
        expect(await requests(fe, '/x', 2), name).toEqual([500, 500]);
        expect(await waitLine(p, /Server app\/s1 is DOWN/, 2000), name).toBeDefined();
        seen[name] = logLines(p, /app\/s1/).map((l) => l.replace(/check duration: \d+ms/, 'check duration: Nms'));
        a.forceStatus = undefined;
      }
    } finally {
      for (const { p } of procs) await p.stop();
    }
    expect(seen['portico']).toEqual([
      'Health check for server app/s1 succeeded, reason: Layer7 check passed, code: 200, check duration: Nms, status: 3/3 UP.',
      'Health check for server app/s1 failed, reason: Health analyze, info: "Detected 2 consecutive errors, last one was: Wrong http response", status: 1/3 UP.',
      'Health check for server app/s1 failed, reason: Health analyze, info: "Detected 2 consecutive errors, last one was: Wrong http response", status: 0/2 DOWN.',
      'Server app/s1 is DOWN. 0 active and 1 backup servers left. Running on backup. 1 sessions active, 0 requeued, 0 remaining in queue.',
    ]);
    if (HAVE_HAPROXY) expect(seen['portico']).toEqual(seen['haproxy']);
  }, 40_000);
});

describe('observe layer4', () => {
  it('HTTP: refused connections (each retry counts) mark the server down; the check on another port keeps passing', async () => {
    const a = await ctlBackend('a');
    const b = await ctlBackend('b');
    const [closed] = await freePorts(1);
    const cfg = (fe: number, ready: number) => `${head(ready)}    mode http
frontend fe
    bind 127.0.0.1:${fe}
    default_backend app
backend app
    option httpchk GET /health
    retries 1
    server s1 127.0.0.1:${closed} check port ${a.port} inter 10s observe layer4 error-limit 2 on-error mark-down
    server s2 127.0.0.1:${b.port} backup
`;
    const { procs } = await startBoth(cfg);
    const seen: Record<string, string[]> = {};
    try {
      for (const { name, p, fe } of procs) {
        expect(await requests(fe, '/x', 1, 8000), name).toEqual([503]);
        expect(await waitLine(p, /Server app\/s1 is DOWN/, 3000), name).toBeDefined();
        seen[name] = logLines(p, /Server app\/s1/);
        expect(await requests(fe, '/x', 1), name).toEqual([200]);
      }
    } finally {
      for (const { p } of procs) await p.stop();
      await Promise.all([a.close(), b.close()]);
    }
    expect(seen['portico']).toEqual([
      'Server app/s1 is DOWN, reason: Health analyze, info: "Detected 2 consecutive errors, last one was: L4 unsuccessful connection". 0 active and 1 backup servers left. Running on backup. 1 sessions active, 0 requeued, 0 remaining in queue.',
    ]);
    if (HAVE_HAPROXY) expect(seen['portico']).toEqual(seen['haproxy']);
  }, 40_000);

  it('TCP mode: the same through the L4 engine', async () => {
    const echo = await echoBackend('echo');
    const [closed] = await freePorts(1);
    const cfg = (fe: number, ready: number) => `${head(ready)}    mode tcp
listen app
    bind 127.0.0.1:${fe}
    retries 1
    server s1 127.0.0.1:${closed} check port ${echo.port} inter 10s observe layer4 error-limit 2 on-error mark-down
    server s2 127.0.0.1:${echo.port} backup
`;
    const { procs } = await startBoth(cfg);
    const seen: Record<string, string[]> = {};
    try {
      for (const { name, p, fe } of procs) {
        expect(await rawExchange(fe, 'hello', 1500), name).toBe('');
        expect(await waitLine(p, /Server app\/s1 is DOWN/, 3000), name).toBeDefined();
        seen[name] = logLines(p, /Server app\/s1/);
        expect(await rawExchange(fe, 'ping\n', 500), name).toBe('echo\nping\n');
      }
    } finally {
      for (const { p } of procs) await p.stop();
      await echo.close();
    }
    expect(seen['portico']).toEqual([
      'Server app/s1 is DOWN, reason: Health analyze, info: "Detected 2 consecutive errors, last one was: L4 unsuccessful connection". 0 active and 1 backup servers left. Running on backup. 1 sessions active, 0 requeued, 0 remaining in queue.',
    ]);
    if (HAVE_HAPROXY) expect(seen['portico']).toEqual(seen['haproxy']);
  }, 40_000);
});
