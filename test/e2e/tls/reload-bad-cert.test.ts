/**
 * A reload whose configuration has a certificate that cannot be used fails the way `portico -c`
 * says it: the master prints the very alert `-c` prints for that configuration (file, line,
 * keyword, certificate file, reason), "Loading failure!", no "unexpected error" and no stack
 * trace; the worker in place keeps serving its certificate and its requests; the next good
 * reload goes through. Bad bind certificates (key of another certificate, key missing) and a bad
 * server ca-file are each tried.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { CLI, DEFAULTS, freePorts, sleep, startBackend, startPortico, type Backend, type Proc } from '../harness.js';
import { childrenOf, porticoCmd } from '../process/proc.js';
import { TestPki, type CertFiles } from './certs.js';

/** One HTTPS request on a new connection: the certificate's serial and the response's status line. */
function httpsGet(port: number): Promise<{ serial: string; status: string }> {
  return new Promise((resolve, reject) => {
    let buf = '';
    let serial = '';
    const s = tlsConnect({ host: '127.0.0.1', port, servername: 'a.test', rejectUnauthorized: false }, () => {
      serial = s.getPeerCertificate().serialNumber.toUpperCase();
      s.write('GET / HTTP/1.1\r\nhost: a.test\r\nconnection: close\r\n\r\n');
    });
    s.setTimeout(5000, () => s.destroy(new Error(`no response: ${JSON.stringify(buf)}`)));
    s.on('data', (d: Buffer) => (buf += d.toString()));
    s.on('end', () => {
      resolve({ serial, status: buf.split('\r\n')[0] ?? '' });
      s.destroy();
    });
    s.on('error', reject);
  });
}

/** Waits (bounded) until stderr since line `from` holds `text` (lines joined: a line may come in two chunks). */
async function waitForText(lines: string[], text: string, from: number, ms = 20_000): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const joined = lines.slice(from).join('\n');
    if (joined.includes(text)) return joined;
    if (Date.now() > deadline) throw new Error(`no '${text}' within ${ms} ms:\n${lines.slice(from).join('\n')}`);
    await sleep(25);
  }
}

/** The ALERT lines `portico -c` prints for a configuration file, without their tag and pid. */
function checkAlerts(file: string): string[] {
  const r = spawnSync(process.execPath, [CLI, '-c', '-f', file], { encoding: 'utf8', timeout: 20_000 });
  expect(r.status, r.stderr).toBe(1);
  return alertBodies(r.stderr.split('\n'));
}

const alertBodies = (lines: string[]) => lines.filter((l) => l.startsWith('[ALERT]')).map((l) => l.replace(/^\[ALERT\] +\(\d+\) : /, ''));

describe('a reload with a bad certificate (master-worker)', () => {
  let pki: TestPki;
  let first: CertFiles, second: CertFiles;
  let served: string;
  let backend: Backend;
  let p: Proc;
  let port = 0;
  let text = '';
  const serialOf = (f: CertFiles) => new X509Certificate(pki.read(f.crt)).serialNumber.toUpperCase();

  beforeAll(async () => {
    pki = new TestPki('portico-reload-bad-');
    first = pki.cert('first', '/CN=a.test', { san: 'DNS:a.test' });
    second = pki.cert('second', '/CN=a.test', { san: 'DNS:a.test' });
    served = join(pki.dir, 'served.pem');
    copyFileSync(first.pem, served);
    backend = await startBackend('be');
    [port] = await freePorts(1);
    text = `global
    master-worker
${DEFAULTS}
frontend fe
    bind 127.0.0.1:${port} ssl crt ${served}
    default_backend be
backend be
    server s1 127.0.0.1:${backend.port}
`;
    p = await startPortico(text, [port!], [], porticoCmd('-W', '-db'));
  }, 60_000);

  afterAll(async () => {
    await p?.stop();
    await backend?.close();
  });

  /** Replaces the configuration or a file, reloads, and checks the failure and the old worker. */
  async function failingReload(change: () => void, restore: () => void): Promise<string[]> {
    const workers = childrenOf(p.proc.pid!);
    change();
    const expected = checkAlerts(p.file);
    const from = p.stderr.length;
    p.proc.kill('SIGUSR2');
    const out = await waitForText(p.stderr, 'Loading failure!', from);
    const got = alertBodies(out.split('\n'));
    expect(out).not.toMatch(/unexpected error|\n\s+at /);
    // Nothing forked for a configuration the master refused (same children: the worker and its spare), and the old worker serves as before.
    expect(out).not.toContain('New worker');
    expect(await httpsGet(port)).toEqual({ serial: serialOf(first), status: 'HTTP/1.1 200 OK' });
    expect(childrenOf(p.proc.pid!).sort()).toEqual(workers.sort());
    restore();
    return [expected.join('\n'), got.join('\n')];
  }

  it('a key that is not the certificate\'s: the alert of -c, and the old worker keeps serving', async () => {
    expect(await httpsGet(port)).toEqual({ serial: serialOf(first), status: 'HTTP/1.1 200 OK' });
    const [expected, got] = await failingReload(
      () => writeFileSync(served, pki.read(second.crt) + pki.read(first.key)),
      () => copyFileSync(first.pem, served),
    );
    expect(expected).toContain(`'crt' : inconsistencies between private key and certificate loaded '${served}'`);
    expect(got).toBe(expected);
  }, 60_000);

  it('a certificate without its key', async () => {
    const [expected, got] = await failingReload(
      () => writeFileSync(served, pki.read(second.crt)),
      () => copyFileSync(first.pem, served),
    );
    expect(expected).toContain(`'crt' : No Private Key found for certificate '${served}'`);
    expect(got).toBe(expected);
  }, 60_000);

  it('a server ca-file that is gone', async () => {
    const ca = join(pki.dir, 'backend-ca.crt');
    const [expected, got] = await failingReload(
      () => writeFileSync(p.file, text.replace(`server s1 127.0.0.1:${backend.port}`, `server s1 127.0.0.1:${backend.port} ssl verify required ca-file ${ca}`)),
      () => writeFileSync(p.file, text),
    );
    expect(expected).toContain(`'server be/s1' : 'ca-file' : unable to load CA file '${ca}' : No such file or directory.`);
    expect(got).toBe(expected);
    rmSync(ca, { force: true });
  }, 60_000);

  it('then a good reload serves the new certificate', async () => {
    copyFileSync(second.pem, served);
    expect(readFileSync(p.file, 'utf8')).toBe(text);
    const from = p.stderr.length;
    p.proc.kill('SIGUSR2');
    await waitForText(p.stderr, 'Loading success.', from);
    const deadline = Date.now() + 20_000;
    let seen = await httpsGet(port);
    while (seen.serial !== serialOf(second) && Date.now() < deadline) {
      await sleep(100);
      seen = await httpsGet(port);
    }
    expect(seen).toEqual({ serial: serialOf(second), status: 'HTTP/1.1 200 OK' });
  }, 60_000);
});
