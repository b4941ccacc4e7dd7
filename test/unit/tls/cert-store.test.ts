/**
 * The certificate store: a file is read once however many binds name it, and a replacement
 * switches every bind that serves it — or none of them when one cannot build its context.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { X509Certificate } from 'node:crypto';
import type { Bind, Global } from '../../../src/config/model.js';
import { loadConfigText } from '../../../src/config/load.js';
import { buildBindTls } from '../../../src/tls/bind-tls.js';
import { CertStore } from '../../../src/tls/cert-store.js';
import { loadCertFile, pemParts } from '../../../src/tls/certs.js';
import { TestPki, type CertFiles } from '../../e2e/tls/certs.js';

let pki: TestPki;
let a: CertFiles, b: CertFiles, c: CertFiles;

beforeAll(() => {
  pki = new TestPki();
  a = pki.cert('a', '/CN=a.test', { san: 'DNS:a.test' });
  b = pki.cert('b', '/CN=b.test', { san: 'DNS:b.test' });
  c = pki.cert('c', '/CN=c.test', { san: 'DNS:c.test' });
}, 60_000);

/** The binds and global section of a configuration. */
function binds(cfg: string): { binds: Bind[]; global: Global } {
  const loaded = loadConfigText(cfg);
  const alerts = loaded.diags.list.filter((d) => d.level === 'alert');
  if (alerts.length) throw new Error(alerts.map((x) => x.message).join('\n'));
  return { binds: loaded.config.proxies.flatMap((p) => ('binds' in p ? (p.binds as Bind[]) : [])), global: loaded.config.global };
}

const cnOf = (pem: string) => new X509Certificate(pemParts(pem).certs[0]!).subject;

describe('certificate store', () => {
  it('reads a file once and counts every bind that serves it', () => {
    const cfg = binds(`frontend f
  mode http
  bind 127.0.0.1:1 ssl crt ${a.pem} crt ${b.pem}
  bind 127.0.0.1:2 ssl crt ${a.pem}
`);
    const store = new CertStore();
    const tls = cfg.binds.map((bind) => buildBindTls(bind, cfg.global, pki.dir, store));
    expect(store.files()).toEqual([a.pem, b.pem].sort());
    expect(store.userCount(a.pem)).toBe(2);
    expect(store.userCount(b.pem)).toBe(1);
    expect(tls[0]!.contexts[0]!.cert).toBe(store.get(a.pem));
  });

  it('switches every bind serving the file, selection included', () => {
    const cfg = binds(`frontend f
  mode http
  bind 127.0.0.1:1 ssl crt ${a.pem} crt ${b.pem}
  bind 127.0.0.1:2 ssl crt ${a.pem}
`);
    const store = new CertStore();
    const [first, second] = cfg.binds.map((bind) => buildBindTls(bind, cfg.global, pki.dir, store));
    const before = first!.defaultContext;
    const r = store.replace(a.pem, { ...loadCertFile(c.pem), file: a.pem });
    expect(r).toEqual({ ok: true, users: 2 });
    expect(first!.defaultContext).not.toBe(before);
    expect(cnOf(first!.contexts[0]!.cert.pem)).toBe('CN=c.test');
    expect(cnOf(second!.contexts[0]!.cert.pem)).toBe('CN=c.test');
    // The new names are served by SNI, the old ones fall back to the default (now c.test too).
    expect(first!.select('c.test')).toBe(first!.contexts[0]!.context);
    expect(first!.select('b.test')).toBe(first!.contexts[1]!.context);
    expect(cnOf(store.get(a.pem)!.pem)).toBe('CN=c.test');
  });

  it('changes nothing when one bind cannot build its context', () => {
    const cfg = binds(`frontend f
  mode http
  bind 127.0.0.1:1 ssl crt ${a.pem}
  bind 127.0.0.1:2 ssl crt ${a.pem}
`);
    const store = new CertStore();
    const tls = cfg.binds.map((bind) => buildBindTls(bind, cfg.global, pki.dir, store));
    const contexts = tls.map((t) => t.defaultContext);
    // b's certificate with c's key: createSecureContext refuses it.
    const bad = { ...loadCertFile(b.pem), key: pki.read(c.key), file: a.pem };
    const r = store.replace(a.pem, bad);
    expect(r.ok).toBe(false);
    expect(tls.map((t) => t.defaultContext)).toEqual(contexts);
    expect(cnOf(store.get(a.pem)!.pem)).toBe('CN=a.test');
    expect(store.replace('/nowhere.pem', bad)).toEqual({ ok: false, error: "Can't find the certificate '/nowhere.pem'." });
  });
});
