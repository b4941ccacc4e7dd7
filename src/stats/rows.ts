/**
 * Walks a snapshot in HAProxy's dump order: per proxy, its FRONTEND row, its
 * listeners (option socket-stats), its servers, then its BACKEND row.
 */
import type { Row, RowOptions } from './columns.js';
import type { ProxyStats, ServerStats, StatsSnapshot } from './model.js';
import { serverInMaint } from './status.js';

/** `show stat [<iid|name>] [<type>] [<sid>]` filters and the page's `scope`/`up` options. */
export interface RowFilter {
  /** Case-insensitive part of the proxy name (the page's `scope`). */
  scope?: string;
  /** Only this proxy: its name or its numeric id. */
  proxy?: string | number;
  /** Bit mask: 1 frontends, 2 backends, 4 servers, 8 listeners; -1 (default) all. */
  typeMask?: number;
  /** Only this server (or listener) id; -1 (default) all. */
  sid?: number;
  /** Hide servers that are DOWN or in maintenance (`;up`, `show stat up`). */
  upOnly?: boolean;
  /** Hide servers in maintenance (`show stat no-maint`). */
  noMaint?: boolean;
}

export const TYPE_BIT = { F: 1, B: 2, S: 4, L: 8 } as const;

export function proxySelected(px: ProxyStats, f: RowFilter): boolean {
  if (f.proxy !== undefined && f.proxy !== -1) {
    if (typeof f.proxy === 'number' ? px.iid !== f.proxy : px.name !== f.proxy) return false;
  }
  if (f.scope && !px.name.toLowerCase().includes(f.scope.toLowerCase())) return false;
  return true;
}

export function serverShown(sv: ServerStats, f: RowFilter): boolean {
  if (f.sid !== undefined && f.sid !== -1 && sv.sid !== f.sid) return false;
  if (f.noMaint && serverInMaint(sv)) return false;
  if (f.upOnly && (serverInMaint(sv) || sv.state === 'stopped')) return false;
  return true;
}

/** The rows of one proxy, in dump order. */
export function* proxyRows(px: ProxyStats, now: number, opts: RowOptions, f: RowFilter = {}): Generator<Row> {
  const mask = f.typeMask ?? -1;
  const base = { px, now, opts };
  if (px.frontend && mask & TYPE_BIT.F) yield { ...base, kind: 'F', fe: px.frontend };
  if (px.frontend && px.listeners && mask & TYPE_BIT.L) {
    for (const li of px.listeners) {
      if (f.sid !== undefined && f.sid !== -1 && li.id !== f.sid) continue;
      yield { ...base, kind: 'L', fe: px.frontend, li };
    }
  }
  if (px.backend) {
    const be = px.backend;
    if (mask & TYPE_BIT.S) {
      for (const sv of px.servers ?? []) if (serverShown(sv, f)) yield { ...base, kind: 'S', be, sv };
    }
    if (mask & TYPE_BIT.B) yield { ...base, kind: 'B', be };
  }
}

export function* statRows(snap: StatsSnapshot, opts: RowOptions, f: RowFilter = {}): Generator<Row> {
  for (const px of snap.proxies) {
    if (proxySelected(px, f)) yield* proxyRows(px, snap.now, opts, f);
  }
}

/** The sid printed for a row (0 for frontend and backend rows). */
export function rowSid(r: Row): number {
  return r.kind === 'S' ? r.sv.sid : r.kind === 'L' ? r.li.id : 0;
}
