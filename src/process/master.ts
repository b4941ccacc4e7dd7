/**
 * The master of the master-worker mode (-W, -Ws, `master-worker`). It parses the configuration,
 * binds every listener (SocketSet) and forks `nbthread` workers that listen on those sockets.
 * It never accepts a connection itself. It:
 *  - reloads on SIGUSR2 / SIGHUP (and the master CLI's `reload`): a configuration with errors is
 *    refused ("Loading failure!") and the workers in place keep serving; otherwise new workers
 *    start on the same sockets (new binds opened, removed ones closed) and, once all are ready,
 *    the former workers finish what they are doing and exit;
 *  - replaces a worker that dies unexpectedly, without closing the listeners (HAProxy's master
 *    would exit instead, see docs/processes.md);
 *  - relays SIGUSR1 (soft stop), SIGTERM/SIGINT (hard stop), SIGTTOU/SIGTTIN (pause/resume);
 *  - hands a certificate committed in one worker (`commit ssl cert`) to the others (worker-certs.ts);
 *  - exits once the last worker has gone, with HAProxy's messages and status.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Server } from 'node:net';
import type { Config } from '../config/model.js';
import { loadConfig } from '../config/load.js';
import { checkCertificates } from '../tls/load-tls.js';
import { SocketSet } from './sockets.js';
import { isMessage, type CommittedCert, type FromWorker, type ToWorker } from './ipc.js';
import { exitStatus, say, sayDiagnostics } from './messages.js';
import { bindFailureLines } from './report.js';
import { checkLimits } from './limits.js';
import { chrootWarning, resolveIdentity } from './privileges.js';

const WORKER_MAIN = fileURLToPath(new URL('./worker-main.js', import.meta.url));
/** A generation that is not ready by then is a failed start or reload. */
const START_TIMEOUT_MS = 30_000;

export interface WorkerInfo {
  pid: number;
  relPid: number;
  gen: number;
  startedAt: number;
  /** Reloads this worker has lived through (HAProxy's `show proc` column). */
  reloads: number;
  state: 'starting' | 'current' | 'leaving';
}

interface Worker extends WorkerInfo {
  child: ChildProcess;
  ready: Promise<string[] | undefined>;
  /** Forked to replace a worker that died. */
  replacement: boolean;
  /** Killed because its generation failed to start: its exit is not reported. */
  discarded?: boolean;
}

export interface MasterOptions {
  files: string[];
  /** Called with each configuration that went live (pidfile, systemd notification...). */
  onLoaded?: (config: Config, first: boolean) => void;
  /** Output of each worker is inherited unless this says otherwise (daemon). */
  workerStdio?: 'inherit' | 'ignore';
}

export class Master {
  readonly startedAt = Date.now();
  readonly sockets = new SocketSet();
  private readonly workers = new Set<Worker>();
  private gen = 0;
  reloads = 0;
  failedReloads = 0;
  private config: Config | undefined;
  private reloading: Promise<void> | undefined;
  private reloadAgain = false;
  private exiting = false;
  private exitCode = 0;
  private crashes: number[] = [];
  private spares: ChildProcess[] = [];
  private cliSeq = 0;
  private readonly cliWaiting = new Map<number, (text: string) => void>();
  /** Certificates committed at run time, per generation and file (see worker-certs.ts). */
  private readonly committed = new Map<number, Map<string, CommittedCert>>();
  private certSeq = 0;
  private readonly certWaiting = new Map<number, (error: string | undefined) => void>();
  private resolveDone!: (code: number) => void;
  /** Resolves with the master's exit status once every worker has exited. */
  readonly done = new Promise<number>((r) => (this.resolveDone = r));

  constructor(private readonly o: MasterOptions) {}

  /** Workers alive, oldest first. */
  get list(): WorkerInfo[] {
    return [...this.workers].map(({ pid, relPid, gen, startedAt, reloads, state }) => ({ pid, relPid, gen, startedAt, reloads, state }));
  }

