/**
 * Check keywords for the config parser: the server/default-server options as a table,
 * and the proxy-level `option *chk`, `http-check`, `tcp-check` keywords as functions.
 * All pure: they fill plain objects and return {ok} or {error} with HAProxy-like wording.
 */
import { parseTime } from '../core/time.js';
import { agentCheck, defaultCheck, httpCheck, ldapCheck, mysqlCheck, pgsqlCheck, redisCheck, smtpCheck, sslHelloCheck, tcpCheck, type HttpchkOption } from './kinds.js';
import { parseHex, type ConnectRule, type ExpectRule, type HeaderMatchMethod, type HttpRequestSpec, type Rule, type Ruleset } from './rules.js';
import { isCheckStatus, type CheckStatus } from './status.js';
import type { InitState, OnError } from './scheduler.js';

export type Result = { ok: true } | { error: string };
const OK: Result = { ok: true };
const err = (error: string): Result => ({ error });

export interface ServerCheckOptions {
  check?: boolean;
  inter?: number;
  fastinter?: number;
  downinter?: number;
  rise?: number;
  fall?: number;
  port?: number;
  addr?: string;
  checkSendProxy?: boolean;
  checkSsl?: boolean;
  checkSni?: string;
  checkAlpn?: string;
  agentCheck?: boolean;
  agentPort?: number;
  agentInter?: number;
  agentAddr?: string;
  agentSend?: string;
  observe?: 'layer4' | 'layer7';
  errorLimit?: number;
  onError?: OnError;
  onMarkedDown?: 'shutdown-sessions';
  onMarkedUp?: 'shutdown-backup-sessions';
  slowstart?: number;
  track?: { proxy?: string; server: string };
  initState?: InitState;
}

export interface ServerCheckKeyword {
  keyword: string;
  /** Number of words after the keyword. */
  args: number;
  apply(opts: ServerCheckOptions, args: string[]): Result;
}

function time(kw: string, v: string | undefined, set: (ms: number) => void, allowZero = false): Result {
  if (v === undefined) return err(`'${kw}' expects a time value (e.g. 2s, 500ms).`);
  const t = parseTime(v);
  if (typeof t !== 'number') return err(`'${kw}' : ${t.error}`);
  if (t <= 0 && !allowZero) return err(`'${kw}' has to be > 0.`);
  set(t);
  return OK;
}

function count(kw: string, v: string | undefined, set: (n: number) => void): Result {
  if (v === undefined || !/^-?\d+$/.test(v)) return err(`'${kw}' expects an integer argument.`);
  const n = Number(v);
  if (n <= 0) return err(`'${kw}' has to be > 0.`);
  set(n);
  return OK;
}

function port(kw: string, v: string | undefined, set: (p: number) => void): Result {
  const n = v !== undefined && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!(n >= 1 && n <= 65535)) return err(`'${kw}' expects a valid TCP port (from range 1 to 65535), got ${v ?? 'nothing'}.`);
  set(n);
  return OK;
}

function oneOf<T extends string>(kw: string, v: string | undefined, allowed: readonly T[], set: (x: T) => void): Result {
  if (v === undefined || !(allowed as readonly string[]).includes(v)) {
    const list = allowed.map((a) => `'${a}'`);
    const text = list.length > 1 ? `${list.slice(0, -1).join(', ')} or ${list.at(-1)}` : list[0];
    return err(`'${kw}' expects one of ${text} but got '${v ?? ''}'.`);
  }
  set(v as T);
  return OK;
}

