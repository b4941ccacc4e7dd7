/**
 * Stick-table sample fetches (manual 7.3.3) as plain functions over StickFetchContext, so that the
 * sample engine can register them without this module depending on it. Each answers a number or
 * boolean, or undefined when HAProxy's fetch fails (counter not tracked, data type not stored,
 * unknown table). STICK_FETCHES lists every keyword with its argument shape.
 */
import type { DataTypeName } from './stick-data.js';
import type { StickEntry, StickTable } from './stick-table.js';
import type { Trackers } from './track.js';

export interface StickFetchContext {
  /** The stream's trackers (absent outside a stream). */
  trackers?: Trackers;
  /** Client address as a string, for src_* fetches. */
  src?: string;
  /** The proxy's own table: used when no table argument is given to src_* / table_*. */
  ownTable?: StickTable;
  /** Table by name (the `table` argument). */
  table(name: string): StickTable | undefined;
  /** Current time in ms (the same clock the tables are fed with). */
  now: number;
}

/** The (table, entry) an sc/src fetch works on; entry undefined = looked up but absent (value 0). */
interface Target {
  table: StickTable;
  entry: StickEntry | undefined;
}

function scTarget(ctx: StickFetchContext, ctr: number, tableName?: string): Target | undefined {
  const tr = ctx.trackers;
  const entry = tr?.entries[ctr];
  if (!tr || !entry) return undefined;
  const own = tr.tables[ctr]!;
  if (tableName === undefined) return { table: own, entry };
  // With a table argument, the tracked key is looked up in that other table.
  const t = ctx.table(tableName);
  if (!t) return undefined;
  return { table: t, entry: t.lookup(entry.key, ctx.now) };
}

function srcTarget(ctx: StickFetchContext, tableName: string | undefined, create: boolean): Target | undefined {
  const t = tableName === undefined ? ctx.ownTable : ctx.table(tableName);
  if (!t || ctx.src === undefined) return undefined;
  const key = t.normalizeKey(ctx.src);
  if (key === undefined) return undefined;
  return { table: t, entry: create ? t.getOrCreate(key, ctx.now) : t.lookup(key, ctx.now) };
}

function read(tg: Target | undefined, type: DataTypeName, now: number, shift = 0): number | undefined {
  if (!tg) return undefined;
  if (!tg.table.stores(type)) return undefined;
  if (!tg.entry) return 0;
  const v = tg.table.get(tg.entry, type, now) ?? 0;
  return shift ? Math.floor(v / 2 ** shift) : v;
}

/** gpc0/gpc1 are also the first elements of a gpc array. */
function gpcType(t: StickTable, idx: 0 | 1, rate: boolean): { type: DataTypeName; index: number } {
  const legacy = (rate ? `gpc${idx}_rate` : `gpc${idx}`) as DataTypeName;
  if (t.stores(legacy)) return { type: legacy, index: 0 };
  return { type: rate ? 'gpc_rate' : 'gpc', index: idx };
}

function incGpc(tg: Target | undefined, idx: 0 | 1, now: number): number | undefined {
  if (!tg?.entry) return tg ? 0 : undefined;
  const { table: t, entry: e } = tg;
  const c = gpcType(t, idx, false);
  const r = gpcType(t, idx, true);
  const hasRate = t.add(e, r.type, 1, now, r.index);
  const hasCnt = t.add(e, c.type, 1, now, c.index);
  t.touch(e, now);
  if (hasCnt) return t.get(e, c.type, now, c.index);
  return hasRate ? t.get(e, r.type, now, r.index) : 0;
}

function clrGpc(tg: Target | undefined, idx: 0 | 1, now: number): number | undefined {
  if (!tg?.entry) return tg ? 0 : undefined;
  const c = gpcType(tg.table, idx, false);
  const old = tg.table.get(tg.entry, c.type, now, c.index) ?? 0;
  tg.table.set(tg.entry, c.type, 0, c.index);
  tg.table.touch(tg.entry, now);
  return old;
}

function getGpc(tg: Target | undefined, idx: 0 | 1, rate: boolean, now: number): number | undefined {
  if (!tg) return undefined;
  const g = gpcType(tg.table, idx, rate);
  if (!tg.table.stores(g.type)) return undefined;
  return tg.entry ? (tg.table.get(tg.entry, g.type, now, g.index) ?? 0) : 0;
}

type Value = number | boolean | undefined;
export interface StickFetchDef {
  name: string;
  /** sc: (ctr, [table]); scN: ([table]); src: ([table]); table: (table). */
  args: 'sc' | 'scN' | 'src' | 'table';
  out: 'int' | 'bool';
  /** ctr is the tracker number (from the argument or the scN name); table the optional table name. */
  fetch(ctx: StickFetchContext, ctr: number, table: string | undefined): Value;
}

