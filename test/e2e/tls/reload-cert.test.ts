/**
 * Certificates reload with the configuration: a master-worker portico serves a PEM file, the file
 * is replaced on disk, SIGUSR2 reloads, and new TLS clients get the new certificate (the worker
 * started by the reload reads the files again). A certificate that cannot be loaded fails the
 * reload and the running worker keeps serving the certificate it has.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { DEFAULTS, freePorts, sleep, startBackend, startPortico, type Backend, type Proc } from '../harness.js';
import { porticoCmd } from '../process/proc.js';
import { TestPki, type CertFiles } from './certs.js';

function peerSerial(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect({ host: '127.0.0.1', port, servername: 'a.test', rejectUnauthorized: false }, () => {
      resolve(s.getPeerCertificate().serialNumber.toUpperCase());
      s.destroy();
    });
    s.setTimeout(3000, () => s.destroy(new Error('TLS handshake timeout')));
    s.on('error', reject);
  });
}

/**
 * Waits (bounded) until the process's stderr since line `from` contains `text`. The lines are
 * joined without separators: a line the harness received in two chunks is whole again.
 */
async function waitForText(lines: string[], text: string, from: number, ms = 20_000): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const joined = lines.slice(from).join('');
    if (joined.includes(text)) return joined;
    if (Date.now() > deadline) throw new Error(`no '${text}' within ${ms} ms:\n${lines.slice(from).join('\n')}`);
    await sleep(25);
  }
}

/** Polls (bounded) until new clients get `serial`; returns the last serial seen. */
async function waitForSerial(port: number, serial: string, ms = 20_000): Promise<string> {
  const deadline = Date.now() + ms;
  let seen = '';
  while (Date.now() < deadline) {
    seen = await peerSerial(port).catch(() => '');
    if (seen === serial) break;
    await sleep(100);
  }
  return seen;
}

describe('certificates across a reload (master-worker, SIGUSR2)', () => {
  let pki: TestPki;
  let first: CertFiles, second: CertFiles;
  let served: string;
  let backend: Backend;
  let p: Proc;
  let port = 0;
  const serialOf = (f: CertFiles) => new X509Certificate(pki.read(f.crt)).serialNumber.toUpperCase();

  beforeAll(async () => {
    pki = new TestPki('portico-reload-cert-');
    first = pki.cert('first', '/CN=a.test', { san: 'DNS:a.test' });
    second = pki.cert('second', '/CN=a.test', { san: 'DNS:a.test' });
    served = join(pki.dir, 'served.pem');
    copyFileSync(first.pem, served);
    backend = await startBackend('be');
    [port] = await freePorts(1);
    p = await startPortico(
      `global
    master-worker
${DEFAULTS}
frontend fe
    bind 127.0.0.1:${port} ssl crt ${served}
    default_backend be
backend be
    server s1 127.0.0.1:${backend.port}
`,
      [port!],
      [],
      porticoCmd('-W', '-db'),
    );
  }, 60_000);

  afterAll(async () => {
    await p?.stop();
    await backend?.close();
  });

  it('serves the new certificate file after SIGUSR2', async () => {
    expect(serialOf(first)).not.toBe(serialOf(second));
    expect(await peerSerial(port)).toBe(serialOf(first));
    copyFileSync(second.pem, served);
    // The file alone changes nothing until the reload.
    expect(await peerSerial(port)).toBe(serialOf(first));
    const from = p.stderr.length;
    p.proc.kill('SIGUSR2');
    await waitForText(p.stderr, 'Loading success.', from);
    expect(await waitForSerial(port, serialOf(second))).toBe(serialOf(second));
  }, 60_000);

  it('keeps serving the loaded certificate when the new file cannot be loaded', async () => {
    writeFileSync(served, 'not a certificate\n');
    const from = p.stderr.length;
    p.proc.kill('SIGUSR2');
    await waitForText(p.stderr, 'Loading failure!', from);
    expect(await waitForText(p.stderr, `'crt' : unable to load certificate from file '${served}' : no PEM certificate in it`, from)).toBeTruthy();
    expect(await peerSerial(port)).toBe(serialOf(second));
    copyFileSync(first.pem, served);
    const again = p.stderr.length;
    p.proc.kill('SIGUSR2');
    await waitForText(p.stderr, 'Loading success.', again);
    expect(await waitForSerial(port, serialOf(first))).toBe(serialOf(first));
  }, 60_000);
});