/** The server-line check options; plug each into the `server` / `default-server` keyword parser. */
export const SERVER_CHECK_KEYWORDS: readonly ServerCheckKeyword[] = [
  { keyword: 'check', args: 0, apply: (o) => ((o.check = true), OK) },
  { keyword: 'no-check', args: 0, apply: (o) => ((o.check = false), OK) },
  { keyword: 'inter', args: 1, apply: (o, [v]) => time('inter', v, (t) => (o.inter = t)) },
  { keyword: 'fastinter', args: 1, apply: (o, [v]) => time('fastinter', v, (t) => (o.fastinter = t)) },
  { keyword: 'downinter', args: 1, apply: (o, [v]) => time('downinter', v, (t) => (o.downinter = t)) },
  { keyword: 'rise', args: 1, apply: (o, [v]) => count('rise', v, (n) => (o.rise = n)) },
  { keyword: 'fall', args: 1, apply: (o, [v]) => count('fall', v, (n) => (o.fall = n)) },
  { keyword: 'port', args: 1, apply: (o, [v]) => port('port', v, (p) => (o.port = p)) },
  { keyword: 'addr', args: 1, apply: (o, [v]) => (v ? ((o.addr = v), OK) : err("'addr' expects <ipv4|ipv6> as argument.")) },
  { keyword: 'check-send-proxy', args: 0, apply: (o) => ((o.checkSendProxy = true), OK) },
  { keyword: 'no-check-send-proxy', args: 0, apply: (o) => ((o.checkSendProxy = false), OK) },
  { keyword: 'check-ssl', args: 0, apply: (o) => ((o.checkSsl = true), OK) },
  { keyword: 'no-check-ssl', args: 0, apply: (o) => ((o.checkSsl = false), OK) },
  { keyword: 'check-sni', args: 1, apply: (o, [v]) => (v ? ((o.checkSni = v), OK) : err("'check-sni' expects a string as argument.")) },
  { keyword: 'check-alpn', args: 1, apply: (o, [v]) => (v ? ((o.checkAlpn = v), OK) : err("'check-alpn' expects a protocol list as argument.")) },
  { keyword: 'agent-check', args: 0, apply: (o) => ((o.agentCheck = true), OK) },
  { keyword: 'no-agent-check', args: 0, apply: (o) => ((o.agentCheck = false), OK) },
  { keyword: 'agent-port', args: 1, apply: (o, [v]) => port('agent-port', v, (p) => (o.agentPort = p)) },
  { keyword: 'agent-inter', args: 1, apply: (o, [v]) => time('agent-inter', v, (t) => (o.agentInter = t)) },
  { keyword: 'agent-addr', args: 1, apply: (o, [v]) => (v ? ((o.agentAddr = v), OK) : err("'agent-addr' expects an address as argument.")) },
  { keyword: 'agent-send', args: 1, apply: (o, [v]) => (v !== undefined ? ((o.agentSend = v), OK) : err("'agent-send' expects a string as argument.")) },
  { keyword: 'observe', args: 1, apply: (o, [v]) => (v === 'none' ? (delete o.observe, OK) : oneOf('observe', v, ['none', 'layer4', 'layer7'] as const, (m) => (o.observe = m as 'layer4' | 'layer7'))) },
  { keyword: 'error-limit', args: 1, apply: (o, [v]) => count('error-limit', v, (n) => (o.errorLimit = n)) },
  { keyword: 'on-error', args: 1, apply: (o, [v]) => oneOf('on-error', v, ['fastinter', 'fail-check', 'sudden-death', 'mark-down'] as const, (m) => (o.onError = m)) },
  { keyword: 'on-marked-down', args: 1, apply: (o, [v]) => oneOf('on-marked-down', v, ['shutdown-sessions'] as const, (m) => (o.onMarkedDown = m)) },
  { keyword: 'on-marked-up', args: 1, apply: (o, [v]) => oneOf('on-marked-up', v, ['shutdown-backup-sessions'] as const, (m) => (o.onMarkedUp = m)) },
  { keyword: 'slowstart', args: 1, apply: (o, [v]) => time('slowstart', v, (t) => (o.slowstart = t), true) },
  {
    keyword: 'track',
    args: 1,
    apply: (o, [v]) => {
      if (!v) return err("'track' expects [<proxy>/]<server> as argument.");
      const slash = v.indexOf('/');
      o.track = slash >= 0 ? { proxy: v.slice(0, slash), server: v.slice(slash + 1) } : { server: v };
      return OK;
    },
  },
  // Not in HAProxy 2.6 (added in 3.1); portico accepts it.
  { keyword: 'init-state', args: 1, apply: (o, [v]) => oneOf('init-state', v, ['fully-up', 'up', 'down', 'fully-down'] as const, (m) => (o.initState = m)) },
];

export interface ResolvedServerChecks {
  check: boolean;
  inter: number;
  fastinter: number;
  downinter: number;
  rise: number;
  fall: number;
  agentInter: number;
  errorLimit: number;
  onError: OnError;
}

/** HAProxy's defaults where unset: inter 2s, rise 2, fall 3, fastinter/downinter = inter, error-limit 10, on-error fail-check. */
export function resolveServerChecks(o: ServerCheckOptions): ResolvedServerChecks {
  const inter = o.inter ?? 2000;
  return {
    check: o.check === true,
    inter,
    fastinter: o.fastinter ?? inter,
    downinter: o.downinter ?? inter,
    rise: o.rise ?? 2,
    fall: o.fall ?? 3,
    agentInter: o.agentInter ?? 2000,
    errorLimit: o.errorLimit ?? 10,
    onError: o.onError ?? 'fail-check',
  };
}

