/**
 * A TCP-mode (L4) session: pick a backend and a server, connect with retries, then copy bytes
 * both ways with back-pressure and half-close, under HAProxy's timeouts (client/server while
 * connecting, tunnel once established, client-fin/server-fin after a side has closed).
 */
import type { Socket } from 'node:net';
import type { FrontendRuntime } from '../runtime/frontend.js';
import type { BackendRuntime } from '../runtime/backend.js';
import { connectToServer, type ConnectResult } from '../runtime/connect.js';
import type { Listener } from '../runtime/listeners.js';
import type { SessionEnd } from '../runtime/session.js';

export function startTcpSession(fe: FrontendRuntime, client: Socket, listener: Listener, backend: BackendRuntime | undefined, end: (e: SessionEnd) => void): void {
  const acceptedAt = Date.now();
  if (!backend) {
    client.destroy();
    end({ backend: undefined, server: undefined, termination: 'SC--', bytesIn: 0, bytesOut: 0, acceptedAt, connect: undefined });
    return;
  }
  const be = backend;
  let finished = false;
  let result: ConnectResult | undefined;
  const timeouts = be.timeouts;
  const clientTimeout = fe.timeouts.client;

  // While connecting, the client's inactivity timer runs.
  if (clientTimeout > 0) client.setTimeout(clientTimeout);
  client.on('error', () => close('cD'));
  client.on('timeout', () => close('cD'));
  client.on('close', () => {
    if (!result?.socket) close('CC');
  });

  const attempt = connectToServer(
    { backend: be, lbRequest: { src: client.remoteAddress }, frontendPort: listener.port, reuse: false, preamble: fe.proxyPreamble(client, listener) },
    (r) => {
      result = r;
      if (!r.socket || !r.server) return close(r.failure === 'connect-timeout' ? 'sC' : 'SC');
      const server = r.socket;
      const serverTimeout = timeouts.server;
      const tunnel = timeouts.tunnel;
      client.setTimeout(tunnel || clientTimeout);
      server.setTimeout(tunnel || serverTimeout);
      server.on('timeout', () => close('sD'));
      server.on('error', () => close('SD'));
      client.removeAllListeners('close');
      client.on('close', () => close('--'));
      server.on('close', () => close('--'));
      // Half-close: a FIN from one side is passed on; the other side may still send.
      client.on('end', () => {
        if (fe.timeouts.clientFin > 0) client.setTimeout(fe.timeouts.clientFin);
      });
      server.on('end', () => {
        if (timeouts.serverFin > 0) server.setTimeout(timeouts.serverFin);
      });
      client.pipe(server);
      server.pipe(client);
      client.resume();
    },
  );

  function close(flags: string): void {
    if (finished) return;
    finished = true;
    attempt.abort();
    const server = result?.socket;
    const bytesIn = client.bytesRead;
    const bytesOut = client.bytesWritten;
    client.destroy();
    if (server) {
      server.destroy();
      if (result?.server) {
        result.server.counters.bytesIn += server.bytesWritten;
        result.server.counters.bytesOut += server.bytesRead;
        be.release(result.server);
      }
    }
    be.counters.bytesIn += bytesIn;
    be.counters.bytesOut += bytesOut;
    end({
      backend: be,
      server: result?.server,
      termination: `${flags}--`,
      bytesIn,
      bytesOut,
      acceptedAt,
      connect: result,
    });
  }
}
