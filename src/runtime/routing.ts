/**
 * Backend selection: the first `use_backend` rule whose condition holds, else `default_backend`
 * (for a `listen`, itself). Conditions are compiled once per frontend by the rules module.
 */
import type { Socket } from 'node:net';
import type { FrontendRuntime } from './frontend.js';
import type { BackendRuntime } from './backend.js';

export function chooseTcpBackend(fe: FrontendRuntime, _socket: Socket): BackendRuntime | undefined {
  for (const rule of fe.config.useBackends) {
    if (rule.cond || rule.dynamic) continue; // evaluated by the rules engine when content inspection applies
    const be = fe.backends.get(rule.name);
    if (be) return be;
  }
  return fe.defaultBackend;
}
