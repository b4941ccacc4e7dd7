/**
 * Compiles, once per configuration, each proxy's ACLs, http-request/-response/-after-response
 * rules, legacy `redirect` rules, use_backend/use-server/force-persist rules, monitor settings and
 * error pages. Errors are reported with file:line in HAProxy's wording; nothing is re-parsed per
 * request.
 */
import { AclTable, compileAcl } from '../sample/acl.js';
import { MapCache } from '../sample/mapfile.js';
import { Userlist } from '../sample/userlist.js';
import { modeOf } from '../config/finalize.js';
import { actionName } from '../proxy/kw-rules.js';
import type { Condition } from '../sample/condition.js';
import type { ConfigRefs } from '../sample/keywords.js';
import type { Usage } from '../sample/types.js';
import type { Config, Proxy, RawLine } from '../config/model.js';
import type { Diagnostics } from '../core/diag.js';
import type { LogFormat } from '../log/logformat.js';
import { CompileCtx, type ProxyEnv } from './compile-ctx.js';
import { compileErrorPages, ErrorPages } from './errors.js';
import { loadErrorFile, type HttpReply } from './reply.js';
import { ACTIONS } from './actions/index.js';
import { compileRedirect, redirectAction } from './actions/final-actions.js';
import type { Rule, RuleSet, Where } from './types.js';
import { compileStickRules, type ProxyStick } from './stick-rules.js';
import { checkStickRuleRefs, checkStickTables, checkTrackRefs } from './stick-check.js';
import { compileForwarded, parseForwardedArgs, type ForwardedSpec } from '../http/forwarded.js';
import { buildExpr } from '../sample/expr.js';
import { parseBalance } from '../lb/config.js';

export interface UseBackendRule {
  /** Static name, or a log-format producing the name. */
  name: string;
  format?: LogFormat;
  cond?: Condition;
  where: Where;
}

export interface UseServerRule {
  name: string;
  format?: LogFormat;
  cond?: Condition;
  where: Where;
}

export interface CompiledProxy {
  proxy: Proxy;
  name: string;
  acls: AclTable;
  /** http-request rules followed by the legacy `redirect` rules (HAProxy runs those after). */
  rules: Record<RuleSet, Rule[]>;
  useBackends: UseBackendRule[];
  useServers: UseServerRule[];
  forcePersist: Condition[];
  /** `option persist`: use-server may pick a server that is down. */
  persist: boolean;
  monitorUri?: string;
  monitorFail: Condition[];
  errors: ErrorPages;
  /** `stick on/match/store-*` rules (backends and listens that have some). */
  stick?: ProxyStick;
  /** `option forwarded`: the RFC 7239 header added to requests this backend sends. */
  forwarded?: ForwardedSpec;
}

export interface CompiledRules {
  byProxy: Map<Proxy, CompiledProxy>;
  byName: Map<string, CompiledProxy>;
  userlists: Map<string, Userlist>;
  /** Stick rules of every proxy that has some, HTTP or TCP (the TCP engine reads them here). */
  stick: Map<Proxy, ProxyStick>;
}

const SETS: RuleSet[] = ['http-request', 'http-response', 'http-after-response'];
const USAGE: Record<RuleSet, Usage> = { 'http-request': 'http-req', 'http-response': 'http-res', 'http-after-response': 'after-res' };

/** Userlists as the sample engine uses them (http_auth, http_auth_group). */
export function buildUserlists(config: Config): Map<string, Userlist> {
  const out = new Map<string, Userlist>();
  for (const ul of config.userlists) {
    const u = new Userlist(ul.name);
    for (const g of ul.groups) u.addGroup(g.name, g.users);
    for (const user of ul.users) u.addUser(user.name, user.password, user.insecure, user.groups);
    out.set(ul.name, u);
  }
  return out;
}

