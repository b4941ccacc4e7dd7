/**
 * Certificates for `bind ... ssl crt FILE|DIR [crt-list FILE]`: HAProxy's PEM files hold the
 * certificate, its chain and the private key together; a directory loads every certificate file
 * in it (in name order; .key/.ocsp/.issuer/.sctl companions are not certificates). Each certificate
 * answers the names in its subject CN and DNS subjectAltNames, used for SNI selection.
 */
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';

export interface LoadedCert {
  file: string;
  pem: string;
  /** Separate key file (`cert.pem.key` or `cert.key`), when the PEM has no key. */
  key: string;
  /** Names this certificate serves: exact names and wildcards ("*.example.com"). */
  names: string[];
  /** crt-list filters (`!name` excludes) overriding the certificate's own names. */
  filters?: string[];
  /** crt-list per-certificate options ("alpn h2", "ssl-min-ver TLSv1.2"...). */
  options?: string[];
}

const COMPANIONS = ['.key', '.ocsp', '.issuer', '.sctl', '.dh'];

export class CertError extends Error {}

/** The names a certificate serves (subject CN and DNS subjectAltNames), lower case. */
export function namesOf(pem: string, file: string): string[] {
  let x: X509Certificate;
  try {
    x = new X509Certificate(pem);
  } catch (e) {
    throw new CertError(`unable to load SSL certificate from PEM file '${file}': ${(e as Error).message}`);
  }
  const names = new Set<string>();
  const cn = /(?:^|\n)CN=([^\n]+)/.exec(x.subject)?.[1];
  if (cn) names.add(cn.toLowerCase());
  for (const part of (x.subjectAltName ?? '').split(',')) {
    const m = /^\s*DNS:(.+)$/.exec(part);
    if (m) names.add(m[1]!.trim().toLowerCase());
  }
  return [...names];
}

function keyFor(file: string, pem: string): string {
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) return pem;
  for (const candidate of [`${file}.key`, file.replace(/\.(pem|crt)$/, '.key')]) {
    if (candidate !== file && existsSync(candidate)) return readFileSync(candidate, 'utf8');
  }
  throw new CertError(`unable to load SSL private key from PEM file '${file}' (no key in the file, no '${file}.key').`);
}

/** Reads one certificate file from disk (with its `.key` companion when the PEM has no key). */
export function loadCertFile(file: string): LoadedCert {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch {
    throw new CertError(`unable to stat SSL certificate from file '${file}' : No such file or directory.`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new CertError(`unable to load SSL certificate from PEM file '${file}': no certificate found.`);
  return { file, pem, key: keyFor(file, pem), names: namesOf(pem, file) };
}

/** How a certificate file is read: from disk, or through a store that loads each file once. */
export type CertLoader = (file: string) => LoadedCert;

/** `crt FILE|DIR`: one certificate, or every certificate of a directory in name order. */
export function loadCrt(path: string, load: CertLoader = loadCertFile): LoadedCert[] {
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw new CertError(`unable to stat SSL certificate from file '${path}' : No such file or directory.`);
  }
  if (!isDir) return [load(path)];
  return readdirSync(path)
    .filter((n) => !n.startsWith('.') && !COMPANIONS.some((c) => n.endsWith(c)))
    .sort()
    .map((n) => load(join(path, n)));
}

/** `crt-list FILE`: lines `CERT [ [ssl options] ] [sni filters...]`, `#` comments. */
export function loadCrtList(path: string, baseDir: string, load: CertLoader = loadCertFile): LoadedCert[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new CertError(`unable to open crt-list file '${path}'.`);
  }
  const out: LoadedCert[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const m = /^(\S+)\s*(?:\[([^\]]*)\])?\s*(.*)$/.exec(line)!;
    const file = m[1]!.startsWith('/') ? m[1]! : join(baseDir, m[1]!);
    for (const c of loadCrt(file, load)) {
      const filters = m[3]!.split(/\s+/).filter(Boolean).map((f) => f.toLowerCase());
      out.push({ ...c, ...(filters.length ? { filters } : {}), ...(m[2] ? { options: m[2].trim().split(/\s+/) } : {}) });
    }
  }
  return out;
}

/** Whether `name` (lower case) is served by a certificate name pattern. */
export function nameMatches(pattern: string, name: string): boolean {
  if (pattern === name) return true;
  if (pattern.startsWith('*.')) {
    const dot = name.indexOf('.');
    return dot > 0 && name.slice(dot) === pattern.slice(1);
  }
  return false;
}

/** The PEM blocks of a certificate file: its certificates (leaf first, then the chain) and its private key. */
export interface PemParts {
  certs: string[];
  key?: string;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n[\s\S]*?-----END \1-----/g;

export function pemParts(text: string): PemParts {
  const out: PemParts = { certs: [] };
  for (const m of text.matchAll(PEM_BLOCK)) {
    if (m[1] === 'CERTIFICATE' || m[1] === 'TRUSTED CERTIFICATE') out.certs.push(`${m[0]}\n`);
    else if (/PRIVATE KEY$/.test(m[1]!) && out.key === undefined) out.key = `${m[0]}\n`;
  }
  return out;
}
