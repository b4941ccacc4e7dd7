/**
 * `commit ssl cert` with several workers (master-worker, nbthread 2): the certificate committed in
 * one worker is served by every worker before the commit answers. A client makes new TLS
 * connections until it has been served by both workers (each response says its worker's pid) and
 * checks the certificate of each. Committed through the stats socket (worker 1), then through the
 * master CLI with a payload routed to worker 2 (`@2 set ssl cert <file> <<`); a worker that
 * replaces a dead one serves the committed certificate too; a reload goes back to the file on disk,
 * as HAProxy does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { connect as tlsConnect } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { DEFAULTS, freePorts, sleep, startBackend, startPortico, type Backend, type Proc } from '../harness.js';
import { exchange } from '../../unit/cli-api/helpers.js';
import { masterCli, masterRaw, porticoCmd, waitForLine } from '../process/proc.js';
import { TestPki, type CertFiles } from './certs.js';

/** One HTTPS request on a new connection: the serial of the certificate and the pid of the worker that answered. */
function fetchOnce(port: number): Promise<{ serial: string; pid: string }> {
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
      s.destroy();
      const pid = /\r\nx-pid: *(\d+)/i.exec(buf)?.[1];
      if (pid) resolve({ serial, pid });
      else reject(new Error(`no x-pid in ${JSON.stringify(buf)}`));
    });
    s.on('error', reject);
  });
}

/**
 * New connections (8 at a time) until both workers have answered at least 5 times, bounded by
 * 600 connections and 40 s: the serials each worker presented, with the count of connections.
 * With `only`, answers from other pids (former workers finishing a reload) are left out.
 */
async function sampleWorkers(port: number, only?: string[]): Promise<{ byPid: Map<string, Map<string, number>>; connections: number }> {
  const byPid = new Map<string, Map<string, number>>();
  let connections = 0;
  const deadline = Date.now() + 40_000;
  const enough = () => byPid.size >= 2 && [...byPid.values()].every((m) => [...m.values()].reduce((a, b) => a + b, 0) >= 5);
  while (!enough() && connections < 600 && Date.now() < deadline) {
    const batch = await Promise.all(Array.from({ length: 8 }, () => fetchOnce(port)));
    connections += batch.length;
    for (const { serial, pid } of batch) {
      if (only && !only.includes(pid)) continue;
      const m = byPid.get(pid) ?? new Map<string, number>();
      m.set(serial, (m.get(serial) ?? 0) + 1);
      byPid.set(pid, m);
    }
  }
  return { byPid, connections };
}

/** The serials seen per worker pid, e.g. { "123": ["AB.."], "124": ["AB.."] }. */
function serialsByPid(sample: { byPid: Map<string, Map<string, number>> }): Record<string, string[]> {
  return Object.fromEntries([...sample.byPid].map(([pid, m]) => [pid, [...m.keys()].sort()]));
}


/** The payload form of `set ssl cert`: the PEM without empty lines, then the empty line that ends it. */
const setCert = (prefix: string, file: string, pem: string) => `${prefix}set ssl cert ${file} <<\n${pem.split('\n').filter(Boolean).join('\n')}\n\n`;

/** Pids of the current workers, from the master CLI's `show proc`. */
async function currentWorkers(sock: string): Promise<string[]> {
  const out = await masterCli(sock, 'show proc');
  const section = out.split('# workers\n')[1]?.split('#')[0] ?? '';
  return [...section.matchAll(/^(\d+) +worker/gm)].map((m) => m[1]!);
}

