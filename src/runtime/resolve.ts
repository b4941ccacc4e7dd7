/**
 * Server addresses given as host names are resolved at start with the system resolver, following
 * `init-addr`: `libc` (the default) resolves now; `none` lets the server start in maintenance
 * and retries in the background until the name resolves; an IP address is a fallback.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Runtime } from './runtime.js';
import type { ServerRuntime } from './server.js';
import type { BackendRuntime } from './backend.js';

export class ResolveError extends Error {}

const RETRY_MS = 1000;

async function resolveName(host: string): Promise<string | undefined> {
  try {
    return (await lookup(host)).address;
  } catch {
    return undefined;
  }
}

export async function resolveServers(runtime: Runtime, log?: (level: 'notice' | 'warning' | 'alert', message: string) => void): Promise<void> {
  const errors: string[] = [];
  const jobs: Promise<void>[] = [];
  for (const be of runtime.backends.values()) {
    for (const s of be.servers) {
      const t = s.target;
      if (t.kind !== 'inet' || t.host === '' || isIP(t.host) !== 0) continue;
      jobs.push(resolveOne(be, s, t.host, errors, log));
    }
  }
  await Promise.all(jobs);
  if (errors.length > 0) throw new ResolveError(errors.join('\n'));
}

async function resolveOne(be: BackendRuntime, s: ServerRuntime, host: string, errors: string[], log?: (level: 'notice' | 'warning' | 'alert', message: string) => void): Promise<void> {
  const methods = s.config.initAddr ?? ['last', 'libc'];
  for (const m of methods) {
    if (m === 'libc' || m === 'last') {
      if (m === 'last') continue; // no server-state file: nothing remembered
      const ip = await resolveName(host);
      if (ip) return setHost(s, ip);
    } else if (m === 'none') {
      s.admin.resolveMaint = true;
      be.refreshServer(s);
      log?.('warning', `Server ${be.name}/${s.name} could not resolve '${host}': starting in maintenance, retrying every ${RETRY_MS / 1000}s.`);
      retry(be, s, host, log);
      return;
    } else if (isIP(m)) {
      return setHost(s, m);
    }
  }
  errors.push(`[${s.config.where.file}:${s.config.where.line}] : 'server ${be.name}/${s.name}' : could not resolve address '${host}'.`);
}

function setHost(s: ServerRuntime, ip: string): void {
  if (s.target.kind === 'inet') s.target = { ...s.target, host: ip };
}

function retry(be: BackendRuntime, s: ServerRuntime, host: string, log?: (level: 'notice' | 'warning' | 'alert', message: string) => void): void {
  const timer = setTimeout(async () => {
    const ip = await resolveName(host);
    if (!ip) return retry(be, s, host, log);
    setHost(s, ip);
    s.admin.resolveMaint = false;
    be.refreshServer(s);
    log?.('notice', `Server ${be.name}/${s.name} resolved '${host}' to ${ip}: leaving maintenance.`);
  }, RETRY_MS);
  timer.unref();
}