function httpErrorSections(config: Config, diags: Diagnostics): Map<string, Map<number, HttpReply>> {
  const out = new Map<string, Map<number, HttpReply>>();
  for (const section of config.httpErrors) {
    const pages = new Map<number, HttpReply>();
    for (const [code, e] of Object.entries(section.errorfiles)) {
      const r = loadErrorFile(e.file);
      if (typeof r === 'string') diags.alert(`error detected in http-errors section '${section.name}' while parsing 'errorfile' : ${r}`, e.where);
      else pages.set(Number(code), r);
    }
    out.set(section.name, pages);
  }
  return out;
}

/**
 * Compiles the rules of every http proxy. Call it from `portico -c` so that rule errors show at
 * check time; buildHttpHooks calls it at start.
 */
export function compileProxyRules(config: Config, diags: Diagnostics): CompiledRules {
  const maps = new MapCache();
  const userlists = buildUserlists(config);
  const sections = httpErrorSections(config, diags);
  const byName = new Map(config.proxies.map((p) => [p.name, p]));
  const refs: ConfigRefs = {
    hasBackend: (n) => byName.get(n)?.kind === 'backend' || byName.get(n)?.kind === 'listen',
    hasFrontend: (n) => byName.get(n)?.kind === 'frontend' || byName.get(n)?.kind === 'listen',
    hasServer: (b, s) => byName.get(b)?.servers.some((x) => x.name === s) === true,
    userlist: (n) => userlists.get(n),
  };
  const out: CompiledRules = { byProxy: new Map(), byName: new Map(), userlists, stick: new Map() };
  // Rules inherited from a defaults section are compiled with each proxy: report each problem once.
  const seen = new Set<string>();
  const local = dedupe(diags, seen);
  const tables = checkStickTables(config, local);
  const tableRefs = new Map<Proxy, { table: string; by: string }[]>();
  for (const p of config.proxies) {
    if (p.kind === 'defaults' || p.disabled) continue;
    const refsOf: { table: string; by: string }[] = [];
    tableRefs.set(p, refsOf);
    const shared: Shared = { maps, refs, diags: local, httpErrors: (n) => sections.get(n), tableRefs: refsOf };
    if (modeOf(p) !== 'http') {
      const stick = compileTcpStick(p, shared);
      if (stick) out.stick.set(p, stick);
      continue;
    }
    const c = compileProxy(p, shared);
    out.byProxy.set(p, c);
    out.byName.set(p.name, c);
    if (c.stick) out.stick.set(p, c.stick);
  }
  // Table references are checked once every proxy is known, as HAProxy does after parsing.
  for (const [p, list] of tableRefs) checkTrackRefs(p.name, list, tables, local);
  for (const [p, st] of out.stick) checkStickRuleRefs(p.name, [...st.request, ...st.response].map((r) => r.table), tables, local);
  return out;
}

/** Stick rules of a TCP proxy, with its ACLs (its other rules belong to the TCP engine). */
function compileTcpStick(p: Proxy, shared: Shared): ProxyStick | undefined {
  if (!p.misc.some((l) => l.args[0] === 'stick')) return undefined;
  const acls = new AclTable();
  for (const line of p.acls) compileAcl(line.args, line.where, acls, shared.diags, dirOf(line.where.file), { refs: shared.refs, maps: shared.maps });
  const env: ProxyEnv = { kind: p.kind, name: p.name, acls, diags: shared.diags, maps: shared.maps, refs: shared.refs, httpErrors: shared.httpErrors };
  return compileStickRules(p, env, 'tcp');
}

/** A Diagnostics facade that drops repeats (same level, place and text, whatever proxy inherited the line). */
function dedupe(diags: Diagnostics, seen: Set<string>): Diagnostics {
  const key = (level: string, m: string, w?: Where) => `${level}|${m.replace(/(frontend|backend|proxy) '[^']*'/g, 'proxy')}|${w?.file}:${w?.line}`;
  return new globalThis.Proxy(diags, {
    get(target, prop, receiver) {
      if (prop === 'alert' || prop === 'warning' || prop === 'notice') {
        return (m: string, w?: Where, d?: string[]) => {
          const k = key(prop, m, w);
          if (seen.has(k)) return;
          seen.add(k);
          (target[prop] as (m: string, w?: Where, d?: string[]) => void).call(target, m, w, d);
        };
      }
      return Reflect.get(target, prop, receiver);
    },
  });
}

