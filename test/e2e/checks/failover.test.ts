/**
 * Failover under load: 20 keep-alive clients send requests back to back through a backend of two
 * servers checked with `inter 500 fall 2 rise 2`; one server is killed (listener and connections
 * closed). Measured: the detection time (kill -> "Server app/s1 is DOWN" line) and the requests
 * that failed, once without and once with `option redispatch` (retries 1, so the only retry goes
 * to another server). Bounds: detection within fall x inter + timeout check + margin; with
 * redispatch, no more failures than requests in flight at the kill. The figures are printed.
 */
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { hasHaproxy, sleep, type Proc } from '../harness.js';
import { ctlBackend, startOn, waitFor, type Target } from './lib.js';

const CLIENTS = 20;
const INTER = 500;
const FALL = 2;
const TIMEOUT_CHECK = 500;
const MARGIN = 500;
const WARMUP_MS = 1000;
/** After the kill, the load goes on until the DOWN line plus this, and never longer than KILL_BUDGET_MS. */
const AFTER_DOWN_MS = 500;
const KILL_BUDGET_MS = 4000;

const config = (fe: number, a: number, b: number, redispatch: boolean) => `global
    log stdout format raw local0
defaults
    mode http
    log global
    timeout connect 500ms
    timeout client 10s
    timeout server 10s
    timeout check ${TIMEOUT_CHECK}ms
    retries 1
${redispatch ? '    option redispatch\n' : ''}frontend fe
    bind 127.0.0.1:${fe}
    default_backend app
backend app
    balance roundrobin
    option httpchk GET /health
    server s1 127.0.0.1:${a} check inter ${INTER} fall ${FALL} rise 2
    server s2 127.0.0.1:${b} check inter ${INTER} fall ${FALL} rise 2
`;

interface Tally {
  ok: number;
  failed: number;
  /** Clients waiting for a response at a given moment. */
  inFlight(): number;
}

/**
 * One keep-alive client: GET / again and again on one connection until `stop()`; a response other
 * than 200, or a connection that ends with a request outstanding, is a failure (then it reconnects).
 */
function client(port: number, tally: Tally, busy: Set<number>, id: number, stopped: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    let sock: Socket | undefined;
    let buf = Buffer.alloc(0);
    let waiting = false;
    const send = () => {
      if (stopped()) {
        sock?.destroy();
        return resolve();
      }
      waiting = true;
      busy.add(id);
      sock!.write('GET / HTTP/1.1\r\nhost: x\r\n\r\n');
    };
    const done = (ok: boolean) => {
      waiting = false;
      busy.delete(id);
      if (ok) tally.ok++;
      else tally.failed++;
    };
    const open = () => {
      if (stopped()) return resolve();
      buf = Buffer.alloc(0);
      const s = connect({ port, host: '127.0.0.1' });
      sock = s;
      s.on('connect', send);
      s.on('data', (d: Buffer) => {
        buf = Buffer.concat([buf, d]);
        // Bounded: each pass consumes one whole response.
        for (let guard = 0; guard < 100; guard++) {
          const end = buf.indexOf('\r\n\r\n');
          if (end < 0) return;
          const head = buf.toString('latin1', 0, end);
          const len = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
          if (buf.length < end + 4 + len) return;
          buf = buf.subarray(end + 4 + len);
          const status = Number(head.slice(9, 12));
          done(status === 200);
          if (/\r\nconnection: *close/i.test(head)) {
            s.destroy();
            return;
          }
          send();
        }
      });
      s.on('error', () => {});
      s.on('close', () => {
        if (waiting) done(false);
        if (stopped()) return resolve();
        setTimeout(open, 10);
      });
    };
    open();
  });
}

interface Figures {
  target: Target;
  redispatch: boolean;
  detectionMs: number;
  inFlightAtKill: number;
  failed: number;
  ok: number;
}

async function measure(target: Target, redispatch: boolean): Promise<Figures> {
  const [a, b] = await Promise.all([ctlBackend('a'), ctlBackend('b')]);
  let p: Proc | undefined;
  try {
    const started = await startOn(target, 1, ([fe]) => config(fe!, a.port, b.port, redispatch));
    p = started.p;
    const fe = started.ports[0]!;
    const proc = p;
    // Both servers UP and checked before the load starts.
    await sleep(300);
    const tally: Tally = { ok: 0, failed: 0, inFlight: () => busy.size };
    const busy = new Set<number>();
    let stop = false;
    const clients = Array.from({ length: CLIENTS }, (_, i) => client(fe, tally, busy, i, () => stop));
    await sleep(WARMUP_MS);
    const inFlightAtKill = tally.inFlight();
    const failedBefore = tally.failed;
    const killedAt = Date.now();
    await a.kill();
    let downAt = 0;
    await waitFor(() => {
      if (!downAt && [...proc.stdout, ...proc.stderr].some((l) => l.includes('Server app/s1 is DOWN'))) downAt = Date.now();
      return downAt > 0 && Date.now() - downAt >= AFTER_DOWN_MS;
    }, KILL_BUDGET_MS);
    stop = true;
    // Every client ends within its current exchange (bounded by the proxy's timeouts).
    await Promise.race([Promise.all(clients), sleep(5000)]);
    expect(failedBefore).toBe(0);
    return { target, redispatch, detectionMs: downAt ? downAt - killedAt : -1, inFlightAtKill, failed: tally.failed, ok: tally.ok };
  } finally {
    await p?.stop();
    await Promise.all([a.close(), b.close()]);
  }
}

const TARGETS: Target[] = hasHaproxy() ? ['portico', 'haproxy'] : ['portico'];

describe.each(TARGETS)('failover under load: %s', (target) => {
  const bound = FALL * INTER + TIMEOUT_CHECK + MARGIN;
  const show = (f: Figures) =>
    console.log(
      `[failover] ${f.target} ${f.redispatch ? 'with' : 'without'} redispatch: detection ${f.detectionMs} ms (bound ${bound} ms), ` +
        `failed ${f.failed} of ${f.ok + f.failed} requests, in flight at the kill ${f.inFlightAtKill}`,
    );

  it('without option redispatch: detected within fall x inter + timeout check; requests sent to the dead server fail meanwhile', async () => {
    const f = await measure(target, false);
    show(f);
    expect(f.detectionMs).toBeGreaterThan((FALL - 1) * INTER - 50);
    expect(f.detectionMs).toBeLessThanOrEqual(bound);
    expect(f.ok).toBeGreaterThan(100);
    expect(f.failed).toBeGreaterThan(0);
  }, 30_000);

  it('with option redispatch: at most the requests in flight at the kill fail', async () => {
    const f = await measure(target, true);
    show(f);
    expect(f.detectionMs).toBeGreaterThan((FALL - 1) * INTER - 50);
    expect(f.detectionMs).toBeLessThanOrEqual(bound);
    expect(f.ok).toBeGreaterThan(100);
    expect(f.failed).toBeLessThanOrEqual(f.inFlightAtKill);
  }, 30_000);
});
