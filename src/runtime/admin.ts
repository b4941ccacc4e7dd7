/**
 * Operations on the running proxies, shared by the stats page's admin mode and the Runtime API:
 * server state (ready/drain/maint), forced health and agent results, weights, addresses, maxconn,
 * enabling and disabling checks, killing sessions, pausing frontends, dynamic servers and
 * clearing counters. Messages are HAProxy 2.6's, byte for byte (with or without their final
 * newline, as HAProxy writes them); the CLI adds its usual empty line after them.
 */
import { isIP, type Socket } from 'node:net';
import { countsText, type ServerCounts } from '../checks/index.js';
import { createLb, parseBalance, parseHashType, DEFAULT_HASH_TYPE, type LbAlgorithm } from '../lb/index.js';
import type { BackendRuntime } from './backend.js';
import type { FrontendRuntime } from './frontend.js';
import type { Runtime } from './runtime.js';
import { pauseListener, resumeListener } from './listeners.js';
import type { ServerRuntime } from './server.js';

export type Log = (level: 'notice' | 'warning' | 'alert', text: string) => void;

/** What an operation did: `message` is printed by the CLI (may be empty), `changed` drives the stats page result. */
export interface Outcome {
  ok: boolean;
  changed: boolean;
  message: string;
}

const done = (changed = true, message = ''): Outcome => ({ ok: true, changed, message });
const fail = (message: string): Outcome => ({ ok: false, changed: false, message });

function log(rt: Runtime, level: 'notice' | 'warning' | 'alert', text: string): void {
  rt.options.log?.(level, text);
}

// ---------------------------------------------------------------------------------------------
// State kept beside the runtime objects (the runtime classes have no field for it).

/**
 * Why a session is killed, as the first termination flag says: K (`shutdown sessions`, the stats
 * page), D (its server went down with `on-marked-down shutdown-sessions`), U (an active server came
 * up with `on-marked-up shutdown-backup-sessions`, killing the backup servers' sessions).
 */
export type KillCause = 'K' | 'D' | 'U';
export type SessionKill = (cause: KillCause) => void;
/** A session bound through a server connection: told which connection, so one function per session serves every request. */
export type BoundKill = (cause: KillCause, sock: Socket) => void;

interface ServerExtra {
  healthDisabled: boolean;
  agentDisabled: boolean;
  /** Sessions the engine registered on this server, to kill them (`shutdown sessions server`). */
  sessions: Set<SessionKill>;
  /** This server's connections that carried a session, until they close (each says whom to kill: BOUND). */
  bound: Set<Socket>;
  /** Added with `add server`. */
  dynamic: boolean;
}
const serverExtra = new WeakMap<ServerRuntime, ServerExtra>();
function extra(s: ServerRuntime): ServerExtra {
  let e = serverExtra.get(s);
  if (!e) serverExtra.set(s, (e = { healthDisabled: false, agentDisabled: false, sessions: new Set(), bound: new Set(), dynamic: false }));
  return e;
}

/** Health and agent checks disabled from the CLI or the stats page. */
export function checksDisabled(s: ServerRuntime): { health: boolean; agent: boolean } {
  const e = serverExtra.get(s);
  return { health: e?.healthDisabled ?? false, agent: e?.agentDisabled ?? false };
}

/**
 * The engine registers each session it sends to a server, with a function that aborts it;
 * the returned function unregisters it when the session ends.
 */
export function registerServerSession(s: ServerRuntime, kill: SessionKill): () => void {
  const set = extra(s).sessions;
  set.add(kill);
  return () => void set.delete(kill);
}

/**
 * The session a server connection serves, stored on the socket: rebinding at every request is a
 * property write (a map entry per request measured as a visible cost). UNBOUND: killed already.
 */
const BOUND = Symbol('portico.boundSession');
type BoundSocket = Socket & { [BOUND]?: BoundKill };
const UNBOUND: BoundKill = () => {};

