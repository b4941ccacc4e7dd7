/** Parse + finalize in one call: what the command line, reloads and tests use. */
import { Diagnostics } from '../core/diag.js';
import { parseConfigFiles, parseConfigText } from './parser.js';
import { finalizeConfig } from './finalize.js';
import type { Config } from './model.js';
import { FEATURES, LANGUAGE_LEVEL } from '../version.js';
import { compileProxyRules, type CompiledRules } from '../rules/index.js';
import { compileAllStatsAccess } from '../stats/access.js';
import { checkLogAndTcpConfig } from '../log/check.js';

export interface Loaded {
  config: Config;
  diags: Diagnostics;
  /** True when there is no alert: the configuration may run. */
  ok: boolean;
  /** ACLs, rules, routing and error pages compiled from the configuration (when it parsed cleanly). */
  rules?: CompiledRules;
}

function options(env: Record<string, string | undefined>, diags: Diagnostics) {
  return { env, diags, features: FEATURES, version: LANGUAGE_LEVEL };
}

/**
 * Finalize runs only on a configuration that parsed cleanly, as in HAProxy: it avoids cascades of
 * errors. Rules are compiled here too, so that `-c` reports their errors with file:line.
 */
function complete(config: Config, diags: Diagnostics): Loaded {
  if (diags.alerts > 0) return { config, diags, ok: false };
  finalizeConfig(config, diags);
  if (diags.alerts > 0) return { config, diags, ok: false };
  // `rules` is returned even with alerts, so that callers (and tests) can tell the stages apart.
  const rules = compileProxyRules(config, diags);
  compileAllStatsAccess(rules, diags);
  checkLogAndTcpConfig(config, diags);
  return { config, diags, ok: diags.alerts === 0, rules };
}

export function loadConfig(paths: string[], env: Record<string, string | undefined> = process.env): Loaded {
  const diags = new Diagnostics();
  return complete(parseConfigFiles(paths, options(env, diags)), diags);
}

export function loadConfigText(text: string, file = 'inline.cfg', env: Record<string, string | undefined> = {}): Loaded {
  const diags = new Diagnostics();
  return complete(parseConfigText(text, file, options(env, diags)), diags);
}
