/**
 * Loading every certificate of a configuration in one pass (src/tls/load-tls.ts): problems are
 * collected with their bind or server line instead of stopping at the first, good binds and
 * servers get their TLS material, and the runtime refuses to start on a problem with a CertError
 * that carries the located messages (what a worker reports to the master on a reload).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfigText } from '../../../src/config/load.js';
import { Runtime } from '../../../src/runtime/runtime.js';
import { CertError, loadCertFile } from '../../../src/tls/certs.js';
import { checkCertificates, loadConfigTls } from '../../../src/tls/load-tls.js';
import { certFailureLines } from '../../../src/process/report.js';
import { TestPki, type CertFiles } from '../../e2e/tls/certs.js';

let pki: TestPki;
let a: CertFiles, b: CertFiles;
let mismatch: string;

beforeAll(() => {
  pki = new TestPki('portico-load-tls-');
  a = pki.cert('a', '/CN=a.test', { san: 'DNS:a.test' });
  b = pki.cert('b', '/CN=b.test', { san: 'DNS:b.test', key: 'ec:prime256v1' });
  mismatch = join(pki.dir, 'mismatch.pem');
  writeFileSync(mismatch, pki.read(a.crt) + pki.read(b.key));
}, 60_000);

function cfg(bind2: string, server: string): string {
  return `defaults
  mode http
  timeout connect 1s
  timeout client 1s
  timeout server 1s
frontend fe
  bind 127.0.0.1:1 ssl crt ${a.pem}
  bind 127.0.0.1:2 ${bind2}
  default_backend be
backend be
  server s1 127.0.0.1:3 ${server}
`;
}

describe('loadConfigTls', () => {
  it('collects one located alert per bad bind or server and keeps the good ones', () => {
    const { config, ok } = loadConfigText(cfg(`ssl crt ${mismatch}`, `ssl verify required ca-file ${join(pki.dir, 'none.crt')}`), 'x.cfg');
    expect(ok).toBe(true);
    const r = loadConfigTls(config);
    expect(r.problems.map((d) => [d.level, d.file, d.line])).toEqual([
      ['alert', 'x.cfg', 8],
      ['alert', 'x.cfg', 11],
    ]);
    expect(r.problems[0]!.message).toBe(
      `'bind 127.0.0.1:2' in section 'frontend' : 'crt' : inconsistencies between private key and certificate loaded '${mismatch}' : the private key in the file does not belong to the certificate (CN=a.test).`,
    );
    expect(r.problems[1]!.message).toBe(`'server be/s1' : 'ca-file' : unable to load CA file '${join(pki.dir, 'none.crt')}' : No such file or directory.`);
    expect(r.binds.size).toBe(1);
    expect(checkCertificates(config)).toEqual(r.problems);
  });

  it('gives a server its CA bundle and its certificate with the key', () => {
    const { config } = loadConfigText(cfg(`ssl crt ${b.pem}`, `ssl verify required ca-file ${pki.caCrt} crt ${b.pem}`), 'x.cfg');
    const r = loadConfigTls(config);
    expect(r.problems).toEqual([]);
    const files = [...r.servers.values()][0]!;
    expect(files.ca).toBe(pki.read(pki.caCrt));
    expect(files.cert).toContain('BEGIN CERTIFICATE');
    expect(files.cert).toContain('PRIVATE KEY');
  });
});

describe('Runtime.start with a bad certificate', () => {
  it('rejects with a CertError whose lines are the located alerts', async () => {
    const { config, rules } = loadConfigText(cfg(`ssl crt ${join(pki.dir, 'gone.pem')}`, ''), 'y.cfg');
    const rt = new Runtime(config, {}, rules);
    const err = await rt.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CertError);
    const lines = certFailureLines(err as CertError);
    expect(lines).toEqual([
      `config : parsing [y.cfg:8] : 'bind 127.0.0.1:2' in section 'frontend' : 'crt' : unable to stat SSL certificate from file '${join(pki.dir, 'gone.pem')}' : No such file or directory.`,
      'config : Fatal errors found in configuration.',
    ]);
    expect(rt.listeners).toEqual([]);
  });
});

describe('loadCertFile', () => {
  it('takes the key from <file>.key when the PEM has none, and checks it', () => {
    const crtOnly = join(pki.dir, 'crt-only.pem');
    writeFileSync(crtOnly, pki.read(b.crt));
    writeFileSync(`${crtOnly}.key`, pki.read(b.key));
    const c = loadCertFile(crtOnly);
    expect(c.key).toContain('PRIVATE KEY');
    expect(c.names).toEqual(['b.test']);
    writeFileSync(`${crtOnly}.key`, 'nothing\n');
    expect(() => loadCertFile(crtOnly)).toThrow(`No Private Key found in '${crtOnly}.key' (it is the key file of '${crtOnly}', which has no private key of its own).`);
  });

  it('says which block of a chain does not parse', () => {
    const chain = join(pki.dir, 'chain.pem');
    writeFileSync(chain, `${pki.read(a.crt)}-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n${pki.read(a.key)}`);
    expect(() => loadCertFile(chain)).toThrow(/unable to load certificate from file '.*chain\.pem' : certificate #2 \(in the chain\) is not valid/);
  });

  it('names an unterminated certificate block', () => {
    const cut = join(pki.dir, 'cut.pem');
    writeFileSync(cut, pki.read(a.crt).split('\n').slice(0, 5).join('\n'));
    expect(() => loadCertFile(cut)).toThrow("its 'BEGIN CERTIFICATE' block has no matching 'END CERTIFICATE' line");
  });
});
