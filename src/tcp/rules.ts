/**
 * tcp-request rules (connection, session, content), `tcp-request inspect-delay` and the
 * use_backend rules of TCP frontends, compiled once per configuration with the rules engine's
 * compile context (same ACLs, conditions and wording of errors as http-request rules).
 */
import type { RoutingRule } from '../runtime/routing.js';
import { dirname } from 'node:path';
import { AclTable, compileAcl } from '../sample/acl.js';
import { MapCache } from '../sample/mapfile.js';
import { evalExpr, type SampleExpr } from '../sample/expr.js';
import { sampleToString, toInt } from '../sample/cast.js';
import type { Condition } from '../sample/condition.js';
import type { ConfigRefs } from '../sample/keywords.js';
import type { Usage } from '../sample/types.js';
import type { SampleContext } from '../sample/context.js';
import { compileLogFormat, type LogFormatContext } from '../log/logformat.js';
import { parseTime } from '../core/time.js';
import { modeOf } from '../config/finalize.js';
import { actionName } from '../proxy/kw-rules.js';
import { CompileCtx, type ProxyEnv } from '../rules/compile-ctx.js';
import { setVar, unsetVar } from '../rules/actions/var-actions.js';
import type { Action as HttpAction, RunState } from '../rules/types.js';
import type { Config, Proxy, RawLine } from '../config/model.js';
import type { Diagnostics } from '../core/diag.js';
import { SYSLOG_LEVELS } from '../log/keywords.js';
import { compileStickOp, STICK_OPS } from '../rules/stick-ops.js';
import type { SessionStick } from '../runtime/stick.js';

export type TcpPhase = 'connection' | 'session' | 'content';

/** What running one tcp rule's action asks for. */
export type TcpOutcome = undefined | 'accept' | 'reject' | 'silent-drop';

/** The state a tcp rule acts on. */
export interface TcpRuleState {
  sample: SampleContext;
  lf: LogFormatContext;
  /** tcp-request content capture values, in slot order. */
  captures: string[];
  logLevel?: string;
  /** expect-proxy layer4: read a PROXY header after the connection rules. */
  expectProxy?: boolean;
  /** Stick counters of this connection (track-sc, sc-inc-gpc, sc-set-gpt). */
  stick?: SessionStick;
  /** set-src / set-dst results, applied to the connection by the caller. */
  setAddr?: { src?: string; srcPort?: number; dst?: string; dstPort?: number };
}

export interface TcpAction {
  name: string;
  run(st: TcpRuleState): TcpOutcome;
}

export interface TcpRule {
  action: TcpAction;
  cond?: Condition;
  where: { file: string; line: number };
}

/** A tcp-mode use_backend rule: the same shape the HTTP hooks route with. */
export type TcpUseBackend = RoutingRule;

export interface CompiledTcp {
  connection: TcpRule[];
  session: TcpRule[];
  content: TcpRule[];
  /** tcp-request inspect-delay, ms (0: rules see only what is already there). */
  inspectDelay: number;
  /** use_backend rules (tcp mode). */
  useBackends: TcpUseBackend[];
}

const USAGE: Record<TcpPhase, Usage> = { connection: 'tcp-conn', session: 'tcp-session', content: 'tcp-content' };

/** The actions portico runs; the others are accepted by the parser and warned about here. */
const SUPPORTED: Record<TcpPhase, string[]> = {
  connection: [...STICK_OPS, 'accept', 'reject', 'expect-proxy', 'set-src', 'set-src-port', 'set-dst', 'set-dst-port', 'set-var', 'set-var-fmt', 'unset-var', 'silent-drop'],
  session: [...STICK_OPS, 'accept', 'reject', 'set-src', 'set-src-port', 'set-dst', 'set-dst-port', 'set-var', 'set-var-fmt', 'unset-var', 'silent-drop'],
  content: [...STICK_OPS, 'accept', 'reject', 'capture', 'set-log-level', 'set-src', 'set-src-port', 'set-dst', 'set-dst-port', 'set-var', 'set-var-fmt', 'unset-var', 'silent-drop'],
};

