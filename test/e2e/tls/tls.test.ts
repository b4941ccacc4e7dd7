import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpsRequest, createServer as createHttpsServer } from 'node:https';
import { connect as tlsConnect, type PeerCertificate } from 'node:tls';
import type { Server } from 'node:https';
import { DEFAULTS, freePorts, httpRequest, startBackend, startPortico, type Backend, type Proc } from '../harness.js';

const dir = mkdtempSync(join(tmpdir(), 'portico-tls-'));
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

/** A CA, two server certificates (a.test, b.test) as HAProxy PEMs (cert + key), and a client certificate. */
function makeCerts(): void {
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=portico test CA');
  for (const name of ['a.test', 'b.test', 'client']) {
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    writeFileSync(join(dir, `${name}.ext`), name === 'client' ? 'extendedKeyUsage=clientAuth\n' : `subjectAltName=DNS:${name},DNS:www.${name}\n`);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', `${name}.ext`);
    writeFileSync(join(dir, `${name}.pem`), readFileSync(join(dir, `${name}.crt`), 'utf8') + readFileSync(join(dir, `${name}.key`), 'utf8'));
  }
}

function get(port: number, servername: string, opts: { cert?: boolean; path?: string } = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string; peer: PeerCertificate }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port,
        path: opts.path ?? '/',
        servername,
        ca: readFileSync(join(dir, 'ca.crt')),
        headers: { host: servername },
        ...(opts.cert ? { cert: readFileSync(join(dir, 'client.crt')), key: readFileSync(join(dir, 'client.key')) } : {}),
        agent: false,
      },
      (res) => {
        const peer = (res.socket as import('node:tls').TLSSocket).getPeerCertificate();
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body, peer }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('TLS termination', () => {
  let backend: Backend;
  let httpsBackend: Server;
  let httpsBackendPort: number;
  let portico: Proc;
  let tlsPort: number, plainPort: number, mtlsPort: number, toServerPort: number, dirPort: number;

  beforeAll(async () => {
    makeCerts();
    backend = await startBackend('plain');
    httpsBackend = createHttpsServer({ key: readFileSync(join(dir, 'b.test.key')), cert: readFileSync(join(dir, 'b.test.crt')) }, (req, res) => {
      res.setHeader('x-backend', 'tls-backend');
      res.end(`tls backend saw ${req.url}`);
    });
    await new Promise<void>((r) => httpsBackend.listen(0, '127.0.0.1', r));
    httpsBackendPort = (httpsBackend.address() as { port: number }).port;
    [tlsPort, plainPort, mtlsPort, toServerPort, dirPort] = await freePorts(5);
    writeFileSync(join(dir, 'certs.list'), `${join(dir, 'b.test.pem')} b.test\n`);
    portico = await startPortico(
      `${DEFAULTS}
frontend www
    bind 127.0.0.1:${plainPort}
    bind 127.0.0.1:${tlsPort} ssl crt ${join(dir, 'a.test.pem')} crt ${join(dir, 'b.test.pem')} alpn h2,http/1.1
    http-request redirect scheme https code 301 unless { ssl_fc }
    http-request set-header X-SNI %[ssl_fc_sni]
    http-request set-header X-Proto %[ssl_fc_protocol]
    default_backend be
frontend mtls
    bind 127.0.0.1:${mtlsPort} ssl crt ${join(dir, 'a.test.pem')} ca-file ${join(dir, 'ca.crt')} verify required
    http-request set-header X-Client-DN %[ssl_c_s_dn(CN)]
    default_backend be
frontend certdir
    bind 127.0.0.1:${dirPort} ssl crt-list ${join(dir, 'certs.list')} crt ${join(dir, 'a.test.pem')}
    default_backend be
frontend toserver
    bind 127.0.0.1:${toServerPort}
    default_backend tlsbe
backend be
    http-response set-header Strict-Transport-Security "max-age=31536000"
    server s1 127.0.0.1:${backend.port}
backend tlsbe
    server s1 127.0.0.1:${httpsBackendPort} ssl verify required ca-file ${join(dir, 'ca.crt')} sni str(b.test)
`,
      [plainPort, tlsPort, mtlsPort, toServerPort, dirPort],
    );
  });
  afterAll(async () => {
    await portico?.stop();
    await backend?.close();
    httpsBackend?.close();
  });

  it('serves HTTPS and selects the certificate by SNI (first one by default)', async () => {
    const a = await get(tlsPort, 'a.test');
    expect(a.status).toBe(200);
    expect(a.peer.subject.CN).toBe('a.test');
    const b = await get(tlsPort, 'www.b.test');
    expect(b.peer.subject.CN).toBe('b.test');
    const seen = backend.seen.at(-1)!;
    expect(seen.headers['x-sni']).toBe('www.b.test');
    expect(seen.headers['x-proto']).toMatch(/^TLSv1\.[23]$/);
    expect(b.headers['strict-transport-security']).toBe('max-age=31536000');
    // A name no certificate has gets the first one.
    const other = await new Promise<PeerCertificate>((resolve, reject) => {
      const s = tlsConnect({ host: '127.0.0.1', port: tlsPort, servername: 'unknown.test', rejectUnauthorized: false }, () => {
        resolve(s.getPeerCertificate());
        s.destroy();
      });
      s.on('error', reject);
    });
    expect(other.subject.CN).toBe('a.test');
  });

  it('loads certificates from a crt-list with SNI filters', async () => {
    expect((await get(dirPort, 'b.test')).peer.subject.CN).toBe('b.test');
    expect((await get(dirPort, 'a.test')).peer.subject.CN).toBe('a.test');
  });

  it('redirects plain HTTP to HTTPS with 301, keeping the path', async () => {
    const r = await httpRequest(plainPort, '/some/path?q=1', { headers: { host: 'a.test' } });
    expect(r.status).toBe(301);
    expect(r.headers['location']).toBe('https://a.test/some/path?q=1');
  });

  it('negotiates h2 through ALPN, and falls back to http/1.1 for clients without it', async () => {
    const alpn = (offer: string[]) =>
      new Promise<string | false>((resolve, reject) => {
        const s = tlsConnect({ host: '127.0.0.1', port: tlsPort, servername: 'a.test', ALPNProtocols: offer, rejectUnauthorized: false }, () => {
          resolve(s.alpnProtocol);
          s.destroy();
        });
        s.on('error', reject);
      });
    expect(await alpn(['h2', 'http/1.1'])).toBe('h2');
    expect(await alpn(['http/1.1'])).toBe('http/1.1');
  });

  it('requires and verifies client certificates with verify required', async () => {
    await expect(get(mtlsPort, 'a.test')).rejects.toThrow();
    const ok = await get(mtlsPort, 'a.test', { cert: true });
    expect(ok.status).toBe(200);
    expect(backend.seen.at(-1)!.headers['x-client-dn']).toBe('client');
  });

  it('speaks TLS to servers with verification and SNI', async () => {
    const r = await httpRequest(toServerPort, '/over-tls');
    expect(r.status).toBe(200);
    expect(r.body).toBe('tls backend saw /over-tls');
  });
});
