/** Read-only Runtime API commands: show info/stat/schema/servers state/backend/sess/errors/table/version, get weight. */
import { showTable, type StickTable } from '../persist/index.js';
import { findServer, getServerWeight } from '../runtime/admin.js';
import type { Runtime } from '../runtime/runtime.js';
import { buildSnapshot } from '../runtime/snapshot.js';
import { renderCsv } from '../stats/csv.js';
import { renderInfo, renderInfoJson, renderInfoTyped } from '../stats/info.js';
import type { RowFilter } from '../stats/rows.js';
import { STATS_JSON_SCHEMA } from '../stats/service.js';
import { renderJson, renderTyped } from '../stats/typed.js';
import { VERSION } from '../version.js';
import { showServersConn } from './servers-conn.js';
import { showServersState } from './servers-state.js';
import { showErrors, showSess } from './show-sess.js';
import { levelAtLeast, type Command } from './types.js';

/** Stick tables of the runtime (`rt.stick.all`, in declaration order), when it has them. */
export function stickTables(rt: Runtime): readonly StickTable[] {
  const t = (rt as unknown as { stick?: { all?: readonly StickTable[] } }).stick?.all;
  return t ?? [];
}

function showInfo(args: string[], rt: Runtime): string {
  const opts = new Set(args.slice(2));
  const snap = buildSnapshot(rt);
  const desc = opts.has('desc');
  if (opts.has('json')) return renderInfoJson(snap.info, snap.now);
  if (opts.has('typed')) return renderInfoTyped(snap.info, snap.now, { desc });
  return renderInfo(snap.info, snap.now, { desc });
}

/** `show stat [{<iid>|<proxy>} <type> <sid>] [typed|json|desc|up|no-maint]*`. */
function showStat(args: string[], rt: Runtime, showLegends: boolean): string {
  let rest = args.slice(2);
  const filter: RowFilter = {};
  const snap = buildSnapshot(rt);
  if (rest.length >= 3 && rest[0] && rest[1] && rest[2]) {
    const [px, type, sid] = rest as [string, string, string];
    if (px !== '-1') {
      const found = /^\d+$/.test(px) ? snap.proxies.find((p) => p.iid === Number(px)) : snap.proxies.find((p) => p.name === px);
      if (!found) return 'No such proxy.\n';
      filter.proxy = found.iid;
    }
    filter.typeMask = Number.parseInt(type, 10);
    if (Number.isNaN(filter.typeMask)) filter.typeMask = 0;
    filter.sid = Number.parseInt(sid, 10);
    if (Number.isNaN(filter.sid)) filter.sid = 0;
    rest = rest.slice(3);
  }
  const opts = new Set(rest);
  if (opts.has('up')) filter.upOnly = true;
  if (opts.has('no-maint')) filter.noMaint = true;
  if (opts.has('json')) return renderJson(snap, { ...filter, showLegends });
  if (opts.has('typed')) return renderTyped(snap, { ...filter, showLegends, desc: opts.has('desc') });
  return renderCsv(snap, { ...filter, showLegends });
}

export const SHOW_COMMANDS: readonly Command[] = [
  {
    words: ['show', 'version'], level: 'user', usage: 'show version', desc: 'show version of the current process',
    run: () => `${VERSION}\n`,
  },
  {
    words: ['show', 'info'], level: 'user', usage: 'show info [desc|json|typed|float]*', desc: 'report information about the running process',
    run: (args, ctx) => showInfo(args, ctx.rt),
  },
  {
    words: ['show', 'stat'], level: 'user', usage: 'show stat [desc|json|no-maint|typed|up]*', desc: 'report counters for each proxy and server',
    // Addresses and cookies (STAT_SHLGNDS) are shown from the operator level up.
    run: (args, ctx) => showStat(args, ctx.rt, levelAtLeast(ctx.state.level, 'operator')),
  },
  {
    words: ['show', 'schema', 'json'], level: 'user', usage: 'show schema json', desc: 'report schema used for stats',
    run: () => `${STATS_JSON_SCHEMA}\n`,
  },
  {
    words: ['show', 'servers', 'state'], level: 'user', usage: 'show servers state [<backend>]',
    desc: 'dump volatile server information (all or for a single backend)',
    run: (args, ctx) => showServersState(ctx.rt, args[3] || undefined),
  },
  {
    words: ['show', 'servers', 'conn'], level: 'user', usage: 'show servers conn [<backend>]',
    desc: 'dump server connections status (all or for a single backend)',
    run: (args, ctx) => showServersConn(ctx.rt, args[3] || undefined),
  },
  {
    words: ['show', 'backend'], level: 'user', usage: 'show backend', desc: 'list backends in the current running config',
    run: (_args, ctx) => '# name\n' + [...ctx.rt.backends.keys()].map((n) => `${n}\n`).join(''),
  },
  {
    words: ['show', 'sess'], level: 'operator', usage: 'show sess [id]', desc: 'report the list of current sessions or dump this exact session',
    run: (args, ctx) => showSess(ctx.rt, args[2]),
  },
  {
    words: ['show', 'errors'], level: 'operator', usage: 'show errors [<px>] [request|response]',
    desc: 'report last request and/or response errors for each proxy',
    run: (args, ctx) => showErrors(ctx.rt, args[2] === 'request' || args[2] === 'response' ? undefined : args[2]),
  },
  {
    words: ['show', 'table'], level: 'user', usage: 'show table <table> [<filter>]*',
    desc: "report table usage stats or dump this table's contents (filter: data/key)",
    run: (args, ctx) => showTable(stickTables(ctx.rt), args.slice(2), Date.now()),
  },
  {
    words: ['show', 'cli', 'level'], level: 'user', usage: 'show cli level', desc: 'display the level of the current CLI session',
    run: (_args, ctx) => `${ctx.state.level}\n`,
  },
  {
    words: ['get', 'weight'], level: 'user', usage: 'get weight <bk>/<srv>', desc: "report a server's current weight",
    run: (args, ctx) => {
      const f = findServer(ctx.rt, args[2]);
      return 'error' in f ? f.error : getServerWeight(f.s);
    },
  },
];
