/**
 * vrrp_script tracking: runs a check every `interval` (killed after `timeout`), counts `rise`
 * successes and `fall` failures before changing its verdict, and reports changes to the instances.
 * Besides shell scripts it offers built-in checks of the local portico (pid file, stats socket, HTTP).
 */
import { readFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { createConnection } from 'node:net';
import type { VrrpScript } from './config.js';
import { run, runShell } from './exec.js';

export type Logger = (message: string) => void;

export interface CheckOutcome {
  ok: boolean;
  detail: string;
}

/** Resolves a user name to uid/gid with `id`, so scripts can run unprivileged (`user`, `script_user`). */
export async function lookupUser(user: string): Promise<{ uid: number; gid: number } | undefined> {
  const [u, g] = await Promise.all([run('id', ['-u', user], { timeoutMs: 2000 }), run('id', ['-g', user], { timeoutMs: 2000 })]);
  if (u.code !== 0 || g.code !== 0) return undefined;
  return { uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()) };
}

function checkPidfile(path: string): CheckOutcome {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(path, 'utf8').trim().split(/\s+/)[0] ?? '', 10);
  } catch (e) {
    return { ok: false, detail: `cannot read pid file ${path}: ${(e as NodeJS.ErrnoException).code ?? e}` };
  }
  if (!Number.isInteger(pid) || pid <= 0) return { ok: false, detail: `no pid in ${path}` };
  try {
    process.kill(pid, 0);
    return { ok: true, detail: `process ${pid} is running` };
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    if ((e as NodeJS.ErrnoException).code === 'EPERM') return { ok: true, detail: `process ${pid} is running` };
    return { ok: false, detail: `process ${pid} from ${path} is not running` };
  }
}

function checkUnixSocket(path: string, timeoutMs: number): Promise<CheckOutcome> {
  return new Promise((resolve) => {
    const sock = createConnection(path);
    const timer = setTimeout(() => {
      sock.destroy();
      resolve({ ok: false, detail: `no answer from ${path} within ${timeoutMs} ms` });
    }, timeoutMs);
    sock.on('connect', () => {
      clearTimeout(timer);
      sock.destroy();
      resolve({ ok: true, detail: `${path} accepts connections` });
    });
    sock.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ ok: false, detail: `cannot connect to ${path}: ${e.code ?? e.message}` });
    });
  });
}

/** GET the URL on a fresh connection (no keep-alive pool: every check must really reach portico). */
function checkHttp(url: string, timeoutMs: number): Promise<CheckOutcome> {
  return new Promise((resolve) => {
    const get = url.startsWith('https:') ? httpsGet : httpGet;
    let done = false;
    const finish = (o: CheckOutcome): void => {
      if (!done) resolve(o);
      done = true;
    };
    try {
      const req = get(url, { agent: false, timeout: timeoutMs, headers: { 'user-agent': 'portico-vrrp-check' } }, (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        finish({ ok: status > 0 && status < 400, detail: `${url} answered ${status}` });
      });
      req.on('timeout', () => {
        req.destroy();
        finish({ ok: false, detail: `${url}: no answer within ${timeoutMs} ms` });
      });
      req.on('error', (e: NodeJS.ErrnoException) => finish({ ok: false, detail: `${url}: ${e.code ?? e.message}` }));
    } catch (e) {
      finish({ ok: false, detail: `${url}: ${(e as Error).message}` });
    }
  });
}

/** Runs one check of a vrrp_script. */
export async function runCheck(script: VrrpScript, as?: { uid: number; gid: number }): Promise<CheckOutcome> {
  if (script.builtin) {
    const { kind, target } = script.builtin;
    if (kind === 'pidfile') return checkPidfile(target);
    if (kind === 'unix_socket') return checkUnixSocket(target, script.timeoutMs);
    return checkHttp(target, script.timeoutMs);
  }
  const r = await runShell(script.script ?? 'false', [], { timeoutMs: script.timeoutMs, ...(as ?? {}) });
  if (r.spawnError !== undefined) return { ok: false, detail: `cannot run: ${r.spawnError}` };
  if (r.timedOut) return { ok: false, detail: `timed out after ${script.timeoutMs} ms` };
  if (r.code === 0) return { ok: true, detail: 'exited with status 0' };
  return { ok: false, detail: r.signal ? `killed by ${r.signal}` : `exited with status ${r.code}` };
}

/** One running vrrp_script with its rise/fall verdict. */
export class ScriptTracker {
  ok: boolean;
  private streak = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private readonly listeners: ((ok: boolean) => void)[] = [];

  constructor(
    readonly script: VrrpScript,
    private readonly log: Logger,
    private readonly as?: { uid: number; gid: number },
    /** Overridable for tests of the rise/fall counting. */
    private readonly check: (s: VrrpScript) => Promise<CheckOutcome> = (s) => runCheck(s, this.as),
  ) {
    this.ok = !script.initFail;
  }

  onChange(listener: (ok: boolean) => void): void {
    this.listeners.push(listener);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Feeds one result into the rise/fall counters; returns true when the verdict changed. */
  record(outcome: CheckOutcome): boolean {
    const name = this.script.name;
    if (outcome.ok === this.ok) {
      this.streak = 0;
      return false;
    }
    this.streak++;
    const needed = outcome.ok ? this.script.rise : this.script.fall;
    if (this.streak < needed) return false;
    this.streak = 0;
    this.ok = outcome.ok;
    this.log(`VRRP_Script(${name}) ${outcome.ok ? 'succeeded' : `failed (${outcome.detail})`}`);
    for (const l of this.listeners) l(this.ok);
    return true;
  }

  private schedule(delay: number): void {
    this.timer = setTimeout(async () => {
      const started = Date.now();
      const outcome = await this.check(this.script);
      if (this.stopped) return;
      this.record(outcome);
      this.schedule(Math.max(0, this.script.intervalMs - (Date.now() - started)));
    }, delay);
    this.timer.unref?.();
  }
}
