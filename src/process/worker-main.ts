/** Entry point of a worker process, forked by the master (see master.ts and worker.ts). */
import { runWorker } from './worker.js';
import { formatMessage } from '../core/diag.js';

runWorker().catch((e: unknown) => {
  process.stderr.write(`${formatMessage('alert', `unexpected error in worker: ${(e as Error).stack ?? String(e)}`)}\n`);
  process.exit(1);
});
