/**
 * The certificates of the running process, one entry per certificate file as HAProxy's ckch
 * stores: a file named by several binds (or crt-lists) is read once, and every place that serves
 * it is a user of the entry. Replacing an entry (`commit ssl cert`) builds the new secure context
 * of every user first and switches them all only when each one succeeded, so new handshakes get
 * the new certificate and nothing changes on failure. In master-worker mode each worker has its
 * own store; `peers` carries a commit to the other workers (through the master).
 */
import type { SecureContext } from 'node:tls';
import { loadCertFile, type LoadedCert } from './certs.js';

/** A place that serves a stored certificate: one `crt` of a bind, or one line of a crt-list. */
export interface CertUser {
  /** Builds the context this user would serve `cert` with; throws when it cannot. */
  prepare(cert: LoadedCert): SecureContext;
  /** Serves `cert` with the context prepare() built, from the next handshake on. */
  apply(cert: LoadedCert, context: SecureContext): void;
}

interface Entry {
  cert: LoadedCert;
  users: CertUser[];
}

export type ReplaceResult = { ok: true; users: number } | { ok: false; error: string };

/**
 * The other processes that serve the same configuration (the other workers of a master): told
 * about each certificate committed here; resolves with one line per process that could not
 * apply it (empty when all did).
 */
export type CertPeers = (cert: LoadedCert) => Promise<string[]>;

export class CertStore {
  private readonly entries = new Map<string, Entry>();
  /** Set in a worker of a master (src/process/worker.ts); a single process has no peers. */
  peers: CertPeers | undefined;

  /** The certificate of `file`, read from disk the first time only. */
  load(file: string): LoadedCert {
    let e = this.entries.get(file);
    if (!e) {
      e = { cert: loadCertFile(file), users: [] };
      this.entries.set(file, e);
    }
    return e.cert;
  }

  /** Records that `user` serves the certificate of `file` (loaded before with load()). */
  attach(file: string, user: CertUser): void {
    this.entries.get(file)?.users.push(user);
  }

  has(file: string): boolean {
    return this.entries.has(file);
  }

  get(file: string): LoadedCert | undefined {
    return this.entries.get(file)?.cert;
  }

  /** How many places serve the certificate of `file`. */
  userCount(file: string): number {
    return this.entries.get(file)?.users.length ?? 0;
  }

  /** File names in byte order, as HAProxy lists its certificate tree. */
  files(): string[] {
    return [...this.entries.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  }

  /** Serves `cert` wherever `file` was served: all users switch, or none when one of them cannot. */
  replace(file: string, cert: LoadedCert): ReplaceResult {
    const e = this.entries.get(file);
    if (!e) return { ok: false, error: `Can't find the certificate '${file}'.` };
    const prepared: SecureContext[] = [];
    for (const u of e.users) {
      try {
        prepared.push(u.prepare(cert));
      } catch (err) {
        return { ok: false, error: (err as Error).message };
      }
    }
    e.cert = cert;
    e.users.forEach((u, i) => u.apply(cert, prepared[i]!));
    return { ok: true, users: e.users.length };
  }
}
