// TLS pieces of the benchmark: the certificate both proxies serve (made with openssl at run time),
// the full-handshake client, and CPU time of a process tree (what a proxy spent per connection,
// independent of how much CPU the load generator took on the shared cores).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { start } from './proc.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** A self-signed RSA-2048 certificate and its key in one PEM file, as `bind ... ssl crt` loads it. */
export function makeBenchCert(dir) {
  const key = path.join(dir, 'bench.key');
  const crt = path.join(dir, 'bench.crt');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', crt, '-days', '2',
    '-subj', '/CN=bench.test', '-addext', 'subjectAltName=DNS:bench.test'], { stdio: 'pipe' });
  const pem = path.join(dir, 'bench.pem');
  fs.writeFileSync(pem, fs.readFileSync(crt, 'utf8') + fs.readFileSync(key, 'utf8'));
  return pem;
}

/**
 * `conns` loops of new TLS connections (full handshakes, one GET each, "Connection: close") for
 * `seconds`, in a separate Node process (bench/servers/handshake-client.mjs). Bounded in time.
 */
export async function runHandshakeClient({ port, seconds, conns }) {
  const args = [path.join(HERE, '..', 'servers', 'handshake-client.mjs'), String(port), String(conns), String(seconds)];
  const child = start('handshake-client', process.execPath, args);
  const limitMs = (seconds + 15) * 1000;
  const res = await Promise.race([child.exited, sleep(limitMs).then(() => null)]);
  if (res === null) {
    child.kill('SIGKILL');
    await child.exited;
    throw new Error(`handshake client did not finish within ${limitMs / 1000} s`);
  }
  if (res.error || res.code !== 0) throw new Error(`handshake client failed (${res.error?.message ?? 'exit ' + res.code}): ${child.output.trim().slice(-400)}`);
  const line = child.output.trim().split('\n').pop();
  let r;
  try {
    r = JSON.parse(line);
  } catch {
    throw new Error(`could not parse the handshake client's output: ${child.output.slice(-400)}`);
  }
  const warnings = [];
  if (r.errors > 0) warnings.push(`${r.errors} failed connections (first: ${r.firstError})`);
  if (r.resumed > 0) warnings.push(`${r.resumed} resumed sessions`);
  return { ...r, warnings, command: `node bench/servers/handshake-client.mjs PORT ${conns} ${seconds}` };
}

let clockTicks;
/** Clock ticks per second for /proc/<pid>/stat times (getconf CLK_TCK, 100 on Linux). */
function ticksPerSecond() {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** utime + stime (s) and ppid of one process, or null when it is gone / not Linux. */
function procTimes(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces: fields are counted after its ')'.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(f[1]), cpu: (Number(f[11]) + Number(f[12])) / ticksPerSecond() };
  } catch {
    return null;
  }
}

/** CPU seconds used so far by `pid` and its descendants (a master and its workers), or null. */
export function treeCpuSeconds(pid) {
  if (!pid || !procTimes(pid)) return null;
  const all = new Map();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const t = procTimes(Number(name));
    if (t) all.set(Number(name), t);
  }
  let total = 0;
  const queue = [pid];
  const seen = new Set();
  while (queue.length) {
    const p = queue.pop();
    if (seen.has(p)) continue;
    seen.add(p);
    total += all.get(p)?.cpu ?? 0;
    for (const [child, t] of all) if (t.ppid === p) queue.push(child);
  }
  return total;
}