/**
 * The engine binds the session now using server connection `sock` (one line where it gets the
 * socket): a later binding of the same pooled socket replaces the earlier one, and the socket
 * leaves the server's list when it closes, so no unregistering is needed. `kill` must do nothing
 * once its session no longer uses `sock`.
 */
export function bindServerSession(s: ServerRuntime, sock: Socket, kill: BoundKill): void {
  const b = sock as BoundSocket;
  if (b[BOUND] === undefined) {
    const set = extra(s).bound;
    set.add(sock);
    sock.once('close', () => set.delete(sock));
  }
  b[BOUND] = kill;
}

/** Takes the binding of `sock` (it will not be killed twice), or undefined. */
function takeBinding(sock: Socket): BoundKill | undefined {
  const b = sock as BoundSocket;
  const kill = b[BOUND];
  if (kill === undefined || kill === UNBOUND) return undefined;
  b[BOUND] = UNBOUND;
  return kill;
}

/** `shutdown session`: kills the session bound to `s`'s connection `sock`; false when none is. */
export function killBoundSession(_s: ServerRuntime, sock: Socket, cause: KillCause): boolean {
  const kill = takeBinding(sock);
  if (!kill) return false;
  kill(cause, sock);
  return true;
}

/** Kills every session on `s`; answers how many kill functions ran. */
export function killServerSessions(s: ServerRuntime, cause: KillCause): number {
  const e = serverExtra.get(s);
  if (!e) return 0;
  const kills = [...e.sessions];
  e.sessions.clear();
  const bound: [Socket, BoundKill][] = [];
  for (const sock of e.bound) {
    const kill = takeBinding(sock);
    if (kill) bound.push([sock, kill]);
  }
  for (const k of kills) k(cause);
  for (const [sock, k] of bound) k(cause, sock);
  return kills.length + bound.length;
}

/**
 * `on-marked-down shutdown-sessions` / `on-marked-up shutdown-backup-sessions`, for any change of
 * `s` between usable and not (checks, CLI, stats page, maintenance), as HAProxy's srv_update_status().
 * The kills run once the caller has written its log line, whose session count is the one before.
 */
export function applyMarkedActions(be: BackendRuntime, s: ServerRuntime, wasUsable: boolean): void {
  const o = s.config.check;
  if (wasUsable && !s.usable && o.onMarkedDown === 'shutdown-sessions') {
    queueMicrotask(() => void killServerSessions(s, 'D'));
  } else if (!wasUsable && s.usable && o.onMarkedUp === 'shutdown-backup-sessions') {
    queueMicrotask(() => {
      for (const b of be.servers) if (b.config.backup) killServerSessions(b, 'U');
    });
  }
}

/** Frontends paused by `disable frontend` (their listeners keep their sockets, unaccepted). */
const pausedFrontends = new WeakSet<FrontendRuntime>();

export function frontendPaused(fe: FrontendRuntime): boolean {
  return pausedFrontends.has(fe);
}

// ---------------------------------------------------------------------------------------------
// Lookups, with the CLI's messages.

/** A backend by name or by `#id`. */
export function findBackend(rt: Runtime, name: string): BackendRuntime | undefined {
  const m = /^#(\d+)$/.exec(name);
  if (m) return [...rt.backends.values()].find((b) => b.id === Number(m[1]));
  return rt.backends.get(name);
}

export function findFrontend(rt: Runtime, name: string): FrontendRuntime | undefined {
  const m = /^#(\d+)$/.exec(name);
  if (m) return rt.frontends.find((f) => f.id === Number(m[1]));
  return rt.frontends.find((f) => f.name === name);
}

/** A server by `<backend>/<server>` (either may be `#id`). */
export function findServer(rt: Runtime, spec: string | undefined): { be: BackendRuntime; s: ServerRuntime } | { error: string } {
  const slash = spec ? spec.indexOf('/') : -1;
  if (!spec || slash < 0) return { error: "Require 'backend/server'.\n" };
  const be = findBackend(rt, spec.slice(0, slash));
  if (!be) return { error: 'No such backend.\n' };
  const sname = spec.slice(slash + 1);
  const m = /^#(\d+)$/.exec(sname);
  const s = m ? be.servers.find((x) => x.id === Number(m[1])) : be.findServer(sname);
  if (!s) return { error: 'No such server.\n' };
  return { be, s };
}

