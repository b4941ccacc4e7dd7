/**
 * Status strings and derived states of servers and backends, built the way
 * HAProxy 2.6 builds them (stats_fill_sv_stats), plus the check status table.
 */
import type { BackendStats, CheckState, CheckStatus, ProxyStats, ServerStats } from './model.js';

/** Standard short descriptions of check results (the check_desc / agent_desc columns). */
export const CHECK_DESC: Record<CheckStatus, string> = {
  UNK: 'Unknown',
  INI: 'Initializing',
  SOCKERR: 'Socket error',
  HANA: 'Health analyze',
  L4OK: 'Layer4 check passed',
  L4TOUT: 'Layer4 timeout',
  L4CON: 'Layer4 connection problem',
  L6OK: 'Layer6 check passed',
  L6TOUT: 'Layer6 timeout',
  L6RSP: 'Layer6 invalid response',
  L7OK: 'Layer7 check passed',
  L7OKC: 'Layer7 check conditionally passed',
  L7TOUT: 'Layer7 timeout',
  L7RSP: 'Layer7 invalid response',
  L7STS: 'Layer7 wrong status',
  PROCERR: 'External check error',
  PROCTOUT: 'External check timeout',
  PROCOK: 'External check passed',
};

/** Check results that are final (finished checks), in HAProxy's order: the prometheus state labels. */
export const CHECK_RESULT_STATES: readonly CheckStatus[] = [
  'HANA', 'SOCKERR', 'L4OK', 'L4TOUT', 'L4CON', 'L6OK', 'L6TOUT', 'L6RSP',
  'L7TOUT', 'L7RSP', 'L7OK', 'L7OKC', 'L7STS', 'PROCERR', 'PROCTOUT', 'PROCOK',
];

/** Statuses that carry a layer 5-7 code (HAProxy prints check_code only for these). */
const WITH_CODE = new Set<CheckStatus>(['L7OK', 'L7OKC', 'L7STS', 'PROCERR', 'PROCTOUT', 'PROCOK']);

export function checkHasCode(c: CheckState): boolean {
  return WITH_CODE.has(c.status) && c.code !== undefined;
}

/** A check has finished at least once (duration is meaningful). */
export function checkFinished(c: CheckState): boolean {
  return c.status !== 'UNK' && c.status !== 'INI';
}

export function checkDesc(c: CheckState): string {
  return c.desc ?? CHECK_DESC[c.status];
}

/** "L7OK", or "* L7OK" while a new check is running. */
export function checkStatusText(c: CheckState): string {
  return (c.running ? '* ' : '') + c.status;
}

/** Enabled and not paused: the check columns are printed. */
export function checkActive(c: CheckState | undefined): c is CheckState {
  return !!c && c.enabled && !c.paused;
}

/** The server whose checks decide this one's state: the end of its `track` chain. */
export function trackRef(sv: ServerStats): ServerStats {
  let ref = sv;
  for (let i = 0; ref.track && i < 100; i++) ref = ref.track.server;
  return ref;
}

/** The state category of a server, used for the status text, the page colours and the legends. */
export type ServerDisplayState =
  | 'down' | 'down_agent' | 'going_up' | 'up_going_down' | 'up'
  | 'nolb_going_down' | 'nolb' | 'drain_going_down' | 'drain' | 'drain_agent' | 'no_check';

function isEnabled(c: CheckState | undefined): c is CheckState {
  return !!c && c.enabled;
}

export function serverDisplayState(sv: ServerStats): ServerDisplayState {
  const ref = trackRef(sv);
  const chk = ref.check;
  const agt = ref.agent;
  if (sv.state === 'running' || sv.state === 'starting') {
    let st: ServerDisplayState =
      isEnabled(chk) && chk.health < chk.rise + chk.fall - 1 ? 'up_going_down' : 'up';
    if (sv.admin.drain) {
      if (isEnabled(agt)) st = 'drain_agent';
      else st = st === 'up_going_down' ? 'drain_going_down' : 'drain';
    }
    if (st === 'up' && !isEnabled(chk)) st = 'no_check';
    return st;
  }
  if (sv.state === 'stopping') {
    if ((!isEnabled(sv.check) && !sv.track) || (isEnabled(chk) && chk.health === chk.rise + chk.fall - 1)) return 'nolb';
    return 'nolb_going_down';
  }
  if (isEnabled(agt) && agt.health === 0) return 'down_agent';
  if (isEnabled(chk) && chk.health === 0) return 'down';
  if (isEnabled(agt) || isEnabled(chk)) return 'going_up';
  return 'down';
}

