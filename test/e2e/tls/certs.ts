/**
 * Certificates made at test time with Debian's openssl: a CA, and server certificates signed by
 * it, written as HAProxy PEM files (certificate, optional chain, key) in a temporary directory.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CertFiles {
  /** certificate + key, as `crt` loads it */
  pem: string;
  crt: string;
  key: string;
}

export interface CertOptions {
  /** `subjectAltName` value, e.g. "DNS:a.test,DNS:www.a.test" (none by default). */
  san?: string;
  /** Key: "rsa:2048" (default), "ec:prime256v1", "ed25519". */
  key?: string;
  serial?: string;
  /** Appends the CA certificate after the certificate in the PEM (a one-certificate chain). */
  withChain?: boolean;
  /** Self-signed instead of signed by the CA. */
  selfSigned?: boolean;
}

export class TestPki {
  readonly dir: string;
  readonly caCrt: string;

  constructor(prefix = 'portico-pki-') {
    this.dir = mkdtempSync(join(tmpdir(), prefix));
    this.caCrt = join(this.dir, 'ca.crt');
    this.openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/C=FR/O=Portico Tests/CN=portico test CA');
  }

  openssl(...args: string[]): string {
    return execFileSync('openssl', args, { cwd: this.dir, stdio: 'pipe', encoding: 'utf8' });
  }

  private keyArgs(spec: string): string[] {
    if (spec === 'ed25519') return ['-newkey', 'ed25519'];
    const [type, param] = spec.split(':');
    if (type === 'ec') return ['-newkey', 'ec', '-pkeyopt', `ec_paramgen_curve:${param}`];
    return ['-newkey', spec];
  }

  /** Makes `<name>.crt`, `<name>.key` and `<name>.pem` for subject `subj` ("/CN=a.test"). */
  cert(name: string, subj: string, o: CertOptions = {}): CertFiles {
    const ext = join(this.dir, `${name}.ext`);
    writeFileSync(ext, o.san ? `subjectAltName=${o.san}\n` : 'basicConstraints=CA:FALSE\n');
    const serial = o.serial ? ['-set_serial', o.serial] : [];
    if (o.selfSigned) {
      this.openssl('req', '-x509', ...this.keyArgs(o.key ?? 'rsa:2048'), '-nodes', '-utf8', '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '2', '-subj', subj, ...serial, ...(o.san ? ['-addext', `subjectAltName=${o.san}`] : []));
    } else {
      this.openssl('req', ...this.keyArgs(o.key ?? 'rsa:2048'), '-nodes', '-utf8', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subj);
      this.openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', ...(o.serial ? serial : ['-CAcreateserial']), '-out', `${name}.crt`, '-days', '2', '-extfile', ext);
    }
    const crt = join(this.dir, `${name}.crt`);
    const key = join(this.dir, `${name}.key`);
    const pem = join(this.dir, `${name}.pem`);
    writeFileSync(pem, readFileSync(crt, 'utf8') + (o.withChain ? readFileSync(this.caCrt, 'utf8') : '') + readFileSync(key, 'utf8'));
    return { pem, crt, key };
  }

  read(file: string): string {
    return readFileSync(file, 'utf8');
  }
}
