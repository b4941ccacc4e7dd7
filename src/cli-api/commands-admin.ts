/** Runtime API commands that change the running proxies: servers, weights, limits, frontends, counters, tables. */
import { clearTable } from '../persist/index.js';
import {
  clearCounters, delServer, findFrontend, findServer, pauseFrontend, resumeFrontend, setCheckEnabled, setFrontendMaxconn,
  setGlobalMaxconn, setServerAddr, setServerAgent, setServerHealth, setServerMaxconn, setServerState, setServerWeight,
  shutdownServerSessions, type Outcome,
} from '../runtime/admin.js';
import type { BackendRuntime } from '../runtime/backend.js';
import type { Runtime } from '../runtime/runtime.js';
import type { ServerRuntime } from '../runtime/server.js';
import { addServerCommand } from './add-server.js';
import { shutdownSession } from './show-sess.js';
import { shutdownFrontend } from './shutdown-frontend.js';
import { noteUncheckedHealth, type UncheckedEvent } from './unchecked-health.js';
import { stickTables } from './commands-show.js';
import { PERMISSION_DENIED, levelAtLeast, type CliContext, type Command } from './types.js';

const text = (o: Outcome) => o.message;

/** Passes `o` through, recording a successful change for the check health of unchecked servers. */
function noted(s: ServerRuntime, event: UncheckedEvent | undefined, o: Outcome): Outcome {
  if (event && o.ok) noteUncheckedHealth(s, event);
  return o;
}

/** Runs `fn` on the server named by args[i], or answers the lookup error. */
function onServer(rt: Runtime, spec: string | undefined, fn: (be: BackendRuntime, s: ServerRuntime) => string | Promise<string>): string | Promise<string> {
  const f = findServer(rt, spec);
  return 'error' in f ? f.error : fn(f.be, f.s);
}

const SET_SERVER_USAGE =
  'usage: set server <backend>/<server> addr | agent | agent-addr | agent-port | agent-send | check-addr | check-port | fqdn | health | ssl | state | weight\n';

function setServer(args: string[], ctx: CliContext): string {
  const rt = ctx.rt;
  const f = findServer(rt, args[2]);
  if ('error' in f) return f.error;
  const { be, s } = f;
  const v = args[4];
  switch (args[3]) {
    case 'state':
      if (v !== 'ready' && v !== 'drain' && v !== 'maint') return "'set server <srv> state' expects 'ready', 'drain' and 'maint'.\n";
      return text(noted(s, v === 'maint' ? 'maint' : undefined, setServerState(rt, be, s, v)));
    case 'health':
      if (v !== 'up' && v !== 'stopping' && v !== 'down') return "'set server <srv> health' expects 'up', 'stopping', or 'down'.\n";
      return text(noted(s, v, setServerHealth(rt, be, s, v)));
    case 'agent':
      if (!s.checks?.cfg.agent) return 'agent checks are not enabled on this server.\n';
      if (v !== 'up' && v !== 'down') return "'set server <srv> agent' expects 'up' or 'down'.\n";
      return text(setServerAgent(rt, be, s, v));
    case 'weight':
      return text(setServerWeight(be, s, v));
    case 'addr':
      return text(setServerAddr(s, v, args[5], args[6]));
    case 'agent-addr':
    case 'agent-port':
    case 'agent-send':
    case 'check-addr':
    case 'check-port':
    case 'fqdn':
    case 'ssl':
      return `'set server <srv> ${args[3]}' is not supported by portico yet.\n`;
    default:
      return SET_SERVER_USAGE;
  }
}

function frontendOp(args: string[], ctx: CliContext, enable: boolean): string | Promise<string> {
  if (!args[2]) return 'A frontend name is expected.\n';
  const fe = findFrontend(ctx.rt, args[2]);
  if (!fe) return 'No such frontend.\n';
  return (enable ? resumeFrontend(ctx.rt, fe) : pauseFrontend(ctx.rt, fe)).then(text);
}