describe('commit ssl cert with two workers', () => {
  let pki: TestPki;
  let first: CertFiles, second: CertFiles, third: CertFiles;
  let served: string;
  let backend: Backend;
  let p: Proc;
  let port = 0;
  let admin = 0;
  let sock = '';
  const serialOf = (f: CertFiles) => new X509Certificate(pki.read(f.crt)).serialNumber.toUpperCase();

  beforeAll(async () => {
    pki = new TestPki('portico-sslcert-workers-');
    first = pki.cert('first', '/CN=a.test', { san: 'DNS:a.test' });
    second = pki.cert('second', '/CN=a.test', { san: 'DNS:a.test' });
    third = pki.cert('third', '/CN=a.test', { san: 'DNS:a.test', key: 'ec:prime256v1' });
    served = join(pki.dir, 'served.pem');
    copyFileSync(first.pem, served);
    backend = await startBackend('be');
    [port, admin] = await freePorts(2);
    sock = join(tmpdir(), `portico-sslw-${process.pid}-${port}.sock`);
    p = await startPortico(
      `global
    master-worker
    nbthread 2
    stats socket ipv4@127.0.0.1:${admin} level admin
${DEFAULTS}
frontend fe
    bind 127.0.0.1:${port} ssl crt ${served}
    http-response set-header x-pid %pid
    default_backend be
backend be
    server s1 127.0.0.1:${backend.port}
`,
      [port!, admin!],
      [],
      porticoCmd('-W', '-db', '-S', sock),
    );
    await waitForLine(p.stderr, /Loading success\./, 20_000);
  }, 60_000);

  afterAll(async () => {
    await p?.stop();
    await backend?.close();
  });

  it('both workers serve the file at first', async () => {
    const s = await sampleWorkers(port);
    expect(s.byPid.size, JSON.stringify(serialsByPid(s))).toBe(2);
    expect(Object.values(serialsByPid(s))).toEqual([[serialOf(first)], [serialOf(first)]]);
  }, 60_000);

  it('a commit on the stats socket (worker 1) is served by both workers when it answers', async () => {
    expect(await exchange(admin, setCert('', served, pki.read(second.pem)))).toBe(`Transaction created for certificate ${served}!\n\n`);
    expect(await exchange(admin, `commit ssl cert ${served}\n`)).toBe(`Committing ${served}.\nSuccess!\n\n`);
    // No waiting: the answer came once every worker had the certificate.
    const s = await sampleWorkers(port);
    expect(s.byPid.size, JSON.stringify(serialsByPid(s))).toBe(2);
    expect(Object.values(serialsByPid(s))).toEqual([[serialOf(second)], [serialOf(second)]]);
    console.log(`stats socket commit: ${s.connections} new connections after the answer, per worker: ${JSON.stringify(Object.fromEntries([...s.byPid].map(([pid, m]) => [pid, Object.fromEntries(m)])))}`);
  }, 60_000);

  it('the master CLI forwards a payload to worker 2, and its commit reaches worker 1', async () => {
    expect(await masterRaw(sock, setCert('@2 ', served, pki.read(third.pem)))).toBe(`Transaction created for certificate ${served}!\n\n`);
    expect(await masterCli(sock, '@2 show ssl cert')).toBe(`# transaction\n*${served}\n# filename\n${served}\n\n`);
    // Worker 1 has no transaction: each worker's transactions are its own.
    expect(await masterCli(sock, '@1 show ssl cert')).toBe(`# filename\n${served}\n\n`);
    expect(await masterCli(sock, `@2 commit ssl cert ${served}`)).toBe(`Committing ${served}.\nSuccess!\n\n`);
    const s = await sampleWorkers(port);
    expect(s.byPid.size, JSON.stringify(serialsByPid(s))).toBe(2);
    expect(Object.values(serialsByPid(s))).toEqual([[serialOf(third)], [serialOf(third)]]);
    for (const via of ['@1 ', '@2 ']) expect(await masterCli(sock, `${via}show ssl cert ${served}`)).toContain(`\nSerial: ${serialOf(third)}\n`);
    expect(await exchange(admin, `show ssl cert ${served}\n`)).toContain(`\nSerial: ${serialOf(third)}\n`);
  }, 60_000);

  it('a payload command the master cannot route is refused, and its payload lines are not run', async () => {
    const out = await masterRaw(sock, `prompt\n${setCert('', served, pki.read(first.pem))}@1 show ssl cert\nquit\n`);
    expect(out.match(/Unknown command/g)).toHaveLength(1);
    expect(out).toContain(`# filename\n${served}\n`);
    expect(out).not.toContain('Transaction created');
    // One "+ " prompt per line read inside the payload, as HAProxy's master CLI prints them.
    const payloadLines = pki.read(first.pem).split('\n').filter(Boolean).length;
    expect(out.match(/\+ /g)).toHaveLength(payloadLines + 1);
  });

  it('a worker that replaces a dead one serves the committed certificate, not the file', async () => {
    const before = await currentWorkers(sock);
    expect(before).toHaveLength(2);
    const from = p.stderr.length;
    process.kill(Number(before[1]), 'SIGKILL');
    await waitForLine(p.stderr, /New worker \(\d+\) forked/, 20_000, from);
    const deadline = Date.now() + 20_000;
    let now = await currentWorkers(sock);
    while ((now.length < 2 || now.includes(before[1]!)) && Date.now() < deadline) {
      await sleep(100);
      now = await currentWorkers(sock);
    }
    expect(now).toHaveLength(2);
    expect(now).not.toContain(before[1]);
    const s = await sampleWorkers(port);
    expect(s.byPid.size, JSON.stringify(serialsByPid(s))).toBe(2);
    expect([...s.byPid.keys()].sort()).toEqual([...now].sort());
    expect(Object.values(serialsByPid(s))).toEqual([[serialOf(third)], [serialOf(third)]]);
  }, 60_000);

  it('a reload reads the file on disk again, in every new worker', async () => {
    const old = await currentWorkers(sock);
    const from = p.stderr.length;
    p.proc.kill('SIGUSR2');
    await waitForLine(p.stderr, /Loading success\./, 20_000, from);
    const now = await currentWorkers(sock);
    expect(now.filter((pid) => old.includes(pid))).toEqual([]);
    const s = await sampleWorkers(port, now);
    expect([...s.byPid.keys()].sort(), JSON.stringify(serialsByPid(s))).toEqual([...now].sort());
    expect(Object.values(serialsByPid(s))).toEqual([[serialOf(first)], [serialOf(first)]]);
  }, 60_000);
});