// ---------------------------------------------------------------------------------------------
// Server state.

/**
 * The figures of HAProxy's state-change messages: servers that take new traffic (srv_currently_usable:
 * up, not draining, not NOLB, weight above 0), and this server's sessions and queue.
 */
export function serverCounts(be: BackendRuntime, s: ServerRuntime): ServerCounts {
  const usable = (x: ServerRuntime) => x.usable && !x.nolb && !x.admin.drain && (x.lb?.uweight ?? 1) > 0;
  return {
    activeServers: be.servers.filter((x) => !x.config.backup && usable(x)).length,
    backupServers: be.servers.filter((x) => x.config.backup && usable(x)).length,
    sessionsActive: s.served,
    requeued: 0,
    serverQueue: s.queue.length,
    totalQueue: s.queue.length + be.queue.length,
  };
}

function label(be: BackendRuntime, s: ServerRuntime): string {
  return `${s.config.backup ? 'Backup Server' : 'Server'} ${be.name}/${s.name}`;
}

function noServerLeft(rt: Runtime, be: BackendRuntime, s: ServerRuntime): void {
  const c = serverCounts(be, s);
  if (c.activeServers + c.backupServers === 0) log(rt, 'alert', `backend '${be.name}' has no server available!`);
}

/** Applies a change to the flags, then tells the LB and keeps lastChange/downtime/chkdown right. */
function applyFlags(be: BackendRuntime, s: ServerRuntime, change: () => void): void {
  const before = s.usable;
  change();
  const after = s.usable;
  if (before !== after) {
    const now = Date.now();
    if (!after) s.counters.downTrans++;
    else s.downtime += now - s.lastChange;
    s.lastChange = now;
  }
  be.refreshServer(s);
  applyMarkedActions(be, s, before);
}

/** `set server <b>/<s> state ready|drain|maint`, `enable|disable server`, the page's READY/DRAIN/MAINT. */
export function setServerState(rt: Runtime, be: BackendRuntime, s: ServerRuntime, state: 'ready' | 'drain' | 'maint'): Outcome {
  const wasMaint = s.admin.maint;
  const wasDrain = s.admin.drain;
  if ((state === 'ready' && !wasMaint && !wasDrain) || (state === 'drain' && wasDrain && !wasMaint) || (state === 'maint' && wasMaint)) return done(false);
  const wasUp = s.usable;
  const sched = s.checks;
  if (sched) {
    sched.admin = { maint: state === 'maint', drain: state === 'drain' };
    // Leaving maintenance restarts the health check at `rise`: the server is UP until checked again.
    if (wasMaint && state !== 'maint') sched.leaveMaintenance();
  }
  applyFlags(be, s, () => {
    s.admin.maint = state === 'maint';
    s.admin.drain = state === 'drain';
  });
  const name = label(be, s);
  const upDown = s.healthy ? 'UP' : 'DOWN';
  if (state === 'maint') {
    if (wasUp) {
      log(rt, 'warning', `${name} is going DOWN for maintenance${countsText(serverCounts(be, s), 'left')}.`);
      noServerLeft(rt, be, s);
    } else {
      log(rt, 'warning', `${name} was DOWN and now enters maintenance.`);
    }
  } else if (wasMaint) {
    log(rt, 'warning', `${name} is ${upDown}/${state === 'drain' ? 'DRAIN' : 'READY'} (leaving forced maintenance).`);
    if (state === 'drain') log(rt, 'warning', `${name} remains in forced drain mode.`);
  } else if (state === 'drain') {
    log(rt, 'warning', `${name} enters drain state${countsText(serverCounts(be, s), s.healthy ? 'online' : 'left')}.`);
  } else {
    log(rt, 'warning', `${name} is ${upDown} (leaving forced drain).`);
  }
  return done();
}

