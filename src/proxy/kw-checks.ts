/** `http-check ...` and `tcp-check ...` rule lines: kept in order for the checks module to compile. */
import { addKeywords, families } from '../config/keywords.js';
import { proxyKeyword } from '../config/proxy-keyword.js';
import { HAPROXY_PROXY_KEYWORDS } from '../config/haproxy-keywords.js';
import { parseHttpCheck, parseTcpCheck } from '../checks/options.js';

/** Check rule members the checks module does not run yet. */
const NOT_APPLIED = new Set([
  'http-check set-var',
  'http-check unset-var',
  'tcp-check set-var',
  'tcp-check unset-var',
  // log-format payloads in checks need the check context variables: not evaluated yet.
  'tcp-check send-lf',
  'tcp-check send-binary-lf',
]);

const checkKeywords = HAPROXY_PROXY_KEYWORDS.filter((k) => k.name.startsWith('http-check ') || k.name.startsWith('tcp-check ')).map((k) =>
  proxyKeyword(k.name, {
    support: NOT_APPLIED.has(k.name) ? 'parsed' : 'full',
    note: NOT_APPLIED.has(k.name) ? 'accepted with a warning; not applied to checks yet' : undefined,
    parse(ctx, proxy) {
      if (NOT_APPLIED.has(k.name)) {
        ctx.warning(`'${k.name}' is not applied to health checks by portico yet; the line is ignored.`);
      } else {
        const r = k.name.startsWith('http-check ') ? parseHttpCheck(ctx.args, proxy.checkConfig) : parseTcpCheck(ctx.args, proxy.checkConfig);
        if ('error' in r) return ctx.alert(r.error);
      }
      proxy.checks.push({ args: ctx.args, where: ctx.where });
    },
  }),
);

for (const fam of ['http-check', 'tcp-check']) {
  families.add(fam, {
    name: fam,
    sections: ['defaults', 'listen', 'backend', 'frontend'],
    unknown(ctx, member, suggestion) {
      const members = HAPROXY_PROXY_KEYWORDS.filter((k) => k.name.startsWith(`${fam} `)).map((k) => `'${k.name.slice(fam.length + 1)}'`);
      ctx.alert(`'${fam}' only supports ${members.join(', ')} (got '${member ?? ''}')${suggestion ? `; did you mean '${suggestion}' maybe ?` : '.'}`);
    },
  });
}

addKeywords('checks', checkKeywords);
