/**
 * The single-process mode (no -W): this process binds, serves and answers HAProxy's signals:
 * SIGUSR1 soft stop (exit 0 once every connection is done, or at hard-stop-after), SIGTERM and
 * SIGINT hard stop (the process then dies of the signal, status 143 / 130 as HAProxy's),
 * SIGTTOU / SIGTTIN pause and resume (the ports are released while paused, so that a new process
 * started with -sf can bind them).
 */
import type { Config } from '../config/model.js';
import type { CliOptions } from '../cli.js';
import type { CompiledRules } from '../rules/index.js';
import { Runtime } from '../runtime/runtime.js';
import { ResolveError } from '../runtime/resolve.js';
import { pauseListener, resumeListener } from '../runtime/listeners.js';
import { Drainer } from './drain.js';
import { say } from './messages.js';
import { bindFailureLines, certFailureLines, proxyStoppedMessages } from './report.js';
import { CertError } from '../tls/certs.js';
import { writePidfile } from './pidfile.js';
import { takeOver } from './handover.js';
import { checkLimits } from './limits.js';
import { chrootWarning, dropPrivileges, resolveIdentity } from './privileges.js';
import { daemonReady, isDaemonChild } from './daemon.js';

export async function runStandalone(config: Config, o: CliOptions, rules?: CompiledRules): Promise<number> {
  const chroot = chrootWarning(config.global);
  if (chroot) say('warning', chroot);
  for (const c of checkLimits(config)) {
    say(c.level, c.message);
    if (c.fatal) return 1;
  }
  const id = resolveIdentity(config.global);
  if ('error' in id) {
    say('alert', `config : ${id.error}`);
    return 1;
  }

  const runtime = new Runtime(config, { log: (level, message) => say(level, message) }, rules);
  const drainer = new Drainer(runtime);
  // The ports accept connections before the handlers at the end are in place, and signals can
  // come as soon as they do: SIGTTOU's and SIGTTIN's default action would stop the process and
  // SIGUSR1's kill it. They are held until then, and sent again.
  const held: NodeJS.Signals[] = [];
  const holders = (['SIGUSR1', 'SIGTTOU', 'SIGTTIN'] as const).map((sig) => [sig, () => void held.push(sig)] as const);
  for (const [sig, h] of holders) process.on(sig, h);
  let failures;
  try {
    failures = await takeOver(() => runtime.start(), o.softStopPids, o.hardStopPids);
  } catch (e) {
    if (e instanceof ResolveError) {
      for (const line of e.message.split('\n')) say('alert', `config : ${line}`);
      say('alert', 'config : Failed to initialize server(s) addr.');
      return 1;
    }
    // A certificate file changed between the check of the command line and now.
    if (e instanceof CertError) {
      for (const line of certFailureLines(e)) say('alert', line);
      return 1;
    }
    throw e;
  }
  if (failures.length > 0) {
    for (const l of bindFailureLines(failures)) say('alert', l);
    return 1;
  }
  const pidfile = o.pidfile ?? config.global.pidfile;
  if (pidfile) {
    const err = writePidfile(pidfile);
    if (err) {
      say('alert', err);
      await runtime.stop(true);
      return 1;
    }
  }
  const dropped = dropPrivileges(id.ok);
  if (dropped) {
    say('alert', dropped);
    await runtime.stop(true);
    return 1;
  }
  let stopApi: (() => Promise<void>) | undefined;
  if (config.global.statsSockets.length > 0) {
    try {
      const api = await import('../cli-api/index.js');
      stopApi = await api.startRuntimeApi(runtime, (level, message) => say(level, message));
    } catch {
      await runtime.stop(true);
      return 1;
    }
  }
  if (isDaemonChild()) daemonReady();

  return new Promise<number>((resolve) => {
    let stopping = false;
    // Paused, the process has no open handle left: this keeps it alive until it exits.
    const alive = setInterval(() => {}, 1 << 30);
    const exit = (code: number) => {
      clearInterval(alive);
      resolve(code);
      setTimeout(() => process.exit(code), 10).unref();
    };
    const hardStop = (sig: 'SIGTERM' | 'SIGINT') => async () => {
      await stopApi?.();
      await runtime.stop(true);
      // Die of the signal, as HAProxy does (the shell sees 128 + signal).
      process.removeAllListeners(sig);
      process.kill(process.pid, sig);
    };
    process.on('SIGTERM', hardStop('SIGTERM'));
    process.on('SIGINT', hardStop('SIGINT'));
    process.on('SIGUSR1', async () => {
      if (stopping) return;
      stopping = true;
      await stopApi?.();
      for (const line of proxyStoppedMessages(runtime)) say('warning', line);
      await drainer.drain(config.global.hardStopAfter, () => say('warning', 'soft-stop running for too long, performing a hard-stop.'));
      exit(0);
    });
    const label = (kind: string) => (kind === 'frontend' ? 'frontend' : 'proxy');
    const withListeners = () => runtime.frontends.filter((fe) => runtime.listeners.some((l) => l.proxy === fe.config));
    process.on('SIGTTOU', async () => {
      if (stopping) return;
      for (const l of runtime.listeners) await pauseListener(l);
      for (const fe of withListeners()) say('warning', `Paused ${label(fe.config.kind)} ${fe.name}.`);
    });
    process.on('SIGTTIN', async () => {
      if (stopping) return;
      for (const l of runtime.listeners) {
        const err = await resumeListener(l);
        if (err) say('alert', `Failed to resume ${l.proxy.name} on [${l.label}]: ${err}`);
      }
      for (const fe of withListeners()) say('warning', `Resumed ${label(fe.config.kind)} ${fe.name}.`);
    });
    // Dropped only now that the handlers above are in place: there is no moment without one.
    for (const [sig, h] of holders) process.off(sig, h);
    for (const sig of held) process.kill(process.pid, sig);
  });
}
