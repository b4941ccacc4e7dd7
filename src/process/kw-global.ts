/** Keywords of the `global` section: process settings, limits, tuning and the stats socket. */
import { parseTime } from '../core/time.js';
import { parseSize } from '../core/size.js';
import { addKeywords, type Keyword, type Support } from '../config/keywords.js';
import { globalKeyword, intArg } from '../config/proxy-keyword.js';

/** Settings HAProxy accepts that mean nothing for a Node process: accepted silently. */
const WITHOUT_EFFECT: Record<string, string> = {
  'cpu-map': 'the OS schedules Node workers',
  'thread-groups': 'portico uses worker processes, not thread groups',
  noepoll: 'Node picks its own poller',
  nopoll: 'Node picks its own poller',
  nokqueue: 'Node picks its own poller',
  noevports: 'Node picks its own poller',
  noreuseport: 'listeners are shared by the master',
  nosplice: 'Node copies through user space',
  nogetaddrinfo: 'Node resolves with getaddrinfo',
  'busy-polling': 'no effect on Node',
  'numa-cpu-mapping': 'no effect on Node',
  'set-dumpable': 'no effect on Node',
  'strict-limits': 'limits are checked at start',
  'insecure-fork-wanted': 'no effect on Node',
  'insecure-setuid-wanted': 'no effect on Node',
  quiet: 'use -q',
  'zero-warning': 'use -c and check for warnings',
  'expose-experimental-directives': 'no experimental directives',
  'mworker-max-reloads': 'workers are not reloaded by count',
  'ssl-engine': 'OpenSSL engines are not exposed by Node',
  'ssl-mode-async': 'no effect on Node',
  'ssl-provider': 'OpenSSL providers are not exposed by Node',
  'ssl-provider-path': 'OpenSSL providers are not exposed by Node',
  'ssl-propquery': 'OpenSSL providers are not exposed by Node',
  'ssl-skip-self-issued-ca': 'no effect on Node',
  'ssl-server-verify': 'stored for TLS to servers',
  'ssl-default-bind-ciphers': 'stored for the TLS module',
  'ssl-default-bind-ciphersuites': 'stored for the TLS module',
  'ssl-default-bind-curves': 'stored for the TLS module',
  'ssl-default-bind-options': 'stored for the TLS module',
  'ssl-default-server-ciphers': 'stored for the TLS module',
  'ssl-default-server-ciphersuites': 'stored for the TLS module',
  'ssl-default-server-options': 'stored for the TLS module',
  'ssl-dh-param-file': 'stored for the TLS module',
  'ca-base': 'stored for the TLS module',
  'crt-base': 'stored for the TLS module',
  'issuers-chain-path': 'stored for the TLS module',
  'max-spread-checks': 'stored for checks',
  maxcompcpuusage: 'compression is not implemented',
  maxcomprate: 'compression is not implemented',
  maxzlibmem: 'compression is not implemented',
  maxpipes: 'no pipes on Node',
  maxsslconn: 'no separate TLS limit',
  maxsslrate: 'no separate TLS limit',
  maxconnrate: 'not enforced yet',
  maxsessrate: 'not enforced yet',
  'fd-hard-limit': 'no effect on Node',
  'no-memory-trimming': 'no effect on Node',
  'profiling.tasks': 'no effect on Node',
  'server-state-base': 'server state files are not loaded',
  'server-state-file': 'server state files are not loaded',
  'unix-bind': 'stored',
  'default-path': 'no effect',
  'h1-case-adjust': 'header names are sent lower-case',
  'h1-case-adjust-file': 'header names are sent lower-case',
  'h1-accept-payload-with-any-method': 'stored',
  'h2-workaround-bogus-websocket-clients': 'stored',
  'cluster-secret': 'no QUIC',
  localpeer: 'peers are not supported',
  'pp2-never-send-local': 'stored',
  'httpclient.resolvers.id': 'no internal HTTP client',
  'httpclient.resolvers.prefer': 'no internal HTTP client',
  'httpclient.ssl.ca-file': 'no internal HTTP client',
  'httpclient.ssl.verify': 'no internal HTTP client',
  'external-check': 'external checks are not run',
};

/** Lines of `global.ignored` written with "no" (e.g. "no strict-limits", read by process/limits.ts). */
export const NEGATED = new WeakSet<import('../config/model.js').RawLine>();