function final(name: string, outcome: TcpOutcome): TcpAction {
  return { name, run: () => outcome };
}

/** set-var & co. come from the rules engine: they read only the sample and log-format contexts. */
function wrapHttpAction(a: HttpAction): TcpAction {
  return { name: a.name, run: (st) => (a.run({ sample: st.sample, lf: st.lf } as unknown as RunState), undefined) };
}

function compileAction(phase: TcpPhase, name: string, word: string, args: string[], cc: CompileCtx): TcpAction | undefined {
  if ((STICK_OPS as readonly string[]).includes(name)) {
    const op = compileStickOp(word, args, cc, phase);
    if (!op) return undefined;
    return { name: op.name, run: (st) => (op.run(st.stick, st.sample, Date.now()), undefined) };
  }
  switch (name) {
    case 'accept':
    case 'reject':
    case 'silent-drop':
      if (args.length) return cc.fail(`expects either 'if' or 'unless' followed by a condition but found '${args[0]}'.`, true);
      return final(name, name);
    case 'expect-proxy':
      if (args[0] !== 'layer4') return cc.fail(`'expect-proxy' only supports 'layer4'.`);
      return { name, run: (st) => ((st.expectProxy = true), undefined) };
    case 'set-var':
    case 'set-var-fmt': {
      const a = setVar(name === 'set-var-fmt')(args, cc, 'req', word, 'http-request');
      return a ? wrapHttpAction(a) : undefined;
    }
    case 'unset-var': {
      const a = unsetVar(args, cc, 'req', word, 'http-request');
      return a ? wrapHttpAction(a) : undefined;
    }
    case 'capture': {
      if (args.length !== 3 || args[1] !== 'len' || !/^\d+$/.test(args[2]!)) return cc.fail(`expects <expression> 'len' <length>.`);
      const expr = cc.expr(args[0]!);
      if (!expr) return undefined;
      const len = Number(args[2]);
      return {
        name,
        run(st) {
          const v = sampleToString(evalExpr(expr, st.sample));
          if (v !== undefined) st.captures.push(v.slice(0, len));
          return undefined;
        },
      };
    }
    case 'set-log-level': {
      const level = args[0];
      if (level === undefined || (level !== 'silent' && !SYSLOG_LEVELS.includes(level))) return cc.fail(`expects a level ('silent' or a syslog level).`);
      return { name, run: (st) => ((st.logLevel = level), undefined) };
    }
    case 'set-src':
    case 'set-dst':
    case 'set-src-port':
    case 'set-dst-port': {
      if (args.length !== 1) return cc.fail(`expects exactly 1 argument.`);
      const expr: SampleExpr | undefined = cc.expr(args[0]!);
      if (!expr) return undefined;
      const port = name.endsWith('-port');
      const key = name.startsWith('set-src') ? (port ? 'srcPort' : 'src') : port ? 'dstPort' : 'dst';
      return {
        name,
        run(st) {
          const s = evalExpr(expr, st.sample);
          if (!s) return undefined;
          st.setAddr ??= {};
          if (port) {
            const n = toInt(s);
            if (n !== undefined) (st.setAddr as Record<string, number>)[key] = n;
          } else {
            const v = sampleToString(s);
            if (v !== undefined) (st.setAddr as Record<string, string>)[key] = v;
          }
          return undefined;
        },
      };
    }
  }
  return undefined;
}

function compileTcpRule(line: RawLine, phase: TcpPhase, env: ProxyEnv): TcpRule | undefined {
  const word = line.args[2] ?? '';
  const name = actionName(word);
  const cc = new CompileCtx(env, `tcp-request ${phase}`, USAGE[phase], line.where);
  if (!SUPPORTED[phase].includes(name)) {
    env.diags.warning(`'tcp-request ${phase} ${name}' is not supported by portico yet; this rule is ignored.`, line.where);
    return undefined;
  }
  const rest = line.args.slice(3);
  const condAt = rest.findIndex((w) => w === 'if' || w === 'unless');
  const args = condAt < 0 ? rest : rest.slice(0, condAt);
  const cond = condAt < 0 ? undefined : cc.condition(rest.slice(condAt));
  if (condAt >= 0 && !cond) return undefined;
  const action = compileAction(phase, name, word, args, cc);
  if (!action) return undefined;
  return { action, ...(cond ? { cond } : {}), where: line.where };
}

