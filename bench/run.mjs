#!/usr/bin/env node
// portico benchmark: HAProxy 2.6 and portico side by side in one run, same
// machine, same config text, same wrk parameters. Figures are reported as
// ratios portico/HAProxy (absolute numbers on a shared 2-core box are noise).
//
//   npm run bench                       (builds, then runs this script)
//   BENCH_SECONDS=5 BENCH_ONLY=keepalive,tcp node bench/run.mjs
//
// Environment:
//   BENCH_SECONDS       measured wrk time per target and scenario (default 10), split
//                       into BENCH_ROUNDS interleaved runs (default 2: H P, then P H)
//   BENCH_WARMUP        warm-up wrk duration before each measurement (default 2, 0 = none)
//   BENCH_CONNS         wrk connections (default 50)
//   BENCH_THREADS       wrk threads (default 1)
//   BENCH_ONLY          comma list of scenarios: keepalive,close,large,tcp,workers2,https,handshake
//                       (default all)
//   BENCH_LARGE_ORIGIN  auto | node | haproxy (default auto: quick probe, keep the faster)
//   BENCH_PORTICO_CMD   command that runs portico, config path appended
//                       (default: "<node> dist/cli.js -db -f"); e.g. "haproxy -db -f" to test the harness
//   BENCH_RESULTS       output directory (default bench/results)

import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  start, stop, stopAll, installCleanupHandlers, freePort, httpGet, waitHttpReady, probeCommand, tail,
} from './lib/proc.mjs';
import { runWrk } from './lib/wrk.mjs';
import { makeBenchCert, runHandshakeClient, treeCpuSeconds } from './lib/tls.mjs';
import {
  SMALL_BODY, LARGE_BYTES, smallOriginConfig, largeOriginHaproxyConfig, proxyConfig,
} from './lib/configs.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const require = createRequire(import.meta.url);

// ---------------------------------------------------------------- settings
function envNum(name, def, min, max) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return def;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < min || v > max) {
    console.error(`${name}=${raw} is not a number in [${min}, ${max}]; using ${def}`);
    return def;
  }
  return v;
}

