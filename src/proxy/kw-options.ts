/**
 * `option NAME [args]` for every option HAProxy 2.6 knows. On/off options are stored in
 * proxy.options (last one wins, `no option X` sets false, `default option X` forgets it);
 * options with arguments keep their words in proxy.optionArgs for the module that compiles them.
 */
import { addKeywords, families, type Keyword, type Support } from '../config/keywords.js';
import { proxyKeyword } from '../config/proxy-keyword.js';
import { HAPROXY_PROXY_KEYWORDS } from '../config/haproxy-keywords.js';
import { parseCheckOption } from '../checks/options.js';
import { parseNetwork } from '../sample/ip.js';
import { parseForwardedArgs } from '../http/forwarded.js';

/** Options that choose or tune the health check of a backend: the checks module parses them. */
const CHECK_OPTIONS = new Set(['httpchk', 'mysql-check', 'pgsql-check', 'redis-check', 'smtpchk', 'ldap-check', 'ssl-hello-chk', 'tcp-check', 'log-health-checks']);
import type { Proxy } from '../config/model.js';

/** Options that take arguments, with the most arguments each accepts. */
const WITH_ARGS: Record<string, number> = {
  forwardfor: 5,
  originalto: 4,
  httpchk: 3,
  httplog: 1,
  httpslog: 0,
  tcplog: 0,
  'mysql-check': 3,
  'pgsql-check': 2,
  'redis-check': 0,
  smtpchk: 2,
  'ldap-check': 0,
  'ssl-hello-chk': 0,
  'tcp-check': 0,
  'spop-check': 0,
  'external-check': 0,
  'http-restrict-req-hdr-names': 1,
  redispatch: 1,
};

/** Connection modes are exclusive: the last one set wins, as in HAProxy. */
const CONN_MODES = ['http-keep-alive', 'http-server-close', 'httpclose'];

/** What portico does with each option today; the coverage table reads this. */
const SUPPORT: Record<string, { support: Support; note?: string }> = {
  checkcache: { support: 'accepted', note: 'no effect' },
  clitcpka: { support: 'full' },
  contstats: { support: 'accepted', note: 'counters are always continuous' },
  'disable-h2-upgrade': { support: 'accepted' },
  'h1-case-adjust-bogus-client': { support: 'accepted', note: 'header names are sent lower-case' },
  'h1-case-adjust-bogus-server': { support: 'accepted', note: 'header names are sent lower-case' },
  'http-no-delay': { support: 'accepted', note: 'Nagle is always off' },
  'http-pretend-keepalive': { support: 'accepted' },
  'http-restrict-req-hdr-names': { support: 'partial' },
  'http-use-proxy-header': { support: 'accepted' },
  'independent-streams': { support: 'accepted' },
  'external-check': { support: 'accepted', note: 'external checks are not run' },
  nolinger: { support: 'accepted' },
  'splice-auto': { support: 'accepted', note: 'Node copies through user space' },
  'splice-request': { support: 'accepted', note: 'Node copies through user space' },
  'splice-response': { support: 'accepted', note: 'Node copies through user space' },
  'spop-check': { support: 'accepted', note: 'SPOP checks are not run' },
  srvtcpka: { support: 'full' },
  'tcp-smart-accept': { support: 'accepted' },
  'tcp-smart-connect': { support: 'accepted' },
  tcpka: { support: 'full' },
  transparent: { support: 'accepted', note: 'needs IP_TRANSPARENT, which Node does not expose' },
  'idle-close-on-response': { support: 'accepted' },
};

function setOption(proxy: Proxy, name: string, value: boolean | undefined): void {
  if (value === true && CONN_MODES.includes(name)) for (const m of CONN_MODES) delete proxy.options[m];
  if (value === undefined) delete proxy.options[name];
  else proxy.options[name] = value;
}

