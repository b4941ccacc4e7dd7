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

/** The status range of each hrsp_ column, as HAProxy describes it. */
const HRSP_RANGE: Record<string, string> = { '1xx': '100-199', '2xx': '200-299', '3xx': '300-399', '4xx': '400-499', '5xx': '500-599', other: '<100, >599' };

const hrsp = (i: number, label: string): Column =>
  col(39 + i, `hrsp_${label}`, 'MCP', 'u64', `Total number of HTTP responses with status ${HRSP_RANGE[label]} returned by this object since the worker process started${label === 'other' ? ' (error -1 included)' : ''}`, {
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

/** An h1_* column whose backend value comes from the backend's connection counters (HTTP mode only). */
function h1Backend(col: Column, pick: (c: BackendStats['counters']) => number): Column {
  return { ...col, get: { ...col.get, B: (r) => (isHttp(r) ? pick(r.be.counters) : 0) } };
}

export const COLUMNS: readonly Column[] = [
  col(0, 'pxname', 'KNS', 'str', "Proxy name", all((r) => r.px.name)),
  col(1, 'svname', 'KNS', 'str', "Server name", {
    F: () => 'FRONTEND', B: () => 'BACKEND', L: (r) => r.li.name, S: (r) => r.sv.name,
  }),
  col(2, 'qcur', 'MGP', 'u32', "Number of current queued connections", {
    B: (r) => r.be.counters.queueCur, S: (r) => r.sv.counters.queueCur,
  }, g('current_queue', 'BS', 'Requests currently waiting in the queue')),
  col(3, 'qmax', 'MMP', 'u32', "Highest value of queued connections encountered since process started", {
    B: (r) => r.be.counters.queueMax, S: (r) => r.sv.counters.queueMax,
  }, g('max_queue', 'BS', 'Highest number of queued requests seen')),
  col(4, 'scur', 'MGP', 'u32', "Number of current sessions on the frontend, backend or server", {
    F: (r) => r.fe.counters.curSess, L: (r) => r.li.counters.curSess,
    B: (r) => r.be.counters.curSess, S: (r) => r.sv.counters.curSess,
  }, g('current_sessions', 'FLBS', 'Sessions in progress')),
  col(5, 'smax', 'MMP', 'u32', "Highest value of current sessions encountered since process started", {
    F: (r) => r.fe.counters.maxSess, L: (r) => r.li.counters.maxSess,
    B: (r) => r.be.counters.maxSess, S: (r) => r.sv.counters.maxSess,
  }, g('max_sessions', 'FLBS', 'Highest number of concurrent sessions seen')),
  col(6, 'slim', 'CLP', 'u32', "Frontend/listener/server's maxconn, backend's fullconn", {
    F: (r) => r.fe.maxconn, L: (r) => r.li.maxconn, B: (r) => r.be.fullconn,
    S: (r) => (r.sv.maxconn ? r.sv.maxconn : undefined),
  }, g('limit_sessions', 'FLBS', 'Configured session limit')),
  col(7, 'stot', 'MCP', 'u64', "Total number of sessions since process started", {
    F: (r) => r.fe.counters.cumSess, L: (r) => r.li.counters.cumSess,
    B: (r) => r.be.counters.cumSess, S: (r) => r.sv.counters.cumSess,
  }, c('sessions_total', 'FLBS', 'Sessions since the process started')),
  col(8, 'bin', 'MCP', 'u64', "Total number of request bytes since process started", {
    F: (r) => r.fe.counters.bytesIn, L: (r) => r.li.counters.bytesIn,
    B: (r) => r.be.counters.bytesIn, S: (r) => r.sv.counters.bytesIn,
  }, c('bytes_in_total', 'FLBS', 'Request bytes received')),
  col(9, 'bout', 'MCP', 'u64', "Total number of response bytes since process started", {
    F: (r) => r.fe.counters.bytesOut, L: (r) => r.li.counters.bytesOut,
    B: (r) => r.be.counters.bytesOut, S: (r) => r.sv.counters.bytesOut,
  }, c('bytes_out_total', 'FLBS', 'Response bytes sent')),
  col(10, 'dreq', 'MCP', 'u64', "Total number of denied requests since process started", {
    F: (r) => r.fe.counters.deniedReq, L: (r) => r.li.counters.deniedReq, B: (r) => r.be.counters.deniedReq,
  }, c('requests_denied_total', 'FLB', 'Requests denied by rules')),
  col(11, 'dresp', 'MCP', 'u64', "Total number of denied responses since process started", {
    F: (r) => r.fe.counters.deniedResp, L: (r) => r.li.counters.deniedResp,
    B: (r) => r.be.counters.deniedResp, S: (r) => r.sv.counters.deniedResp,
  }, c('responses_denied_total', 'FLBS', 'Responses denied by rules')),
  col(12, 'ereq', 'MCP', 'u64', "Total number of invalid requests since process started", {
    F: (r) => r.fe.counters.failedReq, L: (r) => r.li.counters.failedReq,
  }, c('request_errors_total', 'FL', 'Invalid or incomplete requests')),
  col(13, 'econ', 'MCP', 'u64', "Total number of failed connections to server since the worker process started", {
    B: (r) => r.be.counters.failedConns, S: (r) => r.sv.counters.failedConns,
  }, c('connection_errors_total', 'BS', 'Failed connections to servers')),
  col(14, 'eresp', 'MCP', 'u64', "Total number of invalid responses since the worker process started", {
    B: (r) => r.be.counters.failedResp, S: (r) => r.sv.counters.failedResp,
  }, c('response_errors_total', 'BS', 'Invalid or aborted responses')),
  col(15, 'wretr', 'MCP', 'u64', "Total number of server connection retries since the worker process started", {
    B: (r) => r.be.counters.retries, S: (r) => r.sv.counters.retries,
  }, c('retry_warnings_total', 'BS', 'Connection retries')),
  col(16, 'wredis', 'MCP', 'u64', "Total number of server redispatches due to connection failures since the worker process started", {
    B: (r) => r.be.counters.redispatches, S: (r) => r.sv.counters.redispatches,
  }, c('redispatch_warnings_total', 'BS', 'Requests redispatched to another server')),
  col(17, 'status', 'SGP', 'str', "Frontend/listen status: OPEN/WAITING/FULL/STOP; backend: UP/DOWN; server: last check status", {
    F: (r) => r.fe.state, L: (r) => r.li.status, B: (r) => backendStatus(r.px), S: (r) => serverStatus(r.sv),
  }, g('status', 'FLBS', 'Current state, one sample per state label', 'status')),
  col(18, 'weight', 'MaP', 'u32', "Server's effective weight, or sum of active servers' effective weights for a backend", {
    B: (r) => backendLb(r.px).weight, S: (r) => r.sv.weight,
  }, g('weight', 'BS', 'Effective weight (sum over the servers in use for a backend)')),
  col(19, 'act', { B: 'MGP', S: 'SGP' }, 'u32', "Total number of active UP servers with a non-zero weight", {
    B: (r) => backendLb(r.px).act, S: (r) => (r.sv.backup ? 0 : 1),
  }, g('active_servers', 'B', 'Active servers in use')),
  col(20, 'bck', { B: 'MGP', S: 'SGP' }, 'u32', "Total number of backup UP servers with a non-zero weight", {
    B: (r) => backendLb(r.px).bck, S: (r) => (r.sv.backup ? 1 : 0),
  }, g('backup_servers', 'B', 'Backup servers in use')),
  col(21, 'chkfail', 'MCP', 'u64', "Total number of failed individual health checks per server/backend, since the worker process started", {
    S: (r) => (checked(r) ? r.sv.counters.failedChecks : undefined),
  }, c('check_failures_total', 'S', 'Failed health checks while up')),
  col(22, 'chkdown', 'MCP', 'u64', "Total number of failed checks causing UP to DOWN server transitions, per server/backend, since the worker process started", {
    B: (r) => r.be.counters.downTrans, S: (r) => (checked(r) ? r.sv.counters.downTrans : undefined),
  }, c('check_up_down_total', 'BS', 'UP to DOWN transitions')),
  col(23, 'lastchg', 'MAP', 'u32', "How long ago the last server state changed, in seconds", {
    B: (r) => secsSince(r.now, r.be.lastChange), S: (r) => secsSince(r.now, r.sv.lastChange),
  }, g('check_last_change_seconds', 'BS', 'Seconds since the last UP/DOWN transition')),
  col(24, 'downtime', 'MCP', 'u32', "Total time spent in DOWN state, for server or backend", {
    B: (r) => ((r.px.servers?.length ?? 0) > 0 ? backendDowntime(r.px, r.now) : undefined),
    S: (r) => (checked(r) ? serverDowntime(r.sv, r.now) : undefined),
  }, c('downtime_seconds_total', 'BS', 'Total downtime in seconds')),
  col(25, 'qlimit', 'CGS', 'u32', "Limit on the number of connections in queue, for servers only (maxqueue argument)", {
    S: (r) => (r.sv.maxqueue ? r.sv.maxqueue : undefined),
  }, g('queue_limit', 'S', 'Configured queue limit (maxqueue)')),
  col(26, 'pid', 'KGP', 'u32', "Relative worker process number (1)", all(() => 1)),
  col(27, 'iid', 'KGS', 'u32', "Frontend or Backend numeric identifier ('id' setting)", all((r) => r.px.iid)),
  col(28, 'sid', 'KGS', 'u32', "Server numeric identifier ('id' setting)", {
    F: () => 0, B: () => 0, L: (r) => r.li.id, S: (r) => r.sv.sid,
  }),
  col(29, 'throttle', 'MGP', 'u32', "Throttling ratio applied to a server's maxconn and weight during the slowstart period (0 to 100%)", {
    S: (r) => (r.sv.state === 'starting' && !r.sv.admin.drain ? r.sv.throttle : undefined),
  }, g('current_throttle', 'S', 'Slowstart throttle in percent')),
  col(30, 'lbtot', 'MCP', 'u64', "Total number of requests routed by load balancing since the worker process started (ignores queue pop and stickiness)", {
    B: (r) => r.be.counters.lbtot, S: (r) => r.sv.counters.lbtot,
  }, c('loadbalanced_total', 'BS', 'Times picked by the load balancer')),
  col(31, 'tracked', 'CNS', 'str', "Name of the other server this server tracks for its state", {
    S: (r) => (r.sv.track ? `${r.sv.track.proxy}/${r.sv.track.server.name}` : undefined),
  }),
  col(32, 'type', 'CGS', 'u32', "Type of the object (Listener, Frontend, Backend, Server)", all((r) => TYPE_NUMBER[r.kind])),
  col(33, 'rate', { F: 'MRP', B: 'MGP', S: 'MRP' }, 'u32', "Total number of sessions processed by this object over the last second (sessions for listeners/frontends, requests for backends/servers)", {
    F: (r) => r.fe.counters.sessPerSec.read(r.now), B: (r) => r.be.counters.sessPerSec.read(r.now),
    S: (r) => r.sv.counters.sessPerSec.read(r.now),
  }),
  col(34, 'rate_lim', 'CLP', 'u32', "Limit on the number of sessions accepted in a second (frontend only, 'rate-limit sessions' setting)", {
    F: (r) => r.fe.rateLimit,
  }, g('limit_session_rate', 'F', 'Configured limit of new sessions per second')),
  col(35, 'rate_max', { F: 'MMP', B: 'MGP', S: 'MMP' }, 'u32', "Highest value of sessions per second observed since the worker process started", {
    F: (r) => r.fe.counters.spsMax, B: (r) => r.be.counters.spsMax, S: (r) => r.sv.counters.spsMax,
  }, g('max_session_rate', 'FBS', 'Highest number of new sessions per second seen')),
  col(36, 'check_status', 'MOP', 'str', "Status report of the server's latest health check, prefixed with '*' if a check is currently in progress", {
    S: (r) => (checkActive(r.sv.check) ? checkStatusText(r.sv.check) : undefined),
  }, g('check_status', 'S', 'Result of the last health check, one sample per state label', 'check_status')),
  col(37, 'check_code', 'MOP', 'u32', "HTTP/SMTP/LDAP status code reported by the latest server health check", {
    S: (r) => (checkActive(r.sv.check) && checkHasCode(r.sv.check) ? r.sv.check.code : undefined),
  }, g('check_code', 'S', 'Layer 5-7 code of the last health check, 0 if none', 'check_code')),
  col(38, 'check_duration', 'MDP', 'u64', "Total duration of the latest server health check, in milliseconds", {
    S: (r) => (checkActive(r.sv.check) && checkFinished(r.sv.check) ? Math.max(0, r.sv.check.duration) : undefined),
  }, g('check_duration_seconds', 'S', 'Duration of the last health check in seconds', 'check_duration')),
  hrsp(0, '1xx'), hrsp(1, '2xx'), hrsp(2, '3xx'), hrsp(3, '4xx'), hrsp(4, '5xx'), hrsp(5, 'other'),
  col(45, 'hanafail', 'MCP', 'u64', "Total number of failed checks caused by an 'on-error' directive after an 'observe' condition matched", {}),
  col(46, 'req_rate', 'MRP', 'u32', "Number of HTTP requests processed over the last second on this object", {
    F: (r) => r.fe.counters.reqPerSec.read(r.now),
  }),
  col(47, 'req_rate_max', 'MMP', 'u32', "Highest value of http requests observed since the worker process started", {
    F: (r) => r.fe.counters.rpsMax,
  }, g('http_requests_rate_max', 'F', 'Highest number of HTTP requests per second seen', 'http')),
  col(48, 'req_tot', 'MCP', 'u64', "Total number of HTTP requests processed by this object since the worker process started", {
    F: (r) => r.fe.counters.cumReq,
    B: (r) => (isHttp(r) ? r.be.counters.cumReq : undefined),
    S: (r) => (isHttp(r) ? r.sv.counters.cumReq : undefined),
  }, c('http_requests_total', 'FB', 'HTTP requests since the process started', 'http')),
  col(49, 'cli_abrt', 'MCP', 'u64', "Total number of requests or connections aborted by the client since the worker process started", {
    B: (r) => r.be.counters.cliAborts, S: (r) => r.sv.counters.cliAborts,
  }, c('client_aborts_total', 'BS', 'Transfers aborted by the client')),
  col(50, 'srv_abrt', 'MCP', 'u64', "Total number of requests or connections aborted by the server since the worker process started", {
    B: (r) => r.be.counters.srvAborts, S: (r) => r.sv.counters.srvAborts,
  }, c('server_aborts_total', 'BS', 'Transfers aborted by the server')),
  col(51, 'comp_in', 'MCP', 'u64', "Total number of bytes submitted to the HTTP compressor for this object since the worker process started", {
    F: (r) => r.fe.counters.compIn, B: (r) => r.be.counters.compIn,
  }, c('http_comp_bytes_in_total', 'FB', 'Response bytes fed to the compressor', 'http')),
  col(52, 'comp_out', 'MCP', 'u64', "Total number of bytes emitted by the HTTP compressor for this object since the worker process started", {
    F: (r) => r.fe.counters.compOut, B: (r) => r.be.counters.compOut,
  }, c('http_comp_bytes_out_total', 'FB', 'Response bytes emitted by the compressor', 'http')),
  col(53, 'comp_byp', 'MCP', 'u64', "Total number of bytes that bypassed HTTP compression for this object since the worker process started (CPU/memory/bandwidth limitation)", {
    F: (r) => r.fe.counters.compByp, B: (r) => r.be.counters.compByp,
  }, c('http_comp_bytes_bypassed_total', 'FB', 'Response bytes that bypassed the compressor', 'http')),
  col(54, 'comp_rsp', 'MCP', 'u64', "Total number of HTTP responses that were compressed for this object since the worker process started", {
    F: (r) => r.fe.counters.compRsp, B: (r) => r.be.counters.compRsp,
  }, c('http_comp_responses_total', 'FB', 'Compressed HTTP responses', 'http')),
  col(55, 'lastsess', 'MAP', 's32', "How long ago some traffic was seen on this object on this worker process, in seconds", {
    B: (r) => lastSess(r.now, r.be.counters.lastSess), S: (r) => lastSess(r.now, r.sv.counters.lastSess),
  }, g('last_session_seconds', 'BS', 'Seconds since the last session was assigned, -1 if never')),
  col(56, 'last_chk', 'MOP', 'str', "Short description of the latest health check report for this server (see also check_desc)", {
    S: (r) => (checkActive(r.sv.check) ? (r.sv.check.info ?? '') : undefined),
  }),
  col(57, 'last_agt', 'MOP', 'str', "Short description of the latest agent check report for this server (see also agent_desc)", {
    S: (r) => (checkActive(r.sv.agent) ? (r.sv.agent.info ?? '') : undefined),
  }),
  col(58, 'qtime', 'MaP', 'u32', "Time spent in the queue, in milliseconds, averaged over the 1024 last requests (backend/server)", {
    B: (r) => r.be.counters.qTime.avg(), S: (r) => r.sv.counters.qTime.avg(),
  }, g('queue_time_average_seconds', 'BS', 'Average queue time over the last 1024 requests', 'secs')),
  col(59, 'ctime', 'MaP', 'u32', "Time spent waiting for a connection to complete, in milliseconds, averaged over the 1024 last requests (backend/server)", {
    B: (r) => r.be.counters.cTime.avg(), S: (r) => r.sv.counters.cTime.avg(),
  }, g('connect_time_average_seconds', 'BS', 'Average connect time over the last 1024 requests', 'secs')),
  col(60, 'rtime', 'MaP', 'u32', "Time spent waiting for a server response, in milliseconds, averaged over the 1024 last requests (backend/server)", {
    B: (r) => r.be.counters.dTime.avg(), S: (r) => r.sv.counters.dTime.avg(),
  }, g('response_time_average_seconds', 'BS', 'Average response time over the last 1024 requests', 'secs')),
  col(61, 'ttime', 'MaP', 'u32', "Total request+response time (request+queue+connect+response+processing), in milliseconds, averaged over the 1024 last requests (backend/server)", {
    B: (r) => r.be.counters.tTime.avg(), S: (r) => r.sv.counters.tTime.avg(),
  }, g('total_time_average_seconds', 'BS', 'Average total time over the last 1024 requests', 'secs')),
  col(62, 'agent_status', 'MOP', 'str', "Status report of the server's latest agent check, prefixed with '*' if a check is currently in progress", {
    S: (r) => (checkActive(r.sv.agent) ? checkStatusText(r.sv.agent) : undefined),
  }),
  col(63, 'agent_code', 'MOP', 'u32', "Status code reported by the latest server agent check", {
    S: (r) => (checkActive(r.sv.agent) && checkHasCode(r.sv.agent) ? r.sv.agent.code : undefined),
  }),
  col(64, 'agent_duration', 'MDP', 'u64', "Total duration of the latest server agent check, in milliseconds", {
    S: (r) => (checkActive(r.sv.agent) && checkFinished(r.sv.agent) ? Math.max(0, r.sv.agent.duration) : undefined),
  }),
  col(65, 'check_desc', 'MOP', 'str', "Textual description of the latest health check report for this server", {
    S: (r) => (checkActive(r.sv.check) ? checkDesc(r.sv.check) : undefined),
  }),
  col(66, 'agent_desc', 'MOP', 'str', "Textual description of the latest agent check report for this server", {
    S: (r) => (checkActive(r.sv.agent) ? checkDesc(r.sv.agent) : undefined),
  }),
  col(67, 'check_rise', 'CGS', 'u32', "Number of successful health checks before declaring a server UP (server 'rise' setting)", {
    S: (r) => (checkActive(r.sv.check) ? r.sv.check.rise : undefined),
  }),
  col(68, 'check_fall', 'CGS', 'u32', "Number of failed health checks before declaring a server DOWN (server 'fall' setting)", {
    S: (r) => (checkActive(r.sv.check) ? r.sv.check.fall : undefined),
  }),
  col(69, 'check_health', 'CGS', 'u32', "Current server health check level (0..fall-1=DOWN, fall..rise-1=UP)", {
    S: (r) => (checkActive(r.sv.check) ? r.sv.check.health : undefined),
  }),
  col(70, 'agent_rise', 'CGS', 'u32', "Number of successful agent checks before declaring a server UP (server 'rise' setting)", {
    S: (r) => (checkActive(r.sv.agent) ? r.sv.agent.rise : undefined),
  }),
  col(71, 'agent_fall', 'CGS', 'u32', "Number of failed agent checks before declaring a server DOWN (server 'fall' setting)", {
    S: (r) => (checkActive(r.sv.agent) ? r.sv.agent.fall : undefined),
  }),
  col(72, 'agent_health', 'CGS', 'u32', "Current server agent check level (0..fall-1=DOWN, fall..rise-1=UP)", {
    S: (r) => (checkActive(r.sv.agent) ? r.sv.agent.health : undefined),
  }),
  col(73, 'addr', 'CGS', 'str', "Server's address:port, shown only if show-legends is set, or at levels oper/admin for the CLI", {
    L: (r) => (r.opts.showLegends ? r.li.addr : undefined),
    S: (r) => (r.opts.showLegends ? r.sv.addr : undefined),
  }),
  col(74, 'cookie', 'CNS', 'str', "Backend's cookie name or Server's cookie value, shown only if show-legends is set, or at levels oper/admin for the CLI", {
    B: (r) => (r.opts.showLegends ? r.be.cookie : undefined),
    S: (r) => (r.opts.showLegends ? r.sv.cookie : undefined),
  }),
  col(75, 'mode', 'CGS', 'str', "'mode' setting (tcp/http/health/cli)", all((r) => r.px.mode)),
  col(76, 'algo', 'CGS', 'str', "Backend's load balancing algorithm, shown only if show-legends is set, or at levels oper/admin for the CLI", { B: (r) => r.be.algo }),
  col(77, 'conn_rate', 'MRP', 'u32', "Number of new connections accepted over the last second on the frontend for this worker process", {
    F: (r) => r.fe.counters.connPerSec.read(r.now),
  }),
  col(78, 'conn_rate_max', 'MMP', 'u32', "Highest value of connections per second observed since the worker process started", {
    F: (r) => r.fe.counters.cpsMax,
  }, g('connections_rate_max', 'F', 'Highest number of connections per second seen')),
  col(79, 'conn_tot', 'MCP', 'u64', "Total number of new connections accepted on this frontend since the worker process started", {
    F: (r) => r.fe.counters.cumConn,
  }, c('connections_total', 'F', 'Connections since the process started')),
  col(80, 'intercepted', 'MCP', 'u64', "Total number of HTTP requests intercepted on the frontend (redirects/stats/services) since the worker process started", {
    F: (r) => (isHttp(r) ? r.fe.counters.intercepted : undefined),
  }, c('intercepted_requests_total', 'F', 'Requests answered by the proxy itself', 'http')),
  col(81, 'dcon', 'MCP', 'u64', "Total number of incoming connections blocked on a listener/frontend by a tcp-request connection rule since the worker process started", {
    F: (r) => r.fe.counters.deniedConn, L: (r) => r.li.counters.deniedConn,
  }, c('denied_connections_total', 'FL', 'Connections denied by tcp-request connection rules')),
  col(82, 'dses', 'MCP', 'u64', "Total number of incoming sessions blocked on a listener/frontend by a tcp-request connection rule since the worker process started", {
    F: (r) => r.fe.counters.deniedSess, L: (r) => r.li.counters.deniedSess,
  }, c('denied_sessions_total', 'FL', 'Sessions denied by tcp-request session rules')),
  col(83, 'wrew', 'MCP', 'u64', "Total number of failed HTTP header rewrites since the worker process started", {
    F: (r) => r.fe.counters.failedRewrites, L: (r) => r.li.counters.failedRewrites,
    B: (r) => r.be.counters.failedRewrites, S: (r) => r.sv.counters.failedRewrites,
  }, c('failed_header_rewriting_total', 'FLBS', 'Failed header rewrites')),
  col(84, 'connect', 'MCP', 'u64', "Total number of outgoing connection attempts on this backend/server since the worker process started", {
    B: (r) => r.be.counters.connect, S: (r) => r.sv.counters.connect,
  }, c('connection_attempts_total', 'BS', 'Connection attempts to servers')),
  col(85, 'reuse', 'MCP', 'u64', "Total number of reused connection on this backend/server since the worker process started", {
    B: (r) => r.be.counters.reuse, S: (r) => r.sv.counters.reuse,
  }, c('connection_reuses_total', 'BS', 'Reused server connections')),
  col(86, 'cache_lookups', 'MCP', 'u64', "Total number of HTTP requests looked up in the cache on this frontend/backend since the worker process started", {
    F: (r) => (isHttp(r) ? r.fe.counters.cacheLookups : undefined),
    B: (r) => (isHttp(r) ? r.be.counters.cacheLookups : undefined),
  }, c('http_cache_lookups_total', 'FB', 'HTTP cache lookups', 'http')),
  col(87, 'cache_hits', 'MCP', 'u64', "Total number of HTTP requests not found in the cache on this frontend/backend since the worker process started", {
    F: (r) => (isHttp(r) ? r.fe.counters.cacheHits : undefined),
    B: (r) => (isHttp(r) ? r.be.counters.cacheHits : undefined),
  }, c('http_cache_hits_total', 'FB', 'HTTP cache hits', 'http')),
  col(88, 'srv_icur', 'MGP', 'u32', "Current number of idle connections available for reuse on this server", {
    S: (r) => r.sv.conns?.idle ?? 0,
  }, g('idle_connections_current', 'S', 'Idle connections available for reuse')),
  col(89, 'src_ilim', 'MGP', 'u32', "Limit on the number of available idle connections on this server (server 'pool_max_conn' directive)", {
    S: (r) => (r.sv.conns && r.sv.conns.idleLimit >= 0 ? r.sv.conns.idleLimit : undefined),
  }, g('idle_connections_limit', 'S', 'Limit of idle connections (pool-max-conn)')),
  col(90, 'qtime_max', 'MMP', 'u32', "Maximum observed time spent in the queue, in milliseconds (backend/server)", {
    B: (r) => r.be.counters.qtimeMax, S: (r) => r.sv.counters.qtimeMax,
  }, g('max_queue_time_seconds', 'BS', 'Highest time spent in the queue', 'secs')),
  col(91, 'ctime_max', 'MMP', 'u32', "Maximum observed time spent waiting for a connection to complete, in milliseconds (backend/server)", {
    B: (r) => r.be.counters.ctimeMax, S: (r) => r.sv.counters.ctimeMax,
  }, g('max_connect_time_seconds', 'BS', 'Highest time spent connecting', 'secs')),
  col(92, 'rtime_max', 'MMP', 'u32', "Maximum observed time spent waiting for a server response, in milliseconds (backend/server)", {
    B: (r) => r.be.counters.dtimeMax, S: (r) => r.sv.counters.dtimeMax,
  }, g('max_response_time_seconds', 'BS', 'Highest time spent waiting for a response', 'secs')),
  col(93, 'ttime_max', 'MMP', 'u32', "Maximum observed total request+response time (request+queue+connect+response+processing), in milliseconds (backend/server)", {
    B: (r) => r.be.counters.ttimeMax, S: (r) => r.sv.counters.ttimeMax,
  }, g('max_total_time_seconds', 'BS', 'Highest total request and response time', 'secs')),
  col(94, 'eint', 'MCP', 'u64', "Total number of internal errors since process started", {
    F: (r) => r.fe.counters.internalErrors, L: (r) => r.li.counters.internalErrors,
    B: (r) => r.be.counters.internalErrors, S: (r) => r.sv.counters.internalErrors,
  }, c('internal_errors_total', 'FLBS', 'Internal errors')),
  col(95, 'idle_conn_cur', 'MGP', 'u32', "Current number of unsafe idle connections", {
    S: (r) => r.sv.conns?.unsafe ?? 0,
  }, g('unsafe_idle_connections_current', 'S', 'Unsafe idle connections')),
  col(96, 'safe_conn_cur', 'MGP', 'u32', "Current number of safe idle connections", {
    S: (r) => r.sv.conns?.safe ?? 0,
  }, g('safe_idle_connections_current', 'S', 'Safe idle connections')),
  col(97, 'used_conn_cur', 'MGP', 'u32', "Current number of connections in use", {
    S: (r) => r.sv.conns?.used ?? 0,
  }, g('used_connections_current', 'S', 'Server connections in use')),
  col(98, 'need_conn_est', 'MGP', 'u32', "Estimated needed number of connections", {
    S: (r) => r.sv.conns?.needEst ?? 0,
  }, g('need_connections_current', 'S', 'Estimated number of server connections needed')),
  col(99, 'uweight', 'MaP', 'u32', "Server's user weight, or sum of active servers' user weights for a backend", {
    B: (r) => backendLb(r.px).uweight, S: (r) => r.sv.uweight,
  }, g('uweight', 'BS', 'User weight (sum over the servers in use for a backend)')),
  // 2.6 prints these as 0; promex computes the real per-state counts from the servers.
  col(100, 'agg_server_status', 'MGP', 'u32', "Backend's aggregated gauge of servers' status", {
    B: () => 0,
  }, g('agg_server_status', 'B', 'Servers of the backend per state', 'agg_server_status')),
  col(101, 'agg_server_check_status', 'MGP', 'u32', "Backend's aggregated gauge of servers' state check status", {
    B: () => 0,
  }, g('agg_server_check_status', 'B', 'Servers of the backend per state (deprecated name)', 'agg_server_status')),
  col(102, 'agg_check_status', 'MGP', 'u32', "Backend's aggregated gauge of servers' state check status", {
    B: () => 0,
  }, g('agg_check_status', 'B', 'Servers of the backend per last check result', 'agg_check_status')),
  mux(103, 'ssl_sess', 'MCP', 'FBLS', "Total number of ssl sessions established", (m) => m.sslSess),
  mux(104, 'ssl_reused_sess', 'MCP', 'FBLS', "Total number of ssl sessions reused", (m) => m.sslReusedSess),
  mux(105, 'ssl_failed_handshake', 'MCP', 'FBLS', "Total number of failed handshake", (m) => m.sslFailedHandshake),
  mux(106, 'h2_headers_rcvd', 'MCP', 'FB', "Total number of received HEADERS frames", (m) => m.h2HeadersRcvd),
  mux(107, 'h2_data_rcvd', 'MCP', 'FB', "Total number of received DATA frames", (m) => m.h2DataRcvd),
  mux(108, 'h2_settings_rcvd', 'MCP', 'FB', "Total number of received SETTINGS frames", (m) => m.h2SettingsRcvd),
  mux(109, 'h2_rst_stream_rcvd', 'MCP', 'FB', "Total number of received RST_STREAM frames", (m) => m.h2RstStreamRcvd),
  mux(110, 'h2_goaway_rcvd', 'MCP', 'FB', "Total number of received GOAWAY frames", (m) => m.h2GoawayRcvd),
  mux(111, 'h2_detected_conn_protocol_errors', 'MCP', 'FB', "Total number of connection protocol errors", (m) => m.h2ConnProtoErrors),
  mux(112, 'h2_detected_strm_protocol_errors', 'MCP', 'FB', "Total number of stream protocol errors", (m) => m.h2StrmProtoErrors),
  mux(113, 'h2_rst_stream_resp', 'MCP', 'FB', "Total number of RST_STREAM sent on detected error", (m) => m.h2RstStreamResp),
  mux(114, 'h2_goaway_resp', 'MCP', 'FB', "Total number of GOAWAY sent on detected error", (m) => m.h2GoawayResp),
  mux(115, 'h2_open_connections', 'MGP', 'FB', "Count of currently open connections", (m) => m.h2OpenConns),
  mux(116, 'h2_backend_open_streams', 'MGP', 'FB', "Count of currently open streams", (m) => m.h2BackendOpenStreams),
  mux(117, 'h2_total_connections', 'MCP', 'FB', "Total number of connections", (m) => m.h2TotalConns),
  mux(118, 'h2_backend_total_streams', 'MCP', 'FB', "Total number of streams", (m) => m.h2BackendTotalStreams),
  mux(119, 'h1_open_connections', 'MGP', 'FB', "Count of currently open connections", (m) => m.h1OpenConns),
  mux(120, 'h1_open_streams', 'MGP', 'FB', "Count of currently open streams", (m) => m.h1OpenStreams),
  // A backend's HTTP/1 connections are its connection attempts (a failed one had its mux too),
  // and each attempt or reuse carried a stream.
  h1Backend(mux(121, 'h1_total_connections', 'MCP', 'FB', "Total number of connections", (m) => m.h1TotalConns), (c) => c.connect),
  h1Backend(mux(122, 'h1_total_streams', 'MCP', 'FB', "Total number of streams", (m) => m.h1TotalStreams), (c) => c.connect + c.reuse),
  mux(123, 'h1_bytes_in', 'MCP', 'FB', "Total number of bytes received", (m) => m.h1In()),
  mux(124, 'h1_bytes_out', 'MCP', 'FB', "Total number of bytes send", (m) => m.h1Out()),
  mux(125, 'h1_spliced_bytes_in', 'MCP', 'FB', "Total number of bytes received using kernel splicing", (m) => m.h1SplicedBytesIn),
  mux(126, 'h1_spliced_bytes_out', 'MCP', 'FB', "Total number of bytes sendusing kernel splicing", (m) => m.h1SplicedBytesOut),
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