/** Everything a proxy (defaults/backend/listen) says about checks. */
export interface ProxyCheckConfig {
  type: 'tcp' | 'httpchk' | 'tcp-check' | 'mysql-check' | 'pgsql-check' | 'redis-check' | 'smtpchk' | 'ldap-check' | 'ssl-hello-chk';
  httpchk: HttpchkOption;
  httpRules: Rule[];
  tcpRules: Rule[];
  disableOn404: boolean;
  sendState: boolean;
  logHealthChecks: boolean;
  mysql?: { user: string; variant: 'post-41' | 'pre-41' };
  pgsqlUser?: string;
  smtp?: { hello: string; domain: string };
}

export function newProxyCheckConfig(): ProxyCheckConfig {
  return { type: 'tcp', httpchk: {}, httpRules: [], tcpRules: [], disableOn404: false, sendState: false, logHealthChecks: false };
}

/** Copies a defaults section's check config into a proxy that inherits it. */
export function copyProxyCheckConfig(c: ProxyCheckConfig): ProxyCheckConfig {
  return { ...c, httpchk: { ...c.httpchk }, httpRules: [...c.httpRules], tcpRules: [...c.tcpRules] };
}

/** `option httpchk|mysql-check|pgsql-check|redis-check|smtpchk|ldap-check|ssl-hello-chk|tcp-check|log-health-checks`; words start at `option`. */
export function parseCheckOption(words: string[], cfg: ProxyCheckConfig): Result {
  const [, name, ...args] = words;
  const tooMany = (max: number): Result | undefined => (args.length > max ? err(`'option ${name}' cannot handle unexpected argument '${args[max]}'.`) : undefined);
  switch (name) {
    case 'httpchk': {
      const bad = tooMany(3);
      if (bad) return bad;
      cfg.type = 'httpchk';
      if (args.length === 1) cfg.httpchk = { uri: args[0]! };
      else if (args.length === 2) cfg.httpchk = { method: args[0]!, uri: args[1]! };
      else if (args.length === 3) cfg.httpchk = { method: args[0]!, uri: args[1]!, version: args[2]! };
      else cfg.httpchk = {};
      return OK;
    }
    case 'tcp-check':
      cfg.type = 'tcp-check';
      return tooMany(0) ?? OK;
    case 'log-health-checks':
      cfg.logHealthChecks = true;
      return tooMany(0) ?? OK;
    case 'redis-check':
    case 'ldap-check':
    case 'ssl-hello-chk':
      cfg.type = name;
      return tooMany(0) ?? OK;
    case 'smtpchk': {
      const bad = tooMany(2);
      if (bad) return bad;
      cfg.type = 'smtpchk';
      if (args.length === 2 && /^(HELO|EHLO)/.test(args[0]!)) cfg.smtp = { hello: args[0]!, domain: args[1]! };
      else delete cfg.smtp;
      return OK;
    }
    case 'pgsql-check': {
      const bad = tooMany(2);
      if (bad) return bad;
      if (args[0] === undefined || args[1] === undefined) return err("'option pgsql-check' expects 'user <username>' as argument.");
      if (args[0] !== 'user') return err("'option pgsql-check' only supports optional values: 'user'.");
      cfg.type = 'pgsql-check';
      cfg.pgsqlUser = args[1];
      return OK;
    }
    case 'mysql-check': {
      const bad = tooMany(3);
      if (bad) return bad;
      cfg.type = 'mysql-check';
      delete cfg.mysql;
      if (args.length === 0) return OK;
      if (args[0] !== 'user') return err(`'option mysql-check' only supports optional values: 'user' (got '${args[0]}').`);
      if (!args[1]) return err("'option mysql-check user' expects <username> as argument.");
      const v = args[2] ?? 'post-41';
      if (v !== 'post-41' && v !== 'pre-41') return err(`keyword 'user' only supports 'post-41' and 'pre-41' (got '${v}').`);
      cfg.mysql = { user: args[1], variant: v };
      return OK;
    }
    default:
      return err(`unknown check option '${name ?? ''}'.`);
  }
}

