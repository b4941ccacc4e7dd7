/** Helpers for the process tests: a master-worker portico, its workers, waiting for log lines. */
import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { CLI, sleep } from '../harness.js';

/** Pids of the direct children of `pid` (the workers of a master, and its spares). */
export function childrenOf(pid: number): number[] {
  const r = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' });
  return r.stdout
    .split('\n')
    .map((s) => Number(s.trim()))
    .filter((n) => n > 0);
}

/** Waits (bounded) until `lines` has a line matching `re`, counting from index `from`. */
export async function waitForLine(lines: string[], re: RegExp, ms = 10_000, from = 0): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const hit = lines.slice(from).find((l) => re.test(l));
    if (hit) return hit;
    if (Date.now() > deadline) throw new Error(`no line matching ${re} within ${ms} ms:\n${lines.join('\n')}`);
    await sleep(20);
  }
}

export function countLines(lines: string[], re: RegExp): number {
  return lines.filter((l) => re.test(l)).length;
}

/** Connects to the port: 'refused', 'open' (TCP handshake done), or 'timeout'. */
export function probe(port: number, ms = 1000): Promise<'refused' | 'open' | 'timeout'> {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    const t = setTimeout(() => {
      s.destroy();
      resolve('timeout');
    }, ms);
    s.once('connect', () => {
      clearTimeout(t);
      s.destroy();
      resolve('open');
    });
    s.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(t);
      resolve(e.code === 'ECONNREFUSED' ? 'refused' : 'timeout');
    });
  });
}

/** Sends raw text on a master CLI socket (payloads, several lines); resolves with all it answers until it closes. */
export function masterRaw(path: string, text: string, ms = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const s = connect({ path });
    const t = setTimeout(() => {
      s.destroy();
      resolve(out);
    }, ms);
    s.setEncoding('utf8');
    s.on('data', (d: string) => (out += d));
    s.on('error', (e) => {
      clearTimeout(t);
      reject(e);
    });
    s.on('close', () => {
      clearTimeout(t);
      resolve(out);
    });
    s.end(text);
  });
}

/** A master CLI command over its UNIX socket; resolves with the whole answer. */
export function masterCli(path: string, line: string, ms = 5000): Promise<string> {
  return masterRaw(path, `${line}\n`, ms);
}

/**
 * The command that runs portico for these tests: dist/cli.js, or PORTICO_CLI (a build of its own,
 * e.g. `npx tsc -p . --outDir /tmp/pdist`, when dist/ is being rebuilt by someone else).
 */
export function porticoCmd(...args: string[]): { bin: string; args: string[] } {
  return { bin: process.execPath, args: [process.env['PORTICO_CLI'] ?? CLI, ...args] };
}
