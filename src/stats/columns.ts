/**
 * The one column table: every field of HAProxy 2.6's proxy statistics, in
 * CSV order, with the rows it applies to, how to compute it, its typed-output
 * tags and, when promex exports it, its Prometheus metric. CSV, typed, JSON,
 * Prometheus and HTML all read values from here: adding a metric is one entry.
 */
import type { BackendStats, FrontendStats, ListenerStats, ProxyStats, ServerStats } from './model.js';
import type { FieldType, ObjType, Value } from './field.js';
import { TYPE_NUMBER } from './field.js';
import type { MuxCounters } from './counters.js';
import {
  backendDowntime, backendLb, backendStatus, checkActive, checkDesc, checkFinished, checkHasCode,
  checkStatusText, serverDowntime, serverStatus,
} from './status.js';

/** Per-render options that change which values are shown. */
export interface RowOptions {
  /** HAProxy's STAT_SHLGNDS: show server/listener addresses and cookies (`stats show-legends`, CLI). */
  showLegends: boolean;
}

interface RowBase { px: ProxyStats; now: number; opts: RowOptions }
export interface FeRow extends RowBase { kind: 'F'; fe: FrontendStats }
export interface LiRow extends RowBase { kind: 'L'; fe: FrontendStats; li: ListenerStats }
export interface BeRow extends RowBase { kind: 'B'; be: BackendStats }
export interface SvRow extends RowBase { kind: 'S'; be: BackendStats; sv: ServerStats }
export type Row = FeRow | LiRow | BeRow | SvRow;

export type PromType = 'gauge' | 'counter';
/**
 * How promex treats a field beyond "one sample per object":
 * status/check_status/agg_* expand into one sample per state label, hrsp into
 * one per code label; http-only fields are skipped for non-HTTP proxies; secs
 * converts milliseconds to float seconds.
 */
export type PromSpecial =
  | 'status' | 'hrsp' | 'http' | 'secs' | 'check_status' | 'check_code' | 'check_duration'
  | 'agg_server_status' | 'agg_check_status';

export interface PromDef {
  name: string;
  type: PromType;
  help: string;
  /** Which metric families carry it: haproxy_frontend_ (F), _listener_ (L), _backend_ (B), _server_ (S). */
  on: string;
  special?: PromSpecial;
  /** Apply `special` only to these object types (default: all of `on`). */
  specialOn?: string;
}

export interface Column {
  /** Position in typed/JSON output (the `-` separator of the CSV header is not counted). */
  pos: number;
  name: string;
  desc: string;
  /** Typed-output tags (origin, nature, scope), possibly per object type. */
  tags: string | Partial<Record<ObjType, string>>;
  type: FieldType;
  get: {
    F?: (r: FeRow) => Value;
    L?: (r: LiRow) => Value;
    B?: (r: BeRow) => Value;
    S?: (r: SvRow) => Value;
  };
  prom?: PromDef;
}

export function columnTags(c: Column, t: ObjType): string {
  return typeof c.tags === 'string' ? c.tags : (c.tags[t] ?? 'MGP');
}

/** The value of column `c` on `row`, or undefined when HAProxy leaves the field empty. */
export function columnValue(c: Column, row: Row): Value {
  switch (row.kind) {
    case 'F': return c.get.F?.(row);
    case 'L': return c.get.L?.(row);
    case 'B': return c.get.B?.(row);
    case 'S': return c.get.S?.(row);
  }
}

const isHttp = (r: RowBase): boolean => r.px.mode === 'http';
const secsSince = (now: number, t: number): number => (t ? Math.max(0, Math.floor((now - t) / 1000)) : 0);
const lastSess = (now: number, t: number): number => (t ? Math.max(0, Math.floor((now - t) / 1000)) : -1);
const checked = (r: SvRow) => r.sv.check?.enabled === true;

// Builders keep the table readable: each applies one getter to several row kinds.
type Getters = Column['get'];
const all = (f: (r: Row) => Value): Getters => ({ F: f, L: f, B: f, S: f });

function col(
  pos: number, name: string, tags: Column['tags'], type: FieldType, desc: string, get: Getters, prom?: PromDef,
): Column {
  return prom ? { pos, name, tags, type, desc, get, prom } : { pos, name, tags, type, desc, get };
}

const g = (name: string, on: string, help: string, special?: PromSpecial, specialOn?: string): PromDef =>
  ({ name, type: 'gauge', on, help, ...(special ? { special } : {}), ...(specialOn ? { specialOn } : {}) });
const c = (name: string, on: string, help: string, special?: PromSpecial, specialOn?: string): PromDef =>
  ({ name, type: 'counter', on, help, ...(special ? { special } : {}), ...(specialOn ? { specialOn } : {}) });

