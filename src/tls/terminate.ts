/**
 * TLS termination on an accepted connection: the handshake runs on the raw socket with the
 * bind's contexts; once secure, the TLS socket goes to the TCP or HTTP engine with what the
 * ssl_fc* fetches need.
 */
import { TLSSocket } from 'node:tls';
import type { Socket } from 'node:net';
import type { BindTls } from './bind-tls.js';

export interface TlsInfo {
  sni?: string;
  protocol?: string;
  cipher?: string;
  alpn?: string;
  /** A client certificate was presented and verified (ssl_c_used / ssl_c_verify). */
  clientCert?: { verified: boolean; verifyError?: string; subject?: string };
}

export function terminateTls(raw: Socket, tls: BindTls, handshakeTimeout: number, done: (socket: TLSSocket | undefined, info: TlsInfo | undefined) => void): void {
  const sock = new TLSSocket(raw, {
    isServer: true,
    secureContext: tls.defaultContext,
    SNICallback: (name, cb) => {
      const ctx = tls.select(name);
      if (ctx) cb(null, ctx);
      else cb(new Error('strict-sni: no certificate for this name'), undefined);
    },
    ALPNProtocols: tls.alpn,
    requestCert: tls.requestCert,
    rejectUnauthorized: tls.rejectUnauthorized,
  });
  let finished = false;
  const fail = () => {
    if (finished) return;
    finished = true;
    sock.destroy();
    raw.destroy();
    done(undefined, undefined);
  };
  const timer = handshakeTimeout > 0 ? setTimeout(fail, handshakeTimeout) : undefined;
  sock.once('error', fail);
  sock.once('secure', () => {
    if (finished) return;
    finished = true;
    if (timer) clearTimeout(timer);
    sock.removeListener('error', fail);
    const peer = tls.requestCert ? sock.getPeerCertificate() : undefined;
    const hasPeer = peer !== undefined && Object.keys(peer).length > 0;
    const info: TlsInfo = {
      sni: (sock as unknown as { servername?: string | false }).servername || undefined,
      protocol: sock.getProtocol() ?? undefined,
      cipher: sock.getCipher()?.name,
      alpn: sock.alpnProtocol || undefined,
      ...(hasPeer
        ? { clientCert: { verified: sock.authorized, verifyError: sock.authorizationError ? String(sock.authorizationError) : undefined, subject: peer.subject ? Object.entries(peer.subject).map(([k, v]) => `/${k}=${v}`).join('') : undefined } }
        : {}),
    };
    done(sock, info);
  });
  raw.resume();
}
