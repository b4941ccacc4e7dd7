/** Public surface of the stats module: counters for the engine, renderers for the outputs. */
export { FreqCtr, SwRate, TIME_STATS_SAMPLES } from './freq.js';
export { BeCounters, FeCounters, MuxCounters, responseClass } from './counters.js';
export type * from './model.js';
export { COLUMNS, columnByName, columnValue, csvHeader, type Column, type Row, type RowOptions } from './columns.js';
export { statRows, type RowFilter } from './rows.js';
export { renderCsv, type CsvOptions } from './csv.js';
export { renderJson, renderTyped, type TypedOptions } from './typed.js';
export { INFO_FIELDS, formatUptime, processInfo, renderInfo, renderInfoJson, renderInfoTyped } from './info.js';
export { PROMETHEUS_CONTENT_TYPE, parsePromQuery, renderPrometheus, type PromOptions } from './prometheus.js';
export { htmlHeaders, renderHtml, serverRowClass, type HtmlOptions } from './html.js';
export {
  ADMIN_ACTIONS, ADMIN_STATUS, adminAction, adminRedirect, adminResult, adminStatus, parseAdminPost,
  type AdminAction, type AdminEffect, type AdminPost, type AdminStatus,
} from './admin.js';
export { parseStatsRequest, type StatsRequest } from './request.js';
export {
  CHECK_DESC, backendLb, backendStatus, promServerState, serverDisplayState, serverStatus, serverUsable,
} from './status.js';
