/**
 * Runs the master from the command line: starts it, writes the pid file (the master's pid, as
 * HAProxy), opens the master CLI (-S), tells systemd it is ready (-Ws), and maps the signals.
 */
import { spawn } from 'node:child_process';
import type { Config } from '../config/model.js';
import type { CliOptions } from '../cli.js';
import { Master } from './master.js';
import { startMasterCli } from './master-cli.js';
import { say } from './messages.js';
import { writePidfile } from './pidfile.js';
import { daemonReady, isDaemonChild } from './daemon.js';

/** sd_notify through systemd-notify(1): Node has no UNIX datagram sockets. Needs NotifyAccess=all. */
function notifySystemd(state: string): void {
  if (!process.env['NOTIFY_SOCKET']) return;
  const child = spawn('systemd-notify', [`--pid=${process.pid}`, state], { stdio: 'ignore' });
  child.on('error', () => say('warning', `systemd-notify not found: cannot send ${state} to systemd (use Type=simple or install systemd).`));
}

export async function runMaster(config: Config, o: CliOptions, files: string[]): Promise<number> {
  const systemd = process.argv.includes('-Ws');
  const master = new Master({
    files,
    workerStdio: isDaemonChild() ? 'ignore' : 'inherit',
    onLoaded: (_c, first) => {
      if (!first && systemd) notifySystemd('READY=1');
    },
  });
  // Signals that arrive while starting are answered once started.
  const early: NodeJS.Signals[] = [];
  let ready = false;
  const on = (sig: NodeJS.Signals, act: () => void) => process.on(sig, () => (ready ? act() : early.push(sig)));
  const handlers: [NodeJS.Signals, () => void][] = [
    ['SIGUSR2', () => reload()],
    ['SIGHUP', () => reload()],
    ['SIGUSR1', () => master.stop('SIGUSR1')],
    ['SIGTERM', () => master.stop('SIGTERM')],
    ['SIGINT', () => master.stop('SIGINT')],
    ['SIGTTOU', () => master.pause(false)],
    ['SIGTTIN', () => master.pause(true)],
  ];
  const reload = () => {
    if (systemd) notifySystemd('RELOADING=1');
    master.reload();
  };
  for (const [sig, act] of handlers) on(sig, act);

  // The master CLI opens first, as HAProxy's: it answers while the workers start.
  let closeCli: (() => void) | undefined;
  if (o.masterCli.length > 0) {
    const cli = await startMasterCli(master, o.masterCli);
    if ('error' in cli) {
      say('alert', cli.error);
      return 1;
    }
    closeCli = cli.close;
  }
  const code = await master.start(config);
  if (code !== 0) {
    closeCli?.();
    return code;
  }
  const pidfile = o.pidfile ?? config.global.pidfile;
  if (pidfile) {
    const err = writePidfile(pidfile);
    if (err) {
      say('alert', err);
      master.stop('SIGTERM');
      await master.done;
      return 1;
    }
  }
  for (const pid of [...o.softStopPids, ...o.hardStopPids]) {
    try {
      process.kill(pid, o.hardStopPids.includes(pid) ? 'SIGTERM' : 'SIGUSR1');
    } catch {
      /* already gone */
    }
  }
  if (systemd) notifySystemd('READY=1');
  if (isDaemonChild()) daemonReady();
  ready = true;
  for (const sig of early.splice(0)) handlers.find(([s]) => s === sig)?.[1]();

  const status = await master.done;
  closeCli?.();
  for (const [sig] of handlers) process.removeAllListeners(sig);
  setTimeout(() => process.exit(status), 20).unref();
  return status;
}
