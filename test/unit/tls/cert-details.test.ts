/**
 * `show ssl cert <file>` details: field order and HAProxy's forms (one-line names, DNS-only
 * subjectAltNames, RSA2048/EC256 algorithms, fingerprints without colons), checked against
 * certificates made by openssl and against openssl's own view of the same fields.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { certDetails, dnOneLine, keyAlgorithm, sanOneLine } from '../../../src/tls/cert-details.js';
import { TestPki, type CertFiles } from '../../e2e/tls/certs.js';

describe('distinguished names in one line', () => {
  it('turns node\'s multi-line form into /SN=value entries', () => {
    expect(dnOneLine('C=FR\nO=Portico\nCN=portico test CA')).toBe('/C=FR/O=Portico/CN=portico test CA');
    expect(dnOneLine('')).toBe('');
  });

  it('removes node\'s escaping: specials, control characters, multi-valued RDNs', () => {
    expect(dnOneLine('O=x\\, y\\;z \\"q\\" \\<w\\> #h\\\\s\\ ')).toBe('/O=x, y;z "q" <w> #h\\s ');
    expect(dnOneLine('CN=a + OU=b\\+c')).toBe('/CN=a/OU=b+c');
    expect(dnOneLine('L=\\ lead\nCN=line\\0Abreak')).toBe('/L= lead/CN=line\nbreak');
    expect(dnOneLine('ST=Île-de-France')).toBe('/ST=Île-de-France');
  });
});

describe('subjectAltName in one line', () => {
  it('keeps DNS names and leaves an empty item for other kinds, as HAProxy 2.6 prints them', () => {
    expect(sanOneLine('DNS:a.test, DNS:www.a.test')).toBe('DNS:a.test, DNS:www.a.test');
    expect(sanOneLine('DNS:ed.test, IP Address:127.0.0.1, email:a@b.c, DNS:*.ed.test')).toBe('DNS:ed.test, , , DNS:*.ed.test');
    expect(sanOneLine(undefined)).toBe('');
    expect(sanOneLine('DNS:"odd, name", DNS:b')).toBe('DNS:odd, name, DNS:b');
  });
});

describe('certificate details', () => {
  let pki: TestPki;
  let rsa: CertFiles, ec: CertFiles, ec384: CertFiles, ed: CertFiles, chained: CertFiles, odd: CertFiles;

  beforeAll(() => {
    pki = new TestPki();
    rsa = pki.cert('rsa', '/CN=rsa.test', { san: 'DNS:rsa.test,DNS:www.rsa.test', serial: '0x80FF' });
    ec = pki.cert('ec', '/CN=ec.test', { key: 'ec:prime256v1', selfSigned: true });
    ec384 = pki.cert('ec384', '/CN=ec384.test', { key: 'ec:secp384r1' });
    ed = pki.cert('ed', '/CN=ed.test', { key: 'ed25519', selfSigned: true });
    chained = pki.cert('chained', '/CN=chained.test', { san: 'DNS:chained.test', withChain: true });
    odd = pki.cert('odd', '/CN=a+OU=b\\+c/O=x\\, y;z "q" <w>/ST=Île-de-France', { selfSigned: true, key: 'ec:prime256v1' });
  }, 60_000);

  const fieldNames = (text: string) => text.split('\n').filter(Boolean).map((l) => l.slice(0, l.indexOf(':')));

  it('prints HAProxy\'s fields in HAProxy\'s order', () => {
    const out = certDetails({ name: rsa.pem, status: 'Used', pem: pki.read(rsa.pem) });
    expect(fieldNames(out)).toEqual([
      'Filename', 'Status', 'Serial', 'notBefore', 'notAfter', 'Subject Alternative Name', 'Algorithm', 'SHA1 FingerPrint', 'Subject', 'Issuer', 'OCSP Response Key',
    ]);
    expect(out.startsWith(`Filename: ${rsa.pem}\nStatus: Used\nSerial: 80FF\n`)).toBe(true);
    expect(out).toContain('\nSubject Alternative Name: DNS:rsa.test, DNS:www.rsa.test\n');
    expect(out).toContain('\nAlgorithm: RSA2048\n');
    expect(out).toContain('\nSubject: /CN=rsa.test\nIssuer: /C=FR/O=Portico Tests/CN=portico test CA\n');
    expect(out.endsWith('OCSP Response Key: \n')).toBe(true);
  });

  it('agrees with openssl on serial, dates and SHA1 fingerprint', () => {
    const out = certDetails({ name: 'x', status: 'Used', pem: pki.read(ec384.pem) });
    const serial = pki.openssl('x509', '-in', ec384.crt, '-noout', '-serial').trim().replace('serial=', '');
    const fp = pki.openssl('x509', '-in', ec384.crt, '-noout', '-fingerprint', '-sha1').trim().replace(/^.*=/, '').replaceAll(':', '');
    const start = pki.openssl('x509', '-in', ec384.crt, '-noout', '-startdate').trim().replace('notBefore=', '');
    const end = pki.openssl('x509', '-in', ec384.crt, '-noout', '-enddate').trim().replace('notAfter=', '');
    expect(out).toContain(`\nSerial: ${serial}\n`);
    expect(out).toContain(`\nSHA1 FingerPrint: ${fp}\n`);
    expect(out).toContain(`\nnotBefore: ${start}\nnotAfter: ${end}\n`);
    expect(out).toContain('\nAlgorithm: EC384\n');
  });

  it('names key algorithms as HAProxy does, and the others by their type', () => {
    expect(keyAlgorithm(new X509Certificate(pki.read(ec.crt)))).toBe('EC256');
    expect(keyAlgorithm(new X509Certificate(pki.read(rsa.crt)))).toBe('RSA2048');
    expect(keyAlgorithm(new X509Certificate(pki.read(ed.crt)))).toBe('ED25519');
  });

  it('lists a subject and issuer per chain certificate, and an empty SAN line without SAN', () => {
    const out = certDetails({ name: '*f', status: 'Unused', pem: pki.read(chained.pem) });
    expect(out).toContain('Filename: *f\nStatus: Unused\n');
    expect(out).toContain('\nChain Subject: /C=FR/O=Portico Tests/CN=portico test CA\nChain Issuer: /C=FR/O=Portico Tests/CN=portico test CA\nOCSP Response Key: \n');
    expect(certDetails({ name: 'e', status: 'Used', pem: pki.read(ec.pem) })).toContain('\nSubject Alternative Name: \nAlgorithm: EC256\n');
  });

  it('prints names with special characters raw, one entry per attribute', () => {
    const out = certDetails({ name: 'o', status: 'Used', pem: pki.read(odd.pem) });
    expect(out).toContain('\nSubject: /CN=a/OU=b+c/O=x, y;z "q" <w>/ST=Île-de-France\n');
  });
});
