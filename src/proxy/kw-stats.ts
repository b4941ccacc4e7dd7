/** `stats ...` keywords of proxies (the stats page). The `stats socket` family of global lives with the process keywords. */
import { parseTime } from '../core/time.js';
import { addKeywords, families } from '../config/keywords.js';
import { proxyKeyword } from '../config/proxy-keyword.js';
import { conditionAt } from './kw-basic.js';
import { parseStatsRule } from '../stats/access.js';

addKeywords('stats', [
  proxyKeyword('stats enable', {
    parse(_ctx, proxy) {
      proxy.stats.enabled = true;
    },
  }),
  proxyKeyword('stats uri', {
    parse(ctx, proxy) {
      const uri = ctx.args[2];
      if (!uri) return ctx.alert(`'stats uri' needs an URI prefix.`);
      proxy.stats.uri = uri;
      proxy.stats.enabled = true;
    },
  }),
  proxyKeyword('stats realm', {
    parse(ctx, proxy) {
      if (ctx.args.length < 3) return ctx.alert(`'stats realm' needs a realm name.`);
      proxy.stats.realm = ctx.args.slice(2).join(' ');
      proxy.stats.enabled = true;
    },
  }),
  proxyKeyword('stats auth', {
    parse(ctx, proxy) {
      const cred = ctx.args[2];
      const colon = cred?.indexOf(':') ?? -1;
      if (!cred || colon < 0) return ctx.alert(`'stats auth' needs a user:password account.`);
      proxy.stats.auth.push({ user: cred.slice(0, colon), password: cred.slice(colon + 1) });
      proxy.stats.enabled = true;
    },
  }),
  proxyKeyword('stats refresh', {
    parse(ctx, proxy) {
      const t = parseTime(ctx.args[2] ?? '');
      if (typeof t !== 'number') return ctx.alert(`'stats refresh' expects <delay> as argument: ${t.error}.`);
      proxy.stats.refresh = t;
      proxy.stats.enabled = true;
    },
  }),
  proxyKeyword('stats hide-version', {
    parse(_ctx, proxy) {
      proxy.stats.hideVersion = true;
      proxy.stats.enabled = true;
    },
  }),
  proxyKeyword('stats show-legends', {
    parse(_ctx, proxy) {
      proxy.stats.showLegends = true;
      proxy.stats.enabled = true;
    },
  }),
  proxyKeyword('stats show-node', {
    parse(ctx, proxy) {
      proxy.stats.showNode = ctx.args[2] ?? true;
      proxy.stats.enabled = true;
    },
  }),
  proxyKeyword('stats show-desc', {
    parse(ctx, proxy) {
      proxy.stats.showDesc = ctx.args.length > 2 ? ctx.args.slice(2).join(' ') : true;
      proxy.stats.enabled = true;
    },
  }),
  proxyKeyword('stats scope', {
    parse(ctx, proxy) {
      if (!ctx.args[2]) return ctx.alert(`'stats scope' needs a proxy name ('.' for this proxy).`);
      proxy.stats.scopes.push(ctx.args[2]);
      proxy.stats.enabled = true;
    },
  }),
  proxyKeyword('stats admin', {
    parse(ctx, proxy) {
      if (!conditionAt(ctx.args, 2)) return ctx.alert(`'stats admin' requires either 'if' or 'unless' followed by a condition.`);
      proxy.stats.admin = { args: ctx.args.slice(2), where: ctx.where };
      proxy.stats.enabled = true;
    },
  }),
  proxyKeyword('stats http-request', {
    parse(ctx, proxy) {
      const words = ctx.args.slice(2);
      const r = parseStatsRule(words);
      if ('error' in r) {
        const side = proxy.kind === 'listen' ? 'proxy' : proxy.kind;
        return ctx.alert(r.inRule ? `error detected in ${side} '${proxy.name}' while parsing '${r.inRule}' rule : ${r.error}` : r.error);
      }
      const rules = proxy.stats.httpRequest;
      const last = rules[rules.length - 1];
      if (last && !last.args.some((w) => w === 'if' || w === 'unless')) {
        ctx.warning(`previous 'stats' action has no condition attached, further entries are NOOP.`);
      }
      rules.push({ args: words, where: ctx.where });
      proxy.stats.enabled = true;
    },
  }),
]);

families.add('stats', {
  name: 'stats',
  sections: ['global', 'defaults', 'frontend', 'listen', 'backend'],
  unknown(ctx, member, suggestion) {
    const valid =
      ctx.section.kind === 'global'
        ? "'socket', 'timeout', 'maxconn' or 'bind-process'"
        : "'admin', 'auth', 'enable', 'hide-version', 'http-request', 'realm', 'refresh', 'scope', 'show-desc', 'show-legends', 'show-node' or 'uri'";
    ctx.alert(`'stats' expects ${valid} (got '${member ?? ''}')${suggestion ? `; did you mean 'stats ${suggestion}' maybe ?` : '.'}`);
  },
});