const hrsp = (i: number, label: string): Column =>
  col(39 + i, `hrsp_${label}`, 'MCP', 'u64', `HTTP responses with ${label === 'other' ? 'another (invalid)' : label} status`, {
    F: (r) => (isHttp(r) ? r.fe.counters.httpRsp[i] : undefined),
    B: (r) => (isHttp(r) ? r.be.counters.httpRsp[i] : undefined),
    S: (r) => (isHttp(r) ? r.sv.counters.httpRsp[i] : undefined),
  }, c('http_responses_total', 'FBS', 'HTTP responses by status class since the process started', 'hrsp'));

/** The mux (ssl, h2, h1) module columns, printed after the `-` separator. */
function mux(pos: number, name: string, tags: string, on: 'FBLS' | 'FB', desc: string, pick: (m: MuxCounters) => number): Column {
  const get: Getters = {
    F: (r) => pick(r.fe.counters.mux),
    B: (r) => pick(r.be.counters.mux),
  };
  if (on === 'FBLS') {
    get.L = (r) => pick(r.li.counters.mux);
    get.S = (r) => pick(r.sv.counters.mux);
  }
  return col(pos, name, tags, 'u64', desc, get);
}

export const COLUMNS: readonly Column[] = [
  col(0, 'pxname', 'KNS', 'str', 'Proxy name', all((r) => r.px.name)),
  col(1, 'svname', 'KNS', 'str', 'Service name: FRONTEND, BACKEND, or the server or listener name', {
    F: () => 'FRONTEND', B: () => 'BACKEND', L: (r) => r.li.name, S: (r) => r.sv.name,
  }),
  col(2, 'qcur', 'MGP', 'u32', 'Requests waiting in the queue (for a backend: not yet assigned to a server)', {
    B: (r) => r.be.counters.queueCur, S: (r) => r.sv.counters.queueCur,
  }, g('current_queue', 'BS', 'Requests currently waiting in the queue')),
  col(3, 'qmax', 'MMP', 'u32', 'Highest qcur seen', {
    B: (r) => r.be.counters.queueMax, S: (r) => r.sv.counters.queueMax,
  }, g('max_queue', 'BS', 'Highest number of queued requests seen')),
  col(4, 'scur', 'MGP', 'u32', 'Current sessions', {
    F: (r) => r.fe.counters.curSess, L: (r) => r.li.counters.curSess,
    B: (r) => r.be.counters.curSess, S: (r) => r.sv.counters.curSess,
  }, g('current_sessions', 'FLBS', 'Sessions in progress')),
  col(5, 'smax', 'MMP', 'u32', 'Highest scur seen', {
    F: (r) => r.fe.counters.maxSess, L: (r) => r.li.counters.maxSess,
    B: (r) => r.be.counters.maxSess, S: (r) => r.sv.counters.maxSess,
  }, g('max_sessions', 'FLBS', 'Highest number of concurrent sessions seen')),
  col(6, 'slim', 'CLP', 'u32', 'Session limit: maxconn of a frontend, listener or server, fullconn of a backend', {
    F: (r) => r.fe.maxconn, L: (r) => r.li.maxconn, B: (r) => r.be.fullconn,
    S: (r) => (r.sv.maxconn ? r.sv.maxconn : undefined),
  }, g('limit_sessions', 'FLBS', 'Configured session limit')),
  col(7, 'stot', 'MCP', 'u64', 'Sessions since start', {
    F: (r) => r.fe.counters.cumSess, L: (r) => r.li.counters.cumSess,
    B: (r) => r.be.counters.cumSess, S: (r) => r.sv.counters.cumSess,
  }, c('sessions_total', 'FLBS', 'Sessions since the process started')),
  col(8, 'bin', 'MCP', 'u64', 'Bytes received from clients', {
    F: (r) => r.fe.counters.bytesIn, L: (r) => r.li.counters.bytesIn,
    B: (r) => r.be.counters.bytesIn, S: (r) => r.sv.counters.bytesIn,
  }, c('bytes_in_total', 'FLBS', 'Request bytes received')),
  col(9, 'bout', 'MCP', 'u64', 'Bytes sent to clients', {
    F: (r) => r.fe.counters.bytesOut, L: (r) => r.li.counters.bytesOut,
    B: (r) => r.be.counters.bytesOut, S: (r) => r.sv.counters.bytesOut,
  }, c('bytes_out_total', 'FLBS', 'Response bytes sent')),
  col(10, 'dreq', 'MCP', 'u64', 'Requests denied by tcp-request content, http-request deny or tarpit rules', {
    F: (r) => r.fe.counters.deniedReq, L: (r) => r.li.counters.deniedReq, B: (r) => r.be.counters.deniedReq,
  }, c('requests_denied_total', 'FLB', 'Requests denied by rules')),
  col(11, 'dresp', 'MCP', 'u64', 'Responses denied by http-response rules or option checkcache', {
    F: (r) => r.fe.counters.deniedResp, L: (r) => r.li.counters.deniedResp,
    B: (r) => r.be.counters.deniedResp, S: (r) => r.sv.counters.deniedResp,
  }, c('responses_denied_total', 'FLBS', 'Responses denied by rules')),
  col(12, 'ereq', 'MCP', 'u64', 'Request errors: bad requests, client closes or timeouts before a complete request', {
    F: (r) => r.fe.counters.failedReq, L: (r) => r.li.counters.failedReq,
  }, c('request_errors_total', 'FL', 'Invalid or incomplete requests')),
  col(13, 'econ', 'MCP', 'u64', 'Failed attempts to connect to a server', {
    B: (r) => r.be.counters.failedConns, S: (r) => r.sv.counters.failedConns,
  }, c('connection_errors_total', 'BS', 'Failed connections to servers')),
  col(14, 'eresp', 'MCP', 'u64', 'Response errors (server aborts included)', {
    B: (r) => r.be.counters.failedResp, S: (r) => r.sv.counters.failedResp,
  }, c('response_errors_total', 'BS', 'Invalid or aborted responses')),
  col(15, 'wretr', 'MCP', 'u64', 'Connection retries', {
    B: (r) => r.be.counters.retries, S: (r) => r.sv.counters.retries,
  }, c('retry_warnings_total', 'BS', 'Connection retries')),
  col(16, 'wredis', 'MCP', 'u64', 'Requests redispatched to another server', {
    B: (r) => r.be.counters.redispatches, S: (r) => r.sv.counters.redispatches,
  }, c('redispatch_warnings_total', 'BS', 'Requests redispatched to another server')),
  col(17, 'status', 'SGP', 'str', 'Status: OPEN/STOP for frontends, UP/DOWN for backends, UP/DOWN/NOLB/DRAIN/MAINT/no check... for servers', {
    F: (r) => r.fe.state, L: (r) => r.li.status, B: (r) => backendStatus(r.px), S: (r) => serverStatus(r.sv),
  }, g('status', 'FLBS', 'Current state, one sample per state label', 'status')),
  col(18, 'weight', 'MaP', 'u32', 'Effective weight of a server; total effective weight of the servers in use for a backend', {
    B: (r) => backendLb(r.px).weight, S: (r) => r.sv.weight,
  }, g('weight', 'BS', 'Effective weight (sum over the servers in use for a backend)')),
  col(19, 'act', { B: 'MGP', S: 'SGP' }, 'u32', 'Active servers in use (backend); 1 for an active server', {
    B: (r) => backendLb(r.px).act, S: (r) => (r.sv.backup ? 0 : 1),
  }, g('active_servers', 'B', 'Active servers in use')),
  col(20, 'bck', { B: 'MGP', S: 'SGP' }, 'u32', 'Backup servers in use (backend); 1 for a backup server', {
    B: (r) => backendLb(r.px).bck, S: (r) => (r.sv.backup ? 1 : 0),
  }, g('backup_servers', 'B', 'Backup servers in use')),
  col(21, 'chkfail', 'MCP', 'u64', 'Failed checks while the server was up', {
    S: (r) => (checked(r) ? r.sv.counters.failedChecks : undefined),
  }, c('check_failures_total', 'S', 'Failed health checks while up')),
  col(22, 'chkdown', 'MCP', 'u64', 'UP to DOWN transitions (for a backend: the whole backend going down)', {
    B: (r) => r.be.counters.downTrans, S: (r) => (checked(r) ? r.sv.counters.downTrans : undefined),
  }, c('check_up_down_total', 'BS', 'UP to DOWN transitions')),
  col(23, 'lastchg', 'MAP', 'u32', 'Seconds since the last UP<->DOWN transition', {
    B: (r) => secsSince(r.now, r.be.lastChange), S: (r) => secsSince(r.now, r.sv.lastChange),
  }, g('check_last_change_seconds', 'BS', 'Seconds since the last UP/DOWN transition')),
  col(24, 'downtime', 'MCP', 'u32', 'Total seconds spent down (for a backend: the whole backend down)', {
    B: (r) => ((r.px.servers?.length ?? 0) > 0 ? backendDowntime(r.px, r.now) : undefined),
    S: (r) => (checked(r) ? serverDowntime(r.sv, r.now) : undefined),
  }, c('downtime_seconds_total', 'BS', 'Total downtime in seconds')),
  col(25, 'qlimit', 'CGS', 'u32', 'maxqueue of the server, empty when unlimited', {
    S: (r) => (r.sv.maxqueue ? r.sv.maxqueue : undefined),
  }, g('queue_limit', 'S', 'Configured queue limit (maxqueue)')),
  col(26, 'pid', 'KGP', 'u32', 'Relative process number, always 1', all(() => 1)),
  col(27, 'iid', 'KGS', 'u32', 'Proxy id', all((r) => r.px.iid)),
  col(28, 'sid', 'KGS', 'u32', 'Server or listener id (0 for frontend and backend rows)', {
    F: () => 0, B: () => 0, L: (r) => r.li.id, S: (r) => r.sv.sid,
  }),
  col(29, 'throttle', 'MGP', 'u32', 'Slowstart throttle percentage, empty when not slow-starting', {
    S: (r) => (r.sv.state === 'starting' && !r.sv.admin.drain ? r.sv.throttle : undefined),
  }, g('current_throttle', 'S', 'Slowstart throttle in percent')),
  col(30, 'lbtot', 'MCP', 'u64', 'Times the server (or any server of the backend) was picked', {
    B: (r) => r.be.counters.lbtot, S: (r) => r.sv.counters.lbtot,
  }, c('loadbalanced_total', 'BS', 'Times picked by the load balancer')),
  col(31, 'tracked', 'CNS', 'str', 'Tracked server as proxy/server', {
    S: (r) => (r.sv.track ? `${r.sv.track.proxy}/${r.sv.track.server.name}` : undefined),
  }),
  col(32, 'type', 'CGS', 'u32', 'Row type: 0 frontend, 1 backend, 2 server, 3 listener', all((r) => TYPE_NUMBER[r.kind])),
  col(33, 'rate', { F: 'MRP', B: 'MGP', S: 'MRP' }, 'u32', 'Sessions per second over the last second', {
    F: (r) => r.fe.counters.sessPerSec.read(r.now), B: (r) => r.be.counters.sessPerSec.read(r.now),
    S: (r) => r.sv.counters.sessPerSec.read(r.now),
  }),
  col(34, 'rate_lim', 'CLP', 'u32', 'Configured limit of new sessions per second', {
    F: (r) => r.fe.rateLimit,
  }, g('limit_session_rate', 'F', 'Configured limit of new sessions per second')),
  col(35, 'rate_max', { F: 'MMP', B: 'MGP', S: 'MMP' }, 'u32', 'Highest sessions per second seen', {
    F: (r) => r.fe.counters.spsMax, B: (r) => r.be.counters.spsMax, S: (r) => r.sv.counters.spsMax,
  }, g('max_session_rate', 'FBS', 'Highest number of new sessions per second seen')),
  col(36, 'check_status', 'MOP', 'str', 'Status of the last health check ("* " prefix while one runs)', {
    S: (r) => (checkActive(r.sv.check) ? checkStatusText(r.sv.check) : undefined),
  }, g('check_status', 'S', 'Result of the last health check, one sample per state label', 'check_status')),
  col(37, 'check_code', 'MOP', 'u32', 'Layer 5-7 code of the last health check', {
    S: (r) => (checkActive(r.sv.check) && checkHasCode(r.sv.check) ? r.sv.check.code : undefined),
  }, g('check_code', 'S', 'Layer 5-7 code of the last health check, 0 if none', 'check_code')),
  col(38, 'check_duration', 'MDP', 'u64', 'Duration of the last health check in ms', {
    S: (r) => (checkActive(r.sv.check) && checkFinished(r.sv.check) ? Math.max(0, r.sv.check.duration) : undefined),
  }, g('check_duration_seconds', 'S', 'Duration of the last health check in seconds', 'check_duration')),
  hrsp(0, '1xx'), hrsp(1, '2xx'), hrsp(2, '3xx'), hrsp(3, '4xx'), hrsp(4, '5xx'), hrsp(5, 'other'),
  col(45, 'hanafail', 'MCP', 'u64', 'Failed health checks details (observe mode)', {}),
  col(46, 'req_rate', 'MRP', 'u32', 'HTTP requests per second over the last second', {
    F: (r) => r.fe.counters.reqPerSec.read(r.now),
  }),
  col(47, 'req_rate_max', 'MMP', 'u32', 'Highest HTTP requests per second seen', {
    F: (r) => r.fe.counters.rpsMax,
  }, g('http_requests_rate_max', 'F', 'Highest number of HTTP requests per second seen', 'http')),
  col(48, 'req_tot', 'MCP', 'u64', 'HTTP requests since start', {
    F: (r) => r.fe.counters.cumReq,
    B: (r) => (isHttp(r) ? r.be.counters.cumReq : undefined),
    S: (r) => (isHttp(r) ? r.sv.counters.cumReq : undefined),
  }, c('http_requests_total', 'FB', 'HTTP requests since the process started', 'http')),
  col(49, 'cli_abrt', 'MCP', 'u64', 'Transfers aborted by the client', {
    B: (r) => r.be.counters.cliAborts, S: (r) => r.sv.counters.cliAborts,
  }, c('client_aborts_total', 'BS', 'Transfers aborted by the client')),
  col(50, 'srv_abrt', 'MCP', 'u64', 'Transfers aborted by the server (counted in eresp too)', {
    B: (r) => r.be.counters.srvAborts, S: (r) => r.sv.counters.srvAborts,
  }, c('server_aborts_total', 'BS', 'Transfers aborted by the server')),
  col(51, 'comp_in', 'MCP', 'u64', 'Response bytes fed to the compressor', {
    F: (r) => r.fe.counters.compIn, B: (r) => r.be.counters.compIn,
  }, c('http_comp_bytes_in_total', 'FB', 'Response bytes fed to the compressor', 'http')),
  col(52, 'comp_out', 'MCP', 'u64', 'Response bytes emitted by the compressor', {
    F: (r) => r.fe.counters.compOut, B: (r) => r.be.counters.compOut,
  }, c('http_comp_bytes_out_total', 'FB', 'Response bytes emitted by the compressor', 'http')),
  col(53, 'comp_byp', 'MCP', 'u64', 'Response bytes that bypassed the compressor', {
    F: (r) => r.fe.counters.compByp, B: (r) => r.be.counters.compByp,
  }, c('http_comp_bytes_bypassed_total', 'FB', 'Response bytes that bypassed the compressor', 'http')),
  col(54, 'comp_rsp', 'MCP', 'u64', 'Compressed HTTP responses', {
    F: (r) => r.fe.counters.compRsp, B: (r) => r.be.counters.compRsp,
  }, c('http_comp_responses_total', 'FB', 'Compressed HTTP responses', 'http')),
  col(55, 'lastsess', 'MAP', 's32', 'Seconds since the last session was assigned, -1 if never', {
    B: (r) => lastSess(r.now, r.be.counters.lastSess), S: (r) => lastSess(r.now, r.sv.counters.lastSess),
  }, g('last_session_seconds', 'BS', 'Seconds since the last session was assigned, -1 if never')),
  col(56, 'last_chk', 'MOP', 'str', 'Output or error of the last health check', {
    S: (r) => (checkActive(r.sv.check) ? (r.sv.check.info ?? '') : undefined),
  }),
  col(57, 'last_agt', 'MOP', 'str', 'Output or error of the last agent check', {
    S: (r) => (checkActive(r.sv.agent) ? (r.sv.agent.info ?? '') : undefined),
  }),
  col(58, 'qtime', 'MaP', 'u32', 'Average queue time in ms over the last 1024 requests', {
    B: (r) => r.be.counters.qTime.avg(), S: (r) => r.sv.counters.qTime.avg(),
  }, g('queue_time_average_seconds', 'BS', 'Average queue time over the last 1024 requests', 'secs')),
  col(59, 'ctime', 'MaP', 'u32', 'Average connect time in ms over the last 1024 requests', {
    B: (r) => r.be.counters.cTime.avg(), S: (r) => r.sv.counters.cTime.avg(),
  }, g('connect_time_average_seconds', 'BS', 'Average connect time over the last 1024 requests', 'secs')),
  col(60, 'rtime', 'MaP', 'u32', 'Average response time in ms over the last 1024 requests (0 for TCP)', {
    B: (r) => r.be.counters.dTime.avg(), S: (r) => r.sv.counters.dTime.avg(),
  }, g('response_time_average_seconds', 'BS', 'Average response time over the last 1024 requests', 'secs')),
  col(61, 'ttime', 'MaP', 'u32', 'Average total session time in ms over the last 1024 requests', {
    B: (r) => r.be.counters.tTime.avg(), S: (r) => r.sv.counters.tTime.avg(),
  }, g('total_time_average_seconds', 'BS', 'Average total time over the last 1024 requests', 'secs')),
  col(62, 'agent_status', 'MOP', 'str', 'Status of the last agent check', {
    S: (r) => (checkActive(r.sv.agent) ? checkStatusText(r.sv.agent) : undefined),
  }),
  col(63, 'agent_code', 'MOP', 'u32', 'Code reported by the agent', {
    S: (r) => (checkActive(r.sv.agent) && checkHasCode(r.sv.agent) ? r.sv.agent.code : undefined),
  }),
  col(64, 'agent_duration', 'MDP', 'u64', 'Duration of the last agent check in ms', {
    S: (r) => (checkActive(r.sv.agent) && checkFinished(r.sv.agent) ? Math.max(0, r.sv.agent.duration) : undefined),
  }),
  col(65, 'check_desc', 'MOP', 'str', 'Description of check_status', {
    S: (r) => (checkActive(r.sv.check) ? checkDesc(r.sv.check) : undefined),
  }),
  col(66, 'agent_desc', 'MOP', 'str', 'Description of agent_status', {
    S: (r) => (checkActive(r.sv.agent) ? checkDesc(r.sv.agent) : undefined),
  }),
  col(67, 'check_rise', 'CGS', 'u32', 'rise of the health check', {
    S: (r) => (checkActive(r.sv.check) ? r.sv.check.rise : undefined),
  }),
  col(68, 'check_fall', 'CGS', 'u32', 'fall of the health check', {
    S: (r) => (checkActive(r.sv.check) ? r.sv.check.fall : undefined),
  }),
  col(69, 'check_health', 'CGS', 'u32', 'Health of the server, 0 to rise+fall-1', {
    S: (r) => (checkActive(r.sv.check) ? r.sv.check.health : undefined),
  }),
  col(70, 'agent_rise', 'CGS', 'u32', 'rise of the agent check', {
    S: (r) => (checkActive(r.sv.agent) ? r.sv.agent.rise : undefined),
  }),
  col(71, 'agent_fall', 'CGS', 'u32', 'fall of the agent check', {
    S: (r) => (checkActive(r.sv.agent) ? r.sv.agent.fall : undefined),
  }),
  col(72, 'agent_health', 'CGS', 'u32', 'Agent health, 0 to rise+fall-1', {
    S: (r) => (checkActive(r.sv.agent) ? r.sv.agent.health : undefined),
  }),
  col(73, 'addr', 'CGS', 'str', 'Address:port ("unix" for UNIX sockets, IPv6 in brackets)', {
    L: (r) => (r.opts.showLegends ? r.li.addr : undefined),
    S: (r) => (r.opts.showLegends ? r.sv.addr : undefined),
  }),
  col(74, 'cookie', 'CNS', 'str', 'Cookie value of a server, cookie name of a backend', {
    B: (r) => (r.opts.showLegends ? r.be.cookie : undefined),
    S: (r) => (r.opts.showLegends ? r.sv.cookie : undefined),
  }),
  col(75, 'mode', 'CGS', 'str', 'Proxy mode: tcp, http, health or unknown', all((r) => r.px.mode)),
  col(76, 'algo', 'CGS', 'str', 'Load balancing algorithm', { B: (r) => r.be.algo }),
  col(77, 'conn_rate', 'MRP', 'u32', 'Connections per second over the last second', {
    F: (r) => r.fe.counters.connPerSec.read(r.now),
  }),
  col(78, 'conn_rate_max', 'MMP', 'u32', 'Highest connections per second seen', {
    F: (r) => r.fe.counters.cpsMax,
  }, g('connections_rate_max', 'F', 'Highest number of connections per second seen')),
  col(79, 'conn_tot', 'MCP', 'u64', 'Connections since start', {
    F: (r) => r.fe.counters.cumConn,
  }, c('connections_total', 'F', 'Connections since the process started')),
  col(80, 'intercepted', 'MCP', 'u64', 'Requests answered by the proxy itself (stats, monitor, return...)', {
    F: (r) => (isHttp(r) ? r.fe.counters.intercepted : undefined),
  }, c('intercepted_requests_total', 'F', 'Requests answered by the proxy itself', 'http')),
  col(81, 'dcon', 'MCP', 'u64', 'Connections denied by tcp-request connection rules', {
    F: (r) => r.fe.counters.deniedConn, L: (r) => r.li.counters.deniedConn,
  }, c('denied_connections_total', 'FL', 'Connections denied by tcp-request connection rules')),
  col(82, 'dses', 'MCP', 'u64', 'Sessions denied by tcp-request session rules', {
    F: (r) => r.fe.counters.deniedSess, L: (r) => r.li.counters.deniedSess,
  }, c('denied_sessions_total', 'FL', 'Sessions denied by tcp-request session rules')),
  col(83, 'wrew', 'MCP', 'u64', 'Failed header rewrites', {
    F: (r) => r.fe.counters.failedRewrites, L: (r) => r.li.counters.failedRewrites,
    B: (r) => r.be.counters.failedRewrites, S: (r) => r.sv.counters.failedRewrites,
  }, c('failed_header_rewriting_total', 'FLBS', 'Failed header rewrites')),
  col(84, 'connect', 'MCP', 'u64', 'Connection attempts to servers', {
    B: (r) => r.be.counters.connect, S: (r) => r.sv.counters.connect,
  }, c('connection_attempts_total', 'BS', 'Connection attempts to servers')),
  col(85, 'reuse', 'MCP', 'u64', 'Requests sent over a reused idle connection', {
    B: (r) => r.be.counters.reuse, S: (r) => r.sv.counters.reuse,
  }, c('connection_reuses_total', 'BS', 'Reused server connections')),
  col(86, 'cache_lookups', 'MCP', 'u64', 'Cache lookups', {
    F: (r) => (isHttp(r) ? r.fe.counters.cacheLookups : undefined),
    B: (r) => (isHttp(r) ? r.be.counters.cacheLookups : undefined),
  }, c('http_cache_lookups_total', 'FB', 'HTTP cache lookups', 'http')),
  col(87, 'cache_hits', 'MCP', 'u64', 'Cache hits', {
    F: (r) => (isHttp(r) ? r.fe.counters.cacheHits : undefined),
    B: (r) => (isHttp(r) ? r.be.counters.cacheHits : undefined),
  }, c('http_cache_hits_total', 'FB', 'HTTP cache hits', 'http')),
  col(88, 'srv_icur', 'MGP', 'u32', 'Idle connections available for reuse', {
    S: (r) => r.sv.conns?.idle ?? 0,
  }, g('idle_connections_current', 'S', 'Idle connections available for reuse')),
  col(89, 'src_ilim', 'MGP', 'u32', 'Limit of idle connections, empty when unlimited', {
    S: (r) => (r.sv.conns && r.sv.conns.idleLimit >= 0 ? r.sv.conns.idleLimit : undefined),
  }, g('idle_connections_limit', 'S', 'Limit of idle connections (pool-max-conn)')),
  col(90, 'qtime_max', 'MMP', 'u32', 'Highest queue time in ms', {
    B: (r) => r.be.counters.qtimeMax, S: (r) => r.sv.counters.qtimeMax,
  }, g('max_queue_time_seconds', 'BS', 'Highest time spent in the queue', 'secs')),
  col(91, 'ctime_max', 'MMP', 'u32', 'Highest connect time in ms', {
    B: (r) => r.be.counters.ctimeMax, S: (r) => r.sv.counters.ctimeMax,
  }, g('max_connect_time_seconds', 'BS', 'Highest time spent connecting', 'secs')),
  col(92, 'rtime_max', 'MMP', 'u32', 'Highest response time in ms (0 for TCP)', {
    B: (r) => r.be.counters.dtimeMax, S: (r) => r.sv.counters.dtimeMax,
  }, g('max_response_time_seconds', 'BS', 'Highest time spent waiting for a response', 'secs')),
  col(93, 'ttime_max', 'MMP', 'u32', 'Highest total session time in ms', {
    B: (r) => r.be.counters.ttimeMax, S: (r) => r.sv.counters.ttimeMax,
  }, g('max_total_time_seconds', 'BS', 'Highest total request and response time', 'secs')),
  col(94, 'eint', 'MCP', 'u64', 'Internal errors', {
    F: (r) => r.fe.counters.internalErrors, L: (r) => r.li.counters.internalErrors,
    B: (r) => r.be.counters.internalErrors, S: (r) => r.sv.counters.internalErrors,
  }, c('internal_errors_total', 'FLBS', 'Internal errors')),
  col(95, 'idle_conn_cur', 'MGP', 'u32', 'Unsafe idle connections', {
    S: (r) => r.sv.conns?.unsafe ?? 0,
  }, g('unsafe_idle_connections_current', 'S', 'Unsafe idle connections')),
  col(96, 'safe_conn_cur', 'MGP', 'u32', 'Safe idle connections', {
    S: (r) => r.sv.conns?.safe ?? 0,
  }, g('safe_idle_connections_current', 'S', 'Safe idle connections')),
  col(97, 'used_conn_cur', 'MGP', 'u32', 'Connections in use', {
    S: (r) => r.sv.conns?.used ?? 0,
  }, g('used_connections_current', 'S', 'Server connections in use')),
  col(98, 'need_conn_est', 'MGP', 'u32', 'Estimated connections needed', {
    S: (r) => r.sv.conns?.needEst ?? 0,
  }, g('need_connections_current', 'S', 'Estimated number of server connections needed')),
  col(99, 'uweight', 'MaP', 'u32', 'User weight of a server; total user weight of the servers in use for a backend', {
    B: (r) => backendLb(r.px).uweight, S: (r) => r.sv.uweight,
  }, g('uweight', 'BS', 'User weight (sum over the servers in use for a backend)')),
  // 2.6 prints these as 0; promex computes the real per-state counts from the servers.
  col(100, 'agg_server_status', 'MGP', 'u32', "Servers of the backend per status (Prometheus only)", {
    B: () => 0,
  }, g('agg_server_status', 'B', 'Servers of the backend per state', 'agg_server_status')),
  col(101, 'agg_server_check_status', 'MGP', 'u32', 'Deprecated name of agg_server_status', {
    B: () => 0,
  }, g('agg_server_check_status', 'B', 'Servers of the backend per state (deprecated name)', 'agg_server_status')),
  col(102, 'agg_check_status', 'MGP', 'u32', 'Servers of the backend per check result (Prometheus only)', {
    B: () => 0,
  }, g('agg_check_status', 'B', 'Servers of the backend per last check result', 'agg_check_status')),
  mux(103, 'ssl_sess', 'MCP', 'FBLS', 'SSL sessions', (m) => m.sslSess),
  mux(104, 'ssl_reused_sess', 'MCP', 'FBLS', 'Reused SSL sessions', (m) => m.sslReusedSess),
  mux(105, 'ssl_failed_handshake', 'MCP', 'FBLS', 'Failed SSL handshakes', (m) => m.sslFailedHandshake),
  mux(106, 'h2_headers_rcvd', 'MCP', 'FB', 'HTTP/2 HEADERS frames received', (m) => m.h2HeadersRcvd),
  mux(107, 'h2_data_rcvd', 'MCP', 'FB', 'HTTP/2 DATA frames received', (m) => m.h2DataRcvd),
  mux(108, 'h2_settings_rcvd', 'MCP', 'FB', 'HTTP/2 SETTINGS frames received', (m) => m.h2SettingsRcvd),
  mux(109, 'h2_rst_stream_rcvd', 'MCP', 'FB', 'HTTP/2 RST_STREAM frames received', (m) => m.h2RstStreamRcvd),
  mux(110, 'h2_goaway_rcvd', 'MCP', 'FB', 'HTTP/2 GOAWAY frames received', (m) => m.h2GoawayRcvd),
  mux(111, 'h2_detected_conn_protocol_errors', 'MCP', 'FB', 'HTTP/2 connection protocol errors', (m) => m.h2ConnProtoErrors),
  mux(112, 'h2_detected_strm_protocol_errors', 'MCP', 'FB', 'HTTP/2 stream protocol errors', (m) => m.h2StrmProtoErrors),
  mux(113, 'h2_rst_stream_resp', 'MCP', 'FB', 'HTTP/2 RST_STREAM frames sent', (m) => m.h2RstStreamResp),
  mux(114, 'h2_goaway_resp', 'MCP', 'FB', 'HTTP/2 GOAWAY frames sent', (m) => m.h2GoawayResp),
  mux(115, 'h2_open_connections', 'MGP', 'FB', 'Open HTTP/2 connections', (m) => m.h2OpenConns),
  mux(116, 'h2_backend_open_streams', 'MGP', 'FB', 'Open HTTP/2 backend streams', (m) => m.h2BackendOpenStreams),
  mux(117, 'h2_total_connections', 'MCP', 'FB', 'HTTP/2 connections since start', (m) => m.h2TotalConns),
  mux(118, 'h2_backend_total_streams', 'MCP', 'FB', 'HTTP/2 backend streams since start', (m) => m.h2BackendTotalStreams),
  mux(119, 'h1_open_connections', 'MGP', 'FB', 'Open HTTP/1 connections', (m) => m.h1OpenConns),
  mux(120, 'h1_open_streams', 'MGP', 'FB', 'Open HTTP/1 streams', (m) => m.h1OpenStreams),
  mux(121, 'h1_total_connections', 'MCP', 'FB', 'HTTP/1 connections since start', (m) => m.h1TotalConns),
  mux(122, 'h1_total_streams', 'MCP', 'FB', 'HTTP/1 streams since start', (m) => m.h1TotalStreams),
  mux(123, 'h1_bytes_in', 'MCP', 'FB', 'Bytes received by the HTTP/1 multiplexer', (m) => m.h1BytesIn),
  mux(124, 'h1_bytes_out', 'MCP', 'FB', 'Bytes sent by the HTTP/1 multiplexer', (m) => m.h1BytesOut),
  mux(125, 'h1_spliced_bytes_in', 'MCP', 'FB', 'Bytes received by splicing', (m) => m.h1SplicedBytesIn),
  mux(126, 'h1_spliced_bytes_out', 'MCP', 'FB', 'Bytes sent by splicing', (m) => m.h1SplicedBytesOut),
];

/** Position of the first module column: the CSV header prints a `-` column before it. */
export const FIRST_MODULE_POS = 103;

/** The CSV header line, `# pxname,svname,...,` with HAProxy's trailing comma. */
export function csvHeader(): string {
  let out = '# ';
  for (const col of COLUMNS) {
    if (col.pos === FIRST_MODULE_POS) out += '-,';
    out += col.name + ',';
  }
  return out + '\n';
}

const BY_NAME = new Map(COLUMNS.map((col) => [col.name, col]));
export function columnByName(name: string): Column | undefined {
  return BY_NAME.get(name);
}