type OpState = 'running' | 'stopping' | 'stopped';

/** Moves the operational state as a check would, logging the transition "changed from CLI". */
function forceOpState(rt: Runtime, be: BackendRuntime, s: ServerRuntime, to: OpState, reason: string): boolean {
  const sched = s.checks;
  const from: OpState = sched ? (sched.state === 'starting' ? 'running' : sched.state) : !s.healthy ? 'stopped' : s.nolb ? 'stopping' : 'running';
  if (from === to) return false;
  if (sched) {
    const previous = sched.state;
    sched.state = to;
    sched.lastChange = Date.now();
    // The scheduler's own listener (runtime/health.ts) updates the server and the LB.
    sched.hooks.emit({ type: 'state', state: to, previous });
  } else {
    applyFlags(be, s, () => {
      s.healthy = to !== 'stopped';
      s.nolb = to === 'stopping';
    });
  }
  const name = label(be, s);
  // On stderr HAProxy tags every state change [WARNING]; syslog levels come from the text (log/attach.ts).
  if (to === 'stopped') {
    log(rt, 'warning', `${name} is DOWN, ${reason}${countsText(serverCounts(be, s), 'left')}.`);
    noServerLeft(rt, be, s);
  } else if (to === 'stopping') {
    log(rt, 'warning', `${name} is stopping, ${reason}${countsText(serverCounts(be, s), 'online')}.`);
  } else {
    log(rt, 'warning', `${name} is UP, ${reason}${countsText(serverCounts(be, s), 'online')}.`);
  }
  // Servers tracking this one follow it ("via"), after its message.
  sched?.propagate();
  return true;
}

/** `set server <b>/<s> health up|stopping|down` and the page's hrunn/hnolb/hdown. */
export function setServerHealth(rt: Runtime, be: BackendRuntime, s: ServerRuntime, op: 'up' | 'stopping' | 'down'): Outcome {
  if (s.config.check.track) return fail('cannot change health on a tracking server.\n');
  const sched = s.checks;
  if (sched) {
    const h = sched.health;
    h.health = op === 'down' ? 0 : h.rise + h.fall - 1;
  }
  const to: OpState = op === 'up' ? 'running' : op === 'stopping' ? 'stopping' : 'stopped';
  return done(forceOpState(rt, be, s, to, 'changed from CLI'));
}

/** `set server <b>/<s> agent up|down` and the page's arunn/adown. */
export function setServerAgent(rt: Runtime, be: BackendRuntime, s: ServerRuntime, op: 'up' | 'down'): Outcome {
  const sched = s.checks;
  if (!sched?.cfg.agent) return fail('agent checks are not enabled on this server.\n');
  const a = sched.agent;
  if (op === 'down') {
    a.health = 0;
    return done(forceOpState(rt, be, s, 'stopped', 'changed from CLI'));
  }
  a.health = a.rise + a.fall - 1;
  const healthOk = !sched.cfg.check || sched.health.health >= sched.health.rise;
  return done(healthOk ? forceOpState(rt, be, s, 'running', 'changed from CLI') : false);
}

/** `enable|disable health|agent <b>/<s>` and the page's ehlth/dhlth/eagent/dagent. */
export function setCheckEnabled(s: ServerRuntime, which: 'health' | 'agent', enable: boolean): Outcome {
  const sched = s.checks;
  const configured = which === 'health' ? !!sched?.cfg.check : !!sched?.cfg.agent;
  const e = extra(s);
  const key = which === 'health' ? 'healthDisabled' : 'agentDisabled';
  if (!configured || !sched) {
    if (!enable) return done(false);
    return fail(which === 'health' ? 'Health check was not configured on this server, cannot enable.\n' : 'Agent was not configured on this server, cannot enable.\n');
  }
  if (e[key] === !enable) return done(false);
  e[key] = !enable;
  // Stop or restart the timers: the scheduler starts both kinds; the disabled one is stopped again.
  sched.clock.clearTimer(sched.health.timer);
  sched.clock.clearTimer(sched.agent.timer);
  if (!e.healthDisabled || !e.agentDisabled) {
    sched.start(0);
    if (e.healthDisabled) sched.clock.clearTimer(sched.health.timer);
    if (e.agentDisabled) sched.clock.clearTimer(sched.agent.timer);
  }
  return done();
}

