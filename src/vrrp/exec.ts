/** Running child processes for the sidecar: iproute2, arping, vrrp_script and notify scripts. */
import { spawn } from 'node:child_process';

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Set when the program could not be started at all (ENOENT...). */
  spawnError?: string;
}

export interface RunOptions {
  timeoutMs?: number;
  uid?: number;
  gid?: number;
  env?: NodeJS.ProcessEnv;
}

/** Runs a program with arguments (no shell), collecting its output; never rejects. */
export function run(file: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let child;
    try {
      child = spawn(file, args, {
        stdio: ['ignore', 'pipe', 'pipe'],
        ...(opts.uid !== undefined ? { uid: opts.uid } : {}),
        ...(opts.gid !== undefined ? { gid: opts.gid } : {}),
        env: opts.env ?? process.env,
        // Its own process group, so that a timeout kills the script and whatever it started.
        detached: true,
      });
    } catch (e) {
      resolve({ code: null, signal: null, stdout, stderr, timedOut, spawnError: (e as Error).message });
      return;
    }
    const timer =
      opts.timeoutMs !== undefined
        ? setTimeout(() => {
            timedOut = true;
            try {
              process.kill(-child.pid!, 'SIGKILL');
            } catch {
              child.kill('SIGKILL');
            }
          }, opts.timeoutMs)
        : undefined;
    child.stdout!.on('data', (d: Buffer) => {
      if (stdout.length < 65536) stdout += d.toString();
    });
    child.stderr!.on('data', (d: Buffer) => {
      if (stderr.length < 65536) stderr += d.toString();
    });
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      resolve({ code: null, signal: null, stdout, stderr, timedOut, spawnError: e.message });
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

/** Runs a command line through /bin/sh, appending `args` as "$@" (how keepalived passes notify arguments). */
export function runShell(command: string, args: string[] = [], opts: RunOptions = {}): Promise<RunResult> {
  const script = args.length > 0 ? `${command} "$@"` : command;
  return run('/bin/sh', ['-c', script, 'sh', ...args], opts);
}
