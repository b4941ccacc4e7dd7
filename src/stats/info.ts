/**
 * `show info` in its three forms (plain, typed, json) and the process figures
 * behind it. Keys, order and positions follow Debian's haproxy 2.6 (which has
 * no zlib, hence no positions 45 and 46); the values are portico's own.
 */
import type { FieldType, Value } from './field.js';
import { expandTags, formatValue } from './field.js';
import type { ProcessInfo } from './model.js';

export interface InfoField {
  pos: number;
  name: string;
  tags: string;
  type: FieldType;
  desc: string;
  get: (i: ProcessInfo, now: number) => Value;
  /** haproxy_process_<prom.name>, when promex exports it. */
  prom?: { name: string; type: 'gauge' | 'counter'; help: string };
  /** Not printed by `show info` (Debian's build lacks zlib) but exported to Prometheus, as NaN. */
  hidden?: boolean;
  /** Left out of `show info` when it has no value (HAProxy skips empty fields such as description). */
  omitWhenEmpty?: boolean;
}

const uptimeSec = (i: ProcessInfo, now: number) => Math.max(0, Math.floor((now - i.startTime) / 1000));

/** "0d 1h02m03s", HAProxy's uptime format. */
export function formatUptime(sec: number): string {
  const d = Math.floor(sec / 86400);
  const h = Math.floor((sec % 86400) / 3600);
  const m = Math.floor((sec % 3600) / 60);
  const s = sec % 60;
  return `${d}d ${h}h${String(m).padStart(2, '0')}m${String(s).padStart(2, '0')}s`;
}

const MB = 1024 * 1024;
type Prom = InfoField['prom'];
const f = (pos: number, name: string, tags: string, type: FieldType, desc: string, get: InfoField['get'], prom?: Prom): InfoField =>
  (prom ? { pos, name, tags, type, desc, get, prom } : { pos, name, tags, type, desc, get });
const pg = (name: string, help: string): Prom => ({ name, type: 'gauge', help });
const pc = (name: string, help: string): Prom => ({ name, type: 'counter', help });
const zero = () => 0;

