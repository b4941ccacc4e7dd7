/**
 * Runtime API commands for the certificates of `ssl` binds, as HAProxy 2.6 has them:
 * `show ssl cert [<file>]` lists the certificate files or details one; `set ssl cert <file> <<`
 * puts a new PEM (or, for `<file>.key`, a new key) in a transaction; `commit ssl cert <file>`
 * serves it on every bind that loaded the file, for new handshakes; `abort ssl cert <file>`
 * drops it. One transaction at a time for the whole process, as in HAProxy. In master-worker
 * mode a commit reaches every worker of the generation before it answers.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { Runtime } from '../runtime/runtime.js';
import { certDetails } from '../tls/cert-details.js';
import type { CertStore } from '../tls/cert-store.js';
import { namesOf, pemParts } from '../tls/certs.js';
import type { Command } from './types.js';

/** A certificate being prepared: its file (the store's name) and the PEM blocks set so far. */
interface Transaction {
  file: string;
  /** The certificate, then its chain. */
  certs: string[];
  key?: string;
}

const transactions = new WeakMap<CertStore, Transaction>();

function showCert(args: string[], rt: Runtime): string {
  const store = rt.certs;
  const txn = transactions.get(store);
  const name = args[3];
  if (!name) {
    let out = '';
    if (txn) out += `# transaction\n*${txn.file}\n`;
    out += '# filename\n';
    for (const f of store.files()) out += `${f}\n`;
    return out;
  }
  const notFound = "Can't display the certificate: Not found or the certificate is a bundle!\n";
  if (name.startsWith('*')) {
    if (!txn || txn.file !== name.slice(1) || txn.certs.length === 0) return notFound;
    return certDetails({ name, status: 'Unused', pem: txn.certs.join('') });
  }
  const cert = store.get(name);
  if (!cert) return notFound;
  return certDetails({ name, status: store.userCount(name) > 0 ? 'Used' : 'Unused', pem: cert.pem });
}

/** A private key in PEM that node can use, or undefined. */
function usableKey(pem: string | undefined): string | undefined {
  if (!pem) return undefined;
  try {
    createPrivateKey(pem);
    return pem;
  } catch {
    return undefined;
  }
}

/** The certificate blocks of a PEM payload when each one parses, else undefined. */
function usableCerts(pem: string): string[] | undefined {
  const { certs } = pemParts(pem);
  if (certs.length === 0) return undefined;
  try {
    for (const c of certs) new X509Certificate(c);
  } catch {
    return undefined;
  }
  return certs;
}

const COMPANIONS_UNSUPPORTED = ['.ocsp', '.issuer', '.sctl'];

function setCert(args: string[], rt: Runtime, payload: string | undefined): string {
  const name = args[3];
  if (!name || payload === undefined) return "'set ssl cert expects a filename and a certificate as a payload\n";
  const cantUpdate = `Can't update ${name}!\n`;
  const store = rt.certs;
  // `<file>.key` replaces the key of <file>; the other companion files are not used by portico.
  let file = name;
  let keyOnly = false;
  if (!store.has(name)) {
    const ext = /\.[a-z]+$/.exec(name)?.[0];
    const base = ext ? name.slice(0, -ext.length) : '';
    if (ext === '.key' && store.has(base)) {
      file = base;
      keyOnly = true;
    } else if (ext && COMPANIONS_UNSUPPORTED.includes(ext) && store.has(base)) {
      return `'${ext}' files are not supported by portico (no OCSP stapling nor SCT).\n${cantUpdate}`;
    } else {
      return `Can't replace a certificate which is not referenced by the configuration!\n${cantUpdate}`;
    }
  }
  const txn = transactions.get(store);
  if (txn && txn.file !== file) return `The ongoing transaction is about '${txn.file}' but you are trying to set '${name}'\n${cantUpdate}`;
  const current = txn ?? fromStore(store, file);
  let next: Transaction;
  if (keyOnly) {
    const key = usableKey(pemParts(payload).key);
    if (!key) return `unable to load private key from file '${file}'.\nCan't load the payload\n${cantUpdate}`;
    next = { ...current, key };
  } else {
    const certs = usableCerts(payload);
    if (!certs) return `unable to load certificate from file '${file}'.\nCan't load the payload\n${cantUpdate}`;
    // As in HAProxy, a PEM replaces the whole certificate: without a key in it, the key is gone too.
    const key = usableKey(pemParts(payload).key);
    next = { file, certs, ...(key ? { key } : {}) };
  }
  transactions.set(store, next);
  return `Transaction ${txn ? 'updated' : 'created'} for certificate ${file}!\n`;
}

