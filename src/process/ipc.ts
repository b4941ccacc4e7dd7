/**
 * Messages between the master and its workers over the IPC channel of child_process.fork.
 * Listening handles travel as the second argument of send() next to a `handle` message.
 */

/** Master to worker. */
export type ToWorker =
  /** Start: load these files, be worker number `relPid` (1-based) of generation `gen`. */
  | { t: 'init'; files: string[]; relPid: number; gen: number; masterPid: number }
  /** The listening handle for `key` (sent with the handle), or why there is none. */
  | { t: 'handle'; key: string; error?: string }
  /** Finish in-flight work and exit 0 (reload, or SIGUSR1 to the master). */
  | { t: 'soft-stop' }
  /** SIGTTOU / SIGTTIN relayed by the master. */
  | { t: 'pause' }
  | { t: 'resume' }
  /** A master CLI command routed to this worker (`@1 show info`). */
  | { t: 'cli'; id: number; line: string };

/** Worker to master. */
export type FromWorker =
  | { t: 'get-handle'; key: string }
  /** Listening on every address, serving. */
  | { t: 'ready' }
  /** Could not start; `lines` say why (HAProxy-formatted). */
  | { t: 'failed'; lines: string[] }
  | { t: 'cli-reply'; id: number; text: string };

export function isMessage(m: unknown): m is { t: string } {
  return typeof m === 'object' && m !== null && typeof (m as { t?: unknown }).t === 'string';
}
