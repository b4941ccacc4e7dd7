/**
 * Configuration checks of the log and TCP modules for `portico -c` (no socket is opened):
 * log targets, log-format / error-log-format / log-format-sd / unique-id-format strings, and
 * tcp-request rules with their conditions.
 */
import type { Config } from '../config/model.js';
import type { Diagnostics } from '../core/diag.js';
import { parseLogAddress } from './target.js';
import { ProxyLog } from './system.js';
import { compileTcpRules } from '../tcp/rules.js';

export function checkLogAndTcpConfig(config: Config, diags: Diagnostics): void {
  const targets = [...config.global.logs, ...config.proxies.flatMap((p) => p.logs), ...config.defaults.flatMap((p) => p.logs)];
  for (const t of targets) {
    if (t.target === 'global') continue;
    const a = parseLogAddress(t.target);
    if ('error' in a) diags.alert(`log: ${a.error}.`, t.where);
  }
  for (const p of config.proxies) {
    if (p.kind === 'defaults' || p.disabled) continue;
    new ProxyLog(p, [], diags);
  }
  compileTcpRules(config, diags);
}
