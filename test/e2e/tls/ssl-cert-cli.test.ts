/**
 * Certificates changed at run time through the Runtime API of a real portico process:
 * `show ssl cert` lists and details the files, `set ssl cert` + `commit ssl cert` switch what new
 * TLS clients get on every bind that loaded the file, `abort ssl cert` drops a transaction, a key
 * that does not match is refused, and only admin may change anything. A differential part runs the
 * same commands on Debian's haproxy 2.6 with the same PEM files and compares the answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { DEFAULTS, freePorts, hasHaproxy, startBackend, startHaproxy, startPortico, type Backend, type Proc } from '../harness.js';
import { exchange } from '../../unit/cli-api/helpers.js';
import { TestPki, type CertFiles } from './certs.js';

let pki: TestPki;
let a: CertFiles, b: CertFiles, c: CertFiles, d: CertFiles;

/** The certificate a new TLS client gets on `port` for `servername`: its CN and serial. */
function peerOf(port: number, servername: string): Promise<{ cn: string; serial: string }> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect({ host: '127.0.0.1', port, servername, rejectUnauthorized: false }, () => {
      const p = s.getPeerCertificate();
      resolve({ cn: String(p.subject.CN), serial: p.serialNumber.toUpperCase() });
      s.destroy();
    });
    s.setTimeout(3000, () => s.destroy(new Error('TLS handshake timeout')));
    s.on('error', reject);
  });
}

/** One HTTP/1.1 keep-alive request on an open TLS socket; resolves with the status line. */
function requestOn(s: TLSSocket): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`no response: ${JSON.stringify(buf)}`)), 3000);
    const onData = (d: Buffer) => {
      buf += d.toString();
      const end = buf.indexOf('\r\n\r\n');
      const len = /content-length: *(\d+)/i.exec(buf)?.[1];
      if (end >= 0 && len !== undefined && buf.length >= end + 4 + Number(len)) {
        clearTimeout(timer);
        s.off('data', onData);
        resolve(buf.split('\r\n')[0]!);
      }
    };
    s.on('data', onData);
    s.write('GET / HTTP/1.1\r\nhost: a.test\r\n\r\n');
  });
}

const serialOf = (files: CertFiles) => new X509Certificate(pki.read(files.crt)).serialNumber.toUpperCase();

/** `set ssl cert <file> <<` with `pem` as the payload (empty lines removed, as the manual advises). */
const setLine = (file: string, pem: string) => `set ssl cert ${file} <<\n${pem.split('\n').filter(Boolean).join('\n')}\n\n`;

beforeAll(() => {
  pki = new TestPki('portico-sslcli-');
  a = pki.cert('a', '/CN=a.test', { san: 'DNS:a.test,DNS:www.a.test' });
  b = pki.cert('b', '/CN=b.test', { san: 'DNS:b.test', withChain: true });
  c = pki.cert('c', '/CN=c.test', { san: 'DNS:c.test,DNS:a.test' });
  d = pki.cert('d', '/CN=d.test', { key: 'ec:prime256v1', san: 'DNS:d.test' });
}, 60_000);

function config(admin: number, oper: number, user: number, tls1: number, tls2: number, backend: number): string {
  return `global
    stats socket ipv4@127.0.0.1:${admin} level admin
    stats socket ipv4@127.0.0.1:${oper} level operator
    stats socket ipv4@127.0.0.1:${user} level user
${DEFAULTS}
frontend one
    bind 127.0.0.1:${tls1} ssl crt ${a.pem} crt ${b.pem}
    default_backend be
frontend two
    bind 127.0.0.1:${tls2} ssl crt ${a.pem}
    default_backend be
backend be
    server s1 127.0.0.1:${backend}
`;
}