/** Option words common to `connect` rules; returns the rule or an error. */
function parseConnect(words: string[], from: number): ConnectRule | { error: string } {
  const rule: ConnectRule = { type: 'connect' };
  for (let i = from; i < words.length; i++) {
    const w = words[i]!;
    const next = words[i + 1];
    if (w === 'default') rule.useServerDefaults = true;
    else if (w === 'send-proxy') rule.sendProxy = true;
    else if (w === 'ssl') rule.ssl = true;
    else if (w === 'linger') rule.linger = true;
    else if (w === 'via-socks4') return { error: "'via-socks4' is not supported by portico." };
    else if (w === 'addr' || w === 'port' || w === 'sni' || w === 'alpn' || w === 'comment' || w === 'proto') {
      if (next === undefined) return { error: `'${w}' expects ${w === 'port' ? 'a port number or a sample expression' : w === 'addr' ? '<ipv4|ipv6>' : 'a string'} as argument.` };
      i++;
      if (w === 'port') {
        if (!/^\d+$/.test(next) || Number(next) < 1 || Number(next) > 65535) return { error: `expects a valid TCP port (from range 1 to 65535) or a sample expression, got ${next}.` };
        rule.port = Number(next);
      } else if (w === 'addr') {
        const m = /^(.*?)(?::(\d+))?$/.exec(next)!;
        rule.addr = m[1]!;
        if (m[2] && rule.port === undefined) rule.port = Number(m[2]);
      } else if (w === 'sni') rule.sni = next;
      else if (w === 'alpn') rule.alpn = next;
      else if (w === 'comment') rule.comment = next;
    } else return { error: `expects 'comment', 'port', 'addr', 'send-proxy', 'ssl', 'sni', 'alpn' or 'via-socks4', 'linger', 'default' but got '${w}' as argument.` };
  }
  return rule;
}

function parseStatusList(text: string): Array<[number, number]> | undefined {
  const out: Array<[number, number]> = [];
  for (const part of text.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) return undefined;
    out.push([Number(m[1]), Number(m[2] ?? m[1])]);
  }
  return out;
}

