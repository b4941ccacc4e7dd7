/** Basic proxy keywords: mode, names, limits, timeouts and backend selection. */
import { parseTime } from '../core/time.js';
import { addKeywords, families } from '../config/keywords.js';
import { expectArgs, intArg, proxyKeyword } from '../config/proxy-keyword.js';
import { TIMEOUT_NAMES, type TimeoutName } from '../config/model.js';
import { warnIfMisplaced } from './kw-rules.js';
import { parseBalance, parseHashType } from '../lb/config.js';

/** Parses `if|unless COND...` at `from` and returns the condition words, or undefined when absent. */
export function conditionAt(args: string[], from: number): string[] | undefined {
  return args.length > from && (args[from] === 'if' || args[from] === 'unless') ? args.slice(from) : undefined;
}

const timeoutKeywords = TIMEOUT_NAMES.map((t) =>
  proxyKeyword(`timeout ${t}`, {
    parse(ctx, proxy) {
      if (!expectArgs(ctx, 2, 1, 1, 'expects a time value as its only argument (e.g. 5s).')) return;
      const v = parseTime(ctx.args[2]!);
      if (typeof v !== 'number') return ctx.alert(`'timeout ${t}': ${v.error}.`);
      proxy.timeouts[t as TimeoutName] = v;
    },
  }),
);

families.add('timeout', {
  name: 'timeout',
  sections: ['defaults', 'frontend', 'listen', 'backend'],
  unknown(ctx, member) {
    ctx.alert(
      `'timeout' supports 'client', 'server', 'connect', 'check', 'queue', 'http-keep-alive', 'http-request', 'tunnel', 'tarpit', 'client-fin' and 'server-fin' (got '${member ?? ''}')`,
    );
  },
});

addKeywords('proxy', [
  ...timeoutKeywords,
  proxyKeyword('mode', {
    parse(ctx, proxy) {
      const m = ctx.args[1];
      if (m === 'http' || m === 'tcp') proxy.mode = m;
      else if (m === 'health') ctx.alert(`'mode health' is not supported anymore since HAProxy 2.4; use 'monitor-uri' in 'mode http' or a 'tcp-request connection' rule.`);
      else ctx.alert(`unknown proxy mode '${m ?? ''}' (expected 'http' or 'tcp').`);
    },
  }),
  proxyKeyword('description', {
    parse(ctx, proxy) {
      proxy.description = ctx.args.slice(1).join(' ');
    },
  }),
  proxyKeyword('id', {
    parse(ctx, proxy) {
      const v = intArg(ctx, ctx.args[1], 'id', 1);
      if (v !== undefined) proxy.id = v;
    },
  }),
  proxyKeyword('disabled', {
    parse(_ctx, proxy) {
      proxy.disabled = true;
    },
  }),
  proxyKeyword('enabled', {
    parse(_ctx, proxy) {
      proxy.disabled = false;
    },
  }),
  proxyKeyword('maxconn', {
    parse(ctx, proxy) {
      const v = intArg(ctx, ctx.args[1], 'maxconn');
      if (v !== undefined) proxy.maxconn = v;
    },
  }),
  proxyKeyword('fullconn', {
    support: 'accepted',
    note: 'stored; dynamic minconn scaling is not implemented',
    parse(ctx, proxy) {
      const v = intArg(ctx, ctx.args[1], 'fullconn');
      if (v !== undefined) proxy.fullconn = v;
    },
  }),
  proxyKeyword('backlog', {
    parse(ctx, proxy) {
      const v = intArg(ctx, ctx.args[1], 'backlog');
      if (v !== undefined) proxy.backlog = v;
    },
  }),
  proxyKeyword('retries', {
    parse(ctx, proxy) {
      const v = intArg(ctx, ctx.args[1], 'retries');
      if (v !== undefined) proxy.retries = v;
    },
  }),
  proxyKeyword('retry-on', {
    parse(ctx, proxy) {
      const known = [
        'none', 'conn-failure', 'empty-response', 'junk-response', 'response-timeout', '0rtt-rejected',
        '401', '403', '404', '408', '425', '500', '501', '502', '503', '504', 'all-retryable-errors',
      ];
      const list = ctx.args.slice(1);
      if (list.length === 0) return ctx.alert(`'retry-on' expects at least one keyword.`);
      for (const w of list) if (!known.includes(w)) return ctx.alert(`'retry-on': unknown keyword '${w}'.`);
      proxy.retryOn = list;
    },
  }),
  proxyKeyword('default_backend', {
    parse(ctx, proxy) {
      if (!expectArgs(ctx, 1, 1, 1, 'expects a backend name.')) return;
      proxy.defaultBackend = { name: ctx.args[1]!, where: ctx.where };
    },
  }),
  proxyKeyword('use_backend', {
    parse(ctx, proxy) {
      const name = ctx.args[1];
      if (name === undefined || name === 'if' || name === 'unless') return ctx.alert(`'use_backend' expects a backend name.`);
      const cond = conditionAt(ctx.args, 2);
      if (ctx.args.length > 2 && !cond) return ctx.alert(`'use_backend' expects 'if' or 'unless' followed by a condition after the backend name (got '${ctx.args[2]}').`);
      warnIfMisplaced(ctx, proxy, 'use_backend');
      proxy.useBackends.push({ name, dynamic: name.includes('%['), where: ctx.where, ...(cond ? { cond } : {}) });
    },
  }),
  proxyKeyword('use-server', {
    parse(ctx, proxy) {
      if (ctx.args.length < 2) return ctx.alert(`'use-server' expects a server name.`);
      const cond = conditionAt(ctx.args, 2);
      if (ctx.args.length > 2 && !cond) return ctx.alert(`'use-server' expects 'if' or 'unless' after the server name.`);
      warnIfMisplaced(ctx, proxy, 'use-server');
      proxy.useServers.push({ args: ctx.args, where: ctx.where });
    },
  }),
  proxyKeyword('acl', {
    parse(ctx, proxy) {
      if (ctx.args.length < 3) return ctx.alert(`'acl' expects an ACL name and a sample fetch (e.g. 'acl is_api path_beg /api').`);
      const name = ctx.args[1]!;
      if (!/^[A-Za-z0-9_.:-]+$/.test(name)) return ctx.alert(`invalid character in ACL name '${name}'.`);
      proxy.acls.push({ args: ctx.args, where: ctx.where });
    },
  }),
  proxyKeyword('balance', {
    parse(ctx, proxy) {
      if (ctx.args.length < 2) return ctx.alert(`'balance' expects an algorithm name (e.g. roundrobin).`);
      const parsed = parseBalance(ctx.args.slice(1));
      if ('error' in parsed) return ctx.alert(parsed.error);
      proxy.balance = { args: ctx.args.slice(1), where: ctx.where };
    },
  }),
  proxyKeyword('hash-type', {
    parse(ctx, proxy) {
      if (ctx.args.length < 2) return ctx.alert(`'hash-type' expects 'map-based' or 'consistent'.`);
      const parsed = parseHashType(ctx.args.slice(1));
      if ('error' in parsed) return ctx.alert(parsed.error);
      proxy.hashType = { args: ctx.args.slice(1), where: ctx.where };
    },
  }),
]);
