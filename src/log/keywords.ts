/** `log`, `no log`, `log-format`, `log-tag` and friends, in global and in proxies. */
import { addKeywords, type KeywordContext } from '../config/keywords.js';
import { globalKeyword, proxyKeyword } from '../config/proxy-keyword.js';
import type { LogTarget } from '../config/model.js';

export const SYSLOG_FACILITIES = [
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'auth2', 'ftp', 'ntp', 'audit', 'alert',
  'cron2', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7',
];
export const SYSLOG_LEVELS = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'];
export const LOG_FORMATS = ['local', 'rfc3164', 'rfc5424', 'priority', 'short', 'timed', 'iso', 'raw'];

/** Parses `log <target> [len N] [format F] [sample R:S] <facility> [level [minlevel]]`. */
export function parseLogLine(ctx: KeywordContext): LogTarget | undefined {
  const words = ctx.args.slice(1);
  const target = words[0];
  if (target === undefined) {
    ctx.alert(`'log' expects either <address[:port]> and <facility> or 'global' as arguments.`);
    return undefined;
  }
  if (target === 'global') {
    if (words.length > 1) ctx.alert(`'log global' does not take any other argument.`);
    return { where: ctx.where, target };
  }
  const t: LogTarget = { where: ctx.where, target };
  let i = 1;
  while (i < words.length) {
    const w = words[i]!;
    if (w === 'len' || w === 'format' || w === 'sample') {
      const v = words[i + 1];
      if (v === undefined) {
        ctx.alert(`'log' : '${w}' expects an argument.`);
        return undefined;
      }
      if (w === 'len') {
        if (!/^\d+$/.test(v) || Number(v) < 80 || Number(v) > 65535) {
          ctx.alert(`'log' : invalid log length '${v}', must be between 80 and 65535.`);
          return undefined;
        }
        t.len = Number(v);
      } else if (w === 'format') {
        if (!LOG_FORMATS.includes(v)) {
          ctx.alert(`'log' : unknown log format '${v}' (expected one of ${LOG_FORMATS.join(', ')}).`);
          return undefined;
        }
        t.format = v;
      } else {
        if (!/^[\d,\-]+:\d+$/.test(v)) {
          ctx.alert(`'log' : invalid sample '${v}' (expected <ranges>:<size>, e.g. 1:2).`);
          return undefined;
        }
        t.sample = v;
      }
      i += 2;
      continue;
    }
    break;
  }
  const facility = words[i];
  if (facility === undefined) {
    ctx.alert(`'log ${target}' : missing facility (e.g. local0).`);
    return undefined;
  }
  if (!SYSLOG_FACILITIES.includes(facility)) {
    ctx.alert(`unknown log facility '${facility}'.`);
    return undefined;
  }
  t.facility = facility;
  const level = words[i + 1];
  const minlevel = words[i + 2];
  for (const l of [level, minlevel]) {
    if (l !== undefined && !SYSLOG_LEVELS.includes(l)) {
      ctx.alert(`unknown optional log level '${l}'.`);
      return undefined;
    }
  }
  if (level !== undefined) t.level = level;
  if (minlevel !== undefined) t.minlevel = minlevel;
  if (words.length > i + 3) {
    ctx.alert(`'log' : too many arguments after the levels ('${words.slice(i + 3).join(' ')}').`);
    return undefined;
  }
  return t;
}

addKeywords('log', [
  {
    name: 'log',
    sections: ['global', 'defaults', 'frontend', 'listen', 'backend'],
    negatable: true,
    support: 'full',
    note: 'UDP (IPv4/IPv6), UNIX datagram sockets (optional unix-dgram package), stdout/stderr/fd@N; ring@ is not supported',
    parse(ctx) {
      const s = ctx.section;
      if (ctx.negated) {
        if (s.kind === 'global') return ctx.alert(`'no log' is not supported in the global section.`);
        if ('proxy' in s) {
          s.proxy.logs = [];
          s.proxy.noLog = true;
        }
        return;
      }
      const t = parseLogLine(ctx);
      if (!t) return;
      if (s.kind === 'global') {
        if (t.target === 'global') return ctx.alert(`'log global' makes no sense in the global section.`);
        s.global.logs.push(t);
      } else if ('proxy' in s) {
        s.proxy.logs.push(t);
        s.proxy.noLog = false;
      }
    },
  },
  globalKeyword('log-send-hostname', {
    support: 'full',
    parse(ctx, g) {
      g.logSendHostname = ctx.args[1] ?? true;
    },
  }),
  {
    name: 'log-tag',
    sections: ['global', 'defaults', 'frontend', 'listen', 'backend'],
    support: 'full',
    parse(ctx) {
      const tag = ctx.args[1];
      if (!tag) return ctx.alert(`'log-tag' expects a tag name.`);
      if (ctx.section.kind === 'global') ctx.section.global.logTag = tag;
      else if ('proxy' in ctx.section) ctx.section.proxy.logTag = tag;
    },
  },
  ...['log-format', 'log-format-sd', 'error-log-format'].map((name) =>
    proxyKeyword(name, {
      support: 'full',
      parse(ctx, proxy) {
        if (ctx.args.length < 2) return ctx.alert(`'${name}' expects a format string.`);
        if (ctx.args.length > 2) return ctx.alert(`'${name}' expects only one argument; quote the format string ("...").`);
        if (name === 'log-format') proxy.logFormat = { args: ctx.args, where: ctx.where };
        else proxy.misc.push({ args: ctx.args, where: ctx.where });
      },
    }),
  ),
]);