/**
 * Parses a weight as `set weight` / `set server ... weight` do: an absolute 0..256 or a
 * percentage of the initial weight. Returns the new user weight or HAProxy's error text.
 */
export function parseWeight(s: ServerRuntime, lb: LbAlgorithm, text: string | undefined): number | { error: string } {
  if (!text) return { error: 'Require <weight> or <weight%>.\n' };
  const m = /^([-+]?\d+)(.*)$/.exec(text);
  if (!m) return { error: 'Empty weight string empty or preceded by garbage' };
  let w = Number(m[1]);
  const rest = m[2]!;
  if (rest === '%') {
    if (w < 0) return { error: 'Relative weight must be positive.\n' };
    w = Math.min(256, Math.floor((s.lb.iweight * w) / 100));
  } else if (w < 0 || w > 256) {
    return { error: 'Absolute weight can only be between 0 and 256 inclusive.\n' };
  } else if (rest !== '') {
    return { error: 'Trailing garbage in weight string' };
  }
  if (w && w !== s.lb.iweight && !lb.dynamic) return { error: "Backend is using a static LB algorithm and only accepts weights '0%' and '100%'.\n" };
  return w;
}

/** `set weight <b>/<s> W`, `set server <b>/<s> weight W`. */
export function setServerWeight(be: BackendRuntime, s: ServerRuntime, text: string | undefined): Outcome {
  const w = parseWeight(s, be.lb, text);
  if (typeof w !== 'number') return fail(w.error);
  if (w === s.lb.uweight) return done(false);
  const err = be.lb.setWeight(s.lb, w);
  if (err) return fail(err.endsWith('\n') ? err : `${err}\n`);
  if (s.checks) s.checks.userWeight = w;
  be.refreshServer(s);
  return done();
}

/** `get weight <b>/<s>`: "uweight (initial iweight)". */
export function getServerWeight(s: ServerRuntime): string {
  return `${s.lb.uweight} (initial ${s.lb.iweight})\n`;
}

/** `set server <b>/<s> addr IP [port P]`. */
export function setServerAddr(s: ServerRuntime, addr: string | undefined, portWord: string | undefined, port: string | undefined): Outcome {
  const by = "by 'stats socket command'";
  if (!addr) return fail('set server <b>/<s> addr requires an address and optionally a port.\n');
  if (!isIP(addr)) return fail(`Invalid addr '${addr}' ${by}\n`);
  if (s.target.kind !== 'inet') return fail(`Invalid addr '${addr}' ${by}\n`);
  const t = s.target;
  const parts: string[] = [];
  let changed = false;
  if (t.host !== addr) {
    parts.push(`IP changed from '${t.host}' to '${addr}'`);
    t.host = addr;
    changed = true;
  } else {
    parts.push('no need to change the addr');
  }
  if (portWord === 'port') {
    const p = port ?? '';
    if (!/^\d+$/.test(p) || Number(p) > 65535) parts.push(`problem converting port '${p}' to an int`);
    else if (Number(p) !== t.port) {
      parts.push(`port changed from '${t.port ?? 0}' to '${p}'`);
      t.port = Number(p);
      changed = true;
    }
  }
  if (changed) s.closeIdle();
  return done(changed, `${parts.join(', ')} ${by}\n`);
}

/** `set maxconn server <b>/<s> N`. */
export function setServerMaxconn(be: BackendRuntime, s: ServerRuntime, text: string | undefined): Outcome {
  if (!text) return fail('Require <maxconn>.\n');
  if (!/^\d+$/.test(text)) return fail('maxconn string empty or preceded by garbage');
  s.maxconn = Number(text);
  be.refreshServer(s);
  return done();
}

