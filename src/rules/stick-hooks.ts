/**
 * Where the HTTP hooks meet stick tables: which proxy's table src_* fetches use, the stick rules
 * of the chosen backend on the request (a server to prefer, keys to store) and on the response
 * (the keys stored with the server that answered).
 */
import { evalCondition } from '../sample/condition.js';
import type { HttpTxn } from '../http/txn.js';
import type { BackendRuntime } from '../runtime/backend.js';
import type { ServerRuntime } from '../runtime/server.js';
import type { SampleContext } from '../sample/context.js';
import type { CompiledProxy } from './compile.js';
import { stickRequest, stickResponse, type PendingStore } from './stick-rules.js';
import { cookieDesignatesServer, markChosenByStick } from '../persist/cookie.js';

const PENDING = 'stick';

/** Whether the backend's persistence cookie in this request designates a server (as the engine will find). */
function cookieAssigns(txn: HttpTxn, beRt: BackendRuntime, persist: boolean, now: number): boolean {
  const cfg = beRt.config.cookie;
  const headers = txn.req?.head.headers;
  if (!cfg || !headers) return false;
  return cookieDesignatesServer(cfg, headers, beRt.cookieServers, { persist, forcePersist: false, ignorePersist: false, assigned: false, nowSec: Math.floor(now / 1000) });
}

/**
 * Request side, once use-server has run: the server a stick entry designates when none is
 * assigned yet (else `assigned` is kept), and the keys to store later.
 */
export function stickOnRequest(txn: HttpTxn, be: CompiledProxy, beRt: BackendRuntime, sample: SampleContext, assigned: ServerRuntime | undefined): ServerRuntime | undefined {
  const ss = txn.session.stick;
  if (!be.stick || !ss) return assigned;
  const now = Date.now();
  // HAProxy reads the persistence cookie before the stick rules: a cookie naming a server that
  // takes the request wins, and the engine's cookie step then picks that server.
  const byCookie = !assigned && cookieAssigns(txn, beRt, be.persist, now);
  const forced = !assigned && !byCookie && !be.persist && be.forcePersist.some((c) => evalCondition(c, sample));
  const r = stickRequest(be.stick, ss.tables, sample, beRt, { assigned: assigned !== undefined || byCookie, persist: be.persist, forcePersist: forced, now });
  if (r.stores) txn.scratch[PENDING] = r.stores;
  if (!assigned && r.server && txn.req) markChosenByStick(txn.req.head.headers);
  return assigned ?? r.server;
}

/** Response side, before http-response rules: store-response rules, then every pending key. */
export function stickOnResponse(txn: HttpTxn, be: CompiledProxy | undefined, sample: SampleContext): void {
  const ss = txn.session.stick;
  const pending = txn.scratch[PENDING] as PendingStore[] | undefined;
  if (!ss || (!pending && !be?.stick?.response.length)) return;
  txn.scratch[PENDING] = undefined;
  stickResponse(be?.stick, ss.tables, sample, txn.server, pending, Date.now());
}
