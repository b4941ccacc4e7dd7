// Runs wrk and parses its summary.
import { start } from './proc.mjs';
import { setTimeout as sleep } from 'node:timers/promises';

const UNITS = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

export function parseWrk(out) {
  const num = (re) => {
    const m = out.match(re);
    return m ? Number(m[1]) : undefined;
  };
  const r = {
    requestsPerSec: num(/Requests\/sec:\s+([\d.]+)/),
    requests: num(/(\d+) requests in/),
    non2xx3xx: num(/Non-2xx or 3xx responses:\s+(\d+)/) ?? 0,
  };
  const t = out.match(/Transfer\/sec:\s+([\d.]+)\s*([KMGT]?B)/);
  if (t) r.bytesPerSec = Number(t[1]) * UNITS[t[2]];
  const lat = out.match(/Latency\s+([\d.]+)(us|ms|s)\b/);
  if (lat) r.latencyAvgMs = Number(lat[1]) * { us: 0.001, ms: 1, s: 1000 }[lat[2]];
  const se = out.match(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/);
  r.socketErrors = se
    ? { connect: +se[1], read: +se[2], write: +se[3], timeout: +se[4] }
    : { connect: 0, read: 0, write: 0, timeout: 0 };
  return r;
}

/**
 * wrk -t{threads} -c{conns} -d{seconds}s [--latency] [-H header] url, on CPU `cpu` when given.
 * Bounded: killed if it runs more than seconds + 15 s.
 */
export async function runWrk({ url, seconds, threads = 1, conns = 50, headers = [], timeoutSec = 5, cpu }) {
  const args = [`-t${threads}`, `-c${conns}`, `-d${seconds}s`, `--timeout`, `${timeoutSec}s`];
  for (const h of headers) args.push('-H', h);
  args.push(url);
  // `cpu`: wrk bound to that CPU (BENCH_PIN).
  const child = cpu === undefined ? start('wrk', 'wrk', args) : start('wrk', 'taskset', ['-c', String(cpu), 'wrk', ...args]);
  const limitMs = (seconds + 15) * 1000;
  const res = await Promise.race([child.exited, sleep(limitMs).then(() => null)]);
  if (res === null) {
    child.kill('SIGKILL');
    await child.exited;
    throw new Error(`wrk did not finish within ${limitMs / 1000} s`);
  }
  if (res.error || res.code !== 0) {
    throw new Error(`wrk failed (${res.error?.message ?? 'exit ' + res.code}): ${child.output.trim().slice(-400)}`);
  }
  const parsed = parseWrk(child.output);
  parsed.command = ['wrk', ...args].join(' ');
  parsed.raw = child.output;
  if (parsed.requestsPerSec === undefined) throw new Error(`could not parse wrk output: ${child.output.slice(-400)}`);
  return parsed;
}