  /** First start with an already checked configuration. Returns 0, or the exit status on failure. */
  async start(config: Config): Promise<number> {
    const problems = this.preflight(config);
    if (problems) {
      for (const p of problems) say('alert', p);
      return 1;
    }
    const bound = await this.sockets.update(config.proxies);
    if (bound.failures.length > 0) {
      for (const l of bindFailureLines(bound.failures)) say('alert', l);
      return 1;
    }
    const failed = await this.launch(config);
    if (failed) {
      for (const l of failed) say('alert', l);
      this.sockets.closeAll();
      return 1;
    }
    this.config = config;
    say('notice', 'Loading success.');
    this.o.onLoaded?.(config, true);
    return 0;
  }

  /** Checks done before anything is bound; returns fatal messages. */
  private preflight(config: Config): string[] | undefined {
    const fatal: string[] = [];
    const chroot = chrootWarning(config.global);
    if (chroot) say('warning', chroot);
    for (const c of checkLimits(config)) {
      if (c.fatal) fatal.push(c.message);
      else say(c.level, c.message);
    }
    const id = resolveIdentity(config.global);
    if ('error' in id) fatal.push(`config : ${id.error}`);
    return fatal.length ? fatal : undefined;
  }

  /** SIGUSR2, SIGHUP, master CLI `reload`. Reloads requested meanwhile are merged into one more. */
  reload(): void {
    if (this.exiting) return;
    if (this.reloading) {
      this.reloadAgain = true;
      return;
    }
    this.reloading = this.doReload().finally(() => {
      this.reloading = undefined;
      if (this.reloadAgain) {
        this.reloadAgain = false;
        this.reload();
      }
    });
  }

  /** Resolves when no reload is running. */
  async settled(): Promise<void> {
    while (this.reloading) await this.reloading;
  }

  private async doReload(): Promise<void> {
    say('notice', 'Reloading HAProxy');
    const failure = (lines: string[]) => {
      for (const l of lines) say('alert', l);
      say('warning', 'Loading failure!');
      this.failedReloads++;
    };
    const { config, diags, ok: parsedOk } = loadConfig(this.o.files);
    // The master checks the certificates as `portico -c` does, before any worker starts on them.
    const certProblems = checkCertificates(config);
    for (const d of certProblems) diags.add(d);
    const ok = parsedOk && certProblems.length === 0;
    sayDiagnostics(diags.list);
    if (!ok) {
      const parseFailed = diags.list.some((d) => d.level === 'alert' && d.file !== undefined);
      return failure([
        ...(parseFailed ? [`config : Error(s) found in configuration file : ${this.o.files.join(', ')}`] : []),
        'config : Fatal errors found in configuration.',
      ]);
    }
    const problems = this.preflight(config);
    if (problems) return failure(problems);
    const bound = await this.sockets.update(config.proxies);
    if (bound.failures.length > 0) return failure(bindFailureLines(bound.failures));
    const old = [...this.workers].filter((w) => w.state !== 'leaving');
    const failed = await this.launch(config);
    if (failed) {
      // Close what this configuration bound and the former one does not use.
      if (this.config) this.sockets.retain((await this.sockets.update(this.config.proxies)).keys);
      return failure(failed);
    }
    this.config = config;
    this.reloads++;
    // The new generation read the files from disk: earlier commits are not its own.
    for (const g of [...this.committed.keys()]) if (g !== this.gen) this.committed.delete(g);
    say('notice', 'Loading success.');
    for (const w of this.workers) if (w.state === 'leaving') w.reloads++;
    for (const w of old) {
      w.state = 'leaving';
      w.reloads++;
      this.tell(w, { t: 'soft-stop' });
    }
    this.sockets.retain(bound.keys);
    this.o.onLoaded?.(config, false);
  }

  /** Forks a generation of nbthread workers; resolves with failure lines, or undefined once all serve. */
  private async launch(config: Config): Promise<string[] | undefined> {
    const gen = ++this.gen;
    const n = Math.max(1, config.global.nbthread ?? 1);
    const fresh: Worker[] = [];
    for (let rel = 1; rel <= n; rel++) fresh.push(this.fork(gen, rel));
    const results = await Promise.all(fresh.map((w) => w.ready));
    const failed = results.find((r) => r !== undefined);
    if (failed) {
      for (const w of fresh) {
        w.state = 'leaving';
        w.discarded = true;
        w.child.kill('SIGKILL');
      }
      return failed;
    }
    for (const w of fresh) w.state = 'current';
    this.refill(n);
    return undefined;
  }

