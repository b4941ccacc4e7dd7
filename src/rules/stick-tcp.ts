/**
 * Stick tables for the TCP engine (src/tcp/stream.ts), which calls these at HAProxy's points:
 *
 *   const ss = rt.stick.session(client.remoteAddress);           // once per connection
 *   sample.stick = ss?.fetch;  ss?.proxy(fe.name);               // sc_*, src_*, table_* fetches
 *   tcp-request connection|session|content track-sc*, sc-inc-gpc*, sc-set-gpt*:
 *     compileStickOp(word, args, cc, 'connection'|'session'|'content') at load, op.run(ss, sample, now)
 *   ss?.trackers.sessionAccepted(now)                             // after tcp-request connection/session rules
 *   const p = tcpStickRequest(rules, be, ss, sample);             // before connecting: p.server is the preferred server
 *   tcpStickConnected(rules, be, ss, sample, server, p.stores);   // once connected to `server`
 *   ss?.trackers.bytesIn(n, now) / bytesOut(n, now); ss?.end(now) // traffic, then close
 */
import type { SampleContext } from '../sample/context.js';
import type { BackendRuntime } from '../runtime/backend.js';
import type { ServerRuntime } from '../runtime/server.js';
import type { SessionStick } from '../runtime/stick.js';
import type { CompiledRules } from './compile.js';
import { stickRequest, stickResponse, type StickRequestResult } from './stick-rules.js';

/** Request-side stick rules of a TCP backend: a server to prefer and the keys to store later. */
export function tcpStickRequest(rules: CompiledRules, be: BackendRuntime, ss: SessionStick | undefined, sample: SampleContext): StickRequestResult {
  const ps = rules.stick.get(be.config);
  if (!ps || !ss) return {};
  return stickRequest(ps, ss.tables, sample, be, { assigned: false, persist: be.config.options['persist'] === true, forcePersist: false, now: Date.now() });
}

/** Once connected: store-response rules, then the pending keys stored with `server`. */
export function tcpStickConnected(rules: CompiledRules, be: BackendRuntime, ss: SessionStick | undefined, sample: SampleContext, server: ServerRuntime | undefined, stores: StickRequestResult['stores']): void {
  const ps = rules.stick.get(be.config);
  if (!ss || (!ps && !stores)) return;
  stickResponse(ps, ss.tables, sample, server, stores, Date.now());
}
