/**
 * The TLS side of an `ssl` bind: secure contexts built at start from its certificates and
 * options (ALPN, versions, ciphers, client-certificate verification), and SNI selection with
 * the first certificate as the default, as HAProxy does (`strict-sni` refuses unknown names).
 * Certificates come from the process's CertStore; `commit ssl cert` swaps a slot's certificate and
 * context there, and the selection reads the slots at each handshake.
 */
import { createSecureContext, type SecureContext, type SecureContextOptions } from 'node:tls';
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { Bind, Global } from '../config/model.js';
import { CertError, loadCrt, loadCrtList, nameMatches, underKeyword, type LoadedCert } from './certs.js';
import { CertStore } from './cert-store.js';
import { loadCaFile } from './ca-file.js';

/** One certificate a bind serves, with the context built for it; both change on `commit ssl cert`. */
export interface CertSlot {
  cert: LoadedCert;
  context: SecureContext;
}

export interface BindTls {
  /** The bind's certificates in order; the first is the default one. */
  readonly contexts: readonly CertSlot[];
  /** The first certificate's current context (read at each handshake). */
  readonly defaultContext: SecureContext;
  alpn?: string[];
  requestCert: boolean;
  rejectUnauthorized: boolean;
  strictSni: boolean;
  /** Picks the context for an SNI name; undefined with strict-sni and no match. */
  select(servername: string | undefined): SecureContext | undefined;
}

const VERSIONS: Record<string, 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3'> = {
  TLSv1: 'TLSv1',
  'TLSv1.0': 'TLSv1',
  'TLSv1.1': 'TLSv1.1',
  'TLSv1.2': 'TLSv1.2',
  'TLSv1.3': 'TLSv1.3',
};

/** ssl-default-bind-options words that apply to every ssl bind (only the version bounds matter here). */
function defaultBindOptions(global: Global): string[] {
  const line = global.ignored.find((l) => l.args[0] === 'ssl-default-bind-options');
  return line ? line.args.slice(1) : [];
}

export function globalValue(global: Global, name: string): string | undefined {
  return global.ignored.find((l) => l.args[0] === name)?.args[1];
}

/**
 * A relative path is taken from crt-base/ca-base when set, else from the working directory as
 * HAProxy does, falling back to the configuration file's directory (portico runs from anywhere).
 */
export function resolvePath(p: string, base: string | undefined, configDir: string): string {
  if (isAbsolute(p)) return p;
  if (base) return join(base, p);
  return existsSync(p) ? p : join(configDir, p);
}

/**
 * The certificates a bind names with `crt` and `crt-list`, in order, each checked (see
 * loadCertFile); errors start with the keyword. HAProxy loads them even on a bind without `ssl`.
 */
export function loadBindCerts(bind: Bind, global: Global, baseDir: string, store: CertStore = new CertStore()): LoadedCert[] {
  const certs: LoadedCert[] = [];
  const load = (file: string) => store.load(file);
  const crtBase = globalValue(global, 'crt-base');
  for (const crt of bind.crt) certs.push(...underKeyword('crt', () => loadCrt(resolvePath(crt, crtBase, baseDir), load)));
  const list = bind.extra['crt-list'];
  if (typeof list === 'string') {
    const found = underKeyword('crt-list', () => loadCrtList(resolvePath(list, crtBase, baseDir), baseDir, load));
    if (found.length === 0 && certs.length === 0 && bind.ssl) throw new CertError(`'crt-list' : no certificate in '${list}' (only comments or empty lines), and no 'crt' on the line: 'ssl' needs a certificate.`);
    certs.push(...found);
  }
  return certs;
}

/**
 * `store` holds the process's certificates (each file read once, replaceable at run time); a bind
 * built on its own gets a store of its own.
 */
