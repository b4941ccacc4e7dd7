/**
 * Messages between the master and its workers over the IPC channel of child_process.fork.
 * Listening handles travel as the second argument of send() next to a `handle` message.
 */

/** Master to worker. */
export type ToWorker =
  /**
   * Start: load these files, be worker number `relPid` (1-based) of generation `gen`; `certs` are
   * the certificates committed at run time in this generation (a worker that replaces a dead one
   * serves them too, not the files on disk).
   */
  | { t: 'init'; files: string[]; relPid: number; gen: number; masterPid: number; certs?: CommittedCert[] }
  /** The listening handle for `key` (sent with the handle), or why there is none. */
  | { t: 'handle'; key: string; error?: string }
  /** Finish in-flight work and exit 0 (reload, or SIGUSR1 to the master). */
  | { t: 'soft-stop' }
  /** SIGTTOU / SIGTTIN relayed by the master. */
  | { t: 'pause' }
  | { t: 'resume' }
  /** A master CLI command routed to this worker (`@1 show info`), with its payload (`@1 set ssl cert f <<`). */
  | { t: 'cli'; id: number; line: string; payload?: string }
  /** Another worker committed this certificate (`commit ssl cert`): serve it too. */
  | { t: 'cert-apply'; id: number; cert: CommittedCert }
  /** The answer to this worker's `cert-commit`: what the other workers could not apply. */
  | { t: 'cert-spread'; id: number; failures: string[] };

/** Worker to master. */
export type FromWorker =
  | { t: 'get-handle'; key: string }
  /** Listening on every address, serving. */
  | { t: 'ready' }
  /** Could not start; `lines` say why (HAProxy-formatted). */
  | { t: 'failed'; lines: string[] }
  | { t: 'cli-reply'; id: number; text: string }
  /** `commit ssl cert` succeeded here: the master hands the certificate to the other workers. */
  | { t: 'cert-commit'; id: number; cert: CommittedCert }
  /** The answer to `cert-apply`: applied, or why not. */
  | { t: 'cert-applied'; id: number; error?: string };

/** A certificate committed through the Runtime API: the file it replaces, its PEM and its key. */
export interface CommittedCert {
  file: string;
  pem: string;
  key: string;
}

export function isMessage(m: unknown): m is { t: string } {
  return typeof m === 'object' && m !== null && typeof (m as { t?: unknown }).t === 'string';
}
