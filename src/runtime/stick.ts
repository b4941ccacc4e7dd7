/**
 * Stick tables at run time: one StickTable per `stick-table` line, named after its proxy as in
 * HAProxy, plus the per-session state the engines keep (SessionStick: trackers and the context
 * of the sc_/src_/table_ fetches), and the Runtime API's `show table` / `clear table`.
 *
 * HTTP sessions own one SessionStick each (src/http/session.ts); a TCP session creates its own
 * with `rt.stick.session(src)` and reports `sessionAccepted`, bytes and `end` the same way.
 */
import type { Config, Proxy, RawLine } from '../config/model.js';
import { StickTable, parseStickTable, withServerId, type StickTableConfig } from '../persist/stick-table.js';
import { Trackers, isClientError, isServerFailure } from '../persist/track.js';
import { parseStickRule } from '../persist/stick-rules.js';
import { showTable, clearTable } from '../persist/stick-cli.js';
import type { StickFetchContext } from '../persist/stick-fetch.js';
import { DATA_TYPES } from '../persist/stick-data.js';

/** A `stick-table` line of a proxy, parsed (the rules compiler reports errors and warnings). */
export interface DeclaredTable {
  proxy: Proxy;
  line: RawLine;
  parsed: ReturnType<typeof parseStickTable>;
}

/** The `stick-table` lines of every proxy that may hold one (not defaults, not disabled). */
export function declaredTables(config: Config): DeclaredTable[] {
  const out: DeclaredTable[] = [];
  for (const p of config.proxies) {
    if (p.kind === 'defaults' || p.disabled) continue;
    for (const line of p.misc) {
      if (line.args[0] === 'stick-table') out.push({ proxy: p, line, parsed: parseStickTable(line.args, line.where) });
    }
  }
  return out;
}

/** Names of the tables that stick rules point at: they store server_id and server_key. */
function stickTargets(config: Config): Set<string> {
  const out = new Set<string>();
  for (const p of config.proxies) {
    if (p.kind === 'defaults' || p.disabled) continue;
    for (const line of p.misc) {
      if (line.args[0] !== 'stick') continue;
      const r = parseStickRule(line.args);
      if ('ok' in r) out.add(r.ok.table ?? p.name);
    }
  }
  return out;
}

/** server_key is allocated together with server_id for tables used by stick rules (haproxy 2.6). */
function forStickRules(cfg: StickTableConfig): StickTableConfig {
  const c = withServerId(cfg);
  if (c.store.some((s) => s.type === 'server_key')) return c;
  // Stored types stay in HAProxy's data type order (the order `show table` prints them).
  const rank = (t: string) => DATA_TYPES.findIndex((d) => d.name === t);
  const store = [...c.store, { type: 'server_key' as const }].sort((a, b) => rank(a.type) - rank(b.type));
  return { ...c, store };
}

export class StickTables {
  /** In declaration order. */
  readonly all: StickTable[] = [];
  private readonly byName = new Map<string, StickTable>();

  constructor(config: Config) {
    const targets = stickTargets(config);
    for (const d of declaredTables(config)) {
      if (!('ok' in d.parsed) || this.byName.has(d.proxy.name)) continue;
      const cfg = targets.has(d.proxy.name) ? forStickRules(d.parsed.ok) : d.parsed.ok;
      const t = new StickTable(d.proxy.name, cfg);
      this.all.push(t);
      this.byName.set(t.name, t);
    }
  }

  get size(): number {
    return this.all.length;
  }

  get(name: string): StickTable | undefined {
    return this.byName.get(name);
  }

  /** State for a new client session, or undefined when no proxy declares a table. */
  session(src: string | undefined): SessionStick | undefined {
    return this.all.length === 0 ? undefined : new SessionStick(this, src);
  }

  /** Runtime API `show table [NAME [data.TYPE OP VALUE]... | key KEY]` (words after "show table"). */
  show(words: readonly string[], now = Date.now()): string {
    return showTable(this.all, words, now);
  }

  /** Runtime API `clear table NAME [data.TYPE OP VALUE]... | key KEY]` (words after "clear table"). */
  clear(words: readonly string[], now = Date.now()): string {
    return clearTable(this.all, words, now);
  }
}

/**
 * One client session's stick state: its trackers (sc0..sc2) and the fetch context the sample
 * engine reads through SampleContext.stick. `proxy` is the proxy whose rules run now: src_* and
 * track-sc without a `table` argument use its table.
 */
export class SessionStick implements StickFetchContext {
  readonly trackers = new Trackers();
  ownTable: StickTable | undefined;
  now = 0;
  /** SampleContext.stick: the same object, with the clock read at each fetch. */
  readonly fetch = (): StickFetchContext => {
    this.now = Date.now();
    return this;
  };

  constructor(
    readonly tables: StickTables,
    /** Client address for src_* fetches; an engine that learns the real one (PROXY protocol) sets it. */
    public src: string | undefined,
  ) {}

  table(name: string): StickTable | undefined {
    return this.tables.get(name);
  }

  /** Rules of proxy `name` run now. */
  proxy(name: string): void {
    this.ownTable = this.tables.get(name);
  }

  /** A new HTTP request (before any http-request rule). */
  request(now: number): void {
    this.trackers.httpRequest(now);
  }

  /** An invalid request: counted as a request and as an error. */
  badRequest(now: number): void {
    this.trackers.httpRequest(now);
    this.trackers.httpError(now);
  }

  /** A response from the server: 4xx count as client errors, 5xx (but 501/505) as failures. */
  response(status: number, now: number): void {
    if (isClientError(status)) this.trackers.httpError(now);
    else if (isServerFailure(status)) this.trackers.httpFailure(now);
  }

  /** The server failed to answer properly (502, 504). */
  serverFailure(now: number): void {
    this.trackers.httpFailure(now);
  }

  /** End of an HTTP transaction: its bytes, then the release of http/content trackers. */
  transactionEnd(bytesIn: number, bytesOut: number, now: number): void {
    if (bytesIn > 0) this.trackers.bytesIn(bytesIn, now);
    if (bytesOut > 0) this.trackers.bytesOut(bytesOut, now);
    this.trackers.transactionEnd(now);
  }

  /** End of the session: every tracker is released. */
  end(now: number): void {
    this.trackers.sessionEnd(now);
  }
}