export const ALL_INFO_FIELDS: readonly InfoField[] = [
  f(0, 'Name', 'POS', 'str', "Product name", (i) => i.name),
  f(1, 'Version', 'POS', 'str', "Product version", (i) => i.version),
  f(2, 'Release_date', 'POS', 'str', "Date of latest source code update", (i) => i.releaseDate),
  f(3, 'Nbthread', 'CGS', 'u32', "Number of started threads (global.nbthread)", (i) => i.nbthread, pg('nbthread', 'Number of threads')),
  f(4, 'Nbproc', 'CGS', 'u32', "Number of started worker processes (historical, always 1)", () => 1, pg('nbproc', 'Number of worker processes (always 1)')),
  f(5, 'Process_num', 'KGP', 'u32', "Relative worker process number (1)", () => 1, pg('relative_process_id', 'Relative worker process number (1)')),
  f(6, 'Pid', 'SGP', 'u32', "This worker process identifier for the system", (i) => i.pid),
  f(7, 'Uptime', 'MDP', 'str', "How long ago this worker process was started (days+hours+minutes+seconds)", (i, now) => formatUptime(uptimeSec(i, now))),
  f(8, 'Uptime_sec', 'MDP', 'u32', "How long ago this worker process was started (seconds)", uptimeSec, pg('uptime_seconds', 'Seconds since the process started')),
  f(9, 'Memmax_MB', 'CLP', 'u32', "Worker process's hard limit on memory usage in MB (-m on command line)", (i) => Math.floor(i.memmaxBytes / MB)),
  f(10, 'PoolAlloc_MB', 'MGP', 'u32', "Amount of memory allocated in pools (in MB)", (i) => Math.floor(i.poolAllocBytes / MB)),
  f(11, 'PoolUsed_MB', 'MGP', 'u32', "Amount of pool memory currently used (in MB)", (i) => Math.floor(i.poolUsedBytes / MB)),
  f(12, 'PoolFailed', 'MCP', 'u32', "Number of failed pool allocations since this worker was started", zero, pc('pool_failures_total', 'Failed memory allocations')),
  f(13, 'Ulimit-n', 'CLP', 'u32', "Hard limit on the number of per-process file descriptors", (i) => i.ulimitN, pg('max_fds', 'File descriptor limit')),
  f(14, 'Maxsock', 'CLP', 'u32', "Hard limit on the number of per-process sockets", (i) => i.maxsock, pg('max_sockets', 'Socket limit')),
  f(15, 'Maxconn', 'CLP', 'u32', "Hard limit on the number of per-process connections (configured or imposed by Ulimit-n)", (i) => i.maxconn, pg('max_connections', 'Connection limit (global maxconn)')),
  f(16, 'Hard_maxconn', 'CLP', 'u32', "Hard limit on the number of per-process connections (imposed by Memmax_MB or Ulimit-n)", (i) => i.hardMaxconn, pg('hard_max_connections', 'Hard connection limit')),
  f(17, 'CurrConns', 'MGP', 'u32', "Current number of connections on this worker process", (i) => i.currConns, pg('current_connections', 'Current connections')),
  f(18, 'CumConns', 'MCP', 'u32', "Total number of connections on this worker process since started", (i) => i.cumConns, pc('connections_total', 'Connections since the process started')),
  f(19, 'CumReq', 'MCP', 'u32', "Total number of requests on this worker process since started", (i) => i.cumReq, pc('requests_total', 'Requests since the process started')),
  f(20, 'MaxSslConns', 'MMP', 'u32', "Hard limit on the number of per-process SSL endpoints (front+back), 0=unlimited", zero, pg('max_ssl_connections', 'SSL connection limit, 0 = none')),
  f(21, 'CurrSslConns', 'MGP', 'u32', "Current number of SSL endpoints on this worker process (front+back)", zero, pg('current_ssl_connections', 'Current SSL connections')),
  f(22, 'CumSslConns', 'MCP', 'u32', "Total number of SSL endpoints on this worker process since started (front+back)", zero, pc('ssl_connections_total', 'SSL connections since the process started')),
  f(23, 'Maxpipes', 'CLP', 'u32', "Hard limit on the number of pipes for splicing, 0=unlimited", (i) => i.maxpipes, pg('max_pipes', 'Pipe limit for splicing')),
  f(24, 'PipesUsed', 'MGP', 'u32', "Current number of pipes in use in this worker process", (i) => i.pipesUsed, pc('pipes_used_total', 'Pipes in use')),
  f(25, 'PipesFree', 'MGP', 'u32', "Current number of allocated and available pipes in this worker process", (i) => i.pipesFree, pc('pipes_free_total', 'Allocated free pipes')),
  f(26, 'ConnRate', 'MRP', 'u32', "Number of front connections created on this worker process over the last second", (i) => i.connRate, pg('current_connection_rate', 'Connections over the last second')),
  f(27, 'ConnRateLimit', 'CLP', 'u32', "Hard limit for ConnRate (global.maxconnrate)", (i) => i.connRateLimit, pg('limit_connection_rate', 'Connection rate limit (maxconnrate)')),
  f(28, 'MaxConnRate', 'MMP', 'u32', "Highest ConnRate reached on this worker process since started (in connections per second)", (i) => i.maxConnRate, pg('max_connection_rate', 'Highest connections per second seen')),
  f(29, 'SessRate', 'MRP', 'u32', "Number of sessions created on this worker process over the last second", (i) => i.sessRate, pg('current_session_rate', 'Sessions over the last second')),
  f(30, 'SessRateLimit', 'CLP', 'u32', "Hard limit for SessRate (global.maxsessrate)", (i) => i.sessRateLimit, pg('limit_session_rate', 'Session rate limit (maxsessrate)')),
  f(31, 'MaxSessRate', 'MRP', 'u32', "Highest SessRate reached on this worker process since started (in sessions per second)", (i) => i.maxSessRate, pg('max_session_rate', 'Highest sessions per second seen')),
  f(32, 'SslRate', 'MRP', 'u32', "Number of SSL connections created on this worker process over the last second", zero, pg('current_ssl_rate', 'SSL connections over the last second')),
  f(33, 'SslRateLimit', 'CLP', 'u32', "Hard limit for SslRate (global.maxsslrate)", zero, pg('limit_ssl_rate', 'SSL connection rate limit')),
  f(34, 'MaxSslRate', 'MMP', 'u32', "Highest SslRate reached on this worker process since started (in connections per second)", zero, pg('max_ssl_rate', 'Highest SSL connections per second seen')),
  f(35, 'SslFrontendKeyRate', 'MGP', 'u32', "Number of SSL keys created on frontends in this worker process over the last second", zero, pg('current_frontend_ssl_key_rate', 'Frontend SSL keys computed over the last second')),
  f(36, 'SslFrontendMaxKeyRate', 'MMP', 'u32', "Highest SslFrontendKeyRate reached on this worker process since started (in SSL keys per second)", zero, pg('max_frontend_ssl_key_rate', 'Highest frontend SSL keys per second seen')),
  f(37, 'SslFrontendSessionReuse_pct', 'MGP', 'u32', "Percent of frontend SSL connections which did not require a new key", zero, pg('frontend_ssl_reuse', 'Frontend SSL session reuse in percent')),
  f(38, 'SslBackendKeyRate', 'MRP', 'u32', "Number of SSL keys created on backends in this worker process over the last second", zero, pg('current_backend_ssl_key_rate', 'Backend SSL keys computed over the last second')),
  f(39, 'SslBackendMaxKeyRate', 'MMP', 'u32', "Highest SslBackendKeyRate reached on this worker process since started (in SSL keys per second)", zero, pg('max_backend_ssl_key_rate', 'Highest backend SSL keys per second seen')),
  f(40, 'SslCacheLookups', 'MCP', 'u32', "Total number of SSL session ID lookups in the SSL session cache on this worker since started", zero, pc('ssl_cache_lookups_total', 'SSL session cache lookups')),
  f(41, 'SslCacheMisses', 'MCP', 'u32', "Total number of SSL session ID lookups that didn't find a session in the SSL session cache on this worker since started", zero, pc('ssl_cache_misses_total', 'SSL session cache misses')),
  f(42, 'CompressBpsIn', 'MRP', 'u32', "Number of bytes submitted to the HTTP compressor in this worker process over the last second", zero, pc('http_comp_bytes_in_total', 'Bytes fed to the HTTP compressor over the last second')),
  f(43, 'CompressBpsOut', 'MRP', 'u32', "Number of bytes emitted by the HTTP compressor in this worker process over the last second", zero, pc('http_comp_bytes_out_total', 'Bytes emitted by the HTTP compressor over the last second')),
  f(44, 'CompressBpsRateLim', 'CLP', 'u32', "Limit of CompressBpsOut beyond which HTTP compression is automatically disabled", zero, pg('limit_http_comp', 'Compression output rate limit')),
  { ...f(45, 'ZlibMemUsage', 'MGP', 'u32', 'Compression memory in use', () => undefined, pg('current_zlib_memory', 'Compression memory in use, in bytes')), hidden: true },
  { ...f(46, 'MaxZlibMemUsage', 'CLP', 'u32', 'Compression memory limit', () => undefined, pg('max_zlib_memory', 'Compression memory limit, in bytes')), hidden: true },
  f(47, 'Tasks', 'MGP', 'u32', "Total number of tasks in the current worker process (active + sleeping)", (i) => i.tasks, pg('current_tasks', 'Tasks (active and sleeping)')),
  f(48, 'Run_queue', 'MGP', 'u32', "Total number of active tasks+tasklets in the current worker process", (i) => i.runQueue, pg('current_run_queue', 'Active tasks')),
  f(49, 'Idle_pct', 'MaP', 'u32', "Percentage of last second spent waiting in the current worker thread", (i) => i.idlePct, pg('idle_time_percent', 'Idle time over the last second, in percent')),
  f(50, 'node', 'COS', 'str', "Node name (global.node)", (i) => i.node ?? ''),
  // HAProxy leaves the field out entirely when no description is configured.
  { ...f(51, 'description', 'COS', 'str', 'Node description (global.description)', (i) => i.description), omitWhenEmpty: true },
  f(52, 'Stopping', 'MGP', 'u32', "1 if the worker process is currently stopping, otherwise zero", (i) => (i.stopping ? 1 : 0), pg('stopping', '1 while the process is stopping')),
  f(53, 'Jobs', 'MGP', 'u32', "Current number of active jobs on the current worker process (frontend connections, master connections, listeners)", (i) => i.jobs, pg('jobs', 'Active jobs (connections, listeners)')),
  f(54, 'Unstoppable Jobs', 'MGP', 'u32', 'Unstoppable jobs', zero, pg('unstoppable_jobs', 'Unstoppable jobs')),
  f(55, 'Listeners', 'MGP', 'u32', "Current number of active listeners on the current worker process", (i) => i.listeners, pg('listeners', 'Active listeners')),
  f(56, 'ActivePeers', 'MGP', 'u32', "Current number of verified active peers connections on the current worker process", zero, pg('active_peers', 'Active peer connections')),
  f(57, 'ConnectedPeers', 'MGP', 'u32', "Current number of peers having passed the connection step on the current worker process", zero, pg('connected_peers', 'Connected peers')),
  f(58, 'DroppedLogs', 'MGP', 'u32', "Total number of dropped logs for current worker process since started", (i) => i.droppedLogs, pc('dropped_logs_total', 'Dropped log messages')),
  f(59, 'BusyPolling', 'MGP', 'u32', "1 if busy-polling is currently in use on the worker process, otherwise zero (config.busy-polling)", zero, pg('busy_polling_enabled', '1 if busy polling is used')),
  f(60, 'FailedResolutions', 'MGP', 'u32', "Total number of failed DNS resolutions in current worker process since started", zero, pc('failed_resolutions', 'Failed DNS resolutions')),
  f(61, 'TotalBytesOut', 'MGP', 'u64', "Total number of bytes emitted by current worker process since started", (i) => i.totalBytesOut, pc('bytes_out_total', 'Bytes sent since the process started')),
  f(62, 'TotalSplicdedBytesOut', 'MGP', 'u64', "Total number of bytes emitted by current worker process through a kernel pipe since started", zero, pc('spliced_bytes_out_total', 'Bytes sent by splicing')),
  f(63, 'BytesOutRate', 'MRP', 'u64', "Number of bytes emitted by current worker process over the last second", (i) => i.bytesOutRate, pg('bytes_out_rate', 'Bytes sent over the last second')),
  f(64, 'DebugCommandsIssued', 'MGP', 'u32', "Number of debug commands issued on this process (anything > 0 is unsafe)", zero),
  f(65, 'CumRecvLogs', 'MCP', 'u32', "Total number of log messages received by log-forwarding listeners on this worker process since started", zero, pc('recv_logs_total', 'Log messages received by log-forward listeners')),
  f(66, 'Build info', 'POS', 'str', 'Build information', (i) => i.version, pg('build_info', 'Build information (the version label)')),
  f(67, 'Memmax_bytes', 'CLP', 'u32', "Worker process's hard limit on memory usage in byes (-m on command line)", (i) => i.memmaxBytes, pg('max_memory_bytes', 'Memory limit in bytes, 0 = none')),
  f(68, 'PoolAlloc_bytes', 'MGP', 'u64', "Amount of memory allocated in pools (in bytes)", (i) => i.poolAllocBytes, pg('pool_allocated_bytes', 'Memory allocated, in bytes')),
  f(69, 'PoolUsed_bytes', 'MGP', 'u64', "Amount of pool memory currently used (in bytes)", (i) => i.poolUsedBytes, pg('pool_used_bytes', 'Memory used, in bytes')),
  f(70, 'Start_time_sec', 'MDP', 'u32', "Start time in seconds", (i) => Math.floor(i.startTime / 1000), pg('start_time_seconds', 'Start time, seconds since the epoch')),
  f(71, 'Tainted', 'SGP', 'str', "Experimental features used", () => '0'),
];

