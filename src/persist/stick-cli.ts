/**
 * Runtime API `show table [NAME [data.TYPE OP VALUE]... | key KEY]` and `clear table NAME [...]`.
 * Output lines match haproxy 2.6; the CLI layer adds its usual closing empty line.
 */
import { DATA_TYPES, type DataTypeName } from './stick-data.js';
import type { StickEntry, StickTable } from './stick-table.js';

type Op = 'eq' | 'ne' | 'le' | 'lt' | 'ge' | 'gt';
interface Filter {
  type: DataTypeName;
  op: Op;
  value: number;
}
type Selection = { key?: string; filters: Filter[] } | { error: string };

function header(t: StickTable): string {
  return `# table: ${t.name}, type: ${t.cfg.type}, size:${t.cfg.size}, used:${t.used}\n`;
}

/** haproxy's dump_text escaping for string keys. */
function escapeKey(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (ch === ' ') out += '\\ ';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\\') out += '\\\\';
    else if (c < 0x20 || c >= 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out;
}

export function formatEntry(t: StickTable, e: StickEntry, now: number): string {
  const addr = '0x' + (0x55d000000000 + e.id * 0x80).toString(16);
  const key = t.cfg.type === 'string' ? escapeKey(e.key) : e.key;
  const exp = e.expireAt ? Math.max(0, e.expireAt - now) : 0;
  let line = `${addr}: key=${key} use=${e.ref} exp=${exp}`;
  for (const s of t.cfg.store) {
    const def = DATA_TYPES.find((d) => d.name === s.type)!;
    if (def.kind === 'key') line += ` ${s.type}=${e.serverKey ?? '-'}`;
    else if (s.count !== undefined) {
      // gpt(n)/gpc(n)/gpc_rate(n,p): one field per element.
      const base = s.type === 'gpc_rate' ? 'gpc_rate' : s.type;
      for (let i = 0; i < s.count; i++) {
        const v = t.get(e, s.type, now, i);
        line += def.kind === 'rate' ? ` ${base}${i}(${s.period})=${v}` : ` ${base}${i}=${v}`;
      }
    } else if (def.kind === 'rate') line += ` ${s.type}(${s.period})=${t.get(e, s.type, now)}`;
    else line += ` ${s.type}=${t.get(e, s.type, now)}`;
  }
  return line + '\n';
}

function select(t: StickTable, words: readonly string[]): Selection {
  const filters: Filter[] = [];
  let key: string | undefined;
  for (let i = 0; i < words.length; ) {
    const w = words[i]!;
    if (w === 'key') {
      const k = words[i + 1];
      if (k === undefined) return { error: 'Key value expected\n' };
      key = t.normalizeKey(k);
      if (key === undefined) return { error: 'Unknown key\n' };
      i += 2;
      continue;
    }
    if (!w.startsWith('data.')) return { error: 'Optional argument only supports "data.<store_data_type>" and key <key>\n' };
    const n = filters.length + 1;
    const type = w.slice(5) as DataTypeName;
    if (!DATA_TYPES.some((d) => d.name === type)) return { error: `Filter entry #${n}: Unknown data type\n` };
    if (!t.stores(type)) return { error: `Filter entry #${n}: Data type not stored in this table\n` };
    const op = words[i + 1] as Op | undefined;
    if (!op || !['eq', 'ne', 'le', 'lt', 'ge', 'gt'].includes(op)) return { error: `Filter entry #${n}: Require and operator among "eq", "ne", "le", "ge", "lt", "gt"\n` };
    const v = words[i + 2];
    if (v === undefined || !/^-?\d+$/.test(v)) return { error: `Filter entry #${n}: Require a valid integer value to compare against\n` };
    filters.push({ type, op, value: Number(v) });
    i += 3;
  }
  return { key, filters };
}

function matches(t: StickTable, e: StickEntry, sel: { key?: string; filters: Filter[] }, now: number): boolean {
  if (sel.key !== undefined && e.key !== sel.key) return false;
  for (const f of sel.filters) {
    const v = t.get(e, f.type, now) ?? 0;
    const ok = { eq: v === f.value, ne: v !== f.value, le: v <= f.value, lt: v < f.value, ge: v >= f.value, gt: v > f.value }[f.op];
    if (!ok) return false;
  }
  return true;
}

/** `show table` words after "show table": [] lists all tables (tables in declaration order). */
export function showTable(tables: readonly StickTable[], words: readonly string[], now: number): string {
  if (words.length === 0) return [...tables].reverse().map(header).join('');
  const t = tables.find((x) => x.name === words[0]);
  if (!t) return 'No such table\n';
  const sel = select(t, words.slice(1));
  if ('error' in sel) return sel.error;
  let out = header(t);
  let found = false;
  for (const e of t.list(now)) {
    if (!matches(t, e, sel, now)) continue;
    out += formatEntry(t, e, now);
    found = true;
  }
  // A key lookup that finds nothing prints nothing at all, not even the table header.
  return sel.key !== undefined && !found ? '' : out;
}

/** `clear table NAME [key K | data.T OP V ...]`: removes matching entries not in use. */
export function clearTable(tables: readonly StickTable[], words: readonly string[], now: number): string {
  const t = tables.find((x) => x.name === words[0]);
  if (!t) return words.length === 0 ? 'Required arguments: <table> "data.<store_data_type>" <operator> <value> or <table> key <key>\n' : 'No such table\n';
  const sel = select(t, words.slice(1));
  if ('error' in sel) return sel.error;
  for (const e of t.list(now)) if (matches(t, e, sel, now)) t.remove(e.key);
  return '';
}
