/**
 * What the runtime hands the stats renderers: a read-only view of the running
 * proxies, built on demand (cheap: it points at the live counter objects).
 * Proxies come in configuration order; servers and listeners in their order.
 */
import type { BeCounters, FeCounters } from './counters.js';

export type ProxyMode = 'tcp' | 'http' | 'health' | 'unknown';

/** Check results, as in HAProxy's check_status column. */
export type CheckStatus =
  | 'UNK' | 'INI' | 'SOCKERR' | 'HANA'
  | 'L4OK' | 'L4TOUT' | 'L4CON'
  | 'L6OK' | 'L6TOUT' | 'L6RSP'
  | 'L7OK' | 'L7OKC' | 'L7TOUT' | 'L7RSP' | 'L7STS'
  | 'PROCERR' | 'PROCTOUT' | 'PROCOK';

/** The state of a health check or agent check of one server. */
export interface CheckState {
  /** Configured (`check` / `agent-check`) and not disabled at runtime. */
  enabled: boolean;
  /** Suspended because the server is in maintenance. */
  paused?: boolean;
  /** A check is running now: the status is printed with a "* " prefix. */
  running?: boolean;
  status: CheckStatus;
  /** Layer 5-7 code (HTTP status...), when the check got that far. */
  code?: number;
  /** Duration of the last check in ms; -1 if none finished yet. */
  duration: number;
  /** Free text of the last result ("Connection refused", agent output...): the last_chk/last_agt column. */
  info?: string;
  /** Short description of `status`; defaults to the standard one (check-status.ts). */
  desc?: string;
  /** 0 .. rise+fall-1: at or above `rise` the server counts as up. */
  health: number;
  rise: number;
  fall: number;
}

/** Operational state, HAProxy's SRV_ST_*. */
export type ServerRunState = 'running' | 'starting' | 'stopping' | 'stopped';

/** Administrative flags, HAProxy's SRV_ADMF_*. */
export interface ServerAdmin {
  /** Forced maintenance (`disabled`, `set server ... state maint`, stats page). */
  maint?: boolean;
  /** Maintenance inherited from the tracked server. */
  inheritedMaint?: boolean;
  /** Maintenance because the address could not be resolved. */
  resolutionMaint?: boolean;
  /** Drain (`set server ... state drain`, weight 0 from the agent...). */
  drain?: boolean;
}

export interface ServerStats {
  name: string;
  /** Server id inside its backend (the `id` keyword or its position). */
  sid: number;
  /** "ip:port", "[ipv6]:port" or "unix". */
  addr: string;
  cookie?: string;
  backup: boolean;
  counters: BeCounters;
  state: ServerRunState;
  admin: ServerAdmin;
  /** Effective (current), user-set and initial weights. */
  weight: number;
  uweight: number;
  iweight: number;
  /** maxconn / maxqueue; 0 = none. */
  maxconn: number;
  maxqueue: number;
  /** Slowstart throttle in percent, only while slow-starting. */
  throttle?: number;
  /** Last UP<->DOWN change, ms since the epoch. */
  lastChange: number;
  /** Downtime accumulated before the current down period, in seconds. */
  downTime: number;
  check?: CheckState;
  agent?: CheckState;
  /** `track be/srv`: the tracked server's row (its own `track` is followed to the end). */
  track?: { proxy: string; server: ServerStats };
  /** Connection pool figures; zeros when absent. `idleLimit` -1 = unlimited. */
  conns?: { idle: number; idleLimit: number; unsafe: number; safe: number; used: number; needEst: number };
}

export interface ListenerStats {
  /** The bind line's `name`, or "sock-N". */
  name: string;
  /** Listener id (the `id` bind option or its position), printed as sid. */
  id: number;
  addr: string;
  counters: FeCounters;
  maxconn: number;
  status: 'OPEN' | 'WAITING' | 'FULL';
}

export interface FrontendStats {
  counters: FeCounters;
  /** maxconn of the frontend (slim). */
  maxconn: number;
  /** `rate-limit sessions`; 0 = none. */
  rateLimit: number;
  state: 'OPEN' | 'STOP' | 'PAUSED';
}

export interface BackendStats {
  counters: BeCounters;
  /** `fullconn` (the backend's slim). */
  fullconn: number;
  /** `balance` algorithm as HAProxy names it ("roundrobin", "leastconn", "source"...). */
  algo: string;
  /** Persistence cookie name. */
  cookie?: string;
  /** Last time the whole backend went UP or DOWN (ms since the epoch), and its accumulated downtime in seconds. */
  lastChange: number;
  downTime: number;
  /** LB totals if the engine keeps them; otherwise computed from the servers (usable ones count). */
  lb?: { weight: number; uweight: number; act: number; bck: number };
}

export interface ProxyStats {
  name: string;
  /** Proxy id (`id` keyword or automatic numbering). */
  iid: number;
  mode: ProxyMode;
  /** The `description` keyword (shown with `stats show-desc`... in the page). */
  desc?: string;
  /** Present when the proxy has the frontend capability (frontend / listen). */
  frontend?: FrontendStats;
  /** Present when the proxy has the backend capability (backend / listen). */
  backend?: BackendStats;
  /** Present only with `option socket-stats`. */
  listeners?: ListenerStats[];
  servers?: ServerStats[];
}

/** Process-wide figures for `show info`, the page header and haproxy_process_* metrics. */
export interface ProcessInfo {
  name: string;
  version: string;
  releaseDate: string;
  pid: number;
  nbthread: number;
  /** Process start, ms since the epoch. */
  startTime: number;
  node?: string;
  description?: string;
  ulimitN: number;
  maxsock: number;
  maxconn: number;
  hardMaxconn: number;
  maxpipes: number;
  pipesUsed: number;
  pipesFree: number;
  currConns: number;
  cumConns: number;
  cumReq: number;
  connRate: number;
  connRateLimit: number;
  maxConnRate: number;
  sessRate: number;
  sessRateLimit: number;
  maxSessRate: number;
  tasks: number;
  runQueue: number;
  idlePct: number;
  stopping: boolean;
  jobs: number;
  listeners: number;
  droppedLogs: number;
  totalBytesOut: number;
  bytesOutRate: number;
  /** Memory figures in bytes (process.memoryUsage()). */
  memmaxBytes: number;
  poolAllocBytes: number;
  poolUsedBytes: number;
}

export interface StatsSnapshot {
  info: ProcessInfo;
  proxies: ProxyStats[];
  /** Wall clock of the snapshot, ms since the epoch (ages are computed from it). */
  now: number;
}