/** The fields `show info` prints. */
export const INFO_FIELDS: readonly InfoField[] = ALL_INFO_FIELDS.filter((fld) => !fld.hidden);

/** Fields to print for this process: those without a value to show are left out when HAProxy does so. */
function present(info: ProcessInfo, now: number): InfoField[] {
  return INFO_FIELDS.filter((fld) => !fld.omitWhenEmpty || (fld.get(info, now) ?? '') !== '');
}

export interface InfoOptions {
  /** Append descriptions (`show info desc`, `show info typed desc`). */
  desc?: boolean;
}

/** `show info`: "Key: value" lines. */
export function renderInfo(info: ProcessInfo, now: number, o: InfoOptions = {}): string {
  let out = '';
  for (const fld of present(info, now)) {
    out += `${fld.name}: ${formatValue(fld.get(info, now))}${o.desc ? `:"${fld.desc}"` : ''}\n`;
  }
  return out;
}

/** `show info typed`: "pos.Name.1:TAGS:type:value" lines. */
export function renderInfoTyped(info: ProcessInfo, now: number, o: InfoOptions = {}): string {
  let out = '';
  for (const fld of present(info, now)) {
    out += `${fld.pos}.${fld.name}.1:${fld.tags}:${fld.type}:${formatValue(fld.get(info, now))}`;
    out += o.desc ? `:"${fld.desc}"\n` : '\n';
  }
  return out;
}

