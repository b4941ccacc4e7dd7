/**
 * The Prometheus exporter page (HAProxy's promex): text exposition format
 * 0.0.4, metrics haproxy_process_*, haproxy_frontend_*, haproxy_listener_*,
 * haproxy_backend_* and haproxy_server_*, each family metric by metric in
 * column order, every object's sample under one HELP/TYPE header.
 */
import { COLUMNS, columnValue, type Column, type PromDef, type Row, type RowOptions } from './columns.js';
import type { ObjType, Value } from './field.js';
import { ALL_INFO_FIELDS } from './info.js';
import type { ProxyStats, StatsSnapshot } from './model.js';
import { proxyRows } from './rows.js';
import {
  CHECK_RESULT_STATES, PROM_SERVER_STATES, backendStatus, checkActive, checkFinished, checkHasCode,
  promServerState, serverInMaint,
} from './status.js';

export type PromScope = 'global' | 'frontend' | 'listener' | 'backend' | 'server';
export const PROM_SCOPES: readonly PromScope[] = ['global', 'frontend', 'listener', 'backend', 'server'];

export interface PromOptions {
  /** Families to export (`?scope=...`); all by default. */
  scopes?: readonly PromScope[];
  /** Skip servers in maintenance (`?no-maint`). */
  noMaint?: boolean;
}

/** The content type of the exposition format served at the metrics URI. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4';

/** Label value escaping of the exposition format: backslash, double quote and newline. */
export function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

type Labels = [string, string][];
type Num = number | undefined;

/** Collects samples, printing a metric's HELP/TYPE once, just before its first sample. */
class Writer {
  out = '';
  private seen = new Set<string>();

  sample(name: string, type: string, help: string, labels: Labels, v: Num, float = false): void {
    if (!this.seen.has(name)) {
      this.seen.add(name);
      this.out += `# HELP ${name} ${escapeHelp(help)}\n# TYPE ${name} ${type}\n`;
    }
    const l = labels.length ? '{' + labels.map(([k, val]) => `${k}="${escapeLabel(val)}"`).join(',') + '}' : '';
    this.out += `${name}${l} ${formatSample(v, float)}\n`;
  }
}

function formatSample(v: Num, float: boolean): string {
  if (v === undefined || !Number.isFinite(v)) return 'NaN';
  return float ? v.toFixed(6) : String(Math.trunc(v));
}

const num = (v: Value): Num => (typeof v === 'number' ? v : undefined);

const FAMILY: Record<ObjType, string> = {
  F: 'haproxy_frontend_', L: 'haproxy_listener_', B: 'haproxy_backend_', S: 'haproxy_server_',
};

function specialFor(p: PromDef, t: ObjType): PromDef['special'] {
  return p.specialOn && !p.specialOn.includes(t) ? undefined : p.special;
}

/** The samples of one column on one row. */
function emit(w: Writer, col: Column, p: PromDef, row: Row, base: Labels): void {
  const name = FAMILY[row.kind] + p.name;
  const put = (labels: Labels, v: Num, float = false) => w.sample(name, p.type, p.help, labels, v, float);
  const http = row.px.mode === 'http';
  switch (specialFor(p, row.kind)) {
    case 'status': {
      const [states, current] = statusStates(row);
      for (const st of states) put([...base, ['state', st]], st === current ? 1 : 0);
      return;
    }
    case 'hrsp':
      if (!http) return;
      put([...base, ['code', col.name.slice(5)]], num(columnValue(col, row)));
      return;
    case 'http':
      if (!http) return;
      break;
    case 'secs': {
      const v = num(columnValue(col, row));
      put(base, v === undefined ? v : v / 1000, true);
      return;
    }
    case 'check_status': {
      if (row.kind !== 'S' || !checkActive(row.sv.check)) return;
      const cur = row.sv.check.status;
      for (const st of CHECK_RESULT_STATES) put([...base, ['state', st]], st === cur ? 1 : 0);
      return;
    }
    case 'check_code':
      if (row.kind !== 'S' || !checkActive(row.sv.check)) return;
      put(base, checkHasCode(row.sv.check) ? row.sv.check.code : 0);
      return;
    case 'check_duration':
      if (row.kind !== 'S' || !row.sv.check || !checkFinished(row.sv.check)) return;
      put(base, Math.max(0, row.sv.check.duration) / 1000, true);
      return;
    case 'agg_server_status': {
      const servers = row.px.servers ?? [];
      if (!servers.length) return;
      for (const st of PROM_SERVER_STATES) put([...base, ['state', st]], servers.filter((s) => promServerState(s) === st).length);
      return;
    }
    case 'agg_check_status': {
      const servers = row.px.servers ?? [];
      if (!servers.length) return;
      for (const st of CHECK_RESULT_STATES) {
        put([...base, ['state', st]], servers.filter((s) => checkActive(s.check) && s.check.status === st).length);
      }
      return;
    }
    default:
      break;
  }
  put(base, num(columnValue(col, row)));
}