describe('ssl cert commands on a running portico', () => {
  let backend: Backend;
  let p: Proc;
  let admin = 0, oper = 0, user = 0, tls1 = 0, tls2 = 0;
  const run = (cmd: string, port = admin) => exchange(port, cmd.endsWith('\n') ? cmd : `${cmd}\n`);

  beforeAll(async () => {
    backend = await startBackend('be');
    [admin, oper, user, tls1, tls2] = await freePorts(5);
    p = await startPortico(config(admin!, oper!, user!, tls1!, tls2!, backend.port), [admin!, tls1!, tls2!]);
  }, 30_000);
  afterAll(async () => {
    await p?.stop();
    await backend?.close();
  });

  it('lists the certificate files and details one', async () => {
    expect(await run('show ssl cert')).toBe(`# filename\n${[a.pem, b.pem].sort().join('\n')}\n\n`);
    const details = await run(`show ssl cert ${b.pem}`);
    expect(details).toContain(`Filename: ${b.pem}\nStatus: Used\nSerial: ${serialOf(b)}\n`);
    expect(details).toContain('\nSubject: /CN=b.test\nIssuer: /C=FR/O=Portico Tests/CN=portico test CA\n');
    expect(details).toContain('\nChain Subject: /C=FR/O=Portico Tests/CN=portico test CA\n');
    expect(await run('show ssl cert /nowhere.pem')).toBe("Can't display the certificate: Not found or the certificate is a bundle!\n\n");
  });

  it('set + commit switch what new clients get on every bind that loaded the file; open connections keep theirs', async () => {
    expect((await peerOf(tls1, 'a.test')).serial).toBe(serialOf(a));
    const held = await new Promise<TLSSocket>((resolve, reject) => {
      const s = tlsConnect({ host: '127.0.0.1', port: tls2, servername: 'a.test', rejectUnauthorized: false }, () => resolve(s));
      s.on('error', reject);
    });
    expect(await requestOn(held)).toBe('HTTP/1.1 200 OK');

    expect(await run(setLine(a.pem, pki.read(c.pem)))).toBe(`Transaction created for certificate ${a.pem}!\n\n`);
    // Nothing changes before the commit.
    expect((await peerOf(tls2, 'a.test')).serial).toBe(serialOf(a));
    expect(await run('show ssl cert')).toBe(`# transaction\n*${a.pem}\n# filename\n${[a.pem, b.pem].sort().join('\n')}\n\n`);
    const pending = await run(`show ssl cert *${a.pem}`);
    expect(pending).toContain(`Filename: *${a.pem}\nStatus: Unused\nSerial: ${serialOf(c)}\n`);

    expect(await run(`commit ssl cert ${a.pem}`)).toBe(`Committing ${a.pem}..\nSuccess!\n\n`);
    for (const port of [tls1, tls2]) expect(await peerOf(port, 'a.test')).toEqual({ cn: 'c.test', serial: serialOf(c) });
    // No SNI: the first certificate of the bind, now c.test.
    expect((await peerOf(tls1, '')).cn).toBe('c.test');
    // The other certificate of the bind is untouched.
    expect((await peerOf(tls1, 'b.test')).cn).toBe('b.test');
    expect(await run('show ssl cert')).toBe(`# filename\n${[a.pem, b.pem].sort().join('\n')}\n\n`);
    expect(await run(`show ssl cert ${a.pem}`)).toContain('\nSubject: /CN=c.test\n');

    // The connection opened before the commit still works, with the certificate it got.
    expect(await requestOn(held)).toBe('HTTP/1.1 200 OK');
    expect(held.getPeerCertificate().subject.CN).toBe('a.test');
    held.destroy();
  });

  it('abort discards the transaction', async () => {
    expect(await run(setLine(b.pem, pki.read(d.pem)))).toBe(`Transaction created for certificate ${b.pem}!\n\n`);
    expect(await run(`abort ssl cert ${a.pem}`)).toBe(`The ongoing transaction is about '${b.pem}' but you are trying to abort a transaction for '${a.pem}'\n\n`);
    expect(await run(`abort ssl cert ${b.pem}`)).toBe(`Transaction aborted for certificate '${b.pem}'!\n\n`);
    expect(await run(`commit ssl cert ${b.pem}`)).toBe(`No ongoing transaction! !\nCan't commit ${b.pem}!\n\n`);
    expect((await peerOf(tls1, 'b.test')).serial).toBe(serialOf(b));
    expect(await run('show ssl cert')).not.toContain('# transaction');
  });

  it('refuses a key that does not match the certificate, and a payload without a certificate', async () => {
    const mismatched = pki.read(d.crt) + pki.read(a.key);
    expect(await run(setLine(b.pem, mismatched))).toBe(`Transaction created for certificate ${b.pem}!\n\n`);
    expect(await run(`commit ssl cert ${b.pem}`)).toBe(`inconsistencies between private key and certificate loaded '${b.pem}'.\nCan't commit ${b.pem}!\n\n`);
    // Only the certificate: no key at all.
    expect(await run(setLine(b.pem, pki.read(d.crt)))).toBe(`Transaction updated for certificate ${b.pem}!\n\n`);
    expect(await run(`commit ssl cert ${b.pem}`)).toBe(`The transaction must contain at least a certificate and a private key!\nCan't commit ${b.pem}!\n\n`);
    // The key alone, through the `.key` name, completes it.
    expect(await run(setLine(`${b.pem}.key`, pki.read(d.key)))).toBe(`Transaction updated for certificate ${b.pem}!\n\n`);
    expect(await run(setLine(b.pem, 'not a certificate'))).toBe(`unable to load certificate from file '${b.pem}'.\nCan't load the payload\nCan't update ${b.pem}!\n\n`);
    expect(await run(setLine(`${b.pem}.key`, 'not a key'))).toBe(`unable to load private key from file '${b.pem}'.\nCan't load the payload\nCan't update ${b.pem}.key!\n\n`);
    expect(await run(setLine(a.pem, pki.read(d.pem)))).toBe(`The ongoing transaction is about '${b.pem}' but you are trying to set '${a.pem}'\nCan't update ${a.pem}!\n\n`);
    expect(await run(setLine('/nowhere.pem', pki.read(d.pem)))).toBe("Can't replace a certificate which is not referenced by the configuration!\nCan't update /nowhere.pem!\n\n");
    expect(await run(setLine(`${b.pem}.ocsp`, 'AAAA'))).toBe(`'.ocsp' files are not supported by portico (no OCSP stapling nor SCT).\nCan't update ${b.pem}.ocsp!\n\n`);
    // Still b.test until the (now consistent) transaction is committed.
    expect((await peerOf(tls1, 'b.test')).cn).toBe('b.test');
    expect(await run(`commit ssl cert ${b.pem}`)).toBe(`Committing ${b.pem}.\nSuccess!\n\n`);
    expect(await peerOf(tls1, 'd.test')).toEqual({ cn: 'd.test', serial: serialOf(d) });
    expect(await run(`show ssl cert ${b.pem}`)).toContain('\nAlgorithm: EC256\n');
  });

  it('answers usage errors in HAProxy\'s words', async () => {
    expect(await run('set ssl cert')).toBe("'set ssl cert expects a filename and a certificate as a payload\n\n");
    expect(await run(`set ssl cert ${a.pem}`)).toBe("'set ssl cert expects a filename and a certificate as a payload\n\n");
    expect(await run('commit ssl cert')).toBe("'commit ssl cert expects a filename\n\n");
    expect(await run('abort ssl cert')).toBe("'abort ssl cert' expects a filename\n\n");
    expect(await run(`abort ssl cert ${a.pem}`)).toBe('No ongoing transaction!\n\n');
  });

  it('lets only admin change certificates, and operator see them', async () => {
    const payload = setLine(a.pem, pki.read(a.pem));
    for (const port of [oper, user]) {
      expect(await run(payload, port)).toBe('Permission denied\n\n');
      expect(await run(`commit ssl cert ${a.pem}`, port)).toBe('Permission denied\n\n');
      expect(await run(`abort ssl cert ${a.pem}`, port)).toBe('Permission denied\n\n');
    }
    expect(await run('show ssl cert', oper)).toContain('# filename\n');
    expect(await run('show ssl cert', user)).toBe('Permission denied\n\n');
    expect(await run('show ssl cert')).not.toContain('# transaction');
    expect((await peerOf(tls2, 'a.test')).cn).toBe('c.test');
  });
});