function regex(text: string): RegExp | { error: string } {
  try {
    return new RegExp(text);
  } catch (e) {
    return { error: `failed to compile regex '${text}': ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** `expect` arguments shared by http-check and tcp-check. */
function parseExpect(words: string[], from: number, http: boolean): ExpectRule | { error: string } {
  const rule: ExpectRule = { type: 'expect', match: { kind: 'string', value: Buffer.alloc(0) }, inverse: false, minRecv: -1 };
  let i = from;
  const statusArg = (w: string, allowed: CheckStatus[], v: string | undefined): CheckStatus | { error: string } =>
    v !== undefined && isCheckStatus(v) && allowed.includes(v) ? v : { error: `'${w}' only supports ${allowed.map((a) => `'${a}'`).join(', ')} (got '${v ?? ''}').` };
  for (; i < words.length; i++) {
    const w = words[i]!;
    const v = words[i + 1];
    if (w === 'min-recv') {
      if (v === undefined || !/^-?\d+$/.test(v)) return { error: "'min-recv' expects an integer as argument." };
      rule.minRecv = Number(v);
    } else if (w === 'comment') rule.comment = v ?? '';
    else if (w === 'ok-status') {
      const s = statusArg(w, ['L7OK', 'L7OKC', 'L6OK', 'L4OK'], v);
      if (typeof s !== 'string') return s;
      rule.okStatus = s;
    } else if (w === 'error-status') {
      const s = statusArg(w, ['L7OKC', 'L7RSP', 'L7STS', 'L6RSP', 'L4CON'], v);
      if (typeof s !== 'string') return s;
      rule.errorStatus = s;
    } else if (w === 'tout-status') {
      const s = statusArg(w, ['L7TOUT', 'L6TOUT', 'L4TOUT'], v);
      if (typeof s !== 'string') return s;
      rule.toutStatus = s;
    } else if (w === 'on-success') rule.onSuccess = v ?? '';
    else if (w === 'on-error') rule.onError = v ?? '';
    else if (w === 'status-code') {
      const n = Number(v);
      if (v === undefined || Number.isNaN(n)) return { error: "'status-code' : only integer expressions are supported by portico." };
      rule.statusCode = () => n;
    } else break;
    i++;
  }
  let kw = words[i];
  if (kw === '!') {
    rule.inverse = true;
    kw = words[++i];
  } else if (kw?.startsWith('!')) {
    rule.inverse = true;
    kw = kw.slice(1);
  }
  const pattern = words[i + 1];
  const allowed = http ? ['status', 'rstatus', 'hdr', 'fhdr', 'string', 'rstring'] : ['string', 'rstring', 'binary', 'rbinary'];
  if (kw === undefined || !allowed.includes(kw)) {
    return { error: `expects ${allowed.map((a) => `'${a}'`).join(', ')} or the -lf variants, but got '${kw ?? ''}' as argument.` };
  }
  if (kw === 'hdr' || kw === 'fhdr') return parseHdrExpect(rule, words, i + 1, kw === 'fhdr');
  if (pattern === undefined) return { error: `'${kw}' expects <pattern> as argument.` };
  if (words.length > i + 2) return { error: `unexpected argument '${words[i + 2]}' after the pattern.` };
  if (kw === 'status') {
    const ranges = parseStatusList(pattern);
    if (!ranges) return { error: `'status' expects a comma-separated list of status codes or ranges, got '${pattern}'.` };
    rule.match = { kind: 'status', ranges };
  } else if (kw === 'string') rule.match = { kind: 'string', value: Buffer.from(pattern, 'latin1') };
  else if (kw === 'binary') {
    const b = parseHex(pattern);
    if (!b) return { error: `'binary' expects an even number of hexadecimal digits, got '${pattern}'.` };
    rule.match = { kind: 'binary', value: b };
  } else {
    const re = regex(pattern);
    if (!(re instanceof RegExp)) return re;
    rule.match = kw === 'rstatus' ? { kind: 'rstatus', re } : kw === 'rstring' ? { kind: 'rstring', re } : { kind: 'rbinary', re };
  }
  return rule;
}

function parseHdrExpect(rule: ExpectRule, words: string[], from: number, full: boolean): ExpectRule | { error: string } {
  let name: string | undefined;
  let value: string | undefined;
  let nameMethod: HeaderMatchMethod = 'str';
  let valueMethod: HeaderMatchMethod = 'str';
  for (let i = from; i < words.length; i++) {
    const w = words[i]!;
    if (w !== 'name' && w !== 'value') return { error: `'hdr' expects 'name' or 'value' but got '${w}'.` };
    let method: HeaderMatchMethod = 'str';
    // `name [-m <meth>] <pattern>`, same for `value`
    if (words[i + 1] === '-m') {
      const m = words[i + 2];
      if (m !== 'str' && m !== 'beg' && m !== 'end' && m !== 'sub' && m !== 'reg') return { error: `'-m' expects 'str', 'beg', 'end', 'sub' or 'reg', got '${m ?? ''}'.` };
      method = m;
      i += 2;
    }
    const pattern = words[i + 1];
    if (pattern === undefined) return { error: `'${w}' expects a pattern as argument.` };
    i++;
    if (w === 'name') {
      name = pattern;
      nameMethod = method;
    } else {
      value = pattern;
      valueMethod = method;
    }
  }
  if (name === undefined) return { error: "'hdr' expects 'name <pattern>' as argument." };
  rule.match = { kind: 'hdr', full, name, nameMethod, ...(value !== undefined ? { value } : {}), valueMethod };
  return rule;
}

/** `http-check ...`; words start at `http-check`. */
export function parseHttpCheck(words: string[], cfg: ProxyCheckConfig): Result {
  const sub = words[1];
  if (sub === 'disable-on-404') return (cfg.disableOn404 = true), OK;
  if (sub === 'send-state') return (cfg.sendState = true), OK;
  if (sub === 'comment') return words[2] === undefined ? err("'comment' expects a string as argument.") : (cfg.httpRules.push({ type: 'comment', text: words[2] }), OK);
  if (sub === 'connect') {
    const r = parseConnect(words, 2);
    if ('error' in r) return r;
    const first = cfg.httpRules.find((x) => x.type !== 'comment');
    if (first && first.type !== 'connect' && !cfg.httpRules.some((x) => x.type === 'connect')) {
      return err("first step MUST also be a 'connect', optionally preceded by a 'set-var', an 'unset-var' or a 'comment', when there is a 'connect' step in the tcp-check ruleset");
    }
    cfg.httpRules.push(r);
    return OK;
  }
  if (sub === 'send') {
    const spec: HttpRequestSpec = { method: '', uri: '', version: '', headers: [] };
    let comment: string | undefined;
    for (let i = 2; i < words.length; i++) {
      const w = words[i]!;
      const v = words[i + 1];
      if (w === 'hdr') {
        if (v === undefined || words[i + 2] === undefined) return err("'hdr' expects <name> and <value> as arguments.");
        spec.headers.push([v, words[i + 2]!]);
        i += 2;
        continue;
      }
      if (v === undefined) return err(`'${w}' expects a value as argument.`);
      if (w === 'meth') spec.method = v;
      else if (w === 'uri' || w === 'uri-lf') spec.uri = v;
      else if (w === 'ver') spec.version = v;
      else if (w === 'body' || w === 'body-lf') spec.body = v;
      else if (w === 'comment') comment = v;
      else return err(`expects 'comment', 'meth', 'uri', 'uri-lf', 'ver', 'hdr', 'body' or 'body-lf' but got '${w}' as argument.`);
      i++;
    }
    cfg.httpRules.push({ type: 'send', data: spec, ...(comment !== undefined ? { comment } : {}) });
    return OK;
  }
  if (sub === 'expect') {
    const r = parseExpect(words, 2, true);
    if ('error' in r) return r;
    cfg.httpRules.push(r);
    return OK;
  }
  return err(`'http-check' only supports 'comment', 'connect', 'send', 'send-state', 'expect' and 'disable-on-404' (got '${sub ?? ''}').`);
}

/** `tcp-check ...`; words start at `tcp-check`. */
export function parseTcpCheck(words: string[], cfg: ProxyCheckConfig): Result {
  const sub = words[1];
  const comment = (i: number): Result | string | undefined => {
    if (words[i] === undefined) return undefined;
    if (words[i] !== 'comment') return err(`expects 'comment' but got '${words[i]}' as argument.`);
    return words[i + 1] ?? err("'comment' expects a string as argument.");
  };
  if (sub === 'comment') return words[2] === undefined ? err("'comment' expects a string as argument.") : (cfg.tcpRules.push({ type: 'comment', text: words[2] }), OK);
  if (sub === 'connect') {
    const r = parseConnect(words, 2);
    if ('error' in r) return r;
    const first = cfg.tcpRules.find((x) => x.type !== 'comment');
    if (first && first.type !== 'connect') {
      return err("first step MUST also be a 'connect', optionally preceded by a 'set-var', an 'unset-var' or a 'comment', when there is a 'connect' step in the tcp-check ruleset");
    }
    cfg.tcpRules.push(r);
    return OK;
  }
  if (sub === 'send' || sub === 'send-binary' || sub === 'send-lf' || sub === 'send-binary-lf') {
    const data = words[2];
    if (data === undefined) return err(`'${sub}' expects a ${sub.startsWith('send-binary') ? 'binary string' : 'string'} as argument`);
    if (sub.endsWith('-lf') && data.includes('%')) return err(`'${sub}' : log-format expressions are not supported by portico yet.`);
    const c = comment(3);
    if (typeof c === 'object') return c;
    let bytes: Buffer;
    if (sub.startsWith('send-binary')) {
      const b = parseHex(data);
      if (!b) return err(`'${sub}' expects an even number of hexadecimal digits, got '${data}'.`);
      bytes = b;
    } else bytes = Buffer.from(data, 'latin1');
    cfg.tcpRules.push({ type: 'send', data: bytes, ...(c !== undefined ? { comment: c } : {}) });
    return OK;
  }
  if (sub === 'expect') {
    const r = parseExpect(words, 2, false);
    if ('error' in r) return r;
    cfg.tcpRules.push(r);
    return OK;
  }
  return err(`'tcp-check' only supports 'comment', 'connect', 'send', 'send-binary', 'send-lf', 'send-binary-lf' and 'expect' (got '${sub ?? ''}').`);
}

/** The rule list a proxy's check config compiles to. */
export function compileProxyChecks(cfg: ProxyCheckConfig, clock: () => number = Date.now): Ruleset {
  switch (cfg.type) {
    case 'httpchk':
      return httpCheck(cfg.httpchk, cfg.httpRules, cfg.disableOn404);
    case 'tcp-check':
      return tcpCheck(cfg.tcpRules);
    case 'mysql-check':
      return mysqlCheck(cfg.mysql?.user, cfg.mysql?.variant);
    case 'pgsql-check':
      return pgsqlCheck(cfg.pgsqlUser ?? '');
    case 'redis-check':
      return redisCheck();
    case 'smtpchk':
      return smtpCheck(cfg.smtp?.hello, cfg.smtp?.domain);
    case 'ldap-check':
      return ldapCheck();
    case 'ssl-hello-chk':
      return sslHelloCheck(clock);
    default:
      return defaultCheck();
  }
}

/** The agent's rule list for a server. */
export function compileAgentCheck(o: ServerCheckOptions): Ruleset {
  return agentCheck(o.agentSend);
}