interface Shared {
  maps: MapCache;
  refs: ConfigRefs;
  diags: Diagnostics;
  httpErrors(name: string): Map<number, HttpReply> | undefined;
  /** Where track-sc rules record the tables they name. */
  tableRefs?: { table: string; by: string }[];
}

export function compileProxy(p: Proxy, shared: Shared): CompiledProxy {
  const acls = new AclTable();
  for (const line of p.acls) compileAcl(line.args, line.where, acls, shared.diags, dirOf(line.where.file), { refs: shared.refs, maps: shared.maps });
  const env: ProxyEnv = {
    kind: p.kind,
    name: p.name,
    acls,
    diags: shared.diags,
    maps: shared.maps,
    refs: shared.refs,
    httpErrors: shared.httpErrors,
    ...(shared.tableRefs ? { tableRefs: shared.tableRefs } : {}),
  };

  const rules = {} as Record<RuleSet, Rule[]>;
  for (const set of SETS) {
    rules[set] = [];
    for (const line of p.rules[set] ?? []) {
      const r = compileRule(line, set, env);
      if (r) rules[set].push(r);
    }
  }
  for (const line of p.rules['redirect'] ?? []) {
    const r = compileLegacyRedirect(line, env);
    if (r) rules['http-request'].push(r);
  }

  const useBackends: UseBackendRule[] = [];
  for (const ub of p.useBackends) {
    const cc = new CompileCtx(env, 'use_backend', 'http-req', ub.where);
    const cond = ub.cond ? cc.condition(ub.cond) : undefined;
    if (ub.cond && !cond) continue;
    const format = ub.dynamic ? cc.logFormat(ub.name) : undefined;
    if (ub.dynamic && !format) continue;
    useBackends.push({ name: ub.name, ...(format ? { format } : {}), ...(cond ? { cond } : {}), where: ub.where });
  }

  const useServers: UseServerRule[] = [];
  for (const line of p.useServers) {
    const cc = new CompileCtx(env, 'use-server', 'http-req', line.where);
    const name = line.args[1]!;
    const cond = line.args.length > 2 ? cc.condition(line.args.slice(2)) : undefined;
    if (line.args.length > 2 && !cond) continue;
    const dynamic = name.includes('%[');
    const format = dynamic ? cc.logFormat(name) : undefined;
    if (dynamic && !format) continue;
    if (!dynamic && !p.servers.some((s) => s.name === name)) {
      shared.diags.alert(`proxy '${p.name}' : unable to find server '${name}' referenced in a 'use-server' rule.`, line.where);
      continue;
    }
    useServers.push({ name, ...(format ? { format } : {}), ...(cond ? { cond } : {}), where: line.where });
  }

  const forcePersist: Condition[] = [];
  for (const line of p.misc) {
    if (line.args[0] !== 'force-persist') continue;
    const c = new CompileCtx(env, 'force-persist', 'http-req', line.where).condition(line.args.slice(1));
    if (c) forcePersist.push(c);
  }

  const monitorFail: Condition[] = [];
  for (const line of p.monitorFail) {
    const c = new CompileCtx(env, 'monitor fail', 'http-req', line.where).condition(line.args.slice(2));
    if (c) monitorFail.push(c);
  }

  const stick = compileStickRules(p, env, 'http');
  const forwarded = compileForwardedOption(p, env);
  checkBalanceHash(p, shared.diags);

  return {
    proxy: p,
    name: p.name,
    acls,
    rules,
    ...(stick ? { stick } : {}),
    ...(forwarded ? { forwarded } : {}),
    useBackends,
    useServers,
    forcePersist,
    persist: p.options['persist'] === true,
    ...(p.monitorUri !== undefined ? { monitorUri: p.monitorUri } : {}),
    monitorFail,
    errors: compileErrorPages(p, env),
  };
}

