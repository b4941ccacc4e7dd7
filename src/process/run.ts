/** Starts the proxy runtime from the command line. */
import type { Config } from '../config/model.js';
import type { CliOptions } from '../cli.js';
import { formatMessage } from '../core/diag.js';

export async function runFromCli(_config: Config, _o: CliOptions, _files: string[]): Promise<number> {
  process.stderr.write(`${formatMessage('alert', 'the proxy runtime is not available in this build yet; use -c to check a configuration')}\n`);
  return 1;
}
