// Child-process bookkeeping for the benchmark: every process started here is
// tracked and killed on normal exit, on errors and on Ctrl-C / SIGTERM.
import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import http from 'node:http';
import https from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';

const children = new Set();

/** Start a long-running child; its stdout/stderr are kept (last 8 KiB) for error messages. */
export function start(name, cmd, args, opts = {}) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  child.benchName = name;
  child.output = '';
  const keep = (d) => {
    child.output += d.toString();
    if (child.output.length > 8192) child.output = child.output.slice(-8192);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      children.delete(child);
      child.exitInfo = { code, signal };
      resolve(child.exitInfo);
    });
    child.on('error', (err) => {
      children.delete(child);
      child.exitInfo = { error: err };
      child.output += `\nspawn error: ${err.message}`;
      resolve(child.exitInfo);
    });
  });
  children.add(child);
  return child;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone (bounded). */
export async function stop(child, graceMs = 2000) {
  if (!child || child.exitInfo) return;
  try { child.kill('SIGTERM'); } catch {}
  const t = await Promise.race([child.exited.then(() => 'exited'), sleep(graceMs).then(() => 'timeout')]);
  if (t === 'timeout') {
    try { child.kill('SIGKILL'); } catch {}
    await Promise.race([child.exited, sleep(1000)]);
  }
}

export async function stopAll() {
  await Promise.all([...children].map((c) => stop(c)));
}

/** Synchronous last resort (process 'exit' handler cannot await). */
function killAllSync() {
  for (const c of children) {
    try { c.kill('SIGKILL'); } catch {}
  }
}

let installed = false;
export function installCleanupHandlers() {
  if (installed) return;
  installed = true;
  process.on('exit', killAllSync);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, async () => {
      process.stderr.write(`\n${sig}: stopping ${children.size} child process(es)...\n`);
      const hard = setTimeout(() => { killAllSync(); process.exit(130); }, 4000);
      hard.unref();
      await stopAll();
      process.exit(130);
    });
  }
  process.on('uncaughtException', (err) => {
    process.stderr.write(`uncaught exception: ${err?.stack ?? err}\n`);
    killAllSync();
    process.exit(1);
  });
  process.on('unhandledRejection', (err) => {
    process.stderr.write(`unhandled rejection: ${err?.stack ?? err}\n`);
    killAllSync();
    process.exit(1);
  });
}

/** A currently free TCP port on 127.0.0.1 (ephemeral bind, then released). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * One GET with its own (non-keep-alive) connection, over TLS with `tls` (the certificate is not
 * verified: it is the benchmark's own); resolves {status, bytes} or rejects.
 */
export function httpGet(port, path = '/', timeoutMs = 2000, tls = false) {
  return new Promise((resolve, reject) => {
    const opts = { host: '127.0.0.1', port, path, agent: false, timeout: timeoutMs, ...(tls ? { rejectUnauthorized: false } : {}) };
    const req = (tls ? https : http).get(opts, (res) => {
      let bytes = 0;
      res.on('data', (d) => { bytes += d.length; });
      res.on('end', () => resolve({ status: res.statusCode, bytes }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

/**
 * Poll until GET http(s)://127.0.0.1:port/ answers 200 (bounded by timeoutMs).
 * Fails early if the child exits. Returns the last response.
 */
export async function waitHttpReady(child, port, timeoutMs = 15000, tls = false) {
  const deadline = Date.now() + timeoutMs;
  let lastErr = 'no attempt';
  while (Date.now() < deadline) {
    if (child?.exitInfo) {
      throw new Error(`${child.benchName} exited before answering (${fmtExit(child.exitInfo)}): ${tail(child.output)}`);
    }
    try {
      const r = await httpGet(port, '/', 1000, tls);
      if (r.status === 200) return r;
      lastErr = `HTTP ${r.status}`;
    } catch (e) {
      lastErr = e.message;
    }
    await sleep(100);
  }
  throw new Error(`${child?.benchName ?? 'port ' + port} did not answer 200 within ${timeoutMs} ms (last: ${lastErr})${child ? ': ' + tail(child.output) : ''}`);
}

export function fmtExit(info) {
  if (!info) return 'running';
  if (info.error) return info.error.message;
  return info.signal ? `signal ${info.signal}` : `exit code ${info.code}`;
}

/**
 * One-line digest of a child's output: the first line naming an error or an
 * ALERT (where the cause usually is), then the last `n` characters.
 */
export function tail(s, n = 400) {
  const lines = (s ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
  const first = lines.find((l) => /ALERT|Error\b|error:/i.test(l));
  let end = lines.join(' | ');
  const keep = first ? Math.min(n, 200) : n;
  if (end.length > keep) end = '…' + end.slice(-keep);
  return first && !end.includes(first) ? `${first} … ${end}` : end;
}

/** Is the command runnable? Returns its first output line or null. */
export function probeCommand(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 5000 });
  if (r.error) return null;
  return ((r.stdout || '') + (r.stderr || '')).split('\n').find((l) => l.trim()) ?? '';
}