/**
 * `balance hash <expr>`: the engine compiles the expression when it first balances; here it is
 * checked once at load so that a bad one is a config error (file:line), as in HAProxy.
 */
function checkBalanceHash(p: Proxy, diags: Diagnostics): void {
  const line = p.balance;
  if (!line || p.kind === 'frontend') return; // compileProxy runs for HTTP proxies only
  const parsed = parseBalance(line.args);
  if (!('ok' in parsed) || parsed.ok.algorithm !== 'hash') return;
  const text = parsed.ok.expr.join(' ');
  const r = buildExpr(text, { usage: 'http-req', baseDir: '.', maps: new MapCache(), inAcl: false });
  if ('error' in r) diags.alert(`proxy '${p.name}': failed to parse 'balance hash' expression '${text}' : ${r.error}${r.error.endsWith('?') ? '' : '.'}`, line.where);
}

/** `option forwarded` of a backend (or listen) in HTTP mode, its expressions compiled. */
function compileForwardedOption(p: Proxy, env: ProxyEnv): ForwardedSpec | undefined {
  const line = p.optionArgs['forwarded'];
  if (!p.options['forwarded'] || !line || p.kind === 'frontend' || p.mode !== 'http') return undefined;
  const parsed = parseForwardedArgs(line.args.slice(2));
  if ('error' in parsed) return undefined; // reported when the keyword was parsed
  const cc = new CompileCtx(env, 'option forwarded', 'http-req', line.where);
  return compileForwarded(parsed, (text) => cc.expr(text));
}

function dirOf(file: string): string {
  const i = file.lastIndexOf('/');
  return i < 0 ? '.' : file.slice(0, i) || '/';
}

/** Splits "ACTION args... [if|unless cond...]" and compiles it. */
export function compileRule(line: RawLine, set: RuleSet, env: ProxyEnv): Rule | undefined {
  const skip = set.split(' ').length;
  const word = line.args[skip] ?? '';
  const name = actionName(word);
  const ruleName = `${set} ${word}`;
  const cc = new CompileCtx(env, ruleName, USAGE[set], line.where);
  const def = ACTIONS[name];
  if (!def || !def.sets.includes(set)) {
    env.diags.warning(`'${set} ${name}' is not supported by portico yet; this rule is ignored.`, line.where);
    return undefined;
  }
  const rest = line.args.slice(skip + 1);
  const condAt = rest.findIndex((w) => w === 'if' || w === 'unless');
  const args = condAt < 0 ? rest : rest.slice(0, condAt);
  const cond = condAt < 0 ? undefined : cc.condition(rest.slice(condAt));
  if (condAt >= 0 && !cond) return undefined;
  const action = def.compile(args, cc, set === 'http-request' ? 'req' : 'res', word, set);
  if (!action) return undefined;
  return { action, ...(cond ? { cond } : {}), where: line.where };
}

/** `redirect location|prefix|scheme ...` outside http-request: the value is used as written. */
function compileLegacyRedirect(line: RawLine, env: ProxyEnv): Rule | undefined {
  const cc = new CompileCtx(env, 'redirect', 'http-req', line.where);
  const rest = line.args.slice(1);
  const condAt = rest.findIndex((w) => w === 'if' || w === 'unless');
  const args = condAt < 0 ? rest : rest.slice(0, condAt);
  const cond = condAt < 0 ? undefined : cc.condition(rest.slice(condAt));
  if (condAt >= 0 && !cond) return undefined;
  const r = compileRedirect(args, cc, true);
  if (!r) return undefined;
  return { action: redirectAction(r, 'http-request'), ...(cond ? { cond } : {}), where: line.where };
}