const ALL_SCENARIOS = ['keepalive', 'close', 'large', 'tcp', 'workers2', 'https', 'handshake'];
const SECONDS = Math.round(envNum('BENCH_SECONDS', 10, 1, 600));
const WARMUP = Math.round(envNum('BENCH_WARMUP', 2, 0, 60));
const CONNS = Math.round(envNum('BENCH_CONNS', 50, 1, 10000));
const THREADS = Math.round(envNum('BENCH_THREADS', 1, 1, 64));
const ROUNDS = Math.round(envNum('BENCH_ROUNDS', 2, 1, 20));
const ONLY = (process.env.BENCH_ONLY ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
const LARGE_ORIGIN = (process.env.BENCH_LARGE_ORIGIN ?? 'auto').toLowerCase();
const RESULTS_DIR = path.resolve(process.env.BENCH_RESULTS ?? path.join(HERE, 'results'));
// BENCH_PIN=1: each proxy on CPU 1 alone, wrk and the origin on CPU 0 (taskset), so that "one
// core" means one core: the proxy's figure is what one core of its own gives.
const PIN = process.env.BENCH_PIN === '1';
const PINNABLE = new Set(['keepalive', 'close', 'large', 'tcp', 'https']);
const PORTICO_CMD = process.env.BENCH_PORTICO_CMD
  ? process.env.BENCH_PORTICO_CMD.trim().split(/\s+/)
  : [process.execPath, path.join(ROOT, 'dist', 'cli.js'), '-db', '-f'];

for (const s of ONLY) {
  if (!ALL_SCENARIOS.includes(s)) {
    console.error(`BENCH_ONLY: unknown scenario '${s}' (known: ${ALL_SCENARIOS.join(', ')})`);
    process.exit(2);
  }
}
if (!['auto', 'node', 'haproxy'].includes(LARGE_ORIGIN)) {
  console.error(`BENCH_LARGE_ORIGIN must be auto, node or haproxy (got '${LARGE_ORIGIN}')`);
  process.exit(2);
}
const SCENARIOS = ONLY.length ? ALL_SCENARIOS.filter((s) => ONLY.includes(s)) : ALL_SCENARIOS;

// ---------------------------------------------------------------- prerequisites
installCleanupHandlers();

const haproxyVersion = probeCommand('haproxy', ['-v']);
const wrkVersion = probeCommand('wrk', ['-v']);
if (haproxyVersion === null || wrkVersion === null) {
  const missing = [haproxyVersion === null && 'haproxy', wrkVersion === null && 'wrk'].filter(Boolean).join(' and ');
  console.error(`bench: ${missing} not found in PATH. The benchmark compares portico with HAProxy using wrk.`);
  console.error('Install them (Debian/Ubuntu):  sudo apt-get install haproxy wrk');
  process.exit(2);
}

let baselineAvailable = true;
try {
  require.resolve('http-proxy-3');
} catch {
  baselineAvailable = false;
}

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-bench-'));
process.on('exit', () => {
  try { fs.rmSync(TMP, { recursive: true, force: true }); } catch {}
});

function writeCfg(name, text) {
  const file = path.join(TMP, name);
  fs.writeFileSync(file, text);
  return file;
}

const log = (...a) => console.error('[bench]', ...a);
if (PIN && (os.cpus().length < 2 || probeCommand('taskset', ['-V']) === null)) {
  console.error('BENCH_PIN=1 needs 2 CPUs and taskset (util-linux)');
  process.exit(2);
}

/** BENCH_PIN: binds every thread of `pid` to `cpu`. */
function pinTo(pid, cpu) {
  const r = spawnSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`taskset -p ${cpu} ${pid} failed: ${(r.stderr || r.error?.message || '').trim()}`);
}
/** The CPU wrk runs on (BENCH_PIN: 0, with the origin), or undefined. */
let wrkCpu = PIN ? 0 : undefined;

// ---------------------------------------------------------------- process helpers
/** Start a haproxy process on a config text; resolves once it answers 200 on `port` (over TLS with `tls`). */
async function startHaproxy(name, cfgText, port, tls = false) {
  const file = writeCfg(`${name}.cfg`, cfgText);
  const child = start(name, 'haproxy', ['-db', '-f', file]);
  await waitHttpReady(child, port, 15000, tls);
  return child;
}

async function startPortico(name, cfgText, port, tls = false) {
  const file = writeCfg(`${name}.cfg`, cfgText);
  const [cmd, ...args] = PORTICO_CMD;
  if (!process.env.BENCH_PORTICO_CMD && !fs.existsSync(args[0])) {
    throw new Error(`${args[0]} not found: run 'npm run build' first`);
  }
  const child = start(name, cmd, [...args, file], { cwd: ROOT });
  await waitHttpReady(child, port, 15000, tls);
  return child;
}

async function startNodeServer(name, script, args, port) {
  const child = start(name, process.execPath, [path.join(HERE, 'servers', script), ...args.map(String)], { cwd: ROOT });
  await waitHttpReady(child, port);
  return child;
}

/** Fetch once and check status and body length, so we never benchmark error pages. */
async function checkResponse(port, expectBytes, tls = false) {
  const r = await httpGet(port, '/', 5000, tls);
  if (r.status !== 200 || r.bytes !== expectBytes) {
    throw new Error(`sanity check failed: got HTTP ${r.status} with ${r.bytes} body bytes, expected 200 with ${expectBytes}`);
  }
}

// ---------------------------------------------------------------- measurement
const HEADERS = { rps: [], cps: ['Connection: close'], mibps: [] };

/**
 * One load run; returns the figure plus what the load generator reported. kind: rps | cps | mibps
 * (wrk, over https with `tls`), or hps: new TLS connections with full handshakes (our client;
 * wrk resumes TLS sessions when it reconnects).
 */