/** Tuning knobs portico reads; the others under tune.* are accepted without effect. */
const TUNE_SIZES = new Set(['tune.bufsize', 'tune.maxrewrite', 'tune.http.cookielen', 'tune.http.logurilen']);
const TUNE_INTS = new Set(['tune.http.maxhdr', 'tune.maxaccept', 'tune.h2.header-table-size', 'tune.h2.initial-window-size', 'tune.h2.max-concurrent-streams']);

function accepted(name: string, note: string, support: Support = 'accepted'): Omit<Keyword, 'module'> {
  return globalKeyword(name, {
    support,
    note,
    negatable: ['busy-polling', 'set-dumpable', 'strict-limits', 'insecure-fork-wanted', 'numa-cpu-mapping'].includes(name),
    parse(ctx, g) {
      const line = { args: ctx.args, where: ctx.where };
      if (ctx.negated) NEGATED.add(line);
      g.ignored.push(line);
    },
  });
}

const time = (name: string, set: (g: import('../config/model.js').Global, v: number) => void) =>
  globalKeyword(name, {
    parse(ctx, g) {
      const t = parseTime(ctx.args[name.split(' ').length] ?? '');
      if (typeof t !== 'number') return ctx.alert(`'${name}' expects <time> as argument: ${t.error}.`);
      set(g, t);
    },
  });

type Taken = (g: import('../config/model.js').Global) => boolean;

const integer = (name: string, set: (g: import('../config/model.js').Global, v: number) => void, min = 0, taken?: Taken, what?: string) =>
  globalKeyword(name, {
    parse(ctx, g) {
      if (taken?.(g)) return ctx.alert(`${what} already specified. Continuing.`);
      const v = intArg(ctx, ctx.args[name.split(' ').length], name, min);
      if (v !== undefined) set(g, v);
    },
  });

const string = (name: string, set: (g: import('../config/model.js').Global, v: string) => void, taken?: Taken, what?: string) =>
  globalKeyword(name, {
    parse(ctx, g) {
      if (taken?.(g)) return ctx.alert(`${what} already specified. Continuing.`);
      if (ctx.args[1] === undefined) return ctx.alert(`'${name}' expects an argument.`);
      set(g, ctx.args.slice(1).join(' '));
    },
  });