function statusStates(row: Row): [readonly string[], string] {
  switch (row.kind) {
    case 'F': return [['DOWN', 'UP'], row.fe.state === 'STOP' ? 'DOWN' : 'UP'];
    case 'L': return [['WAITING', 'OPEN', 'FULL'], row.li.status];
    case 'B': return [['DOWN', 'UP'], backendStatus(row.px)];
    case 'S': return [PROM_SERVER_STATES, promServerState(row.sv)];
  }
}

function labelsOf(row: Row): Labels {
  const l: Labels = [['proxy', row.px.name]];
  if (row.kind === 'L') l.push(['listener', row.li.name]);
  if (row.kind === 'S') l.push(['server', row.sv.name]);
  return l;
}

const TYPE_MASK: Record<ObjType, number> = { F: 1, B: 2, S: 4, L: 8 };

function rowsOf(px: ProxyStats, t: ObjType, snap: StatsSnapshot, o: PromOptions): Row[] {
  const opts: RowOptions = { showLegends: false };
  const rows = [...proxyRows(px, snap.now, opts, { typeMask: TYPE_MASK[t] })];
  return o.noMaint && t === 'S' ? rows.filter((r) => r.kind === 'S' && !serverInMaint(r.sv)) : rows;
}

function family(w: Writer, snap: StatsSnapshot, t: ObjType, o: PromOptions): void {
  const perProxy = snap.proxies.map((px) => rowsOf(px, t, snap, o));
  for (const col of COLUMNS) {
    const p = col.prom;
    if (!p || !p.on.includes(t)) continue;
    for (const rows of perProxy) for (const row of rows) emit(w, col, p, row, labelsOf(row));
  }
}

export function renderPrometheus(snap: StatsSnapshot, o: PromOptions = {}): string {
  const scopes = new Set(o.scopes ?? PROM_SCOPES);
  const w = new Writer();
  if (scopes.has('global')) {
    for (const fld of ALL_INFO_FIELDS) {
      if (!fld.prom) continue;
      const name = 'haproxy_process_' + fld.prom.name;
      if (fld.name === 'Build info') w.sample(name, fld.prom.type, fld.prom.help, [['version', snap.info.version]], 1);
      else w.sample(name, fld.prom.type, fld.prom.help, [], num(fld.get(snap.info, snap.now)));
    }
  }
  if (scopes.has('frontend')) family(w, snap, 'F', o);
  if (scopes.has('listener')) family(w, snap, 'L', o);
  if (scopes.has('backend')) family(w, snap, 'B', o);
  if (scopes.has('server')) family(w, snap, 'S', o);
  return w.out;
}

/** Reads the query string of the metrics URI: `scope=` (repeatable, `*` = all, empty = none) and `no-maint`. */
export function parsePromQuery(query: string): PromOptions | undefined {
  const params = new URLSearchParams(query);
  const o: PromOptions = {};
  const scopes = params.getAll('scope');
  if (scopes.length) {
    const set = new Set<PromScope>();
    for (const s of scopes) {
      if (s === '*') PROM_SCOPES.forEach((x) => set.add(x));
      else if ((PROM_SCOPES as readonly string[]).includes(s)) set.add(s as PromScope);
      else if (s !== '' && s !== 'sticktable') return undefined;
    }
    o.scopes = [...set];
  }
  if (params.has('no-maint')) o.noMaint = true;
  return o;
}