/** `shutdown sessions server <b>/<s>` and the page's "Kill Sessions". */
export function shutdownServerSessions(s: ServerRuntime): Outcome {
  const killed = killServerSessions(s, 'K');
  s.closeIdle();
  return done(killed > 0);
}

// ---------------------------------------------------------------------------------------------
// Frontends and process.

/** Admits connections waiting for a slot after a limit was raised. */
function admitWaiting(l: { current: number; max: number; waiting: (() => void)[] }): void {
  for (let i = 0; i < 1_000_000 && l.waiting.length > 0 && (l.max === 0 || l.current < l.max); i++) {
    l.current++;
    l.waiting.shift()!();
  }
}

/** C's atoi(): leading digits with an optional sign, 0 when there are none. */
function atoi(text: string): number {
  const m = /^\s*([-+]?\d+)/.exec(text);
  return m ? Number(m[1]) : 0;
}

/** `set maxconn frontend <fe> N` (the value is read like atoi(), as HAProxy does). */
export function setFrontendMaxconn(fe: FrontendRuntime, text: string | undefined): Outcome {
  if (!text) return fail('Integer value expected.\n');
  const v = atoi(text);
  if (v < 0) return fail('Value out of range.\n');
  fe.limiter.max = v;
  admitWaiting(fe.limiter);
  return done();
}

/** `set maxconn global N`: at most the configured (hard) global maxconn, when there is one. */
export function setGlobalMaxconn(rt: Runtime, text: string | undefined): Outcome {
  if (!text) return fail('Expects an integer value.\n');
  const v = atoi(text);
  const hard = rt.config.global.maxconn;
  if (v < 0 || (hard !== undefined && v > hard)) return fail('Value out of range.\n');
  rt.global.max = v;
  admitWaiting(rt.global);
  return done();
}

/** `disable frontend`: the frontend releases its ports until `enable frontend`. */
export async function pauseFrontend(rt: Runtime, fe: FrontendRuntime): Promise<Outcome> {
  if (fe.config.disabled) return fail('Frontend was previously shut down, cannot disable.\n');
  if (pausedFrontends.has(fe)) return fail('Frontend is already disabled.\n');
  // The listeners' own pause: it neither waits for open connections nor forgets how to listen
  // again (in a worker, the socket came from the master).
  const mine = rt.listeners.filter((l) => l.proxy === fe.config);
  for (const l of mine) await pauseListener(l);
  pausedFrontends.add(fe);
  fe.paused = true;
  log(rt, 'warning', `Paused ${fe.config.kind === 'frontend' ? 'frontend' : 'proxy'} ${fe.name}.`);
  return done();
}

/** `enable frontend`: listens again on the addresses released by `disable frontend`. */
export async function resumeFrontend(rt: Runtime, fe: FrontendRuntime): Promise<Outcome> {
  if (fe.config.disabled) return fail('Frontend was previously shut down, cannot enable.\n');
  if (!pausedFrontends.has(fe)) return fail('All sockets are already enabled.\n');
  const failures: string[] = [];
  for (const l of rt.listeners.filter((x) => x.proxy === fe.config)) {
    const err = await resumeListener(l);
    if (err) failures.push(err);
  }
  pausedFrontends.delete(fe);
  fe.paused = false;
  if (failures.length) return fail('Failed to resume frontend, check logs for precise cause.\n');
  log(rt, 'warning', `Resumed ${fe.config.kind === 'frontend' ? 'frontend' : 'proxy'} ${fe.name}.`);
  return done();
}

