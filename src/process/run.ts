/**
 * Running portico from the command line: start the runtime, write the pid file, and answer
 * HAProxy's signals (SIGUSR1 soft stop, SIGTERM/SIGINT hard stop, SIGTTOU/SIGTTIN pause and
 * resume of the listeners).
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import type { Config } from '../config/model.js';
import type { CliOptions } from '../cli.js';
import { formatMessage } from '../core/diag.js';
import { Runtime } from '../runtime/runtime.js';
import { ResolveError } from '../runtime/resolve.js';
import type { CompiledRules } from '../rules/index.js';

function say(level: 'notice' | 'warning' | 'alert', message: string): void {
  process.stderr.write(`${formatMessage(level, message)}\n`);
}

export async function runFromCli(config: Config, o: CliOptions, _files: string[], rules?: CompiledRules): Promise<number> {
  const daemon = o.daemon || (config.global.daemon && !o.foreground);
  if (daemon && process.env['PORTICO_DAEMON_CHILD'] !== '1') {
    // Detach: the child runs in the foreground of its own session; the parent exits at once.
    const args = process.argv.slice(1).filter((a) => a !== '-D');
    const child = spawn(process.execPath, [...process.execArgv, ...args, '-db'], {
      detached: true,
      stdio: 'ignore',
      env: { ...process.env, PORTICO_DAEMON_CHILD: '1' },
    });
    child.unref();
    return 0;
  }

  const runtime = new Runtime(config, { log: (level, message) => say(level, message) }, rules);
  let failures;
  try {
    failures = await runtime.start();
  } catch (e) {
    if (e instanceof ResolveError) {
      for (const line of e.message.split('\n')) say('alert', `config : ${line}`);
      say('alert', 'config : Failed to initialize server(s) addr.');
      return 1;
    }
    throw e;
  }
  if (failures.length > 0) {
    for (const f of failures) {
      say('alert', `Binding [${f.bind.where.file}:${f.bind.where.line}] for ${f.proxy.kind === 'listen' ? 'proxy' : f.proxy.kind} ${f.proxy.name}: cannot bind socket (${f.reason}) for [${f.label}]`);
    }
    say('alert', '[portico.main()] Some protocols failed to start their listeners! Exiting.');
    return 1;
  }

  const pidfile = o.pidfile ?? config.global.pidfile;
  if (pidfile) {
    try {
      writeFileSync(pidfile, `${process.pid}\n`);
    } catch (e) {
      say('alert', `[portico.main()] Cannot create pidfile ${pidfile} : ${(e as Error).message}`);
      await runtime.stop(true);
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

  return new Promise<number>((resolve) => {
    let exiting = false;
    const exit = (code: number) => {
      if (exiting) return;
      exiting = true;
      resolve(code);
      // Give stdio a moment to flush, then leave even if sockets linger.
      setTimeout(() => process.exit(code), 10).unref();
    };
    const hardStop = async () => {
      await runtime.stop(true);
      exit(0);
    };
    process.on('SIGTERM', hardStop);
    process.on('SIGINT', hardStop);
    process.on('SIGUSR1', async () => {
      say('notice', `Proxies stopping (soft stop): ${runtime.activeConnections} connection(s) left to finish.`);
      await runtime.stop(false);
      const limit = config.global.hardStopAfter;
      if (limit) setTimeout(hardStop, limit).unref();
      const poll = setInterval(() => {
        if (runtime.activeConnections === 0) {
          clearInterval(poll);
          exit(0);
        }
      }, 50);
    });
    process.on('SIGTTOU', () => {
      for (const l of runtime.listeners) l.server.close();
      say('notice', 'Pausing listeners (SIGTTOU).');
    });
    process.on('SIGTTIN', () => {
      say('notice', 'Resuming listeners (SIGTTIN).');
      void runtime.start();
    });
  });
}
