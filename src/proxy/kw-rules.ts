/**
 * Rule keywords (http-request, http-response, tcp-request...) and the other keywords whose
 * words are compiled after parsing by the module that runs them. Here each line is checked for
 * its shape (a known action, a well-placed condition) and kept with its location.
 */
import { accessSync, constants } from 'node:fs';
import { parseTime } from '../core/time.js';
import { addKeywords, families, type Keyword, type KeywordContext } from '../config/keywords.js';
import { proxyKeyword } from '../config/proxy-keyword.js';
import type { Proxy } from '../config/model.js';

/** HAProxy 2.6's actions for each rule set. */
export const RULE_ACTIONS: Record<string, string[]> = {
  'http-request': [
    'add-acl', 'add-header', 'allow', 'auth', 'cache-use', 'capture', 'del-acl', 'del-header', 'del-map', 'deny',
    'disable-l7-retry', 'do-resolve', 'early-hint', 'normalize-uri', 'redirect', 'reject', 'replace-header', 'replace-path',
    'replace-pathq', 'replace-uri', 'replace-value', 'return', 'sc-inc-gpc', 'sc-inc-gpc0', 'sc-inc-gpc1', 'sc-set-gpt',
    'sc-set-gpt0', 'send-spoe-group', 'set-dst', 'set-dst-port', 'set-header', 'set-log-level', 'set-map', 'set-mark',
    'set-method', 'set-nice', 'set-path', 'set-pathq', 'set-priority-class', 'set-priority-offset', 'set-query', 'set-src',
    'set-src-port', 'set-timeout', 'set-tos', 'set-uri', 'set-var', 'set-var-fmt', 'silent-drop', 'strict-mode', 'tarpit',
    'track-sc0', 'track-sc1', 'track-sc2', 'unset-var', 'use-service', 'wait-for-body', 'wait-for-handshake',
  ],
  'http-response': [
    'add-acl', 'add-header', 'allow', 'cache-store', 'capture', 'del-acl', 'del-header', 'del-map', 'deny', 'redirect',
    'replace-header', 'replace-value', 'return', 'sc-inc-gpc', 'sc-inc-gpc0', 'sc-inc-gpc1', 'sc-set-gpt', 'sc-set-gpt0',
    'send-spoe-group', 'set-header', 'set-log-level', 'set-map', 'set-mark', 'set-nice', 'set-status', 'set-tos', 'set-var',
    'set-var-fmt', 'silent-drop', 'strict-mode', 'track-sc0', 'track-sc1', 'track-sc2', 'unset-var', 'wait-for-body',
  ],
  'http-after-response': [
    'add-header', 'allow', 'capture', 'del-header', 'replace-header', 'replace-value', 'set-header', 'set-status', 'set-var',
    'set-var-fmt', 'strict-mode', 'unset-var',
  ],
  'tcp-request connection': [
    'accept', 'expect-netscaler-cip', 'expect-proxy', 'reject', 'sc-inc-gpc', 'sc-inc-gpc0', 'sc-inc-gpc1', 'sc-set-gpt',
    'sc-set-gpt0', 'set-dst', 'set-dst-port', 'set-mark', 'set-src', 'set-src-port', 'set-tos', 'set-var', 'set-var-fmt',
    'silent-drop', 'track-sc0', 'track-sc1', 'track-sc2', 'unset-var',
  ],
  'tcp-request content': [
    'accept', 'capture', 'do-resolve', 'reject', 'sc-inc-gpc', 'sc-inc-gpc0', 'sc-inc-gpc1', 'sc-set-gpt', 'sc-set-gpt0',
    'send-spoe-group', 'set-dst', 'set-dst-port', 'set-log-level', 'set-mark', 'set-nice', 'set-priority-class',
    'set-priority-offset', 'set-src', 'set-src-port', 'set-tos', 'set-var', 'set-var-fmt', 'silent-drop', 'switch-mode',
    'track-sc0', 'track-sc1', 'track-sc2', 'unset-var', 'use-service',
  ],
  'tcp-request session': [
    'accept', 'reject', 'sc-inc-gpc', 'sc-inc-gpc0', 'sc-inc-gpc1', 'sc-set-gpt', 'sc-set-gpt0', 'set-dst', 'set-dst-port',
    'set-mark', 'set-src', 'set-src-port', 'set-tos', 'set-var', 'set-var-fmt', 'silent-drop', 'track-sc0', 'track-sc1',
    'track-sc2', 'unset-var',
  ],
  'tcp-response content': [
    'accept', 'close', 'reject', 'sc-inc-gpc', 'sc-inc-gpc0', 'sc-inc-gpc1', 'sc-set-gpt', 'send-spoe-group', 'set-log-level',
    'set-mark', 'set-nice', 'set-tos', 'set-var', 'set-var-fmt', 'silent-drop', 'unset-var',
  ],
};

