/**
 * Effective timeouts of a proxy with HAProxy's fallbacks: http-request falls back to client,
 * http-keep-alive to http-request, queue and tarpit to connect. 0 means "no timeout".
 */
import type { Proxy } from '../config/model.js';

export interface Timeouts {
  client: number;
  server: number;
  connect: number;
  queue: number;
  httpRequest: number;
  httpKeepAlive: number;
  tunnel: number;
  tarpit: number;
  clientFin: number;
  serverFin: number;
  check: number;
}

/** No timeout: large enough never to fire, small enough for setTimeout (2^31-1 ms). */
export const NEVER = 2_147_483_647;

export function effectiveTimeouts(p: Proxy): Timeouts {
  const t = p.timeouts;
  const client = t.client ?? 0;
  const connect = t.connect ?? 0;
  const httpRequest = t['http-request'] ?? client;
  return {
    client,
    server: t.server ?? 0,
    connect,
    queue: t.queue ?? (connect || NEVER),
    httpRequest,
    httpKeepAlive: t['http-keep-alive'] ?? httpRequest,
    tunnel: t.tunnel ?? 0,
    tarpit: t.tarpit ?? connect,
    clientFin: t['client-fin'] ?? 0,
    serverFin: t['server-fin'] ?? 0,
    check: t.check ?? 0,
  };
}