addKeywords('process', [
  ...Object.entries(WITHOUT_EFFECT).map(([name, note]) => accepted(name, note)),
  globalKeyword('daemon', { parse: (_c, g) => void (g.daemon = true) }),
  globalKeyword('master-worker', { parse: (_c, g) => void (g.masterWorker = true) }),
  integer('maxconn', (g, v) => (g.maxconn = v)),
  integer('nbthread', (g, v) => (g.nbthread = v), 1),
  globalKeyword('nbproc', {
    support: 'legacy',
    note: "use 'nbthread'",
    parse(ctx, g) {
      const v = intArg(ctx, ctx.args[1], 'nbproc', 1);
      if (v === undefined) return;
      ctx.notice(`'nbproc' was removed in HAProxy 2.5; portico reads 'nbproc ${v}' as 'nbthread ${v}' (${v} worker processes).`);
      g.nbthread ??= v;
    },
  }),
  string('pidfile', (g, v) => (g.pidfile = v)),
  // HAProxy refuses a second user (or group), by name or by id, but goes on parsing.
  string('user', (g, v) => (g.user = v), (g) => g.user !== undefined || g.uid !== undefined, 'user/uid'),
  string('group', (g, v) => (g.group = v), (g) => g.group !== undefined || g.gid !== undefined, 'group/gid'),
  integer('uid', (g, v) => (g.uid = v), 0, (g) => g.user !== undefined || g.uid !== undefined, 'user/uid'),
  integer('gid', (g, v) => (g.gid = v), 0, (g) => g.group !== undefined || g.gid !== undefined, 'group/gid'),
  string('chroot', (g, v) => (g.chroot = v)),
  string('node', (g, v) => (g.node = v)),
  string('description', (g, v) => (g.description = v)),
  time('hard-stop-after', (g, v) => (g.hardStopAfter = v)),
  time('grace', (g, v) => (g.grace = v)),
  integer('ulimit-n', (g, v) => (g.ulimitN = v)),
  integer('spread-checks', (g, v) => (g.spreadChecks = v)),
  globalKeyword('stats socket', {
    support: 'parsed',
    parse(ctx, g) {
      if (!ctx.args[2]) return ctx.alert(`'stats socket' expects an address or a path.`);
      g.statsSockets.push({ args: ctx.args, where: ctx.where });
    },
  }),
  time('stats timeout', (g, v) => (g.statsTimeout = v)),
  integer('stats maxconn', (g, v) => (g.statsMaxconn = v)),
  accepted('stats bind-process', 'the Runtime API runs in the master'),
  ...['setenv', 'presetenv', 'unsetenv', 'resetenv'].map((name) =>
    globalKeyword(name, {
      support: 'partial',
      note: 'changes the environment of portico; expansions in the configuration read the environment at start',
      parse(ctx, g) {
        if ((name === 'setenv' || name === 'presetenv') && ctx.args.length !== 3) return ctx.alert(`'${name}' expects a name and a value.`);
        g.misc.push({ args: ctx.args, where: ctx.where });
      },
    }),
  ),
  ...['lua-load', 'lua-load-per-thread', 'lua-prepend-path', 'set-var'].map((name) =>
    globalKeyword(name, {
      support: 'parsed',
      note: name.startsWith('lua') ? 'Lua is not supported' : 'process variables',
      parse(ctx, g) {
        if (name.startsWith('lua')) ctx.warning(`'${name}' : Lua scripts are not supported by portico; '${ctx.args[1] ?? ''}' is not loaded.`);
        g.misc.push({ args: ctx.args, where: ctx.where });
      },
    }),
  ),
  // Every tune.* knob: the ones portico uses are typed, the rest accepted.
  ...[...TUNE_SIZES, ...TUNE_INTS].map((name) =>
    globalKeyword(name, {
      parse(ctx, g) {
        const raw = ctx.args[1] ?? '';
        const v = TUNE_SIZES.has(name) ? parseSize(raw) : /^\d+$/.test(raw) ? Number(raw) : { error: `'${name}' expects an integer argument (got '${raw}')` };
        if (typeof v !== 'number') return ctx.alert(`'${name}': ${v.error}.`);
        g.tune[name] = v;
      },
    }),
  ),
]);

/** The tune.* names HAProxy 2.6 knows, accepted without effect unless handled above. */
export const TUNE_ACCEPTED = [
  'tune.buffers.limit', 'tune.buffers.reserve', 'tune.comp.maxlevel', 'tune.fail-alloc', 'tune.fd.edge-triggered',
  'tune.idle-pool.shared',
  'tune.idletimer', 'tune.lua.forced-yield', 'tune.lua.maxmem', 'tune.lua.service-timeout', 'tune.lua.session-timeout',
  'tune.lua.task-timeout', 'tune.maxpollevents', 'tune.pattern.cache-size', 'tune.peers.max-updates-at-once', 'tune.pipesize',
  'tune.pool-high-fd-ratio', 'tune.pool-low-fd-ratio', 'tune.quic.frontend.conn-tx-buffers.limit',
  'tune.quic.frontend.max-idle-timeout', 'tune.quic.frontend.max-streams-bidi', 'tune.quic.retry-threshold',
  'tune.rcvbuf.client', 'tune.rcvbuf.server', 'tune.recv_enough', 'tune.runqueue-depth', 'tune.sched.low-latency',
  'tune.sndbuf.client', 'tune.sndbuf.server', 'tune.ssl.cachesize', 'tune.ssl.capture-buffer-size',
  'tune.ssl.capture-cipherlist-size', 'tune.ssl.default-dh-param', 'tune.ssl.force-private-cache', 'tune.ssl.hard-maxrecord',
  'tune.ssl.keylog', 'tune.ssl.lifetime', 'tune.ssl.maxrecord', 'tune.ssl.ssl-ctx-cache-size', 'tune.vars.global-max-size',
  'tune.vars.proc-max-size', 'tune.vars.reqres-max-size', 'tune.vars.sess-max-size', 'tune.vars.txn-max-size',
  'tune.zlib.memlevel', 'tune.zlib.windowsize',
];
addKeywords('process', TUNE_ACCEPTED.map((name) => accepted(name, 'tuning without effect on Node')));
