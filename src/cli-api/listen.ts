/**
 * Opens the Runtime API sockets of the configuration and serves them; returns a function that
 * closes them. Bind failures are reported in HAProxy's words and every socket opened is closed.
 */
import { chmodSync, chownSync, statSync, unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { execFileSync } from 'node:child_process';
import type { Runtime } from '../runtime/runtime.js';
import { handleCliConnection } from './session.js';
import { parseStatsSocket, type StatsSocketSpec } from './sockets.js';
import { cliConnections } from './show-sess.js';

export type ApiLog = (level: 'notice' | 'warning' | 'alert', message: string) => void;

/** Default `stats timeout` and `stats maxconn`. */
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAXCONN = 10;

export class RuntimeApiError extends Error {}

function describe(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'EADDRINUSE': return 'Address already in use';
    case 'EACCES': return 'Permission denied';
    case 'EADDRNOTAVAIL': return 'Cannot assign requested address';
    case 'ENOENT': return 'No such file or directory';
    case 'EBADF': return 'Bad file descriptor';
    default: return err.message;
  }
}

function idOf(kind: 'user' | 'group', name: string): number | undefined {
  try {
    return Number(execFileSync('id', [kind === 'user' ? '-u' : '-g', name], { encoding: 'utf8' }).trim());
  } catch {
    return undefined;
  }
}

function listen(server: Server, spec: StatsSocketSpec): Promise<void> {
  const a = spec.address;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const ok = () => {
      server.off('error', reject);
      resolve();
    };
    if (a.kind === 'unix') {
      try {
        if (statSync(a.path).isSocket()) unlinkSync(a.path);
      } catch {
        /* absent */
      }
      server.listen({ path: a.path }, ok);
    } else if (a.kind === 'fd') {
      server.listen({ fd: a.fd }, ok);
    } else {
      const host = a.host === '' ? (a.family === 'ipv6' ? '::' : '0.0.0.0') : a.host;
      server.listen({ host, port: a.port }, ok);
    }
  });
}

/** Sets the UNIX socket's mode and owner as configured. */
function applyOwnership(spec: StatsSocketSpec, log: ApiLog): void {
  if (spec.address.kind !== 'unix') return;
  const path = spec.address.path;
  if (spec.mode !== undefined) chmodSync(path, spec.mode);
  const uid = spec.uid ?? (spec.user ? idOf('user', spec.user) : undefined);
  const gid = spec.gid ?? (spec.group ? idOf('group', spec.group) : undefined);
  if (uid === undefined && gid === undefined) return;
  try {
    chownSync(path, uid ?? -1, gid ?? -1);
  } catch (e) {
    log('warning', `Cannot change ownership of UNIX socket ${path} : ${(e as Error).message}`);
  }
}

/**
 * Starts every `stats socket` of the configuration. Resolves with a stop function; rejects with
 * a RuntimeApiError after logging each failure ("Binding [file:line] for frontend GLOBAL: ...").
 */
export async function startRuntimeApi(rt: Runtime, log: ApiLog): Promise<() => Promise<void>> {
  const g = rt.config.global;
  const timeoutMs = g.statsTimeout ?? DEFAULT_TIMEOUT_MS;
  const servers: Server[] = [];
  const stop = async () => {
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    for (const c of [...cliConnections]) c.destroy();
  };
  const failures: string[] = [];
  for (const line of g.statsSockets) {
    const parsed = parseStatsSocket(line);
    if ('error' in parsed) {
      failures.push(`parsing [${line.where.file}:${line.where.line}] : 'stats socket' : ${parsed.error}`);
      continue;
    }
    const spec = parsed.ok;
    const server = createServer({ allowHalfOpen: true }, (socket: Socket) => handleCliConnection(rt, socket, { level: spec.level, timeoutMs }));
    server.maxConnections = g.statsMaxconn ?? DEFAULT_MAXCONN;
    try {
      await listen(server, spec);
      server.on('error', () => {});
      servers.push(server);
      applyOwnership(spec, log);
    } catch (e) {
      const kind = spec.address.kind === 'unix' ? 'UNIX socket' : 'socket';
      const where = `${line.where.file}:${line.where.line}`;
      const label = spec.address.kind === 'unix' ? spec.address.path : spec.label.replace(/^ipv[46]@/, '');
      failures.push(`Binding [${where}] for frontend GLOBAL: cannot bind ${kind} (${describe(e as NodeJS.ErrnoException)}) [${label}]`);
    }
  }
  if (failures.length > 0) {
    for (const f of failures) log('alert', f);
    await stop();
    throw new RuntimeApiError('Some protocols failed to start their listeners! Exiting.');
  }
  return stop;
}
