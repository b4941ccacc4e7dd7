/**
 * Builds the stats module's read-only view (StatsSnapshot) from a running Runtime: every proxy in
 * configuration order with its frontend, backend and server figures, states taken from the
 * ServerRuntime flags and its CheckScheduler, and the process figures of `show info`.
 * Cheap: counters are the live objects, nothing is copied.
 */
import { hostname } from 'node:os';
import type { Proxy } from '../config/model.js';
import { hasBackend, hasFrontend } from '../config/model.js';
import { modeOf } from '../config/finalize.js';
import type { CheckScheduler } from '../checks/index.js';
import { processInfo } from '../stats/info.js';
import { listenerStats } from '../stats/listener-stats.js';
import type {
  BackendStats, CheckState, CheckStatus, FrontendStats, ProcessInfo, ProxyStats, ServerRunState, ServerStats, StatsSnapshot,
} from '../stats/model.js';
import { RELEASE_DATE, VERSION } from '../version.js';
import { checksDisabled, frontendPaused } from './admin.js';
import type { BackendRuntime } from './backend.js';
import type { FrontendRuntime } from './frontend.js';
import type { Runtime } from './runtime.js';
import type { ServerRuntime } from './server.js';

/** "ip:port", "[ipv6]:port" or "unix", as the addr column prints it. */
export function serverAddr(s: ServerRuntime): string {
  const t = s.target;
  if (t.kind === 'unix') return 'unix';
  const port = t.port ?? 0;
  return t.host.includes(':') ? `[${t.host}]:${port}` : `${t.host}:${port}`;
}

/** The operational state: the scheduler's when the server is checked, else the runtime flags. */
export function serverRunState(s: ServerRuntime): ServerRunState {
  if (s.checks) return s.checks.state;
  if (!s.healthy) return 'stopped';
  return s.nolb ? 'stopping' : 'running';
}

function checkState(sched: CheckScheduler, which: 'health' | 'agent', enabled: boolean, paused: boolean): CheckState {
  const c = which === 'health' ? sched.health : sched.agent;
  const status = (c.status === 'CHECKED' ? 'UNK' : c.status) as CheckStatus;
  const st: CheckState = {
    enabled,
    paused,
    running: c.running,
    status,
    duration: c.durationMs,
    health: c.health,
    rise: c.rise,
    fall: c.fall,
  };
  if (c.code) st.code = c.code;
  if (c.info) st.info = c.info;
  return st;
}

function serverStats(be: BackendRuntime, s: ServerRuntime): ServerStats {
  const sched = s.checks;
  const disabled = checksDisabled(s);
  const maint = s.admin.maint;
  const uweight = s.lb.uweight;
  const state = serverRunState(s);
  const weight = sched && state === 'starting' ? sched.effectiveWeight() : uweight;
  const sv: ServerStats = {
    name: s.name,
    sid: s.id,
    addr: serverAddr(s),
    backup: s.config.backup === true,
    counters: s.counters,
    state,
    admin: {
      maint,
      resolutionMaint: s.admin.resolveMaint,
      // A user weight of 0 shows as DRAIN, as in HAProxy.
      drain: s.admin.drain || uweight === 0,
    },
    weight,
    uweight,
    iweight: s.lb.iweight,
    maxconn: s.maxconn,
    maxqueue: s.maxqueue,
    lastChange: Math.max(s.lastChange, sched?.lastChange ?? 0),
    downTime: Math.floor(s.downtime / 1000),
    conns: { idle: s.idle.length, idleLimit: -1, unsafe: 0, safe: s.idle.length, used: s.counters.curSess, needEst: 0 },
  };
  if (s.config.cookie) sv.cookie = s.config.cookie;
  if (state === 'starting' && sched && uweight > 0) sv.throttle = Math.floor((sched.effectiveWeight() * 100) / uweight);
  if (sched?.cfg.check) sv.check = checkState(sched, 'health', !disabled.health, maint);
  if (sched?.cfg.agent) sv.agent = checkState(sched, 'agent', !disabled.agent, maint);
  void be;
  return sv;
}

/** HAProxy's default fullconn: 10% of the maxconn of the frontends that may route to the backend, at least 1. */
function fullconnOf(rt: Runtime, be: BackendRuntime): number {
  if (be.config.fullconn) return be.config.fullconn;
  let sum = 0;
  for (const fe of rt.frontends) {
    const c = fe.config;
    const routes = fe.defaultBackend === be || c.useBackends.some((u) => u.dynamic || u.name === be.name);
    if (routes) sum += fe.limiter.max || rt.global.max;
  }
  return Math.max(1, Math.ceil(sum / 10));
}

