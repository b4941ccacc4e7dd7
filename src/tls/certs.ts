/**
 * Certificates for `bind ... ssl crt FILE|DIR [crt-list FILE]`: HAProxy's PEM files hold the
 * certificate, its chain and the private key together; a directory loads every certificate file
 * in it (in name order; .key/.ocsp/.issuer/.sctl companions are not certificates). Each certificate
 * answers the names in its subject CN and DNS subjectAltNames, used for SNI selection.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import type { Diagnostic } from '../core/diag.js';

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

/**
 * A certificate that cannot be used, with a message in HAProxy's words made precise (which file,
 * what is missing or wrong). `diagnostics` carries the located messages when the error sums up
 * several places (see load-tls.ts).
 */
export class CertError extends Error {
  constructor(
    message: string,
    readonly diagnostics: readonly Diagnostic[] = [],
  ) {
    super(message);
  }
}

/** Runs a loader, putting the keyword it serves before its error message (`'crt-list' : ...`). */
export function underKeyword<T>(keyword: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof CertError) throw new CertError(`'${keyword}' : ${e.message}`);
    throw e;
  }
}

/** strerror()'s words for the errors a file read gives, as HAProxy prints them. */
export function errnoText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'No such file or directory';
    case 'EACCES':
      return 'Permission denied';
    case 'ENOTDIR':
      return 'Not a directory';
    case 'EISDIR':
      return 'Is a directory';
    case 'ELOOP':
      return 'Too many levels of symbolic links';
    default:
      return (e as Error | undefined)?.message ?? String(e);
  }
}

