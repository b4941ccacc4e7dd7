/**
 * `stick on|match|store-request|store-response <pattern> [table <t>] [{if|unless} <cond>]` and
 * `track-sc0/1/2 <key> [table <t>]` argument parsing, plus the decisions the engine applies once
 * it has evaluated the pattern with the sample engine: match → server, store → server_id/key.
 */
import type { StickEntry, StickTable } from './stick-table.js';

export type StickRuleKind = 'on' | 'match' | 'store-request' | 'store-response';

export interface StickRule {
  kind: StickRuleKind;
  /** The sample expression words (usually one, e.g. "src" or "req.cook(SID)"). */
  pattern: string;
  table?: string;
  /** Condition words after if/unless, with the keyword first ("if", ...). */
  cond?: string[];
}

/** Parses the words of a `stick ...` line (with or without the leading "stick"). */
export function parseStickRule(args: readonly string[]): { ok: StickRule } | { error: string } {
  const a = args[0] === 'stick' ? args.slice(1) : args;
  const kind = a[0];
  if (kind !== 'on' && kind !== 'match' && kind !== 'store-request' && kind !== 'store-response') {
    return { error: `'stick' expects 'on', 'match', 'store-request' or 'store-response'.` };
  }
  const pattern = a[1];
  if (!pattern || pattern === 'if' || pattern === 'unless' || pattern === 'table') return { error: `'stick ${kind}' expects a fetch method.` };
  const rule: StickRule = { kind, pattern };
  for (let i = 2; i < a.length; i++) {
    if (a[i] === 'table') {
      const t = a[i + 1];
      if (!t) return { error: `'stick ${kind}' : missing table name after 'table'.` };
      rule.table = t;
      i++;
    } else if (a[i] === 'if' || a[i] === 'unless') {
      rule.cond = a.slice(i);
      break;
    } else return { error: `'stick ${kind}' : unknown argument '${a[i]}'.` };
  }
  return { ok: rule };
}

/** `track-scN KEY [table T]` words after the action name. */
export function parseTrackArgs(action: string, words: readonly string[]): { ok: { ctr: number; key: string; table?: string } } | { error: string } {
  const m = /^track-sc(\d+)$/.exec(action);
  const ctr = m ? Number(m[1]) : -1;
  if (ctr < 0 || ctr > 2) return { error: `unknown action '${action}': only track-sc0, track-sc1 and track-sc2 exist (tune.stick-counters is 3).` };
  const key = words[0];
  if (!key || key === 'table' || key === 'if' || key === 'unless') return { error: `'${action}' expects a key.` };
  if (words[1] === 'table') {
    const t = words[2];
    if (!t || t === 'if' || t === 'unless') return { error: `'${action}' : missing table name after 'table'.` };
    return { ok: { ctr, key, table: t } };
  }
  return { ok: { ctr, key } };
}

export interface StickServer {
  name: string;
  /** Numeric id (`id` or its position, 1-based), stored as server_id. */
  id: number;
  /** "ip:port" for srvkey addr. */
  addr?: string;
  up: boolean;
}

/**
 * stick match / stick on, request side: the server an entry designates. With `srvkey name` the
 * server_key is tried first. Like a cookie, a DOWN server is only used with option persist or
 * force-persist; answer undefined to let load balancing decide.
 */
export function stickMatch(
  table: StickTable,
  entry: StickEntry | undefined,
  servers: readonly StickServer[],
  opts: { persist: boolean; forcePersist: boolean; now: number },
): StickServer | undefined {
  if (!entry) return undefined;
  let srv: StickServer | undefined;
  if (table.stores('server_key') && entry.serverKey !== undefined) {
    srv = table.cfg.srvkey === 'addr' ? servers.find((s) => s.addr === entry.serverKey) : servers.find((s) => s.name === entry.serverKey);
  }
  if (!srv) {
    const id = table.get(entry, 'server_id', opts.now);
    if (id) srv = servers.find((s) => s.id === id);
  }
  if (!srv || !(srv.up || opts.persist || opts.forcePersist)) return undefined;
  table.touch(entry, opts.now);
  return srv;
}

/** stick store-request / store-response / stick on: remember the server for the key. */
export function stickStore(table: StickTable, key: string, server: StickServer, now: number): boolean {
  const e = table.getOrCreate(key, now);
  if (!e) return false;
  table.set(e, 'server_id', server.id);
  if (table.stores('server_key')) e.serverKey = table.cfg.srvkey === 'addr' ? server.addr : server.name;
  table.touch(e, now);
  return true;
}