const optionKeywords: Omit<Keyword, 'module'>[] = HAPROXY_PROXY_KEYWORDS.filter((k) => k.name.startsWith('option ')).map((k) => {
  const name = k.name.slice('option '.length);
  const maxArgs = WITH_ARGS[name] ?? 0;
  const info = SUPPORT[name] ?? { support: 'full' as Support };
  return proxyKeyword(k.name, {
    support: info.support,
    note: info.note,
    negatable: k.negatable,
    parse(ctx, proxy) {
      const extra = ctx.args.slice(2);
      // HAProxy 2.6 parses `default option X` but then refuses it; so does portico.
      if (ctx.restored) return ctx.alert(`'default option ${name}' is not supported by HAProxy 2.6: remove the line, or use 'no option ${name}' to cancel the option.`);
      if (ctx.negated) {
        if (extra.length > 0) return ctx.alert(`'${ctx.args[0]} ${name}' does not take arguments after 'no'/'default'.`);
        setOption(proxy, name, false);
        if (name in WITH_ARGS) delete proxy.optionArgs[name];
        return;
      }
      if (extra.length > maxArgs) {
        // HAProxy's wording for on/off options given arguments.
        return ctx.alert(maxArgs === 0 ? `'option ${name}' cannot handle any argument.` : `'option ${name}' takes at most ${maxArgs} argument(s) (got ${extra.length}).`);
      }
      if (name === 'http-restrict-req-hdr-names' && !['preserve', 'reject', 'delete'].includes(extra[0] ?? '')) {
        return ctx.alert(`missing parameter. option 'http-restrict-req-hdr-names' expects 'preserve', 'reject' or 'delete' option.`);
      }
      if (name === 'redispatch' && extra[0] !== undefined && !/^[+-]?\d+$/.test(extra[0])) {
        return ctx.alert(`'option redispatch' takes an optional interval, an integer (every Nth retry; negative: the Nth before the last; 0: only when the server is down), not '${extra[0]}'.`);
      }
      if (name === 'forwardfor' || name === 'originalto') {
        const i = extra.indexOf('except');
        if (i >= 0 && (extra[i + 1] === undefined || parseNetwork(extra[i + 1]!) === undefined)) {
          return ctx.alert(`'option ${name} except' expects <address>[/mask] as argument.`);
        }
      }
      if (CHECK_OPTIONS.has(name)) {
        const r = parseCheckOption(ctx.args, proxy.checkConfig);
        if ('error' in r) return ctx.alert(r.error);
      }
      setOption(proxy, name, true);
      if (name in WITH_ARGS) proxy.optionArgs[name] = { args: ctx.args, where: ctx.where };
    },
  });
});

families.add('option', {
  name: 'option',
  sections: ['defaults', 'frontend', 'listen', 'backend'],
  unknown(ctx, member, suggestion) {
    if (member === undefined) return ctx.alert(`'option' expects an option name.`);
    if (ctx.negated || ctx.restored) return ctx.alert(`negation/default is not supported for option '${member}'.`);
    ctx.alert(`unknown option '${member}'${suggestion ? `; did you mean '${suggestion}' maybe ?` : '.'}`);
  },
});

/**
 * `option forwarded` (RFC 7239): HAProxy 2.8's option, offered as a portico extension. The words
 * are checked here; the rules compiler turns its expressions into samples.
 */
const forwardedKeyword = proxyKeyword('option forwarded', {
  sections: 'dlb',
  negatable: true,
  note: 'portico extension: the RFC 7239 Forwarded header, in the syntax HAProxy 2.8 added',
  parse(ctx, proxy) {
    if (ctx.restored) return ctx.alert(`'default option forwarded' is not supported: remove the line, or use 'no option forwarded' to cancel the option.`);
    if (ctx.negated) {
      if (ctx.args.length > 2) return ctx.alert(`'no option forwarded' does not take arguments.`);
      setOption(proxy, 'forwarded', false);
      delete proxy.optionArgs['forwarded'];
      return;
    }
    const r = parseForwardedArgs(ctx.args.slice(2));
    if ('error' in r) return ctx.alert(r.error);
    setOption(proxy, 'forwarded', true);
    proxy.optionArgs['forwarded'] = { args: ctx.args, where: ctx.where };
  },
});

addKeywords('proxy', [...optionKeywords, forwardedKeyword]);
