/**
 * Keywords from older HAProxy versions that tutorials still show. Where the meaning is clear
 * (redispatch, contimeout...), portico accepts the old form with a warning giving the modern
 * spelling; where HAProxy removed a whole mechanism (reqadd, rsprep...), it alerts with the
 * replacement, as HAProxy 2.6 does.
 */
import { parseTime } from '../core/time.js';
import { addKeywords } from '../config/keywords.js';
import { proxyKeyword } from '../config/proxy-keyword.js';
import type { TimeoutName } from '../config/model.js';

const OLD_TIMEOUTS: Record<string, TimeoutName> = { contimeout: 'connect', clitimeout: 'client', srvtimeout: 'server' };

const timeoutAliases = Object.entries(OLD_TIMEOUTS).map(([old, modern]) =>
  proxyKeyword(old, {
    sections: modern === 'client' ? 'dfl' : 'dlb',
    support: 'legacy',
    note: `use 'timeout ${modern}'`,
    parse(ctx, proxy) {
      const v = parseTime(ctx.args[1] ?? '');
      if (typeof v !== 'number') return ctx.alert(`'${old}': ${v.error}.`);
      ctx.warning(`'${old}' was removed in HAProxy 2.1; portico accepts it as 'timeout ${modern} ${ctx.args[1]}'. Modern form: 'timeout ${modern} ${ctx.args[1]}'.`);
      proxy.timeouts[modern] = v;
    },
  }),
);

/** Regex-based header rewriting removed in HAProxy 2.1, with the rule that replaces each. */
const REMOVED_21: Record<string, string> = {
  reqadd: "'http-request add-header'",
  reqdel: "'http-request del-header'",
  reqidel: "'http-request del-header'",
  reqrep: "'http-request replace-path', 'http-request replace-uri' or 'http-request replace-header'",
  reqirep: "'http-request replace-path', 'http-request replace-uri' or 'http-request replace-header'",
  reqallow: "'http-request allow'",
  reqiallow: "'http-request allow'",
  reqdeny: "'http-request deny'",
  reqideny: "'http-request deny'",
  reqtarpit: "'http-request tarpit'",
  reqitarpit: "'http-request tarpit'",
  reqpass: "nothing (remove it)",
  reqipass: "nothing (remove it)",
  reqsetbe: "'use_backend' with an ACL",
  reqisetbe: "'use_backend' with an ACL",
  rspadd: "'http-response add-header'",
  rspdel: "'http-response del-header'",
  rspidel: "'http-response del-header'",
  rsprep: "'http-response replace-header'",
  rspirep: "'http-response replace-header'",
  rspdeny: "'http-response deny'",
  rspideny: "'http-response deny'",
};

const removedRewrites = Object.entries(REMOVED_21).map(([old, modern]) =>
  proxyKeyword(old, {
    sections: 'dflb',
    support: 'removed',
    note: `use ${modern}`,
    parse(ctx) {
      ctx.alert(`The '${old}' directive is not supported anymore since HAProxy 2.1. Use ${modern} instead.`);
    },
  }),
);

addKeywords('proxy', [
  ...timeoutAliases,
  ...removedRewrites,
  proxyKeyword('redispatch', {
    sections: 'dlb',
    support: 'legacy',
    note: "use 'option redispatch'",
    parse(ctx, proxy) {
      ctx.warning(`'redispatch' was removed in HAProxy 2.1; portico accepts it as 'option redispatch'. Modern form: 'option redispatch'.`);
      proxy.options['redispatch'] = true;
    },
  }),
  proxyKeyword('block', {
    sections: 'dflb',
    support: 'removed',
    note: "use 'http-request deny'",
    parse(ctx) {
      ctx.alert(`The 'block' directive is not supported anymore since HAProxy 2.1. Use 'http-request deny' which uses the exact same syntax.`);
    },
  }),
  proxyKeyword('monitor-net', {
    sections: 'dfl',
    support: 'removed',
    note: "use 'http-request return status 200 if { src NET }'",
    parse(ctx) {
      ctx.alert(`'monitor-net' doesn't exist anymore. Please use 'http-request return status 200 if { src ${ctx.args[1] ?? 'NET'} }' instead.`);
    },
  }),
  proxyKeyword('appsession', {
    sections: 'dlb',
    support: 'removed',
    note: "use 'stick-table' with 'stick on req.cook(NAME)'",
    parse(ctx) {
      ctx.alert(`'appsession' is not supported anymore since HAProxy 1.6; use a 'stick-table' with 'stick on req.cook(${ctx.args[1] ?? 'NAME'})'.`);
    },
  }),
  proxyKeyword('option forceclose', {
    sections: 'dflb',
    support: 'removed',
    note: "use 'option httpclose'",
    parse(ctx) {
      ctx.alert(`option 'forceclose' is not supported any more since HAProxy 2.0, please just remove it, or use 'option httpclose' if absolutely needed.`);
    },
  }),
  proxyKeyword('option http_proxy', {
    sections: 'dflb',
    support: 'removed',
    note: "use 'http-request set-dst' and 'http-request set-uri'",
    parse(ctx) {
      ctx.alert(`option 'http_proxy' is not supported any more since HAProxy 2.5; use 'http-request set-dst' with 'http-request set-uri'.`);
    },
  }),
]);
