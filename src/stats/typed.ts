/**
 * `show stat typed` (one "F.iid.sid.pos.name.1:TAGS:type:value" line per
 * non-empty field) and `show stat json` / `;json` (the same items as JSON).
 */
import { COLUMNS, columnTags, columnValue, type Row, type RowOptions } from './columns.js';
import { OBJ_TYPE_NAME, expandTags, formatValue } from './field.js';
import type { StatsSnapshot } from './model.js';
import { rowSid, statRows, type RowFilter } from './rows.js';

export interface TypedOptions extends RowFilter {
  showLegends?: boolean;
  /** Append `:"description"` to each line (`show stat typed desc`). */
  desc?: boolean;
}

function rowOpts(o: TypedOptions): RowOptions {
  return { showLegends: o.showLegends ?? false };
}

export function renderTyped(snap: StatsSnapshot, options: TypedOptions = {}): string {
  let out = '';
  for (const row of statRows(snap, rowOpts(options), options)) {
    const prefix = `${row.kind}.${row.px.iid}.${rowSid(row)}.`;
    for (const col of COLUMNS) {
      const v = columnValue(col, row);
      if (v === undefined) continue;
      out += `${prefix}${col.pos}.${col.name}.1:${columnTags(col, row.kind)}:${col.type}:${formatValue(v)}`;
      out += options.desc ? `:"${col.desc}"\n` : '\n';
    }
  }
  return out;
}

export interface JsonStatItem {
  objType: string;
  proxyId: number;
  id: number;
  field: { pos: number; name: string };
  processNum: number;
  tags: { origin: string; nature: string; scope: string };
  value: { type: string; value: number | string };
}

export function jsonRow(row: Row): JsonStatItem[] {
  const items: JsonStatItem[] = [];
  for (const col of COLUMNS) {
    const v = columnValue(col, row);
    if (v === undefined) continue;
    items.push({
      objType: OBJ_TYPE_NAME[row.kind],
      proxyId: row.px.iid,
      id: rowSid(row),
      field: { pos: col.pos, name: col.name },
      processNum: 1,
      tags: expandTags(columnTags(col, row.kind)),
      value: { type: col.type, value: col.type === 'str' ? String(v) : Number(formatValue(v)) },
    });
  }
  return items;
}

/** An array with one array of items per row, compact, followed by a newline. */
export function renderJson(snap: StatsSnapshot, options: TypedOptions = {}): string {
  const rows: JsonStatItem[][] = [];
  for (const row of statRows(snap, rowOpts(options), options)) rows.push(jsonRow(row));
  return JSON.stringify(rows) + '\n';
}