export const ADMIN_COMMANDS: readonly Command[] = [
  {
    words: ['set', 'server'], level: 'admin', usage: 'set server <bk>/<srv> [opts]', desc: "change a server's state, weight, address or ssl",
    run: setServer,
  },
  {
    words: ['set', 'weight'], level: 'admin', usage: 'set weight <bk>/<srv>  (DEPRECATED)', desc: "change a server's weight (use 'set server' instead)",
    run: (args, ctx) => onServer(ctx.rt, args[2], (be, s) => text(setServerWeight(be, s, args[3]))),
  },
  {
    words: ['set', 'maxconn', 'server'], level: 'admin', usage: 'set maxconn server <bk>/<srv>', desc: "change a server's maxconn setting",
    run: (args, ctx) => onServer(ctx.rt, args[3], (be, s) => text(setServerMaxconn(be, s, args[4]))),
  },
  {
    words: ['set', 'maxconn', 'frontend'], level: 'admin', usage: 'set maxconn frontend <frontend> <value>', desc: "change a frontend's maxconn setting",
    run: (args, ctx) => {
      if (!args[3]) return 'A frontend name is expected.\n';
      const fe = findFrontend(ctx.rt, args[3]);
      return fe ? text(setFrontendMaxconn(fe, args[4])) : 'No such frontend.\n';
    },
  },
  {
    words: ['set', 'maxconn', 'global'], level: 'admin', usage: 'set maxconn global <value>', desc: 'change the per-process maxconn setting',
    run: (args, ctx) => text(setGlobalMaxconn(ctx.rt, args[3])),
  },
  {
    words: ['disable', 'server'], level: 'admin', usage: 'disable server (DEPRECATED)', desc: "disable a server for maintenance (use 'set server' instead)",
    run: (args, ctx) => onServer(ctx.rt, args[2], (be, s) => text(noted(s, 'maint', setServerState(ctx.rt, be, s, 'maint')))),
  },
  {
    words: ['enable', 'server'], level: 'admin', usage: 'enable server  (DEPRECATED)', desc: "enable a disabled server (use 'set server' instead)",
    run: (args, ctx) => onServer(ctx.rt, args[2], (be, s) => (s.admin.maint ? text(setServerState(ctx.rt, be, s, 'ready')) : '')),
  },
  {
    words: ['disable', 'health'], level: 'admin', usage: 'disable health', desc: 'disable health checks',
    run: (args, ctx) => onServer(ctx.rt, args[2], (_be, s) => text(setCheckEnabled(s, 'health', false))),
  },
  {
    words: ['enable', 'health'], level: 'admin', usage: 'enable health', desc: 'enable health checks',
    run: (args, ctx) => onServer(ctx.rt, args[2], (_be, s) => text(setCheckEnabled(s, 'health', true))),
  },
  {
    words: ['disable', 'agent'], level: 'admin', usage: 'disable agent', desc: 'disable agent checks',
    run: (args, ctx) => onServer(ctx.rt, args[2], (_be, s) => text(setCheckEnabled(s, 'agent', false))),
  },
  {
    words: ['enable', 'agent'], level: 'admin', usage: 'enable agent', desc: 'enable agent checks',
    run: (args, ctx) => onServer(ctx.rt, args[2], (_be, s) => text(setCheckEnabled(s, 'agent', true))),
  },
  {
    words: ['disable', 'frontend'], level: 'admin', usage: 'disable frontend <frontend>', desc: 'temporarily disable specific frontend',
    run: (args, ctx) => frontendOp(args, ctx, false),
  },
  {
    words: ['enable', 'frontend'], level: 'admin', usage: 'enable frontend <frontend>', desc: 're-enable specific frontend',
    run: (args, ctx) => frontendOp(args, ctx, true),
  },
  {
    words: ['shutdown', 'frontend'], level: 'admin', usage: 'shutdown frontend <frontend>', desc: 'stop a specific frontend',
    run: (args, ctx) => shutdownFrontend(ctx.rt, args[2]),
  },
  {
    words: ['shutdown', 'session'], level: 'admin', usage: 'shutdown session [id]', desc: 'kill a specific session',
    run: (args, ctx) => shutdownSession(ctx.rt, args[2]),
  },
  {
    words: ['shutdown', 'sessions', 'server'], level: 'admin', usage: 'shutdown sessions server <bk>/<srv>', desc: 'kill sessions on a server',
    run: (args, ctx) => onServer(ctx.rt, args[3], (_be, s) => text(shutdownServerSessions(s))),
  },
  {
    words: ['add', 'server'], level: 'admin', usage: 'add server <bk>/<srv>', desc: 'create a new server',
    run: (args, ctx) => addServerCommand(ctx.rt, args),
  },
  {
    words: ['del', 'server'], level: 'admin', usage: 'del server <bk>/<srv>', desc: 'remove a dynamically added server',
    run: (args, ctx) => {
      const f = findServer(ctx.rt, args[2]);
      if ('error' in f) return f.error.trimEnd();
      return text(delServer(ctx.rt, f.be, f.s));
    },
  },
  {
    words: ['clear', 'counters'], level: 'operator', usage: 'clear counters [all]', desc: 'clear max statistics counters (or all counters)',
    run: (args, ctx) => {
      const all = args[2] === 'all';
      if (all && !levelAtLeast(ctx.state.level, 'admin')) return PERMISSION_DENIED;
      return text(clearCounters(ctx.rt, all));
    },
  },
  {
    words: ['clear', 'table'], level: 'user', usage: 'clear table <table> [<filter>]*', desc: 'remove an entry from a table (filter: data/key)',
    // Below the operator level HAProxy does nothing and says nothing.
    run: (args, ctx) => (levelAtLeast(ctx.state.level, 'operator') ? clearTable(stickTables(ctx.rt), args.slice(2), Date.now()) : ''),
  },
];