const HAVE = hasHaproxy();

describe.skipIf(!HAVE)('ssl cert commands against haproxy 2.6', () => {
  let hx: Proc, pc: Proc;
  let hxApi = 0, pcApi = 0, hxTls = 0, pcTls = 0;

  beforeAll(async () => {
    const [h1, h2, h3, h4, h5, p1, p2, p3, p4, p5] = await freePorts(10);
    [hxApi, hxTls, pcApi, pcTls] = [h1!, h4!, p1!, p4!];
    // Commits change the running process only: both load the PEM files as they were made.
    hx = await startHaproxy(config(h1!, h2!, h3!, h4!, h5!, 9), [h1!, h4!]);
    pc = await startPortico(config(p1!, p2!, p3!, p4!, p5!, 9), [p1!, p4!]);
  }, 30_000);
  afterAll(async () => {
    await hx?.stop();
    await pc?.stop();
  });

  it('prints the same details, field by field, for the same PEM files', async () => {
    for (const file of [a.pem, b.pem]) {
      const [h, p] = [await exchange(hxApi, `show ssl cert ${file}\n`), await exchange(pcApi, `show ssl cert ${file}\n`)];
      const names = (t: string) => t.split('\n').filter(Boolean).map((l) => l.slice(0, l.indexOf(':')));
      expect(names(p)).toEqual(names(h));
      expect(p).toBe(h);
    }
  });

  it('answers a transaction\'s commands byte for byte and serves the same certificate after it', async () => {
    const steps = [
      'show ssl cert',
      `commit ssl cert ${a.pem}`,
      `abort ssl cert ${a.pem}`,
      setLine('/nowhere.pem', pki.read(c.pem)),
      setLine(a.pem, pki.read(c.crt) + pki.read(b.key)),
      'show ssl cert',
      `show ssl cert *${a.pem}`,
      `commit ssl cert ${b.pem}`,
      `abort ssl cert ${b.pem}`,
      `commit ssl cert ${a.pem}`,
      setLine(a.pem, pki.read(c.crt)),
      `commit ssl cert ${a.pem}`,
      setLine(a.pem, 'garbage'),
      setLine(`${a.pem}.key`, 'garbage'),
      setLine(`${a.pem}.key`, pki.read(c.key)),
      `show ssl cert *${a.pem}`,
      `commit ssl cert ${a.pem}`,
      'show ssl cert',
      `show ssl cert ${a.pem}`,
      `set ssl cert ${a.pem}`,
      'set ssl cert', 'commit ssl cert', 'abort ssl cert',
      `show ssl cert;${setLine(b.pem, pki.read(d.pem))}`,
      `commit ssl cert ${b.pem}`,
      `show ssl cert ${b.pem}`,
    ];
    const diffs: string[] = [];
    for (const step of steps) {
      const line = step.endsWith('\n') ? step : `${step}\n`;
      const [h, p] = [await exchange(hxApi, line), await exchange(pcApi, line)];
      if (h !== p) diffs.push(`${step.split('\n')[0]}\n  haproxy: ${JSON.stringify(h)}\n  portico: ${JSON.stringify(p)}`);
    }
    expect(diffs).toEqual([]);
    for (const name of ['a.test', 'c.test', 'd.test', '']) {
      expect(await peerOf(pcTls, name), name).toEqual(await peerOf(hxTls, name));
    }
  });
});
