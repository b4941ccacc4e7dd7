/** `http-check ...` and `tcp-check ...` rule lines: kept in order for the checks module to compile. */
import { addKeywords, families } from '../config/keywords.js';
import { proxyKeyword } from '../config/proxy-keyword.js';
import { HAPROXY_PROXY_KEYWORDS } from '../config/haproxy-keywords.js';

const checkKeywords = HAPROXY_PROXY_KEYWORDS.filter((k) => k.name.startsWith('http-check ') || k.name.startsWith('tcp-check ')).map((k) =>
  proxyKeyword(k.name, {
    support: 'parsed',
    note: 'compiled by the health-check module',
    parse(ctx, proxy) {
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