/** The action word of a rule: "set-var(txn.x)" → "set-var", "sc-inc-gpc0(1)" → "sc-inc-gpc0". */
export function actionName(word: string): string {
  const paren = word.indexOf('(');
  return paren >= 0 ? word.slice(0, paren) : word;
}

function closestAction(actions: string[], word: string): string | undefined {
  let best: string | undefined;
  let score = Infinity;
  for (const a of actions) {
    let common = 0;
    while (common < a.length && common < word.length && a[common] === word[common]) common++;
    const d = Math.max(a.length, word.length) - common;
    if (d < score) (score = d), (best = a);
  }
  return score <= Math.max(3, word.length / 2) ? best : undefined;
}

/**
 * The order HAProxy evaluates rule kinds in, whatever their order in the file. A rule written
 * after a kind evaluated later draws HAProxy's warning, which names the nearest such kind.
 */
const EVALUATION_ORDER = ['tcp-request connection', 'tcp-request session', 'tcp-request content', 'monitor fail', 'http-request', 'redirect', 'use_backend', 'use-server'];

function hasRulesOf(proxy: Proxy, kind: string): boolean {
  if (kind === 'monitor fail') return proxy.monitorFail.length > 0;
  if (kind === 'use_backend') return proxy.useBackends.length > 0;
  if (kind === 'use-server') return proxy.useServers.length > 0;
  return (proxy.rules[kind]?.length ?? 0) > 0;
}

/** Warns, as HAProxy does, when a rule of `kind` follows a rule that is evaluated after it. */
export function warnIfMisplaced(ctx: KeywordContext, proxy: Proxy, kind: string): void {
  const later = EVALUATION_ORDER.slice(EVALUATION_ORDER.indexOf(kind) + 1).find((k) => hasRulesOf(proxy, k));
  if (later === undefined) return;
  const mine = kind.startsWith('tcp-request') ? 'tcp-request' : kind;
  ctx.warning(`a '${mine}' rule placed after ${later === 'http-request' ? 'an' : 'a'} '${later}' rule will still be processed before.`);
}

/** Actions after which, without a condition, HAProxy 2.6 says the following rules never run. */
const FINAL_ACTIONS: Record<string, string[]> = {
  'http-request': ['allow', 'deny', 'tarpit', 'redirect', 'auth', 'return'],
  'http-response': ['allow', 'deny', 'redirect', 'return'],
  'http-after-response': ['allow'],
};

function warnIfUnreachable(ctx: KeywordContext, proxy: Proxy, set: string): void {
  const prev = proxy.rules[set]?.at(-1);
  if (!prev) return;
  const skip = set.split(' ').length;
  const final = FINAL_ACTIONS[set]?.includes(actionName(prev.args[skip] ?? ''));
  if (final && !prev.args.includes('if') && !prev.args.includes('unless')) {
    ctx.warning(`previous '${set}' action is final and has no condition attached, further entries are NOOP.`);
  }
}