async function wrkOnce(port, kind, seconds, threads = THREADS, tls = false) {
  if (kind === 'hps') {
    const h = await runHandshakeClient({ port, seconds, conns: CONNS });
    if (!h.handshakes) throw new Error(`no handshake completed (${h.warnings.join('; ') || 'see client output'})`);
    return { value: h.perSec, requestsPerSec: h.perSec, requests: h.handshakes, latencyAvgMs: undefined, warnings: h.warnings, command: h.command };
  }
  const w = await runWrk({ url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}/`, seconds, threads, conns: CONNS, headers: HEADERS[kind], cpu: wrkCpu });
  const value = kind === 'mibps' ? (w.bytesPerSec ?? 0) / 1024 ** 2 : w.requestsPerSec;
  const e = w.socketErrors;
  const warnings = [];
  if (w.non2xx3xx > 0) warnings.push(`${w.non2xx3xx} non-2xx/3xx responses`);
  if (e.connect + e.read + e.write + e.timeout > 0) {
    warnings.push(`socket errors connect ${e.connect}, read ${e.read}, write ${e.write}, timeout ${e.timeout}`);
  }
  if (!w.requests) throw new Error(`no request completed (${warnings.join('; ') || 'see wrk output'})`);
  return { value, requestsPerSec: w.requestsPerSec, requests: w.requests, latencyAvgMs: w.latencyAvgMs, warnings, command: w.command };
}

/** Warm-up then one measured run (used for origin probes). */
async function measure(port, kind, { seconds = SECONDS, warmup = WARMUP } = {}) {
  if (warmup > 0) await wrkOnce(port, kind, warmup);
  await sleep(300);
  return wrkOnce(port, kind, seconds);
}

async function attempt(fn) {
  try {
    return await fn();
  } catch (e) {
    return { error: e?.message ?? String(e) };
  }
}

// ---------------------------------------------------------------- scenarios
const UNITS = { rps: 'req/s', cps: 'conn/s', mibps: 'MiB/s', hps: 'conn/s' };
const TITLES = {
  keepalive: 'HTTP keep-alive, ~100 B responses',
  close: 'HTTP new connection per request (Connection: close)',
  large: 'HTTP keep-alive, 1 MiB responses',
  tcp: 'mode tcp, keep-alive HTTP through it',
  workers2: 'HTTP keep-alive, 2 cores: HAProxy nbthread 2 vs portico master + 2 workers (wrk -t2)',
  https: 'HTTPS keep-alive (bind ssl crt, RSA 2048), ~100 B responses',
  handshake: 'new TLS connection per request, full handshakes (RSA 2048), Connection: close',
};

const notes = [];
const origins = {};
const configs = {};

/**
 * One scenario. HAProxy and portico are started from the same config text
 * (only the port differs), sanity-checked (status and body length), warmed
 * up, then measured in ROUNDS interleaved rounds (H P [B], then [B] P H, ...)
 * of SECONDS/ROUNDS each, so that load from other processes on the shared
 * machine hits both alike. Only one target is under load at any time; the
 * figure is the mean of the rounds.
 */
async function scenario(id, { mode, originPort, kind, expectBytes, baseline = false, threads = 1, crt }) {
  const row = { scenario: id, title: TITLES[id], unit: UNITS[kind], mode, pinned: PIN && PINNABLE.has(id) };
  wrkCpu = row.pinned ? 0 : undefined;
  const tls = Boolean(crt);
  configs[id] = proxyConfig({ mode, port: '<PORT>', originPort: '<ORIGIN_PORT>', threads, crt: crt && '<PEM>' });
  // With threads > 1 wrk gets as many threads, so that the load generator is not the limit.
  const wrkThreads = Math.max(THREADS, threads);
  const targets = [
    { name: 'haproxy', launch: (port) => startHaproxy(`${id}-haproxy`, proxyConfig({ mode, port, originPort, threads, crt }), port, tls) },
    { name: 'portico', launch: (port) => startPortico(`${id}-portico`, proxyConfig({ mode, port, originPort, threads, crt }), port, tls) },
  ];
  if (baseline) {
    targets.push({
      name: 'httpProxy3',
      launch: (port) => {
        if (!baselineAvailable) throw new Error('http-proxy-3 is not installed (run npm install; it is a devDependency)');
        return startNodeServer(`${id}-http-proxy-3`, 'baseline-proxy.mjs', [port, `http://127.0.0.1:${originPort}`], port);
      },
    });
  }
  const live = [];
  try {
    for (const t of targets) {
      const r = await attempt(async () => {
        t.port = await freePort();
        t.child = await t.launch(t.port);
        if (PIN && PINNABLE.has(id)) pinTo(t.child.pid, 1);
        await checkResponse(t.port, expectBytes, tls);
      });
      if (r?.error) {
        row[t.name] = { error: r.error };
        log(`${id}: ${t.name} ERROR ${r.error}`);
      } else {
        t.rounds = [];
        live.push(t);
      }
    }
    if (WARMUP > 0) {
      for (const t of live) {
        const r = await attempt(() => wrkOnce(t.port, kind, WARMUP, wrkThreads, tls));
        if (r.error) t.error = `warm-up: ${r.error}`;
      }
    }
    const per = Math.max(1, Math.round(SECONDS / ROUNDS));
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? live : [...live].reverse();
      for (const t of order) {
        if (t.error) continue;
        await sleep(300);
        // CPU time of the proxy (process tree) during the round: its cost per request, whatever
        // share of the cores the load generator and the origin took.
        const cpu0 = treeCpuSeconds(t.child.pid);
        const r = await attempt(() => wrkOnce(t.port, kind, per, wrkThreads, tls));
        const cpu1 = treeCpuSeconds(t.child.pid);
        if (!r.error && cpu0 !== null && cpu1 !== null) r.cpuSec = cpu1 - cpu0;
        if (r.error) t.error = r.error;
        else if (t.child.exitInfo) t.error = `${t.name} exited during the run: ${tail(t.child.output)}`;
        else t.rounds.push(r);
        log(`${id}: ${t.name} round ${round + 1}/${ROUNDS}: ${t.error ? 'ERROR ' + t.error : fmtNum(r.value) + ' ' + row.unit}${r.warnings?.length ? ' (' + r.warnings.join('; ') + ')' : ''}`);
      }
    }
    for (const t of live) {
      if (t.error) {
        row[t.name] = { error: t.error };
        continue;
      }
      const vals = t.rounds.map((r) => r.value);
      const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
      const requests = t.rounds.reduce((a, r) => a + r.requests, 0);
      const cpuKnown = t.rounds.every((r) => r.cpuSec !== undefined);
      row[t.name] = {
        value: mean,
        // Proxy CPU milliseconds per request (or per connection for conn/s rows).
        cpuMsPerReq: cpuKnown && requests > 0 ? (t.rounds.reduce((a, r) => a + r.cpuSec, 0) * 1000) / requests : null,
        rounds: vals,
        spreadPct: vals.length > 1 ? ((Math.max(...vals) - Math.min(...vals)) / mean) * 100 : 0,
        requests,
        latencyAvgMs: t.rounds.reduce((a, r) => a + (r.latencyAvgMs ?? 0), 0) / t.rounds.length,
        warnings: [...new Set(t.rounds.flatMap((r) => r.warnings))],
        command: t.rounds[0].command,
      };
    }
  } finally {
    for (const t of targets) if (t.child) await stop(t.child);
  }
  row.ratio = ratio(row.portico, row.haproxy);
  row.cpuRatio = row.portico?.cpuMsPerReq && row.haproxy?.cpuMsPerReq ? row.portico.cpuMsPerReq / row.haproxy.cpuMsPerReq : null;
  if (baseline) row.ratioVsHttpProxy3 = ratio(row.portico, row.httpProxy3);
  await sleep(500);
  return row;
}

