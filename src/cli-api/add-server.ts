/**
 * `add server <bk>/<srv> <addr>[:<port>] [options]`: the server line is read by the configuration
 * parser itself (same keywords, same checks), then added to the running backend in maintenance.
 * As in HAProxy 2.6, dynamic servers do not inherit `default-server` and need a backend with a
 * dynamic load-balancing algorithm.
 */
import { Diagnostics } from '../core/diag.js';
import { parseConfigText } from '../config/parser.js';
import type { Server } from '../config/model.js';
import { addServer, findBackend } from '../runtime/admin.js';
import type { Runtime } from '../runtime/runtime.js';
import { ServerRuntime } from '../runtime/server.js';
import { FEATURES, LANGUAGE_LEVEL } from '../version.js';

/** Quotes a word for the config lexer: single quotes keep everything but a single quote. */
function quote(w: string): string | undefined {
  return w.includes("'") || w.includes('\n') ? undefined : `'${w}'`;
}

/** Parses the words of a server line (name, address, options) into a Server, or an error text. */
export function parseServerLine(backend: string, words: readonly string[]): Server | { error: string } {
  const quoted = ['server', ...words].map(quote);
  if (quoted.some((q) => q === undefined)) return { error: 'Quotes and line breaks are not accepted in server lines.\n' };
  const text = `backend ${quote(backend) ?? 'b'}\n  ${quoted.join(' ')}\n`;
  const diags = new Diagnostics();
  const cfg = parseConfigText(text, 'cli', { env: {}, diags, features: FEATURES, version: LANGUAGE_LEVEL });
  const alert = diags.list.find((d) => d.level === 'alert');
  if (alert) return { error: `${alert.message}\n` };
  const server = cfg.proxies[0]?.servers[0];
  if (!server) return { error: "'server' expects <name> and <addr>[:<port>] as arguments.\n" };
  return server;
}

export function addServerCommand(rt: Runtime, args: readonly string[]): string {
  const spec = args[2] ?? '';
  const slash = spec.indexOf('/');
  if (slash <= 0 || slash === spec.length - 1) return "Require 'backend/server'.";
  const be = findBackend(rt, spec.slice(0, slash));
  if (!be) return 'No such backend.';
  const name = spec.slice(slash + 1);
  if (!args[3]) return "'server' expects <name> and <addr>[:<port>] as arguments.\n";
  if (!be.lb.dynamic) return 'Backend must use a dynamic load balancing to support dynamic servers.';
  if (be.findServer(name)) return 'Already exists a server with the same name in backend.\n';
  const parsed = parseServerLine(be.name, [name, ...args.slice(3)]);
  if ('error' in parsed) return parsed.error;
  if (parsed.check.track) return "'track' is not supported on dynamic servers by portico.\n";
  if (parsed.template) return "'server-template' lines cannot be added at run time.\n";
  const maxId = be.servers.reduce((m, s) => Math.max(m, s.id), 0);
  return addServer(rt, be, new ServerRuntime(parsed, maxId)).message;
}