/** The status column: "UP", "UP 1/3", "DOWN 1/2", "NOLB", "DRAIN", "no check", "MAINT", "MAINT (via be/s1)"... */
export function serverStatus(sv: ServerStats): string {
  if (sv.admin.resolutionMaint) return 'MAINT (resolution)';
  if (sv.admin.inheritedMaint) {
    const via = sv.track;
    return via ? `MAINT (via ${via.proxy}/${via.server.name})` : 'MAINT';
  }
  if (sv.admin.maint) return 'MAINT';
  const st = serverDisplayState(sv);
  const ref = trackRef(sv);
  const chk = ref.check ?? { health: 0, rise: 1, fall: 1 };
  const up = sv.state !== 'stopped';
  // While up: health left above the down threshold out of `fall`; while down: successes so far out of `rise`.
  const progress = up ? `${chk.health - chk.rise + 1}/${chk.fall}` : `${chk.health}/${chk.rise}`;
  switch (st) {
    case 'down': return 'DOWN';
    case 'down_agent': return 'DOWN (agent)';
    case 'going_up': return `DOWN ${progress}`;
    case 'up_going_down': return `UP ${progress}`;
    case 'up': return 'UP';
    case 'nolb_going_down': return `NOLB ${progress}`;
    case 'nolb': return 'NOLB';
    case 'drain_going_down': return `DRAIN ${progress}`;
    case 'drain': return 'DRAIN';
    case 'drain_agent': return 'DRAIN (agent)';
    case 'no_check': return 'no check';
  }
}

/** True for servers in any maintenance mode. */
export function serverInMaint(sv: ServerStats): boolean {
  return !!(sv.admin.maint || sv.admin.inheritedMaint || sv.admin.resolutionMaint);
}

/** The promex server state label: DOWN, UP, MAINT, DRAIN or NOLB. */
export const PROM_SERVER_STATES = ['DOWN', 'UP', 'MAINT', 'DRAIN', 'NOLB'] as const;
export type PromServerState = (typeof PROM_SERVER_STATES)[number];

export function promServerState(sv: ServerStats): PromServerState {
  let st: PromServerState = 'DOWN';
  if (sv.state === 'running' || sv.state === 'starting') st = sv.admin.drain ? 'DRAIN' : 'UP';
  else if (sv.state === 'stopping') st = 'NOLB';
  if (serverInMaint(sv)) st = 'MAINT';
  return st;
}

/** A server takes new traffic: up, weighted, not in maintenance nor draining. */
export function serverUsable(sv: ServerStats): boolean {
  return (sv.state === 'running' || sv.state === 'starting') && sv.weight > 0 && !serverInMaint(sv) && !sv.admin.drain;
}

/** Backend totals: effective/user weight of the servers in use, usable active and backup servers. */
export function backendLb(px: ProxyStats): { weight: number; uweight: number; act: number; bck: number } {
  const be = px.backend as BackendStats;
  if (be.lb) return be.lb;
  let act = 0, bck = 0, wact = 0, wbck = 0, uact = 0, ubck = 0;
  for (const sv of px.servers ?? []) {
    if (!serverUsable(sv)) continue;
    if (sv.backup) { bck++; wbck += sv.weight; ubck += sv.uweight; }
    else { act++; wact += sv.weight; uact += sv.uweight; }
  }
  return act ? { weight: wact, uweight: uact, act, bck } : { weight: wbck, uweight: ubck, act, bck };
}

/** "UP" while the backend can serve (or has no servers at all), "DOWN" otherwise. */
export function backendStatus(px: ProxyStats): 'UP' | 'DOWN' {
  const servers = px.servers ?? [];
  return servers.length === 0 || backendLb(px).weight > 0 ? 'UP' : 'DOWN';
}

/** Seconds a server has been down in total, including the current down period. */
export function serverDowntime(sv: ServerStats, now: number): number {
  if (!sv.lastChange || sv.state !== 'stopped') return sv.downTime;
  return Math.floor((now - sv.lastChange) / 1000) + sv.downTime;
}

export function backendDowntime(px: ProxyStats, now: number): number {
  const be = px.backend as BackendStats;
  if (!be.lastChange || backendStatus(px) === 'UP') return be.downTime;
  return Math.floor((now - be.lastChange) / 1000) + be.downTime;
}
