/**
 * A synthetic snapshot mirroring the configuration capture.sh runs haproxy
 * with (same proxies, ids, servers and states), so that field presence and
 * order can be compared with the captured fixtures.
 */
import { BeCounters, FeCounters } from '../../../src/stats/counters.js';
import type {
  CheckState, ProcessInfo, ProxyStats, ServerStats, StatsSnapshot,
} from '../../../src/stats/model.js';

export const NOW = 1_800_000_000_000;

export function check(partial: Partial<CheckState> = {}): CheckState {
  return { enabled: true, status: 'L7OK', code: 200, duration: 1, health: 4, rise: 2, fall: 3, ...partial };
}

export function server(name: string, sid: number, partial: Partial<ServerStats> = {}): ServerStats {
  return {
    name, sid, addr: `127.0.0.1:${19400 + sid}`, backup: false, counters: new BeCounters(),
    state: 'running', admin: {}, weight: 1, uweight: 1, iweight: 1, maxconn: 0, maxqueue: 0,
    lastChange: NOW - 2000, downTime: 0, ...partial,
  };
}

export function info(partial: Partial<ProcessInfo> = {}): ProcessInfo {
  return {
    name: 'portico', version: '0.1.0', releaseDate: '2026/11/21', pid: 4242, nbthread: 1,
    startTime: NOW - 3_723_000, node: 'node1', description: 'test node', ulimitN: 1035, maxsock: 1035,
    maxconn: 500, hardMaxconn: 500, maxpipes: 0, pipesUsed: 0, pipesFree: 0, currConns: 3, cumConns: 40,
    cumReq: 20, connRate: 2, connRateLimit: 0, maxConnRate: 7, sessRate: 2, sessRateLimit: 0, maxSessRate: 7,
    tasks: 12, runQueue: 1, idlePct: 97, stopping: false, jobs: 5, listeners: 4, droppedLogs: 0,
    totalBytesOut: 123456, bytesOutRate: 2048, memmaxBytes: 0, poolAllocBytes: 1 << 20, poolUsedBytes: 1 << 19,
    ...partial,
  };
}

export function fixtureSnapshot(): StatsSnapshot {
  const s1 = server('s1', 1, { weight: 10, uweight: 10, iweight: 10, cookie: 's1', check: check() });
  const servers: ServerStats[] = [
    s1,
    server('s2', 2, { admin: { drain: true }, maxconn: 20, maxqueue: 5, cookie: 's2', check: check() }),
    server('s3', 3, {
      state: 'stopped', check: check({ status: 'L4CON', code: undefined, duration: 0, health: 0, fall: 2, info: 'Connection refused' }),
    }),
    server('s4', 4),
    server('s5', 5, { backup: true, check: check() }),
    server('s6', 6, { state: 'stopped', admin: { maint: true }, check: check({ paused: true, status: 'INI', health: 0 }) }),
    server('s7', 7, { track: { proxy: 'be_app', server: s1 } }),
  ];
  const fe = (maxconn: number, rateLimit = 0) => ({ counters: new FeCounters(), maxconn, rateLimit, state: 'OPEN' as const });
  const be = (fullconn: number, algo: string, cookie?: string) => ({
    counters: new BeCounters(), fullconn, algo, lastChange: NOW - 2000, downTime: 0, ...(cookie ? { cookie } : {}),
  });
  const proxies: ProxyStats[] = [
    { name: 'stats', iid: 2, mode: 'http', frontend: fe(500), backend: be(50, 'roundrobin'), servers: [] },
    {
      name: 'fe_main', iid: 3, mode: 'http', frontend: fe(100, 50),
      listeners: [{ name: 'main_listener', id: 1, addr: '127.0.0.1:19401', counters: new FeCounters(), maxconn: 0, status: 'OPEN' }],
    },
    { name: 'be_app', iid: 4, mode: 'http', backend: be(10, 'roundrobin', 'SRV'), servers },
    { name: 'fe_tcp', iid: 5, mode: 'tcp', frontend: fe(500) },
    {
      name: 'be_tcp', iid: 6, mode: 'tcp', backend: be(1, 'leastconn'),
      servers: [server('t1', 1, { check: check({ status: 'L4OK', code: undefined, duration: 0 }) })],
    },
  ];
  return { info: info(), proxies, now: NOW };
}