  /** Starts a worker process that loads its modules and waits for `init`. */
  private spawn(): ChildProcess {
    const stdio = this.o.workerStdio ?? 'inherit';
    const child = fork(WORKER_MAIN, [], {
      stdio: ['ignore', stdio, stdio, 'ipc'],
      env: { ...process.env, PORTICO_WORKER: '1' },
    });
    child.on('error', () => {});
    return child;
  }

  /**
   * A spare process if one is ready, else a new one. Spares make a reload take the time of a
   * configuration load rather than that of a Node start (a few hundred ms on a busy machine).
   */
  private take(): ChildProcess {
    for (let c = this.spares.shift(); c; c = this.spares.shift()) {
      if (c.connected && c.exitCode === null && c.signalCode === null) return c;
    }
    return this.spawn();
  }

  /** Keeps `n` spares waiting (after the current start has settled). */
  private refill(n: number): void {
    setTimeout(() => {
      while (!this.exiting && this.spares.length < n) {
        const c = this.spawn();
        c.once('exit', () => (this.spares = this.spares.filter((x) => x !== c)));
        this.spares.push(c);
      }
    }, 0);
  }

  private fork(gen: number, relPid: number, replacement = false): Worker {
    const child = this.take();
    let settle!: (r: string[] | undefined) => void;
    const ready = new Promise<string[] | undefined>((r) => (settle = r));
    const w: Worker = { child, pid: child.pid ?? 0, relPid, gen, startedAt: Date.now(), reloads: 0, state: 'starting', ready, replacement };
    this.workers.add(w);
    say('notice', `New worker (${w.pid}) forked`);
    const timer = setTimeout(() => settle([`worker (${w.pid}) did not start within ${START_TIMEOUT_MS / 1000} s`]), START_TIMEOUT_MS);
    ready.finally(() => clearTimeout(timer));
    child.on('message', (m: unknown) => {
      if (!isMessage(m)) return;
      const msg = m as FromWorker;
      if (msg.t === 'get-handle') {
        const s = this.sockets.get(msg.key);
        if (s) this.tell(w, { t: 'handle', key: msg.key }, s.handle);
        else this.tell(w, { t: 'handle', key: msg.key, error: `the master has no socket for ${msg.key}` });
      } else if (msg.t === 'ready') settle(undefined);
      else if (msg.t === 'failed') settle(msg.lines);
      else if (msg.t === 'cli-reply') {
        this.cliWaiting.get(msg.id)?.(msg.text);
        this.cliWaiting.delete(msg.id);
      } else if (msg.t === 'cert-commit') void this.spreadCert(w, msg.id, msg.cert);
      else if (msg.t === 'cert-applied') {
        this.certWaiting.get(msg.id)?.(msg.error);
        this.certWaiting.delete(msg.id);
      }
    });
    child.on('exit', (code, signal) => {
      settle([`worker (${w.pid}) exited during start-up with code ${exitStatus(code, signal).status}`]);
      this.onExit(w, code, signal);
    });
    const certs = [...(this.committed.get(gen)?.values() ?? [])];
    this.tell(w, { t: 'init', files: this.o.files, relPid, gen, masterPid: process.pid, ...(certs.length ? { certs } : {}) });
    return w;
  }

  private tell(w: Worker, m: ToWorker, handle?: unknown): void {
    if (!w.child.connected) return;
    try {
      if (handle) w.child.send(m, handle as Server);
      else w.child.send(m);
    } catch {
      /* the worker is going away; its exit is handled */
    }
  }

  private onExit(w: Worker, code: number | null, signal: NodeJS.Signals | null): void {
    this.workers.delete(w);
    const { status, text } = exitStatus(code, signal);
    const crashed = !this.exiting && (w.state === 'current' || (w.state === 'starting' && w.replacement));
    if (w.state === 'leaving') {
      if (!w.discarded) say('warning', `Former worker (${w.pid}) exited with code ${status} (${text})`);
    } else if (this.exiting || crashed) {
      say(status < 128 ? 'warning' : 'alert', `Current worker (${w.pid}) exited with code ${status} (${text})`);
      if (this.exiting && status !== 0 && status !== 130 && status !== 143) this.exitCode = status;
    }
    if (crashed) this.replace(w);
    if (this.exiting && this.workers.size === 0) {
      say('warning', `All workers exited. Exiting... (${this.exitCode})`);
      this.sockets.closeAll();
      this.resolveDone(this.exitCode);
    }
  }