function frontendStats(fe: FrontendRuntime): FrontendStats {
  return {
    counters: fe.counters,
    // Without its own maxconn a frontend is limited by the process's.
    maxconn: fe.limiter.max || fe.global.max,
    rateLimit: 0,
    state: fe.config.disabled ? 'STOP' : fe.paused || frontendPaused(fe) ? 'PAUSED' : 'OPEN',
  };
}

function backendStats(rt: Runtime, be: BackendRuntime): BackendStats {
  const st: BackendStats = {
    counters: be.counters,
    fullconn: fullconnOf(rt, be),
    algo: be.lb.name,
    lastChange: be.lastChange,
    downTime: 0,
  };
  if (be.config.cookie) st.cookie = be.config.cookie.name;
  return st;
}

/** Process figures from the runtime (what it does not track stays at processInfo()'s defaults). */
export function runtimeInfo(rt: Runtime, now: number): ProcessInfo {
  const g = rt.config.global;
  let cumConns = 0, cumReq = 0, connRate = 0, sessRate = 0, maxConnRate = 0, maxSessRate = 0, bytesOut = 0;
  for (const fe of rt.frontends) {
    const c = fe.counters;
    cumConns += c.cumConn;
    cumReq += c.cumReq;
    connRate += c.connPerSec.read(now);
    sessRate += c.sessPerSec.read(now);
    maxConnRate = Math.max(maxConnRate, c.cpsMax);
    maxSessRate = Math.max(maxSessRate, c.spsMax);
    bytesOut += c.bytesOut;
  }
  const info: Partial<ProcessInfo> = {
    version: VERSION,
    releaseDate: RELEASE_DATE,
    nbthread: 1,
    startTime: rt.startedAt,
    node: g.node ?? hostname(),
    ulimitN: g.ulimitN ?? 0,
    maxsock: g.ulimitN ?? 0,
    maxconn: rt.global.max,
    hardMaxconn: g.maxconn ?? rt.global.max,
    currConns: rt.global.current,
    cumConns,
    cumReq,
    connRate,
    maxConnRate,
    sessRate,
    maxSessRate,
    // The Runtime API's sockets are listeners too, as HAProxy counts them.
    jobs: rt.listeners.length + g.statsSockets.length + rt.global.current,
    listeners: rt.listeners.length + g.statsSockets.length,
    totalBytesOut: bytesOut,
  };
  if (g.description !== undefined) info.description = g.description;
  return processInfo(info);
}

/** The snapshot of every proxy (defaults sections excluded), in configuration order. */
export function buildSnapshot(rt: Runtime, now = Date.now()): StatsSnapshot {
  const fes = new Map<Proxy, FrontendRuntime>(rt.frontends.map((f) => [f.config, f]));
  const proxies: ProxyStats[] = [];
  const byServer = new Map<ServerRuntime, ServerStats>();
  const tracked: [ServerRuntime, ServerStats, BackendRuntime][] = [];
  for (const p of rt.config.proxies) {
    if (p.kind === 'defaults') continue;
    const fe = hasFrontend(p) && p.kind !== 'backend' ? fes.get(p) : undefined;
    const be = hasBackend(p) ? rt.backends.get(p.name) : undefined;
    const iid = be?.id ?? fe?.id ?? p.id ?? 0;
    const mode = modeOf(p);
    const px: ProxyStats = { name: p.name, iid, mode };
    if (p.description) px.desc = p.description;
    if (fe) px.frontend = frontendStats(fe);
    const listeners = fe ? listenerStats(rt.listeners, p) : undefined;
    if (listeners) px.listeners = listeners;
    if (be) {
      px.backend = backendStats(rt, be);
      px.servers = be.servers.map((s) => {
        const sv = serverStats(be, s);
        byServer.set(s, sv);
        if (s.config.check.track) tracked.push([s, sv, be]);
        return sv;
      });
    }
    if (px.frontend || px.backend) proxies.push(px);
  }
  // `track be/srv`: link to the tracked server's row; maintenance is inherited.
  for (const [s, sv, be] of tracked) {
    const t = s.config.check.track!;
    const tbe = rt.backends.get(t.proxy ?? be.name);
    const ts = tbe?.findServer(t.server);
    const tsv = ts && byServer.get(ts);
    if (!tbe || !tsv) continue;
    sv.track = { proxy: tbe.name, server: tsv };
  }
  for (const [, sv] of tracked) {
    let ref = sv.track?.server;
    for (let i = 0; ref && i < 100; i++) {
      if (ref.admin.maint || ref.admin.inheritedMaint) {
        sv.admin.inheritedMaint = true;
        break;
      }
      ref = ref.track?.server;
    }
  }
  return { info: runtimeInfo(rt, now), proxies, now };
}
