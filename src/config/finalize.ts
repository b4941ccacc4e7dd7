/**
 * The second phase: with every section parsed, resolve names and check what spans sections —
 * backend references, modes, duplicate servers, missing timeouts — as HAProxy does after parsing,
 * but naming the line of each problem.
 */
import type { Diagnostics } from '../core/diag.js';
import { hasBackend, hasFrontend, type Config, type Mode, type Proxy } from './model.js';
import { HAPROXY_PROXY_KEYWORDS } from './haproxy-keywords.js';

/** A proxy without `mode` runs in tcp mode, as in HAProxy. */
export function modeOf(p: Proxy): Mode {
  return p.mode ?? 'tcp';
}

function findBackend(config: Config, name: string): Proxy | undefined {
  return config.proxies.find((p) => p.name === name && hasBackend(p));
}

function label(p: Proxy): string {
  return p.kind === 'listen' ? 'proxy' : p.kind;
}

export function finalizeConfig(config: Config, diags: Diagnostics): void {
  for (const p of config.proxies) {
    checkBackendRefs(config, p, diags);
    checkServers(p, diags);
    checkMuxProtocols(p, diags);
    checkTimeouts(p, diags);
    if (hasFrontend(p) && p.kind !== 'backend' && p.binds.length === 0 && !p.disabled) {
      diags.warning(`${label(p)} '${p.name}' has no 'bind' directive. Please declare it as a backend if this was intended.`, p.where);
    }
    checkHttpOnly(p, diags);
    checkLogFormat(config, p, diags);
    checkStats(p, diags);
    checkExternalCheck(config, p, diags);
  }
  checkUserlists(config, diags);
  checkErrorSections(config, diags);
}

function checkBackendRefs(config: Config, p: Proxy, diags: Diagnostics): void {
  if (p.kind === 'backend') return;
  const refs = [
    ...(p.defaultBackend ? [{ name: p.defaultBackend.name, where: p.defaultBackend.where, rule: 'default_backend', dynamic: false }] : []),
    ...p.useBackends.map((u) => ({ name: u.name, where: u.where, rule: 'use_backend', dynamic: u.dynamic })),
  ];
  for (const ref of refs) {
    if (ref.dynamic) continue; // resolved per request, falling back to default_backend
    const be = findBackend(config, ref.name);
    if (!be) {
      diags.alert(`Proxy '${p.name}': unable to find required ${ref.rule}: '${ref.name}'.`, ref.where);
      continue;
    }
    if (be === p) {
      diags.alert(`Proxy '${p.name}': ${ref.rule} '${ref.name}' refers to the proxy itself.`, ref.where);
      continue;
    }
    if (modeOf(p) === 'http' && modeOf(be) === 'tcp') {
      diags.alert(
        `http ${p.kind} '${p.name}' (${p.where.file}:${p.where.line}) tries to use incompatible tcp backend '${be.name}' (${be.where.file}:${be.where.line}) in a '${ref.rule}' rule (see 'mode').`,
        ref.where,
      );
    }
  }
}

function checkServers(p: Proxy, diags: Diagnostics): void {
  const seen = new Map<string, number>();
  for (const s of p.servers) {
    const first = seen.get(s.name);
    if (first !== undefined) {
      diags.alert(`${p.kind === 'listen' ? 'proxy' : p.kind} '${p.name}', another server named '${s.name}' was already defined at line ${first}, please use distinct names.`, s.where);
    } else {
      seen.set(s.name, s.where.line);
    }
  }
}

/** The multiplexers (`proto`) a mode can use: h1/h2 carry HTTP, none is a raw TCP stream. */
const USABLE_MUX: Record<Mode, readonly string[]> = { http: ['h1', 'h2'], tcp: ['none'] };

/**
 * `proto` on bind and server lines against the proxy's mode, as HAProxy 2.6 checks them once the
 * mode is known (the name itself is checked where it is parsed). HAProxy has FastCGI servers
 * (with an fcgi-app section); portico does not, so `proto fcgi` never has its application.
 */
function checkMuxProtocols(p: Proxy, diags: Diagnostics): void {
  const mode = modeOf(p);
  const usable = USABLE_MUX[mode];
  const why = ` (not with 'mode ${mode}')`;
  if (hasFrontend(p) && p.kind !== 'backend') {
    for (const b of p.binds) {
      if (b.proto !== undefined && !usable.includes(b.proto)) {
        diags.alert(`${label(p)} '${p.name}' : MUX protocol '${b.proto}' is not usable for 'bind ${b.spec}'${why}.`, b.where);
      }
    }
  }
  if (!hasBackend(p)) return;
  for (const s of p.servers) {
    if (s.proto === undefined) continue;
    if (s.proto === 'fcgi' && mode === 'http') diags.alert(`proxy '${p.name}': FCGI server '${s.name}' has no FCGI app configured.`, s.where);
    else if (!usable.includes(s.proto)) diags.alert(`${label(p)} '${p.name}' : MUX protocol '${s.proto}' is not usable for server '${s.name}'${why}.`, s.where);
  }
}

