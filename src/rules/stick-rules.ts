/**
 * `stick on | match | store-request | store-response PATTERN [table T] [if|unless COND]`, compiled
 * once per backend and run at HAProxy's points:
 *   - request (after use-server and cookies): `stick match` / `stick on` look the key up and, when
 *     no server is assigned yet, designate the stored server (a DOWN one only with `option
 *     persist` or force-persist); `stick store-request` / `stick on` remember the key — only the
 *     first store rule of each table applies;
 *   - response (before http-response rules; in TCP once connected): `stick store-response` keys
 *     join them, and every remembered key is stored with the server that served the request
 *     (server_id and server_key), unless it is `non-stick`.
 */
import { evalExpr, type SampleExpr } from '../sample/expr.js';
import { evalCondition, type Condition } from '../sample/condition.js';
import { parseStickRule, stickMatch, stickStore, type StickRuleKind, type StickServer } from '../persist/stick-rules.js';
import type { SampleContext } from '../sample/context.js';
import type { StickTable } from '../persist/stick-table.js';
import type { Proxy } from '../config/model.js';
import type { BackendRuntime } from '../runtime/backend.js';
import type { ServerRuntime } from '../runtime/server.js';
import type { StickTables } from '../runtime/stick.js';
import { CompileCtx, type ProxyEnv } from './compile-ctx.js';
import { sampleKey } from './stick-ops.js';
import type { Where } from './types.js';

export interface CompiledStickRule {
  kind: StickRuleKind;
  expr: SampleExpr;
  table: string;
  cond?: Condition;
  where: Where;
}

/** A backend's stick rules: request side (on, match, store-request) and store-response. */
export interface ProxyStick {
  request: CompiledStickRule[];
  response: CompiledStickRule[];
}

/** A key to store once the server is known. */
export interface PendingStore {
  table: StickTable;
  key: string;
}

/** Compiles the `stick` lines of `p`; undefined when it has none. Table names are checked later. */
export function compileStickRules(p: Proxy, env: ProxyEnv, mode: 'http' | 'tcp'): ProxyStick | undefined {
  const lines = p.misc.filter((l) => l.args[0] === 'stick');
  if (lines.length === 0) return undefined;
  const out: ProxyStick = { request: [], response: [] };
  for (const line of lines) {
    const parsed = parseStickRule(line.args);
    if ('error' in parsed) {
      env.diags.alert(parsed.error, line.where);
      continue;
    }
    const r = parsed.ok;
    const response = r.kind === 'store-response';
    const usage = response ? (mode === 'http' ? 'http-res' : 'tcp-res') : mode === 'http' ? 'http-req' : 'tcp-content';
    const cc = new CompileCtx(env, `stick ${r.kind}`, usage, line.where);
    const expr = cc.expr(r.pattern);
    const cond = r.cond ? cc.condition(r.cond) : undefined;
    if (!expr || (r.cond && !cond)) continue;
    const table = r.table ?? p.name;
    const rule: CompiledStickRule = { kind: r.kind, expr, table, ...(cond ? { cond } : {}), where: line.where };
    (response ? out.response : out.request).push(rule);
  }
  return out;
}

const stickServers = new WeakMap<BackendRuntime, StickServer[]>();

/** The backend's servers as stick rules see them (`up` reads the live state). */
function serversOf(be: BackendRuntime): StickServer[] {
  let list = stickServers.get(be);
  if (!list) {
    list = be.servers.map((s) => ({
      name: s.name,
      id: s.id,
      ...(s.target.kind === 'inet' && s.target.port !== undefined ? { addr: `${s.target.host}:${s.target.port}` } : {}),
      get up() {
        return s.usable;
      },
    }));
    stickServers.set(be, list);
  }
  return list;
}

function keyOf(rule: CompiledStickRule, t: StickTable, sample: SampleContext): string | undefined {
  if (rule.cond && !evalCondition(rule.cond, sample)) return undefined;
  const s = evalExpr(rule.expr, sample);
  return s ? t.normalizeKey(sampleKey(s)) : undefined;
}

export interface StickRequestResult {
  /** The server a `stick match` / `stick on` entry designates. */
  server?: ServerRuntime;
  /** Keys to store once the server is known (see stickResponse). */
  stores?: PendingStore[];
}

/**
 * Request-side stick rules of backend `be`. `assigned`: a server is already chosen (use-server,
 * cookie), so matches only refresh their entry. `persist`: `option persist` or a force-persist rule.
 */
export function stickRequest(
  ps: ProxyStick,
  tables: StickTables,
  sample: SampleContext,
  be: BackendRuntime,
  opts: { assigned: boolean; persist: boolean; forcePersist: boolean; now: number },
): StickRequestResult {
  const out: StickRequestResult = {};
  let assigned = opts.assigned;
  for (const rule of ps.request) {
    const t = tables.get(rule.table);
    if (!t) continue;
    const store = rule.kind !== 'match';
    if (store && out.stores?.some((p) => p.table === t)) continue;
    const key = keyOf(rule, t, sample);
    if (key === undefined) continue;
    if (rule.kind !== 'store-request') {
      const entry = t.lookup(key, opts.now);
      if (entry) {
        if (!assigned) {
          const srv = stickMatch(t, entry, serversOf(be), { persist: opts.persist, forcePersist: opts.forcePersist, now: opts.now });
          const found = srv ? be.findServer(srv.name) : undefined;
          if (found) {
            out.server = found;
            assigned = true;
          }
        } else t.touch(entry, opts.now);
      }
    }
    if (store) (out.stores ??= []).push({ table: t, key });
  }
  return out;
}

/**
 * Response side: `stick store-response` rules, then every pending key stored for `server` (the
 * one that served the request). Nothing is stored without a server or for a `non-stick` one.
 */
export function stickResponse(ps: ProxyStick | undefined, tables: StickTables, sample: SampleContext, server: ServerRuntime | undefined, pending: PendingStore[] | undefined, now: number): void {
  let stores = pending;
  if (ps) {
    for (const rule of ps.response) {
      const t = tables.get(rule.table);
      if (!t || stores?.some((p) => p.table === t)) continue;
      const key = keyOf(rule, t, sample);
      if (key !== undefined) (stores = stores ? [...stores] : []).push({ table: t, key });
    }
  }
  if (!stores || !server || server.config.extra['non-stick'] === true) return;
  const srv: StickServer = {
    name: server.name,
    id: server.id,
    ...(server.target.kind === 'inet' && server.target.port !== undefined ? { addr: `${server.target.host}:${server.target.port}` } : {}),
    up: server.usable,
  };
  for (const p of stores) stickStore(p.table, p.key, srv, now);
}