/** The names a certificate serves (subject CN and DNS subjectAltNames), lower case. */
export function namesOf(pem: string, file: string): string[] {
  let x: X509Certificate;
  try {
    x = new X509Certificate(pem);
  } catch (e) {
    throw new CertError(`unable to load certificate from file '${file}' : ${(e as Error).message}.`);
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

/** The files a certificate's key may come from when its PEM has none: `<file>.key`, then `<name>.key` for a .pem/.crt file. */
function keyCandidates(file: string): string[] {
  const out = [`${file}.key`];
  const bare = file.replace(/\.(pem|crt)$/, '.key');
  if (bare !== file && !out.includes(bare)) out.push(bare);
  return out;
}

/** The private key of a certificate file: in the file, else in a companion key file. */
function keyFor(file: string, text: string): { key: string; from: string } {
  const inFile = pemParts(text).key;
  if (inFile) return { key: inFile, from: file };
  const candidates = keyCandidates(file);
  for (const candidate of candidates) {
    let keyText: string;
    try {
      keyText = readFileSync(candidate, 'utf8');
    } catch {
      continue;
    }
    const key = pemParts(keyText).key;
    if (!key) throw new CertError(`No Private Key found in '${candidate}' (it is the key file of '${file}', which has no private key of its own).`);
    return { key, from: candidate };
  }
  throw new CertError(`No Private Key found for certificate '${file}' : none in the file, and no ${candidates.map((c) => `'${c}'`).join(' nor ')}.`);
}

function parseKey(key: string, from: string): KeyObject {
  try {
    return createPrivateKey(key);
  } catch (e) {
    const why = /passphrase/i.test((e as Error).message) ? 'the key is encrypted (portico cannot ask for a passphrase)' : (e as Error).message;
    throw new CertError(`unable to load SSL private key from PEM file '${from}' : ${why}.`);
  }
}

/** The certificate blocks of a file's text, each one parsed; throws naming the file and the problem. */
function parseCerts(file: string, text: string): X509Certificate[] {
  const { certs, key } = pemParts(text);
  if (certs.length === 0) {
    const why = /-----BEGIN (TRUSTED )?CERTIFICATE-----/.test(text)
      ? "its 'BEGIN CERTIFICATE' block has no matching 'END CERTIFICATE' line"
      : key
        ? 'it holds a private key but no certificate'
        : "no PEM certificate in it (no '-----BEGIN CERTIFICATE-----' block)";
    throw new CertError(`unable to load certificate from file '${file}' : ${why}.`);
  }
  return certs.map((c, i) => {
    try {
      return new X509Certificate(c);
    } catch (e) {
      const which = certs.length > 1 ? `certificate #${i + 1} (${i === 0 ? 'the leaf' : 'in the chain'})` : 'the certificate';
      throw new CertError(`unable to load certificate from file '${file}' : ${which} is not valid (${(e as Error).message}).`);
    }
  });
}

/**
 * Reads one certificate file from disk (with its `.key` companion when the PEM has no key) and
 * checks it as HAProxy does when it loads it: a certificate, a private key, and the key is the
 * certificate's. Throws CertError otherwise.
 */
export function loadCertFile(file: string): LoadedCert {
  let text: string;
  try {
    statSync(file);
  } catch (e) {
    throw new CertError(`unable to stat SSL certificate from file '${file}' : ${errnoText(e)}.`);
  }
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CertError(`unable to read SSL certificate file '${file}' : ${errnoText(e)}.`);
  }
  const [leaf] = parseCerts(file, text);
  const { key, from } = keyFor(file, text);
  const keyObject = parseKey(key, from);
  if (!leaf!.checkPrivateKey(keyObject)) {
    const whose = from === file ? 'the private key in the file' : `the private key of '${from}'`;
    throw new CertError(`inconsistencies between private key and certificate loaded '${file}' : ${whose} does not belong to the certificate (${leaf!.subject.split('\n').join(', ')}).`);
  }
  return { file, pem: text, key: from === file ? text : key, names: namesOf(text, file) };
}

/** How a certificate file is read: from disk, or through a store that loads each file once. */
export type CertLoader = (file: string) => LoadedCert;

/** `crt FILE|DIR`: one certificate, or every certificate of a directory in name order. */
export function loadCrt(path: string, load: CertLoader = loadCertFile): LoadedCert[] {
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch (e) {
    throw new CertError(`unable to stat SSL certificate from file '${path}' : ${errnoText(e)}.`);
  }
  if (!isDir) return [load(path)];
  let names: string[];
  try {
    names = readdirSync(path);
  } catch (e) {
    throw new CertError(`unable to read the certificate directory '${path}' : ${errnoText(e)}.`);
  }
  const files = names.filter((n) => !n.startsWith('.') && !COMPANIONS.some((c) => n.endsWith(c))).sort();
  if (files.length === 0) throw new CertError(`no certificate file in directory '${path}' (hidden files and ${COMPANIONS.join(', ')} files are not certificates).`);
  return files.map((n) => load(join(path, n)));
}

/**
 * The words HAProxy 2.6 accepts between `[` and `]` on a crt-list line (its "sslbindconf"),
 * each with how many values follow it.
 */
const CRT_LIST_OPTIONS: Record<string, number> = {
  'allow-0rtt': 0,
  alpn: 1,
  'ca-file': 1,
  'ca-verify-file': 1,
  ciphers: 1,
  ciphersuites: 1,
  'crl-file': 1,
  curves: 1,
  ecdhe: 1,
  'no-ca-names': 0,
  npn: 1,
  'ssl-min-ver': 1,
  'ssl-max-ver': 1,
  verify: 1,
};

/** Checks the options of a crt-list line; returns what is wrong, or undefined. */
function crtListOptionError(words: string[]): string | undefined {
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const n = CRT_LIST_OPTIONS[w];
    if (n === undefined) return `unknown ssl keyword '${w}' (a crt-list line accepts ${Object.keys(CRT_LIST_OPTIONS).join(', ')}).`;
    if (i + n >= words.length) return `'${w}' expects an argument.`;
    i += n;
  }
  return undefined;
}

/**
 * `crt-list FILE`: lines `CERT [ [ssl options] ] [sni filters...]`, `#` comments. A relative
 * certificate path is taken from `baseDir`. Errors name the list and its line.
 */
export function loadCrtList(path: string, baseDir: string, load: CertLoader = loadCertFile): LoadedCert[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new CertError(`cannot open file '${path}' : ${errnoText(e)}.`);
  }
  const out: LoadedCert[] = [];
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const at = `parsing [${path}:${i + 1}] : `;
    const m = /^(\S+)\s*(?:\[([^\]]*)\])?\s*(.*)$/.exec(line)!;
    if (m[1]!.startsWith('[') || (m[2] === undefined && m[3]!.includes('['))) throw new CertError(`${at}the options of a line are '[ ... ]' after the certificate file, with a closing ']'.`);
    const options = m[2]?.trim().split(/\s+/).filter(Boolean) ?? [];
    const bad = crtListOptionError(options);
    if (bad) throw new CertError(`${at}${bad}`);
    const file = m[1]!.startsWith('/') ? m[1]! : join(baseDir, m[1]!);
    let certs: LoadedCert[];
    try {
      certs = loadCrt(file, load);
    } catch (e) {
      throw new CertError(`${at}${(e as Error).message}`);
    }
    for (const c of certs) {
      const filters = m[3]!.split(/\s+/).filter(Boolean).map((f) => f.toLowerCase());
      out.push({ ...c, ...(filters.length ? { filters } : {}), ...(options.length ? { options } : {}) });
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
