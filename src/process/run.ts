/**
 * Running portico from the command line, once the configuration is loaded and valid: in the
 * background (-D / `daemon`, unless -d/-db), as a master with workers (-W / -Ws /
 * `master-worker`), or as a single process. See docs/processes.md.
 */
import type { Config } from '../config/model.js';
import type { CliOptions } from '../cli.js';
import type { CompiledRules } from '../rules/index.js';
import { daemonize, isDaemonChild, relayToParent } from './daemon.js';
import { useStructuredMessages } from './messages.js';
import { createProcessLogger } from './logger.js';

export async function runFromCli(config: Config, o: CliOptions, files: string[], rules?: CompiledRules): Promise<number> {
  const daemon = (o.daemon || config.global.daemon) && !o.foreground;
  if (daemon && !isDaemonChild()) return daemonize();
  if (isDaemonChild()) relayToParent();
  // Without -d/-db, a single process writes its own messages as JSON lines (pino) for log
  // collectors; in the foreground, and in master-worker mode (whose "Reloading HAProxy" /
  // "Loading success." lines supervisors and scripts watch), they are HAProxy's text.
  const masterWorker = o.masterWorker || config.global.masterWorker;
  if (!o.foreground && !daemon && !masterWorker) useStructuredMessages(createProcessLogger({ foreground: false }).log);
  if (masterWorker) {
    const { runMaster } = await import('./master-run.js');
    return runMaster(config, o, files);
  }
  const { runStandalone } = await import('./standalone.js');
  return runStandalone(config, o, rules);
}