/** `show info json`: one compact array of {field, processNum, tags, value}. */
export function renderInfoJson(info: ProcessInfo, now: number): string {
  const items = present(info, now).map((fld) => {
    const v = fld.get(info, now);
    return {
      field: { pos: fld.pos, name: fld.name },
      processNum: 1,
      tags: expandTags(fld.tags),
      value: { type: fld.type, value: fld.type === 'str' ? formatValue(v) : Number(formatValue(v)) },
    };
  });
  return JSON.stringify(items) + '\n';
}

/** Sensible process figures from Node itself; the runtime overrides what it tracks. */
export function processInfo(partial: Partial<ProcessInfo> = {}): ProcessInfo {
  const mem = process.memoryUsage();
  return {
    name: 'portico',
    version: '0.1.0',
    releaseDate: '2026/11/21',
    pid: process.pid,
    nbthread: 1,
    startTime: Date.now() - Math.floor(process.uptime() * 1000),
    ulimitN: 0,
    maxsock: 0,
    maxconn: 0,
    hardMaxconn: 0,
    maxpipes: 0,
    pipesUsed: 0,
    pipesFree: 0,
    currConns: 0,
    cumConns: 0,
    cumReq: 0,
    connRate: 0,
    connRateLimit: 0,
    maxConnRate: 0,
    sessRate: 0,
    sessRateLimit: 0,
    maxSessRate: 0,
    tasks: 0,
    runQueue: 0,
    idlePct: 100,
    stopping: false,
    jobs: 0,
    listeners: 0,
    droppedLogs: 0,
    totalBytesOut: 0,
    bytesOutRate: 0,
    memmaxBytes: 0,
    poolAllocBytes: mem.rss,
    poolUsedBytes: mem.heapUsed,
    ...partial,
  };
}