  /** A current worker died: fork its successor at once (slower when it keeps dying). */
  private replace(dead: Worker): void {
    const now = Date.now();
    this.crashes = this.crashes.filter((t) => now - t < 10_000);
    this.crashes.push(now);
    const delay = this.crashes.length > 5 ? 1000 : 0;
    setTimeout(() => {
      if (this.exiting) return;
      const w = this.fork(dead.gen, dead.relPid, true);
      void w.ready.then((failed) => {
        if (!failed) {
          if (w.state === 'starting') w.state = 'current';
        } else for (const l of failed) say('alert', l);
      });
    }, delay);
  }

  /** SIGUSR1 (soft) or SIGTERM/SIGINT (hard): stop every worker, then exit. */
  stop(signal: 'SIGUSR1' | 'SIGTERM' | 'SIGINT'): void {
    if (this.exiting) {
      if (signal === 'SIGUSR1') return;
    } else say('warning', 'Exiting Master process...');
    this.exiting = true;
    for (const c of this.spares.splice(0)) c.kill('SIGTERM');
    // The workers close their copies too: from now on the ports refuse connections.
    this.sockets.closeAll();
    if (this.workers.size === 0) {
      say('warning', `All workers exited. Exiting... (${this.exitCode})`);
      this.sockets.closeAll();
      this.resolveDone(this.exitCode);
      return;
    }
    for (const w of this.workers) {
      if (signal === 'SIGUSR1') this.tell(w, { t: 'soft-stop' });
      else w.child.kill(signal);
    }
  }

  /** SIGTTOU / SIGTTIN: the current workers stop or start accepting; the sockets stay open. */
  pause(resume: boolean): void {
    for (const w of this.workers) if (w.state === 'current') this.tell(w, { t: resume ? 'resume' : 'pause' });
  }

  /**
   * A worker committed a certificate: every other worker of its generation serves it too (those
   * starting get it once started), and the generation remembers it for the workers that replace
   * a dead one. Answers the committing worker with what failed.
   */
  private async spreadCert(from: Worker, id: number, cert: CommittedCert): Promise<void> {
    let files = this.committed.get(from.gen);
    if (!files) this.committed.set(from.gen, (files = new Map()));
    files.set(cert.file, cert);
    const peers = [...this.workers].filter((w) => w !== from && w.gen === from.gen && w.state !== 'leaving');
    const failures = (await Promise.all(peers.map((w) => this.applyCert(w, cert)))).filter((f): f is string => f !== undefined);
    this.tell(from, { t: 'cert-spread', id, failures });
  }

  /** Sends a committed certificate to one worker; resolves with a failure line, or undefined once applied. */
  private applyCert(w: Worker, cert: CommittedCert): Promise<string | undefined> {
    const id = ++this.certSeq;
    const who = `worker ${w.relPid} (pid ${w.pid})`;
    return new Promise((resolve) => {
      const done = (r: string | undefined) => {
        clearTimeout(timer);
        w.child.off('exit', gone);
        this.certWaiting.delete(id);
        resolve(r);
      };
      const gone = () => done(`${who} exited before serving it`);
      const timer = setTimeout(() => done(`${who} did not confirm within 10 s`), 10_000);
      w.child.once('exit', gone);
      this.certWaiting.set(id, (error) => done(error ? `${who}: ${error}` : undefined));
      this.tell(w, { t: 'cert-apply', id, cert });
    });
  }

  /** Runs a Runtime API line (with its payload, if any) on a worker (master CLI routing); '' if it cannot answer. */
  ask(pid: number, line: string, payload?: string): Promise<string> {
    const w = [...this.workers].find((x) => x.pid === pid);
    if (!w || !w.child.connected) return Promise.resolve('');
    const id = ++this.cliSeq;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.cliWaiting.delete(id);
        resolve('');
      }, 10_000);
      this.cliWaiting.set(id, (text) => {
        clearTimeout(timer);
        resolve(text);
      });
      this.tell(w, { t: 'cli', id, line, ...(payload !== undefined ? { payload } : {}) });
    });
  }
}