/** Resets the maxima (`clear counters`) or every counter (`clear counters all`) of a counters object. */
export function clearCounterObject(c: object, all: boolean): void {
  const rec = c as Record<string, unknown>;
  for (const [k, v] of Object.entries(rec)) {
    if (typeof v === 'number') {
      if (k === 'curSess' || k === 'queueCur') continue;
      if (all || /max/i.test(k)) rec[k] = 0;
    } else if (all && Array.isArray(v)) {
      v.fill(0);
    } else if (all && v && typeof v === 'object') {
      const r = v as { reset?: () => void };
      if (typeof r.reset === 'function') r.reset();
      else if (k === 'mux') clearCounterObject(v, true);
    }
  }
}

/** `clear counters [all]`: frontends, backends and servers. */
export function clearCounters(rt: Runtime, all: boolean): Outcome {
  for (const fe of rt.frontends) clearCounterObject(fe.counters, all);
  for (const be of rt.backends.values()) {
    clearCounterObject(be.counters, all);
    for (const s of be.servers) clearCounterObject(s.counters, all);
  }
  return done();
}

// ---------------------------------------------------------------------------------------------
// Dynamic servers.

/**
 * Rebuilds the backend's load balancer over its current server list (the LB interface cannot add
 * or remove servers): weights, up/down state and connections in progress are carried over, so
 * that connections ending later release their slot in the new one.
 */
export function rebuildLb(be: BackendRuntime): LbAlgorithm {
  const c = be.config;
  const balance = c.balance ? parseBalance(c.balance.args) : undefined;
  const hashType = c.hashType ? parseHashType(c.hashType.args) : undefined;
  const lb = createLb(
    balance && 'ok' in balance ? balance.ok : { algorithm: 'roundrobin' },
    hashType && 'ok' in hashType ? hashType.ok : DEFAULT_HASH_TYPE,
    be.servers.map((s) => ({
      id: s.id,
      name: s.name,
      weight: s.lb ? s.lb.iweight : (s.config.weight ?? 1),
      backup: s.config.backup === true,
      up: s.usable && !s.admin.drain && !s.nolb,
      maxconn: s.maxconn,
    })),
    { allBackups: c.options['allbackups'] === true },
  );
  be.servers.forEach((s, i) => {
    const old = s.lb;
    const fresh = lb.servers[i]!;
    if (old) {
      if (old.uweight !== fresh.uweight) lb.setWeight(fresh, old.uweight);
      for (let n = 0; n < old.served && n < 1_000_000; n++) lb.takeConn(fresh);
    }
    s.lb = fresh;
  });
  (be as { lb: LbAlgorithm }).lb = lb;
  return lb;
}

export function isDynamicServer(s: ServerRuntime): boolean {
  return serverExtra.get(s)?.dynamic ?? false;
}

/** Marks a server created by `add server` (the CLI builds it from a parsed server line). */
export function addServer(rt: Runtime, be: BackendRuntime, s: ServerRuntime): Outcome {
  if (be.findServer(s.name)) return fail('Already exists a server with the same name in backend.\n');
  // New servers start in maintenance, as in HAProxy.
  s.admin.maint = true;
  extra(s).dynamic = true;
  be.servers.push(s);
  rebuildLb(be);
  log(rt, 'notice', `CLI : 'server ${be.name}/${s.name}' : New server registered.`);
  return done(true, 'New server registered.\n');
}

/** `del server <b>/<s>`: only in maintenance, without sessions, and not tracked by another server. */
export function delServer(rt: Runtime, be: BackendRuntime, s: ServerRuntime): Outcome {
  if (!s.admin.maint) return fail('Only servers in maintenance mode can be deleted.');
  for (const b of rt.backends.values()) {
    for (const x of b.servers) {
      const t = x.config.check.track;
      if (x !== s && t && (t.proxy ?? b.name) === be.name && t.server === s.name) return fail('Cannot remove a server tracked by another one.');
    }
  }
  if (s.served > 0 || s.queue.length > 0) return fail('Server still has connections attached to it, cannot remove it.');
  s.checks?.stop();
  s.closeIdle();
  const i = be.servers.indexOf(s);
  be.servers.splice(i, 1);
  rebuildLb(be);
  log(rt, 'notice', 'CLI : Server deleted.');
  return done(true, 'Server deleted.');
}
