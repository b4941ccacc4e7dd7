/**
 * `stick-table type ip|ipv6|integer|string [len N]|binary [len N] size N [expire T] [nopurge]
 * [peers P] [srvkey name|addr] [store <data_type>[(<args>)],...]` with haproxy 2.6's messages.
 */
import type { Where } from '../config/model.js';
import { DATA_TYPES, type DataTypeName } from './stick-data.js';

export type KeyType = 'ip' | 'ipv6' | 'integer' | 'string' | 'binary';

export interface StoreSpec {
  type: DataTypeName;
  /** Rate period in ms (rate types). */
  period?: number;
  /** Array size (gpt/gpc/gpc_rate). */
  count?: number;
}

export interface StickTableConfig {
  where: Where;
  type: KeyType;
  /** Key length in bytes for string (default 32) and binary (default 32) keys. */
  keyLen: number;
  size: number;
  /** Entry lifetime in ms after the last update; undefined = never expires. */
  expire?: number;
  nopurge: boolean;
  peers?: string;
  srvkey: 'name' | 'addr';
  /** Stored data, in HAProxy's data type order (the order `show table` prints). */
  store: StoreSpec[];
}

export type StickParse = { ok: StickTableConfig; warnings: string[] } | { error: string; warnings: string[] };

const UNITS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** HAProxy's parse_time_err for a time in ms: the first bad character is reported. */
function parseMs(text: string): number | { bad: string } | 'overflow' {
  const m = /^(\d*)(.*)$/.exec(text)!;
  if (m[1] === '') return { bad: text[0] ?? '' };
  const unit = m[2] === '' ? 1 : UNITS[m[2]!];
  if (unit === undefined) {
    const u = m[2]!;
    const bad = /^(us|ms|s|m|h|d)/.test(u) ? u[/^(us|ms)/.test(u) ? 2 : 1]! : u[0]!;
    return { bad };
  }
  const v = Math.floor(Number(m[1]) * unit);
  return v > 2147483647 ? 'overflow' : v;
}

function parseSize(text: string): number | { bad: string } {
  const m = /^(\d*)([kmgKMG]?)(.*)$/.exec(text)!;
  if (m[1] === '') return { bad: text[0] ?? '' };
  if (m[3] !== '') return { bad: m[3]![0]! };
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase()]!;
  return Number(m[1]) * mult;
}

const PREFIX = 'stick-table: ';

export function parseStickTable(args: readonly string[], where: Where): StickParse {
  const a = args[0] === 'stick-table' ? args.slice(1) : args;
  const warnings: string[] = [];
  const fail = (msg: string): StickParse => ({ error: PREFIX + msg, warnings });
  let type: KeyType | undefined;
  let keyLen = 32;
  let size = 0;
  let expire: number | undefined;
  let nopurge = false;
  let peers: string | undefined;
  let srvkey: 'name' | 'addr' = 'name';
  const store = new Map<DataTypeName, StoreSpec>();
  for (let i = 0; i < a.length; i++) {
    const w = a[i]!;
    switch (w) {
      case 'size': {
        const v = a[++i];
        if (v === undefined || v === '') return fail(`missing argument after 'size'.`);
        const n = parseSize(v);
        if (typeof n !== 'number') return fail(`unexpected character '${n.bad}' in argument of 'size'.`);
        size = n;
        break;
      }
      case 'peers':
        peers = a[++i];
        if (!peers) return fail(`missing argument after 'peers'.`);
        break;
      case 'expire': {
        const v = a[++i];
        if (v === undefined || v === '') return fail(`missing argument after 'expire'.`);
        const t = parseMs(v);
        if (t === 'overflow') return { error: `stick-table: timer overflow in argument <${v}> to <expire>, maximum value is 2147483647 ms (~24.8 days).`, warnings };
        if (typeof t !== 'number') return fail(`unexpected character '${t.bad}' in argument of 'expire'.`);
        expire = t;
        break;
      }
      case 'nopurge':
        nopurge = true;
        break;
      case 'type': {
        const t = a[++i] ?? '';
        if (t !== 'ip' && t !== 'ipv6' && t !== 'integer' && t !== 'string' && t !== 'binary') return fail(`unknown type '${t}'.`);
        type = t;
        if ((t === 'string' || t === 'binary') && a[i + 1] === 'len') {
          // A bad length is reported as an unknown type, as haproxy does.
          const l = a[i + 2] ?? '';
          if (!/^\d+$/.test(l) || Number(l) === 0) return fail(`unknown type '${l}'.`);
          keyLen = Number(l);
          i += 2;
        }
        break;
      }
      case 'srvkey': {
        const k = a[++i] ?? '';
        if (k !== 'name' && k !== 'addr') return { error: `stick-table : unknown server key type '${k}'.`, warnings };
        srvkey = k;
        break;
      }
      case 'store': {
        const list = a[++i] ?? '';
        for (const item of list.split(',')) {
          if (item === '') continue;
          const m = /^([^(]*)(?:\((.*)\))?$/.exec(item);
          const name = m?.[1] ?? item;
          const argText = m?.[2];
          const dt = DATA_TYPES.find((d) => d.name === name);
          if (!dt) return fail(`unknown store option '${name}'.`);
          const spec: StoreSpec = { type: dt.name };
          if (dt.args === 'none') {
            if (argText !== undefined) return fail(`unexpected argument to store option '${name}'.`);
          } else {
            if (argText === undefined) return fail(`missing argument to store option '${name}'.`);
            const parts = argText.split(',');
            if (dt.args === 'count' || dt.args === 'count,period') {
              const n = Number(parts[0]);
              if (!/^\d+$/.test(parts[0] ?? '') || n < 1 || n > 100) return fail(`error when processing store option '${name}'.`);
              spec.count = n;
              parts.shift();
            }
            if (dt.args === 'period' || dt.args === 'count,period') {
              const p = parseMs(parts[0] ?? '');
              if (typeof p !== 'number' || parts.length !== 1) return fail(`error when processing store option '${name}'.`);
              spec.period = p;
            }
          }
          if (store.has(dt.name)) warnings.push(`stick-table: store option '${name}' already enabled, ignored.`);
          else store.set(dt.name, spec);
        }
        break;
      }
      default:
        return fail(`unknown argument '${w}'.`);
    }
  }
  if (!type) return fail('missing type.');
  if (!size) return fail('missing size.');
  const ordered = DATA_TYPES.filter((d) => store.has(d.name)).map((d) => store.get(d.name)!);
  return {
    ok: { where, type, keyLen, size, ...(expire !== undefined ? { expire } : {}), nopurge, ...(peers ? { peers } : {}), srvkey, store: ordered },
    warnings,
  };
}

/** server_id is enabled automatically on a table that stick rules refer to. */
export function withServerId(cfg: StickTableConfig): StickTableConfig {
  if (cfg.store.some((s) => s.type === 'server_id')) return cfg;
  return { ...cfg, store: [{ type: 'server_id' }, ...cfg.store] };
}