/** Data-reading fetches: keyword suffix → [data type, shift (kbytes = >> 10)]. */
const READS: [string, DataTypeName, number][] = [
  ['conn_cnt', 'conn_cnt', 0],
  ['conn_cur', 'conn_cur', 0],
  ['conn_rate', 'conn_rate', 0],
  ['sess_cnt', 'sess_cnt', 0],
  ['sess_rate', 'sess_rate', 0],
  ['http_req_cnt', 'http_req_cnt', 0],
  ['http_req_rate', 'http_req_rate', 0],
  ['http_err_cnt', 'http_err_cnt', 0],
  ['http_err_rate', 'http_err_rate', 0],
  ['http_fail_cnt', 'http_fail_cnt', 0],
  ['http_fail_rate', 'http_fail_rate', 0],
  ['bytes_in_rate', 'bytes_in_rate', 0],
  ['bytes_out_rate', 'bytes_out_rate', 0],
  ['kbytes_in', 'bytes_in_cnt', 10],
  ['kbytes_out', 'bytes_out_cnt', 10],
  ['get_gpt0', 'gpt0', 0],
];

function build(): StickFetchDef[] {
  const defs: StickFetchDef[] = [];
  const sc = (suffix: string, out: 'int' | 'bool', fn: (tg: Target | undefined, ctx: StickFetchContext, ctr: number) => Value): void => {
    defs.push({ name: `sc_${suffix}`, args: 'sc', out, fetch: (ctx, ctr, table) => fn(scTarget(ctx, ctr, table), ctx, ctr) });
    for (let n = 0; n < 3; n++) defs.push({ name: `sc${n}_${suffix}`, args: 'scN', out, fetch: (ctx, _c, table) => fn(scTarget(ctx, n, table), ctx, n) });
  };
  const src = (suffix: string, create: boolean, fn: (tg: Target | undefined, ctx: StickFetchContext) => Value): void => {
    defs.push({ name: `src_${suffix}`, args: 'src', out: 'int', fetch: (ctx, _c, table) => fn(srcTarget(ctx, table, create), ctx) });
  };
  for (const [suffix, type, shift] of READS) {
    sc(suffix, 'int', (tg, ctx) => read(tg, type, ctx.now, shift));
    src(suffix, false, (tg, ctx) => read(tg, type, ctx.now, shift));
  }
  for (const idx of [0, 1] as const) {
    sc(`get_gpc${idx}`, 'int', (tg, ctx) => getGpc(tg, idx, false, ctx.now));
    sc(`gpc${idx}_rate`, 'int', (tg, ctx) => getGpc(tg, idx, true, ctx.now));
    sc(`inc_gpc${idx}`, 'int', (tg, ctx) => incGpc(tg, idx, ctx.now));
    sc(`clr_gpc${idx}`, 'int', (tg, ctx) => clrGpc(tg, idx, ctx.now));
    src(`get_gpc${idx}`, false, (tg, ctx) => getGpc(tg, idx, false, ctx.now));
    src(`gpc${idx}_rate`, false, (tg, ctx) => getGpc(tg, idx, true, ctx.now));
    src(`inc_gpc${idx}`, true, (tg, ctx) => incGpc(tg, idx, ctx.now));
    src(`clr_gpc${idx}`, true, (tg, ctx) => clrGpc(tg, idx, ctx.now));
  }
  // src_updt_conn_cnt: counts a connection for the source without tracking it.
  src('updt_conn_cnt', true, (tg, ctx) => {
    if (!tg?.entry || !tg.table.stores('conn_cnt')) return undefined;
    tg.table.add(tg.entry, 'conn_cnt', 1, ctx.now);
    tg.table.touch(tg.entry, ctx.now);
    return tg.table.get(tg.entry, 'conn_cnt', ctx.now);
  });
  sc('tracked', 'bool', (_tg, ctx, ctr) => ctx.trackers?.tracked(ctr) ?? false);
  sc('trackers', 'int', (tg) => (tg ? (tg.entry?.ref ?? 0) : undefined));
  defs.push({
    name: 'table_avl',
    args: 'table',
    out: 'int',
    fetch: (ctx, _c, table) => {
      const t = table === undefined ? ctx.ownTable : ctx.table(table);
      return t ? t.cfg.size - t.used : undefined;
    },
  });
  defs.push({
    name: 'table_cnt',
    args: 'table',
    out: 'int',
    fetch: (ctx, _c, table) => {
      const t = table === undefined ? ctx.ownTable : ctx.table(table);
      return t?.used;
    },
  });
  return defs;
}

export const STICK_FETCHES: readonly StickFetchDef[] = build();

/** Direct access by keyword name, e.g. stickFetch('sc_http_req_rate'). */
export function stickFetch(name: string): StickFetchDef | undefined {
  return STICK_FETCHES.find((d) => d.name === name);
}
