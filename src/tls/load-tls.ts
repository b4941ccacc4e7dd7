/**
 * Every certificate of a configuration, loaded and checked in one pass as HAProxy does while it
 * parses: `crt`, `crt-list` and `ca-file` of each bind, `crt` and `ca-file` of each server. A
 * problem does not stop the pass: each one becomes an alert located at its bind or server line
 * (`parsing [f.cfg:12] : 'bind :443' in section 'frontend' : 'crt' : ...`), so that `portico -c`,
 * a start and a reload show them all at once. The runtime serves what this pass built.
 */
import { dirname } from 'node:path';
import type { Bind, Config, Proxy, Server } from '../config/model.js';
import { hasBackend, hasFrontend } from '../config/model.js';
import type { Diagnostic } from '../core/diag.js';
import { buildBindTls, loadBindCerts, type BindTls } from './bind-tls.js';
import { CertStore } from './cert-store.js';
import { loadServerTls, type ServerTlsFiles } from './server-tls.js';

export interface ConfigTls {
  /** The TLS side of each `ssl` bind. */
  binds: Map<Bind, BindTls>;
  /** The CA bundle and client certificate of each server that has one. */
  servers: Map<Server, ServerTlsFiles>;
  /** One alert per bind or server line whose certificates cannot be used. */
  problems: Diagnostic[];
}

/** Where a bind's messages say they are, in HAProxy's words. */
function bindLabel(p: Proxy, bind: Bind): string {
  return `'bind ${bind.spec}' in section '${p.kind}'`;
}

/** Loads the certificates of `config` into `store` (the runtime's, or a throwaway one for checks). */
export function loadConfigTls(config: Config, store: CertStore = new CertStore()): ConfigTls {
  const out: ConfigTls = { binds: new Map(), servers: new Map(), problems: [] };
  const seen = new Set<string>();
  const problem = (where: { file: string; line: number }, message: string) => {
    // server-template repeats one line: say it once.
    const key = `${where.file}:${where.line}:${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.problems.push({ level: 'alert', file: where.file, line: where.line, message });
  };
  const global = config.global;
  for (const p of config.proxies) {
    if (p.kind === 'defaults') continue;
    if (hasFrontend(p)) {
      for (const bind of p.binds) {
        try {
          const baseDir = dirname(bind.where.file);
          // Without `ssl`, HAProxy still loads a bind's certificates: check them, serve nothing.
          if (bind.ssl) out.binds.set(bind, buildBindTls(bind, global, baseDir, store));
          else if (bind.crt.length > 0 || typeof bind.extra['crt-list'] === 'string') loadBindCerts(bind, global, baseDir, new CertStore());
        } catch (e) {
          problem(bind.where, `${bindLabel(p, bind)} : ${(e as Error).message}`);
        }
      }
    }
    if (hasBackend(p)) {
      for (const server of p.servers) {
        try {
          const files = loadServerTls(server, global, dirname(server.where.file));
          if (files.ca !== undefined || files.cert !== undefined) out.servers.set(server, files);
        } catch (e) {
          problem(server.where, `'server ${p.name}/${server.name}' : ${(e as Error).message}`);
        }
      }
    }
  }
  return out;
}

/** The certificate problems of a configuration (for `portico -c`, a start and a reload). */
export function checkCertificates(config: Config): Diagnostic[] {
  return loadConfigTls(config).problems;
}
