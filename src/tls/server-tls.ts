/**
 * The TLS files of a `server` line: `ca-file` (the CAs its certificate must chain to) and `crt`
 * (the client certificate portico presents, with its key). HAProxy loads `ca-file` on every
 * server that names it, and `crt` on a server that speaks TLS (`ssl` or `check-ssl`); both are
 * checked here at load time, with relative paths taken as for binds (ca-base, crt-base).
 */
import { statSync } from 'node:fs';
import type { Global, Server } from '../config/model.js';
import { CertError, loadCertFile, underKeyword } from './certs.js';
import { loadCaFile } from './ca-file.js';
import { globalValue, resolvePath } from './bind-tls.js';

export interface ServerTlsFiles {
  /** The CA bundle's text. */
  ca?: string;
  /** The client certificate and its key, in one PEM text (node reads the certificates and the key out of it). */
  cert?: string;
}

/** Loads and checks a server's `ca-file` and `crt`; throws CertError naming the keyword and the file. */
export function loadServerTls(server: Server, global: Global, baseDir: string): ServerTlsFiles {
  const out: ServerTlsFiles = {};
  const ca = server.extra['ca-file'];
  if (typeof ca === 'string') out.ca = underKeyword('ca-file', () => loadCaFile(resolvePath(ca, globalValue(global, 'ca-base'), baseDir)));
  const crt = server.extra['crt'];
  const tls = server.ssl === true || server.extra['check-ssl'] === true;
  if (typeof crt === 'string' && tls) {
    out.cert = underKeyword('crt', () => {
      const file = resolvePath(crt, globalValue(global, 'crt-base'), baseDir);
      let dir = false;
      try {
        dir = statSync(file).isDirectory();
      } catch {
        /* loadCertFile says why */
      }
      if (dir) throw new CertError(`'${file}' is a directory : a server's certificate is one PEM file (certificate and key).`);
      const c = loadCertFile(file);
      return c.key === c.pem ? c.pem : `${c.pem}\n${c.key}`;
    });
  }
  return out;
}