function dirOf(file: string): string {
  return dirname(file) || '.';
}

const EMPTY: CompiledTcp = { connection: [], session: [], content: [], inspectDelay: 0, useBackends: [] };

function inspectDelayOf(p: Proxy): number {
  let delay = 0;
  for (const line of p.misc) {
    if (line.args[0] === 'tcp-request' && line.args[1] === 'inspect-delay') {
      const t = parseTime(line.args[2] ?? '');
      if (typeof t === 'number') delay = t;
    }
  }
  return delay;
}

/** Compiles the tcp-request rules of one proxy. */
export function compileTcpProxy(p: Proxy, shared: { maps: MapCache; refs: ConfigRefs; diags: Diagnostics }): CompiledTcp {
  const acls = new AclTable();
  for (const line of p.acls) compileAcl(line.args, line.where, acls, shared.diags, dirOf(line.where.file), { refs: shared.refs, maps: shared.maps });
  const env: ProxyEnv = { kind: p.kind, name: p.name, acls, diags: shared.diags, maps: shared.maps, refs: shared.refs, httpErrors: () => undefined };
  const out: CompiledTcp = { connection: [], session: [], content: [], inspectDelay: 0, useBackends: [] };
  for (const phase of ['connection', 'session', 'content'] as const) {
    for (const line of p.rules[`tcp-request ${phase}`] ?? []) {
      const r = compileTcpRule(line, phase, env);
      if (r) out[phase].push(r);
    }
  }
  out.inspectDelay = inspectDelayOf(p);
  if (modeOf(p) === 'tcp') {
    for (const ub of p.useBackends) {
      const cc = new CompileCtx(env, 'use_backend', 'tcp-content', ub.where);
      const cond = ub.cond ? cc.condition(ub.cond) : undefined;
      if (ub.cond && !cond) continue;
      const format = ub.dynamic
        ? compileLogFormat(ub.name, ub.where, shared.diags, { usage: 'tcp-content', baseDir: dirOf(ub.where.file), refs: shared.refs, maps: shared.maps, context: cc.prefix })
        : undefined;
      if (ub.dynamic && !format) continue;
      out.useBackends.push({ name: ub.name, ...(format ? { format } : {}), ...(cond ? { cond } : {}) });
    }
  }
  return out;
}

/** Compiles every frontend's and backend's tcp rules. */
export function compileTcpRules(config: Config, diags: Diagnostics): Map<Proxy, CompiledTcp> {
  const maps = new MapCache();
  const byName = new Map(config.proxies.map((p) => [p.name, p]));
  const refs: ConfigRefs = {
    hasBackend: (n) => byName.get(n)?.kind === 'backend' || byName.get(n)?.kind === 'listen',
    hasFrontend: (n) => byName.get(n)?.kind === 'frontend' || byName.get(n)?.kind === 'listen',
    hasServer: (b, s) => byName.get(b)?.servers.some((x) => x.name === s) === true,
  };
  const out = new Map<Proxy, CompiledTcp>();
  for (const p of config.proxies) {
    if (p.kind === 'defaults' || p.disabled) continue;
    // Proxies without tcp rules nor conditional tcp routing need nothing compiled (and their ACLs are the rules engine's).
    const hasRules = ['connection', 'session', 'content'].some((k) => (p.rules[`tcp-request ${k}`]?.length ?? 0) > 0);
    const tcpRouting = modeOf(p) === 'tcp' && p.useBackends.some((u) => u.cond || u.dynamic);
    if (!hasRules && !tcpRouting) {
      out.set(p, { ...EMPTY, inspectDelay: inspectDelayOf(p) });
      continue;
    }
    out.set(p, compileTcpProxy(p, { maps, refs, diags }));
  }
  return out;
}

