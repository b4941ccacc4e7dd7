/** `show stat` and `;csv`: the header line, then one line per row, every field followed by a comma. */
import { COLUMNS, FIRST_MODULE_POS, columnValue, csvHeader, type Row, type RowOptions } from './columns.js';
import { formatValue } from './field.js';
import type { StatsSnapshot } from './model.js';
import { statRows, type RowFilter } from './rows.js';

export interface CsvOptions extends RowFilter {
  /** Show addresses and cookies (`stats show-legends`; the CLI at admin level). */
  showLegends?: boolean;
}

/** Quotes a field only when needed: commas, quotes, line breaks or edge spaces. */
export function csvField(s: string): string {
  if (!/[",\r\n]|^ | $/.test(s)) return s;
  return '"' + s.replace(/"/g, '""') + '"';
}

export function csvLine(row: Row): string {
  let out = '';
  for (const col of COLUMNS) {
    if (col.pos === FIRST_MODULE_POS) out += '-,';
    out += csvField(formatValue(columnValue(col, row))) + ',';
  }
  return out + '\n';
}

export function renderCsv(snap: StatsSnapshot, options: CsvOptions = {}): string {
  const opts: RowOptions = { showLegends: options.showLegends ?? false };
  let out = csvHeader();
  for (const row of statRows(snap, opts, options)) out += csvLine(row);
  return out;
}