export function buildBindTls(bind: Bind, global: Global, baseDir: string, store: CertStore = new CertStore()): BindTls {
  const certs = loadBindCerts(bind, global, baseDir, store);
  if (certs.length === 0) throw new CertError("no SSL certificate specified: 'ssl' needs a certificate ('crt FILE|DIR' or 'crt-list FILE').");

  const opts = [...defaultBindOptions(global)];
  const word = (name: string): string | undefined => {
    const v = bind.extra[name];
    if (typeof v === 'string') return v;
    const i = opts.indexOf(name);
    return i >= 0 ? opts[i + 1] : undefined;
  };
  const flag = (name: string) => bind.extra[name] === true || opts.includes(name);
  const base: SecureContextOptions = {};
  const min = word('ssl-min-ver');
  const max = word('ssl-max-ver');
  for (const [k, v] of [['ssl-min-ver', min], ['ssl-max-ver', max]] as const) {
    if (v !== undefined && !VERSIONS[v]) throw new CertError(`'${k}' : unknown version '${v}' (SSLv3, TLSv1.0, TLSv1.1, TLSv1.2 or TLSv1.3).`);
  }
  if (min) base.minVersion = VERSIONS[min];
  if (max) base.maxVersion = VERSIONS[max];
  if (flag('force-tlsv12')) (base.minVersion = 'TLSv1.2'), (base.maxVersion = 'TLSv1.2');
  if (flag('force-tlsv13')) (base.minVersion = 'TLSv1.3'), (base.maxVersion = 'TLSv1.3');
  if (flag('no-tlsv13') && !max) base.maxVersion = 'TLSv1.2';
  const ciphers = word('ciphers') ?? globalValue(global, 'ssl-default-bind-ciphers');
  if (ciphers) base.ciphers = ciphers;
  const suites = word('ciphersuites') ?? globalValue(global, 'ssl-default-bind-ciphersuites');
  if (suites) base.ciphers = base.ciphers ? `${base.ciphers}:${suites}` : suites;
  const curves = word('curves') ?? globalValue(global, 'ssl-default-bind-curves');
  if (curves) base.ecdhCurve = curves;
  const caFile = word('ca-file');
  if (caFile) base.ca = underKeyword('ca-file', () => loadCaFile(resolvePath(caFile, globalValue(global, 'ca-base'), baseDir)));
  if (flag('no-tls-tickets')) base.sessionIdContext = undefined;
  const verify = word('verify') ?? (caFile ? 'required' : 'none');

  const contextFor = (cert: LoadedCert) => createSecureContext({ ...base, cert: cert.pem, key: cert.key });
  const contexts: CertSlot[] = certs.map((cert) => {
    let slot: CertSlot;
    try {
      slot = { cert, context: contextFor(cert) };
    } catch (e) {
      // The certificate and key were checked when loaded: what fails here is the bind's options with it.
      throw new CertError(`unable to use SSL certificate '${cert.file}' with the options of this bind : ${(e as Error).message}.`);
    }
    // A crt-list line keeps its SNI filters and options across certificate replacements.
    const { filters, options } = cert;
    store.attach(cert.file, {
      prepare: contextFor,
      apply: (next, context) => {
        slot.cert = { ...next, ...(filters ? { filters } : {}), ...(options ? { options } : {}) };
        slot.context = context;
      },
    });
    return slot;
  });
  const strictSni = flag('strict-sni');
  return {
    contexts,
    get defaultContext() {
      return contexts[0]!.context;
    },
    // `alpn h2,http/1.1`: an h2 client is served by the HTTP/2 layer (src/http/h2), others by HTTP/1.
    alpn: bind.alpn?.split(',').filter((p) => p !== ''),
    requestCert: verify !== 'none',
    rejectUnauthorized: verify === 'required',
    strictSni,
    select(servername) {
      const name = servername?.toLowerCase();
      if (name) {
        for (const c of contexts) {
          const patterns = c.cert.filters ?? c.cert.names;
          if (patterns.some((p) => !p.startsWith('!') && nameMatches(p, name)) && !patterns.some((p) => p.startsWith('!') && nameMatches(p.slice(1), name))) return c.context;
        }
      }
      return strictSni ? undefined : contexts[0]!.context;
    },
  };
}