function ratio(a, b) {
  if (!a || !b || a.error || b.error || !b.value) return null;
  return a.value / b.value;
}

/** Large-object origin: Node (preallocated Buffer) or haproxy (return ... file). */
async function startLargeOrigin() {
  const candidates = LARGE_ORIGIN === 'auto' ? ['node', 'haproxy'] : [LARGE_ORIGIN];
  const started = [];
  for (const kind of candidates) {
    const port = await freePort();
    const r = await attempt(async () => {
      let child;
      if (kind === 'node') {
        child = await startNodeServer('origin-large-node', 'big-origin.mjs', [port, LARGE_BYTES], port);
      } else {
        const file = path.join(TMP, 'large.bin');
        fs.writeFileSync(file, Buffer.alloc(LARGE_BYTES, 'x'));
        child = await startHaproxy('origin-large-haproxy', largeOriginHaproxyConfig(port, file), port);
      }
      started.push({ kind, port, child });
      if (PIN) pinTo(child.pid, 0);
      await checkResponse(port, LARGE_BYTES);
      return { ok: true };
    });
    if (r.error) notes.push(`large origin '${kind}' unusable: ${r.error}`);
  }
  if (!started.length) throw new Error('no large-object origin could be started');
  let chosen = started[0];
  if (started.length > 1) {
    const probeSecs = 3;
    for (const s of started) {
      const m = await attempt(() => measure(s.port, 'mibps', { seconds: probeSecs, warmup: 1 }));
      s.probe = m.error ? { error: m.error } : { mibps: m.value };
      log(`large origin probe: ${s.kind} ${m.error ? 'ERROR ' + m.error : fmtNum(m.value) + ' MiB/s direct'}`);
    }
    chosen = started.filter((s) => s.probe?.mibps).sort((a, b) => b.probe.mibps - a.probe.mibps)[0] ?? started[0];
  }
  for (const s of started) if (s !== chosen) await stop(s.child);
  origins.large = {
    kind: chosen.kind,
    description: chosen.kind === 'node'
      ? 'node:http server writing a preallocated 1 MiB Buffer'
      : 'haproxy nbthread 1, http-request return ... file (tune.bufsize 1 MiB + 64 KiB)',
    probe: Object.fromEntries(started.map((s) => [s.kind, s.probe ?? null])),
  };
  return chosen;
}