/** A transaction that starts from the certificate the store serves now. */
function fromStore(store: CertStore, file: string): Transaction {
  const cert = store.get(file)!;
  return { file, certs: pemParts(cert.pem).certs, key: cert.key };
}

function keyMatches(cert: string, key: string): boolean {
  try {
    return new X509Certificate(cert).checkPrivateKey(createPrivateKey(key));
  } catch {
    return false;
  }
}

async function commitCert(args: string[], rt: Runtime): Promise<string> {
  const name = args[3];
  if (!name) return "'commit ssl cert expects a filename\n";
  const cantCommit = `Can't commit ${name}!\n`;
  const store = rt.certs;
  const txn = transactions.get(store);
  if (!txn) return `No ongoing transaction! !\n${cantCommit}`;
  if (txn.file !== name) return `The ongoing transaction is about '${txn.file}' but you are trying to set '${name}'\n${cantCommit}`;
  if (!txn.key) return `The transaction must contain at least a certificate and a private key!\n${cantCommit}`;
  if (!keyMatches(txn.certs[0]!, txn.key)) {
    return `inconsistencies between private key and certificate loaded '${txn.file}'.\n${cantCommit}`;
  }
  const pem = txn.certs.join('');
  const cert = { file: txn.file, pem, key: txn.key, names: namesOf(pem, txn.file) };
  const result = store.replace(txn.file, cert);
  if (!result.ok) return `Committing ${txn.file}\n${result.error}\nFailed!\n`;
  transactions.delete(store);
  // One dot per place that now serves the new certificate, as HAProxy prints per instance.
  const head = `Committing ${txn.file}${'.'.repeat(result.users)}\n`;
  // With several workers, the others serve it too before the answer (see src/process/worker.ts).
  const failures = store.peers ? await store.peers(cert) : [];
  if (failures.length > 0) return `${head}${failures.map((f) => `${f}\n`).join('')}Failed!\n`;
  return `${head}Success!\n`;
}

function abortCert(args: string[], rt: Runtime): string {
  const name = args[3];
  if (!name) return "'abort ssl cert' expects a filename\n";
  const store = rt.certs;
  const txn = transactions.get(store);
  if (!txn) return 'No ongoing transaction!\n';
  if (txn.file !== name) return `The ongoing transaction is about '${txn.file}' but you are trying to abort a transaction for '${name}'\n`;
  transactions.delete(store);
  return `Transaction aborted for certificate '${txn.file}'!\n`;
}

export const SSL_CERT_COMMANDS: readonly Command[] = [
  {
    words: ['show', 'ssl', 'cert'], level: 'operator', usage: 'show ssl cert [<certfile>]',
    desc: 'display the SSL certificates used in memory, or the details of a file',
    run: (args, ctx) => showCert(args, ctx.rt),
  },
  {
    words: ['set', 'ssl', 'cert'], level: 'admin', usage: 'set ssl cert <certfile> <payload>', desc: 'replace a certificate file',
    run: (args, ctx, payload) => setCert(args, ctx.rt, payload),
  },
  {
    words: ['commit', 'ssl', 'cert'], level: 'admin', usage: 'commit ssl cert <certfile>', desc: 'commit a certificate file',
    run: (args, ctx) => commitCert(args, ctx.rt),
  },
  {
    words: ['abort', 'ssl', 'cert'], level: 'admin', usage: 'abort ssl cert <certfile>', desc: 'abort a transaction for a certificate file',
    run: (args, ctx) => abortCert(args, ctx.rt),
  },
];
