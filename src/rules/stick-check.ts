/**
 * Configuration checks for stick tables, in HAProxy 2.6's words: `stick-table` lines (with
 * file:line), one table per proxy, and the tables that track-sc and stick rules name (reported
 * after parsing, without a line, as HAProxy does).
 */
import type { Config } from '../config/model.js';
import type { Diagnostics } from '../core/diag.js';
import { declaredTables } from '../runtime/stick.js';

/** Reports `stick-table` errors and returns the names of the tables that will exist. */
export function checkStickTables(config: Config, diags: Diagnostics): Set<string> {
  const names = new Set<string>();
  const first = new Map<string, { file: string; line: number; kind: string }>();
  for (const d of declaredTables(config)) {
    const where = d.line.where;
    for (const w of d.parsed.warnings) diags.warning(w, where);
    if ('error' in d.parsed) {
      diags.alert(d.parsed.error, where);
      continue;
    }
    const prev = first.get(d.proxy.name);
    if (prev) {
      diags.alert(`stick-table name '${d.proxy.name}' conflicts with table declared in ${prev.kind} '${d.proxy.name}' at ${prev.file}:${prev.line}.`, where);
      continue;
    }
    first.set(d.proxy.name, { ...where, kind: d.proxy.kind === 'listen' ? 'proxy' : d.proxy.kind });
    names.add(d.proxy.name);
  }
  return names;
}

/** track-sc rules naming a table that does not exist (`by` is "track-sc0"...). */
export function checkTrackRefs(proxy: string, refs: readonly { table: string; by: string }[], tables: ReadonlySet<string>, diags: Diagnostics): void {
  for (const r of refs) {
    if (!tables.has(r.table)) diags.alert(`Proxy '${proxy}': unable to find table '${r.table}' referenced by ${r.by}.`);
  }
}

/** stick on/match/store rules naming a table that does not exist. */
export function checkStickRuleRefs(proxy: string, tablesUsed: readonly string[], tables: ReadonlySet<string>, diags: Diagnostics): void {
  for (const t of tablesUsed) {
    if (!tables.has(t)) diags.alert(`Proxy '${proxy}': unable to find stick-table '${t}'.`);
  }
}
