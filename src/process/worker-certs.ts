/**
 * Certificates committed at run time in master-worker mode. Each worker has its own certificate
 * store, and the Runtime API (`stats socket`) is in worker 1 only; so a worker that commits a
 * certificate (`commit ssl cert`) sends it to the master, which hands it to every other worker of
 * the same generation (`cert-apply`) and answers once they all have it (`cert-spread`). The master
 * keeps the generation's commits, and a worker that replaces a dead one gets them in its `init`.
 * A reload starts a generation from the files on disk, as HAProxy does.
 */
import type { Runtime } from '../runtime/runtime.js';
import type { LoadedCert } from '../tls/certs.js';
import { namesOf } from '../tls/certs.js';
import type { CommittedCert, FromWorker, ToWorker } from './ipc.js';

/** How long a committing worker waits for the master to confirm that the other workers have it. */
const SPREAD_TIMEOUT_MS = 15_000;

export class WorkerCerts {
  private seq = 0;
  private readonly waiting = new Map<number, (failures: string[]) => void>();

  constructor(
    private readonly rt: Runtime,
    private readonly send: (m: FromWorker) => boolean,
  ) {
    rt.certs.peers = (cert) => this.spread(cert);
  }

  /** Serves `cert` in this worker; returns why it could not, or undefined. */
  private serve(cert: CommittedCert): string | undefined {
    let loaded: LoadedCert;
    try {
      loaded = { file: cert.file, pem: cert.pem, key: cert.key, names: namesOf(cert.pem, cert.file) };
    } catch (e) {
      return (e as Error).message;
    }
    const r = this.rt.certs.replace(cert.file, loaded);
    return r.ok ? undefined : r.error;
  }

  /** The generation's commits made before this worker started; returns warnings for those that failed. */
  applyInitial(certs: readonly CommittedCert[]): string[] {
    const out: string[] = [];
    for (const c of certs) {
      const error = this.serve(c);
      if (error) out.push(`certificate '${c.file}' committed at run time not served by this worker: ${error}`);
    }
    return out;
  }

  /** Handles the master's certificate messages; returns false for other messages. */
  handle(m: ToWorker): boolean {
    if (m.t === 'cert-apply') {
      const error = this.serve(m.cert);
      this.send({ t: 'cert-applied', id: m.id, ...(error ? { error } : {}) });
      return true;
    }
    if (m.t === 'cert-spread') {
      this.waiting.get(m.id)?.(m.failures);
      this.waiting.delete(m.id);
      return true;
    }
    return false;
  }

  /** CertStore.peers: hands a committed certificate to the other workers through the master. */
  private spread(cert: LoadedCert): Promise<string[]> {
    const id = ++this.seq;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        resolve([`the master did not confirm within ${SPREAD_TIMEOUT_MS / 1000} s that the other workers serve it`]);
      }, SPREAD_TIMEOUT_MS);
      this.waiting.set(id, (failures) => {
        clearTimeout(timer);
        resolve(failures);
      });
      if (!this.send({ t: 'cert-commit', id, cert: { file: cert.file, pem: cert.pem, key: cert.key } })) {
        clearTimeout(timer);
        this.waiting.delete(id);
        resolve(['the master is gone: the other workers still serve the former certificate']);
      }
    });
  }
}