/** Whether an error file can be read now; HAProxy loads error files while parsing. */
export function readable(file: string): boolean {
  try {
    accessSync(file, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** `return` with a payload needs a content type (HAProxy refuses it otherwise). */
function checkReturn(ctx: KeywordContext, skip: number): boolean {
  const words = ctx.args.slice(skip + 1);
  const payload = words.some((w) => ['string', 'lf-string', 'file', 'lf-file'].includes(w));
  if (payload && !words.includes('content-type')) {
    const kind = ctx.section.kind === 'listen' ? 'proxy' : ctx.section.kind;
    const name = 'proxy' in ctx.section ? ctx.section.proxy.name : '';
    ctx.alert(`error detected in ${kind} '${name}' while parsing '${ctx.args.slice(0, skip + 1).join(' ')}' rule : a content type must be defined when non-empty payload is configured.`);
    return false;
  }
  return true;
}

function ruleKeyword(set: string): Omit<Keyword, 'module'> {
  const skip = set.split(' ').length;
  return proxyKeyword(set, {
    support: 'parsed',
    note: 'rules are checked and stored; they run with the rules engine',
    parse(ctx: KeywordContext, proxy: Proxy) {
      const word = ctx.args[skip];
      const actions = RULE_ACTIONS[set]!;
      if (word === undefined) return ctx.alert(`'${set}' expects an action (e.g. '${actions[0]}').`);
      const name = actionName(word);
      if (!actions.includes(name)) {
        const s = closestAction(actions, name);
        return ctx.alert(`'${set}' unknown action '${name}'${s ? `; did you mean '${s}' maybe ?` : ''}. Supported actions: ${actions.join(', ')}.`);
      }
      if (name === 'return' && !checkReturn(ctx, skip)) return;
      warnIfUnreachable(ctx, proxy, set);
      if (EVALUATION_ORDER.includes(set)) warnIfMisplaced(ctx, proxy, set);
      (proxy.rules[set] ??= []).push({ args: ctx.args, where: ctx.where });
    },
  });
}

function storedKeyword(name: string, note: string, minArgs = 0, support: Keyword['support'] = 'parsed'): Omit<Keyword, 'module'> {
  return proxyKeyword(name, {
    support,
    note,
    parse(ctx, proxy) {
      const skip = name.split(' ').length;
      if (ctx.args.length - skip < minArgs) return ctx.alert(`'${name}' expects at least ${minArgs} argument(s).`);
      proxy.misc.push({ args: ctx.args, where: ctx.where });
    },
  });
}

const inspectDelay = (name: string) =>
  proxyKeyword(name, {
    support: 'parsed',
    parse(ctx, proxy) {
      const t = parseTime(ctx.args[2] ?? '');
      if (typeof t !== 'number') return ctx.alert(`'${name}' expects a delay: ${t.error}.`);
      proxy.misc.push({ args: ctx.args, where: ctx.where });
    },
  });

for (const fam of ['tcp-request', 'tcp-response']) {
  families.add(fam, {
    name: fam,
    sections: ['defaults', 'frontend', 'listen', 'backend'],
    unknown(ctx, member) {
      const valid = fam === 'tcp-request' ? "'connection', 'session', 'content' or 'inspect-delay'" : "'content' or 'inspect-delay'";
      ctx.alert(`'${fam}' expects ${valid} (got '${member ?? ''}').`);
    },
  });
}

addKeywords('rules', [
  ...Object.keys(RULE_ACTIONS).map(ruleKeyword),
  inspectDelay('tcp-request inspect-delay'),
  inspectDelay('tcp-response inspect-delay'),
  proxyKeyword('redirect', {
    support: 'parsed',
    parse(ctx, proxy) {
      const kind = ctx.args[1];
      if (kind !== 'location' && kind !== 'prefix' && kind !== 'scheme') return ctx.alert(`'redirect' expects 'location', 'prefix' or 'scheme' (got '${kind ?? ''}').`);
      if (ctx.args[2] === undefined) return ctx.alert(`'redirect ${kind}' expects a value.`);
      // Kept apart from http-request rules: HAProxy runs all of those before any `redirect`.
      warnIfMisplaced(ctx, proxy, 'redirect');
      (proxy.rules['redirect'] ??= []).push({ args: ctx.args, where: ctx.where });
    },
  }),
  proxyKeyword('capture cookie', {
    support: 'parsed',
    parse(ctx, proxy) {
      if (ctx.args[2] === undefined || ctx.args[3] !== 'len' || !/^\d+$/.test(ctx.args[4] ?? '')) return ctx.alert(`'capture cookie' expects <cookie_name> 'len' <len>.`);
      proxy.captures.push({ args: ctx.args, where: ctx.where });
    },
  }),
  proxyKeyword('capture request header', {
    support: 'parsed',
    parse(ctx, proxy) {
      if (ctx.args[3] === undefined || ctx.args[4] !== 'len' || !/^\d+$/.test(ctx.args[5] ?? '')) return ctx.alert(`'capture request header' expects <header_name> 'len' <len>.`);
      proxy.captures.push({ args: ctx.args, where: ctx.where });
    },
  }),
  proxyKeyword('capture response header', {
    support: 'parsed',
    parse(ctx, proxy) {
      if (ctx.args[3] === undefined || ctx.args[4] !== 'len' || !/^\d+$/.test(ctx.args[5] ?? '')) return ctx.alert(`'capture response header' expects <header_name> 'len' <len>.`);
      proxy.captures.push({ args: ctx.args, where: ctx.where });
    },
  }),
  storedKeyword('declare capture', "'declare capture request|response len N'", 3),
  proxyKeyword('errorfile', {
    support: 'parsed',
    parse(ctx, proxy) {
      const code = Number(ctx.args[1]);
      if (!/^\d{3}$/.test(ctx.args[1] ?? '') || ctx.args[2] === undefined) return ctx.alert(`'errorfile' expects <status_code> and <file> as arguments.`);
      const supported = [200, 400, 401, 403, 404, 405, 407, 408, 410, 413, 425, 429, 500, 501, 502, 503, 504];
      if (!supported.includes(code)) return ctx.alert(`status code '${code}' not handled by 'errorfile'; supported codes: ${supported.join(', ')}.`);
      const file = ctx.args[2]!.startsWith('/') ? ctx.args[2]! : `${ctx.baseDir}/${ctx.args[2]}`;
      if (!readable(file)) return ctx.alert(`errorfile : error opening file '${ctx.args[2]}'.`);
      proxy.errorfiles[code] = { file, where: ctx.where };
    },
  }),
  proxyKeyword('errorfiles', {
    support: 'parsed',
    parse(ctx, proxy) {
      if (ctx.args[1] === undefined) return ctx.alert(`'errorfiles' expects the name of an http-errors section.`);
      proxy.errorfileSections.push({ args: ctx.args, where: ctx.where });
    },
  }),
  storedKeyword('errorloc', "redirects an error to a location", 2),
  storedKeyword('errorloc302', "redirects an error to a location", 2),
  storedKeyword('errorloc303', "redirects an error to a location", 2),
  storedKeyword('http-error', "'http-error status N ...'", 2),
  proxyKeyword('monitor-uri', {
    support: 'parsed',
    parse(ctx, proxy) {
      if (!ctx.args[1]) return ctx.alert(`'monitor-uri' expects an URI.`);
      proxy.monitorUri = ctx.args[1];
    },
  }),
  proxyKeyword('monitor fail', {
    support: 'parsed',
    parse(ctx, proxy) {
      if (ctx.args[2] !== 'if' && ctx.args[2] !== 'unless') return ctx.alert(`'monitor fail' requires either 'if' or 'unless' followed by a condition.`);
      warnIfMisplaced(ctx, proxy, 'monitor fail');
      proxy.monitorFail.push({ args: ctx.args, where: ctx.where });
    },
  }),
  storedKeyword('stick-table', 'one table per proxy, with expiry, LRU eviction and every 2.6 data type; `peers` synchronisation is not implemented', 2, 'partial'),
  storedKeyword('stick on', 'applied in HTTP backends (checked in TCP ones); a stick match wins over a persistence cookie', 1, 'partial'),
  storedKeyword('stick match', 'applied in HTTP backends (checked in TCP ones); a stick match wins over a persistence cookie', 1, 'partial'),
  storedKeyword('stick store-request', 'applied in HTTP backends (checked in TCP ones); stored with the server that answered', 1, 'partial'),
  storedKeyword('stick store-response', 'applied in HTTP backends (checked in TCP ones); stored before http-response rules run', 1, 'partial'),
  storedKeyword('unique-id-format', 'used by the log module', 1),
  storedKeyword('unique-id-header', 'used by the log module', 1),
  storedKeyword('http-reuse', 'server connections are pooled per backend', 1),
  storedKeyword('http-send-name-header', 'adds the server name to requests', 0),
  storedKeyword('persist rdp-cookie', 'RDP cookie persistence', 0),
  storedKeyword('force-persist', 'cookie persistence override', 2),
  storedKeyword('ignore-persist', 'cookie persistence override', 2),
  storedKeyword('rate-limit sessions', 'frontend session rate limit', 1),
  storedKeyword('max-keep-alive-queue', 'keep-alive queue threshold', 1),
  storedKeyword('compression', 'response compression is not implemented', 1, 'accepted'),
  storedKeyword('filter', 'filters (trace, compression, spoe, bwlim) are not implemented', 1, 'accepted'),
  storedKeyword('email-alert from', 'e-mail alerts need mailers sections, not implemented', 1, 'accepted'),
  storedKeyword('email-alert level', 'e-mail alerts need mailers sections, not implemented', 1, 'accepted'),
  storedKeyword('email-alert mailers', 'e-mail alerts need mailers sections, not implemented', 1, 'accepted'),
  storedKeyword('email-alert myhostname', 'e-mail alerts need mailers sections, not implemented', 1, 'accepted'),
  storedKeyword('email-alert to', 'e-mail alerts need mailers sections, not implemented', 1, 'accepted'),
  storedKeyword('server-state-file-name', 'server state files are not loaded', 0, 'accepted'),
  storedKeyword('load-server-state-from-file', 'server state files are not loaded', 1, 'accepted'),
  storedKeyword('source', 'source address selection needs IP_TRANSPARENT for most forms', 1, 'accepted'),
  storedKeyword('dispatch', 'a single fixed server address', 1),
  storedKeyword('transparent', 'needs IP_TRANSPARENT, which Node does not expose', 0, 'accepted'),
  proxyKeyword('bind-process', {
    support: 'accepted',
    note: 'deprecated in HAProxy 2.6; portico runs listeners in every worker',
    parse(ctx) {
      ctx.warning(`'bind-process' has no effect, is deprecated, and will be removed in version 2.7.`);
    },
  }),
  storedKeyword('clitcpka-cnt', 'TCP keep-alive tuning is not exposed by Node', 1, 'accepted'),
  storedKeyword('clitcpka-idle', 'TCP keep-alive idle time', 1, 'accepted'),
  storedKeyword('clitcpka-intvl', 'TCP keep-alive tuning is not exposed by Node', 1, 'accepted'),
  storedKeyword('srvtcpka-cnt', 'TCP keep-alive tuning is not exposed by Node', 1, 'accepted'),
  storedKeyword('srvtcpka-idle', 'TCP keep-alive idle time', 1, 'accepted'),
  storedKeyword('srvtcpka-intvl', 'TCP keep-alive tuning is not exposed by Node', 1, 'accepted'),
  storedKeyword('external-check command', 'external checks are not run', 1, 'accepted'),
  storedKeyword('external-check path', 'external checks are not run', 1, 'accepted'),
  storedKeyword('use-fcgi-app', 'FastCGI is not implemented', 1, 'accepted'),
]);