function checkTimeouts(p: Proxy, diags: Diagnostics): void {
  if (p.disabled) return;
  const missing: string[] = [];
  if (hasFrontend(p) && !p.timeouts.client) missing.push('client');
  if (hasBackend(p) && !p.timeouts.connect) missing.push('connect');
  if (hasBackend(p) && !p.timeouts.server) missing.push('server');
  if (missing.length === 0) return;
  diags.warning(`missing timeouts for ${label(p)} '${p.name}'.`, p.where, [
    'While not properly invalid, you will certainly encounter various problems',
    'with such a configuration. To fix this, please ensure that all following',
    "timeouts are set to a non-zero value: 'client', 'connect', 'server'.",
  ]);
}

/** Options HAProxy flags as HTTP-only: in tcp mode it warns and ignores them. */
const HTTP_ONLY_OPTIONS = [
  'forwardfor', 'originalto', 'http-buffer-request', 'http-ignore-probes', 'idle-close-on-response', 'prefer-last-server',
  'accept-invalid-http-request', 'accept-invalid-http-response', 'http-use-proxy-header', 'http-pretend-keepalive',
  'http-no-delay', 'disable-h2-upgrade', 'checkcache',
];

/** Settings that only mean something in `mode http`: HAProxy warns and ignores them in tcp mode. */
function checkHttpOnly(p: Proxy, diags: Diagnostics): void {
  if (modeOf(p) === 'http') return;
  const ignored = (what: string, where = p.where) =>
    diags.warning(`${what} will be ignored for ${label(p)} '${p.name}' (needs 'mode http').`, where);
  if (p.cookie) ignored(`'cookie'`, p.cookie.where);
  if (p.monitorUri !== undefined) ignored(`'monitor-uri'`);
  if (p.stats.enabled) ignored(`'stats'`);
  const side = p.kind === 'backend' ? 'b' : p.kind === 'frontend' ? 'f' : 'l';
  for (const name of HTTP_ONLY_OPTIONS) {
    // An option inherited from defaults only applies where its side exists (no frontend options on a backend).
    const sections = HAPROXY_PROXY_KEYWORDS.find((k) => k.name === `option ${name}`)?.sections ?? 'dflb';
    if (p.options[name] && sections.includes(side)) ignored(`'option ${name}'`, p.optionArgs[name]?.where);
  }
  const httplog = p.optionArgs['httplog'];
  if (httplog && p.options['httplog']) {
    diags.warning(`'option httplog' not usable with ${label(p)} '${p.name}' (needs 'mode http'). Falling back to 'option tcplog'.`, httplog.where);
  }
  for (const set of ['http-request', 'http-response', 'http-after-response', 'redirect']) {
    const first = p.rules[set]?.[0];
    if (first) ignored(`'${set}' rules`, first.where);
  }
}

function checkUserlists(config: Config, diags: Diagnostics): void {
  for (const ul of config.userlists) {
    for (const u of ul.users) {
      for (const g of u.groups) {
        if (!ul.groups.some((x) => x.name === g)) diags.alert(`userlist '${ul.name}': no such group '${g}' for user '${u.name}'.`, u.where);
      }
    }
    for (const g of ul.groups) {
      for (const name of g.users) {
        if (!ul.users.some((u) => u.name === name)) diags.alert(`userlist '${ul.name}': no such user '${name}' in group '${g.name}'.`, g.where);
      }
    }
  }
}

function checkErrorSections(config: Config, diags: Diagnostics): void {
  for (const p of config.proxies) {
    for (const line of p.errorfileSections) {
      const name = line.args[1]!;
      if (!config.httpErrors.some((h) => h.name === name)) diags.alert(`proxy '${p.name}': unknown http-errors section '${name}' in 'errorfiles'.`, line.where);
    }
  }
}

/** A frontend with a log format but nowhere to send logs: HAProxy warns that the format is ignored. */
function checkLogFormat(config: Config, p: Proxy, diags: Diagnostics): void {
  if (!hasFrontend(p) || p.kind === 'backend' || p.disabled) return;
  const format = p.logFormat ?? p.optionArgs['httplog'] ?? p.optionArgs['httpslog'] ?? p.optionArgs['tcplog'];
  if (!format) return;
  const targets = p.logs.flatMap((l) => (l.target === 'global' ? config.global.logs : [l]));
  if (targets.length > 0) return;
  diags.warning(`log format ignored for ${label(p)} '${p.name}' since it has no log address.`, format.where);
}

/** Stats credentials and `stats http-request` rules exclude each other, as in HAProxy. */
function checkStats(p: Proxy, diags: Diagnostics): void {
  const s = p.stats;
  if (s.httpRequest.length > 0 && (s.auth.length > 0 || s.realm !== undefined)) {
    diags.alert(`proxy '${p.name}': stats 'auth'/'realm' and 'http-request' can't be used at the same time.`, s.httpRequest[0]!.where);
  }
}

/** `option external-check` needs `external-check` in global, and HAProxy warns without `insecure-fork-wanted`. */
function checkExternalCheck(config: Config, p: Proxy, diags: Diagnostics): void {
  const opt = p.optionArgs['external-check'];
  if (!opt || !p.options['external-check'] || !hasBackend(p)) return;
  const global = (name: string) => config.global.ignored.some((l) => l.args[0] === name);
  if (!global('external-check')) diags.alert(`Proxy '${p.name}' : 'option external-check' unable to find required 'global.external-check'.`, opt.where);
  else if (!global('insecure-fork-wanted')) diags.warning(`Proxy '${p.name}' : 'insecure-fork-wanted' not enabled in the global section, 'option external-check' will likely fail.`, opt.where);
}