// ---------------------------------------------------------------- output
function fmtNum(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return '-';
  if (v >= 100) return Math.round(v).toLocaleString('en-US');
  return v.toFixed(1);
}
function fmtRatio(r) {
  return r === null || r === undefined ? '-' : r.toFixed(2);
}
function cell(r) {
  if (!r) return '';
  if (r.error) return 'ERROR';
  return fmtNum(r.value) + (r.warnings?.length ? ' !' : '');
}

function renderTable(rows) {
  const head = ['scenario', 'unit', 'HAProxy', 'portico', 'portico/HAProxy', 'http-proxy-3', 'portico/http-proxy-3', 'round spread', 'CPU/req portico/HAProxy'];
  const spread = (r) => {
    const v = [r.haproxy, r.portico, r.httpProxy3].filter((x) => x && !x.error && x.rounds?.length > 1).map((x) => x.spreadPct);
    return v.length ? `${Math.round(Math.max(...v))}%` : '-';
  };
  const body = rows.map((r) => [
    r.scenario, r.unit, cell(r.haproxy), cell(r.portico), fmtRatio(r.ratio),
    r.httpProxy3 ? cell(r.httpProxy3) : '', r.httpProxy3 ? fmtRatio(r.ratioVsHttpProxy3) : '', spread(r), fmtRatio(r.cpuRatio),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cols) => cols.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const text = [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
  const md = [
    '| ' + head.join(' | ') + ' |',
    '|' + head.map((_, i) => (i < 2 ? ' --- ' : ' ---: ')).join('|') + '|',
    ...body.map((b) => '| ' + b.join(' | ') + ' |'),
  ].join('\n');
  return { text, md };
}

function problems(rows) {
  const out = [];
  for (const r of rows) {
    for (const name of ['haproxy', 'portico', 'httpProxy3']) {
      const x = r[name];
      if (!x) continue;
      if (x.error) out.push(`${r.scenario} / ${name}: ERROR ${x.error}`);
      else if (x.warnings?.length) out.push(`${r.scenario} / ${name}: ${x.warnings.join('; ')}`);
    }
  }
  return out;
}

// ---------------------------------------------------------------- main
async function main() {
  const began = Date.now();
  const loadStart = os.loadavg();
  log(`haproxy: ${haproxyVersion}`);
  log(`wrk: ${wrkVersion}`);
  log(`scenarios: ${SCENARIOS.join(', ')}; wrk -t${THREADS} -c${CONNS}, ${ROUNDS} x ${Math.max(1, Math.round(SECONDS / ROUNDS))}s per target (warm-up ${WARMUP}s); portico: ${PORTICO_CMD.join(' ')} CFG; load average ${loadStart.map((l) => l.toFixed(1)).join(' ')}`);
  if (!baselineAvailable) notes.push('http-proxy-3 not installed: baseline column skipped (run npm install)');

  const rows = [];
  const needSmall = SCENARIOS.some((s) => s !== 'large');
  let small = null;
  if (needSmall) {
    const port = await freePort();
    const r = await attempt(async () => {
      const child = await startHaproxy('origin-small', smallOriginConfig(port), port);
      small = { port, child };
      if (PIN) pinTo(child.pid, 0);
      await checkResponse(port, Buffer.byteLength(SMALL_BODY));
      const m = await measure(port, 'rps', { seconds: 3, warmup: 1 });
      origins.small = {
        kind: 'haproxy',
        description: `haproxy nbthread 1, http-request return (${Buffer.byteLength(SMALL_BODY)}-byte body)`,
        directRps: m.value,
      };
      log(`small origin alone: ${fmtNum(m.value)} req/s keep-alive (upper bound for any proxy here)`);
    });
    if (r?.error) {
      notes.push(`small origin failed: ${r.error}`);
      for (const s of SCENARIOS.filter((s) => s !== 'large')) rows.push({ scenario: s, title: TITLES[s], unit: s === 'close' || s === 'handshake' ? 'conn/s' : 'req/s', haproxy: { error: 'origin failed' }, portico: { error: 'origin failed' } });
      small = null;
    }
  }

  const smallBytes = Buffer.byteLength(SMALL_BODY);
  // The TLS rows serve one certificate, the same file for both proxies.
  let crt = null;
  if (SCENARIOS.some((s) => s === 'https' || s === 'handshake')) {
    const r = await attempt(async () => { crt = makeBenchCert(TMP); });
    if (r?.error) notes.push(`TLS rows skipped: could not make a certificate with openssl: ${r.error}`);
  }
  for (const id of SCENARIOS) {
    if (id === 'large') {
      let origin;
      const r = await attempt(async () => { origin = await startLargeOrigin(); });
      if (r?.error) {
        rows.push({ scenario: id, title: TITLES[id], unit: 'MiB/s', haproxy: { error: r.error }, portico: { error: r.error }, ratio: null });
        continue;
      }
      log(`large origin: ${origins.large.description}`);
      rows.push(await scenario(id, { mode: 'http', originPort: origin.port, kind: 'mibps', expectBytes: LARGE_BYTES }));
      await stop(origin.child);
      continue;
    }
    if (!small) continue;
    if (id === 'keepalive') rows.push(await scenario(id, { mode: 'http', originPort: small.port, kind: 'rps', expectBytes: smallBytes, baseline: true }));
    if (id === 'close') rows.push(await scenario(id, { mode: 'http', originPort: small.port, kind: 'cps', expectBytes: smallBytes }));
    if (id === 'tcp') rows.push(await scenario(id, { mode: 'tcp', originPort: small.port, kind: 'rps', expectBytes: smallBytes }));
    if (id === 'workers2') rows.push(await scenario(id, { mode: 'http', originPort: small.port, kind: 'rps', expectBytes: smallBytes, threads: 2 }));
    if (id === 'https' || id === 'handshake') {
      const kind = id === 'https' ? 'rps' : 'hps';
      if (!crt) rows.push({ scenario: id, title: TITLES[id], unit: UNITS[kind], haproxy: { error: 'no certificate' }, portico: { error: 'no certificate' }, ratio: null });
      else rows.push(await scenario(id, { mode: 'http', originPort: small.port, kind, expectBytes: smallBytes, crt }));
    }
  }
  if (small) await stop(small.child);
  await stopAll();

  const { text, md } = renderTable(rows);
  const probs = problems(rows);
  const elapsed = (Date.now() - began) / 1000;
  const loadEnd = os.loadavg();
  if (Math.max(loadStart[0], loadEnd[0]) > os.cpus().length) {
    notes.push(`machine busy: load average ${loadStart[0].toFixed(1)} at start, ${loadEnd[0].toFixed(1)} at end on ${os.cpus().length} CPUs; figures are noisier than usual`);
  }
  const per = Math.max(1, Math.round(SECONDS / ROUNDS));
  const header = [
    '',
    `portico vs HAProxy: wrk -t${THREADS} -c${CONNS}, ${ROUNDS} interleaved round(s) of ${per}s per target after a ${WARMUP}s warm-up; one proxy process each (HAProxy nbthread 1); loopback; ${PIN ? `pinned (BENCH_PIN): each proxy alone on CPU 1, wrk and the origin on CPU 0 (${[...PINNABLE].join(', ')}; other rows unpinned)` : `${os.cpus().length} CPUs shared by wrk, origin and proxy`}`,
    origins.small ? `small origin: ${origins.small.description}; alone ${fmtNum(origins.small.directRps)} req/s` : null,
    origins.large ? `large origin: ${origins.large.kind} (${origins.large.description}); probe MiB/s direct: ${Object.entries(origins.large.probe).map(([k, v]) => `${k} ${v?.mibps ? fmtNum(v.mibps) : v?.error ? 'error' : '-'}`).join(', ')}` : null,
    '',
  ].filter((l) => l !== null).join('\n');
  console.log(header);
  console.log(text);
  console.log('\n"!" = socket errors or non-2xx responses (details below). round spread = largest (max-min)/mean over the rounds of one target: a noise gauge.');
  console.log('CPU/req = CPU time of the proxy process(es) per request (per connection for conn/s), portico/HAProxy: what each side spent, whatever share of the cores the load generator took.');
  if (rows.some((r) => r.scenario === 'handshake')) console.log('handshake: a Node client (bench/servers/handshake-client.mjs) opens a new TLS connection per request, full handshakes (wrk would resume sessions); it shares the cores too.');
  if (probs.length) console.log('\n' + probs.map((p) => '  - ' + p).join('\n'));
  if (notes.length) console.log('\n' + notes.map((n) => '  note: ' + n).join('\n'));
  console.log(`\ntotal ${elapsed.toFixed(0)} s`);

  const result = {
    date: new Date().toISOString(),
    durationSec: elapsed,
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, loadavgStart: loadStart, loadavgEnd: loadEnd, platform: `${os.platform()} ${os.release()}` },
    versions: { node: process.version, haproxy: haproxyVersion, wrk: wrkVersion },
    params: { seconds: SECONDS, rounds: ROUNDS, secondsPerRound: per, warmup: WARMUP, conns: CONNS, threads: THREADS, scenarios: SCENARIOS, porticoCommand: PORTICO_CMD.join(' ') + ' CFG' },
    origins,
    proxyConfigs: configs,
    rows,
    notes,
    table: text,
    markdown: md,
  };
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  fs.writeFileSync(path.join(RESULTS_DIR, 'last.json'), JSON.stringify(result, null, 2) + '\n');
  fs.writeFileSync(path.join(RESULTS_DIR, 'last.md'), `${header.trim()}\n\n${md}\n`);
  console.log(`results: ${path.relative(process.cwd(), path.join(RESULTS_DIR, 'last.json'))}`);
}

main().then(
  () => process.exit(0),
  async (e) => {
    console.error(`bench: ${e?.stack ?? e}`);
    await stopAll();
    process.exit(1);
  },
);
