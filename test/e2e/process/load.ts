/**
 * Sustained HTTP load for the process tests: keep-alive clients (one connection each, reused)
 * and new-connection clients (Connection: close), each sending one request after the other
 * until stopped. Every request is bounded in time; every loop ends at stop() or at `maxMs`.
 * Nothing is retried: a request that fails is counted as failed, with its error code.
 */
import http from 'node:http';

export interface LoadStats {
  ok: number;
  failed: number;
  /** error code (ECONNREFUSED, ECONNRESET, status 503...) → count */
  errors: Record<string, number>;
  /** value of the `header` response header → count */
  values: Record<string, number>;
  /** the last value each client saw */
  last: string[];
}

export interface Load {
  stats: LoadStats;
  stop(): Promise<LoadStats>;
}

export function startLoad(o: { port: number; keepAlive: number; fresh: number; header: string; path?: string; maxMs?: number }): Load {
  const stats: LoadStats = { ok: 0, failed: 0, errors: {}, values: {}, last: [] };
  const deadline = Date.now() + (o.maxMs ?? 60_000);
  let stopped = false;
  const fail = (code: string) => {
    stats.failed++;
    stats.errors[code] = (stats.errors[code] ?? 0) + 1;
  };
  const one = (agent: http.Agent | false, idx: number) =>
    new Promise<void>((resolve) => {
      const req = http.request(
        { host: '127.0.0.1', port: o.port, path: o.path ?? '/', agent, headers: agent ? {} : { connection: 'close' }, timeout: 5000 },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode === 200) {
              stats.ok++;
              const v = String(res.headers[o.header] ?? '');
              stats.values[v] = (stats.values[v] ?? 0) + 1;
              stats.last[idx] = v;
            } else fail(`status ${res.statusCode}`);
            resolve();
          });
          res.on('error', (e: NodeJS.ErrnoException) => {
            fail(e.code ?? e.message);
            resolve();
          });
        },
      );
      req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
      req.on('error', (e: NodeJS.ErrnoException) => {
        fail(e.code ?? e.message);
        resolve();
      });
      req.end();
    });
  const client = async (keepAlive: boolean, idx: number) => {
    const agent = keepAlive ? new http.Agent({ keepAlive: true, maxSockets: 1 }) : false;
    while (!stopped && Date.now() < deadline) await one(agent, idx);
    if (agent) agent.destroy();
  };
  const runs: Promise<void>[] = [];
  for (let i = 0; i < o.keepAlive; i++) runs.push(client(true, i));
  for (let i = 0; i < o.fresh; i++) runs.push(client(false, o.keepAlive + i));
  return {
    stats,
    async stop() {
      stopped = true;
      await Promise.all(runs);
      return stats;
    },
  };
}
