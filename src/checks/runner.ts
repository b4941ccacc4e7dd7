/**
 * The one runner: executes a rule list against a server and returns HAProxy's status,
 * code, info and duration. Every check kind (and the agent) goes through here.
 */
import { parseAgentLine, type AgentReport } from './agent.js';
import { CheckConn } from './conn.js';
import { readHttpResponse } from './http-response.js';
import { serializeHttpRequest } from './kinds.js';
import { stepId, type ConnectRule, type ExpectRule, type InfoSource, type Rule, type Ruleset } from './rules.js';
import type { CheckStatus } from './status.js';

export interface CheckTarget {
  /** Server address and port from the server line. */
  host: string;
  port: number;
  /** `addr` / `port` server options (or agent-addr / agent-port for the agent). */
  checkAddr?: string;
  checkPort?: number;
  /** PROXY line on connects that use the server's defaults (check-send-proxy, or send-proxy without port/addr). */
  sendProxy?: boolean;
  ssl?: boolean;
  sni?: string;
}

export interface CheckTimeouts {
  /** Time allowed to establish the connection, from the start of the check. */
  connect: number;
  /** Bound on the whole check when `afterConnect` is unset. */
  total: number;
  /** `timeout check`: time allowed once connected. */
  afterConnect?: number;
}

/**
 * HAProxy's documented timeouts: without `timeout check`, `inter` bounds the whole check;
 * with it, min(inter, timeout connect) bounds the connect and `timeout check` the rest.
 */
export function checkTimeouts(inter: number, timeoutCheck?: number, timeoutConnect?: number): CheckTimeouts {
  if (timeoutCheck === undefined) return { connect: inter, total: inter };
  const connect = timeoutConnect !== undefined ? Math.min(inter, timeoutConnect) : inter;
  return { connect, total: connect + timeoutCheck, afterConnect: timeoutCheck };
}

export interface RunOptions {
  timeouts: CheckTimeouts;
  /** The server is in the stopped state (disable-on-404 only softens replies of running servers). */
  serverStopped?: boolean;
  /** tune.bufsize: a reply is evaluated as final once this many bytes are in. */
  bufSize?: number;
  now?: () => number;
  /** Headers added to every HTTP request after the configured ones (`http-check send-state`). */
  extraHeaders?: Array<[string, string]>;
}

export interface CheckOutcome {
  status: CheckStatus;
  code: number;
  info: string;
  durationMs: number;
  /** Set for agent checks that read a complete line. */
  agent?: AgentReport;
}

/** HAProxy keeps check descriptions in a 128-byte buffer. */
const DESC_MAX = 127;

type Eval = { ret: 'continue'; code?: number } | { ret: 'wait' } | { ret: 'stop'; status: CheckStatus; info: string; code: number; agent?: AgentReport };

export async function runCheck(ruleset: Ruleset, target: CheckTarget, opts: RunOptions): Promise<CheckOutcome> {
  const now = opts.now ?? Date.now;
  const bufSize = opts.bufSize ?? 16384;
  const start = now();
  const rules = ruleset.rules;
  let deadline = start + opts.timeouts.connect;
  let conn: CheckConn | undefined;
  let buf = Buffer.alloc(0);
  let mustRead = true;
  let lastRead = false;
  let code = 0;
  let current = -1;
  let sslUsed = false;

  const done = (status: CheckStatus, info: string, c: number, agent?: AgentReport): CheckOutcome => {
    conn?.close();
    return { status, code: c, info: info.slice(0, DESC_MAX), durationMs: Math.max(0, Math.floor(now() - start)), ...(agent ? { agent } : {}) };
  };
  const suffix = (): string => (ruleset.kind === 'tcp-check' ? stepSuffix(rules, current) : '');
  const timeoutOutcome = (): CheckOutcome => {
    const rule = rules[current];
    if (!conn?.l4Connected) return done('L4TOUT', suffix(), 0);
    const tout = rule?.type === 'expect' ? rule.toutStatus : undefined;
    return done(tout ?? 'L7TOUT', suffix(), 0);
  };

  try {
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i]!;
      if (rule.type === 'comment') continue;
      current = i;
      code = 0;
      if (rule.type === 'connect') {
        conn?.close();
        conn = new CheckConn();
        buf = Buffer.alloc(0);
        mustRead = true;
        lastRead = false;
        const spec = connectSpec(rule, target);
        sslUsed = spec.ssl;
        const r = await conn.connect(spec, deadline, now);
        if (!r.ok) {
          if (r.reason === 'timeout') return done(r.phase === 'l4' ? 'L4TOUT' : 'L6TOUT', suffix(), 0);
          const text = (r.error ?? '') + suffix();
          return done(r.phase === 'l4' ? 'L4CON' : 'L6RSP', text, 0);
        }
        if (opts.timeouts.afterConnect !== undefined) deadline = now() + opts.timeouts.afterConnect;
        else deadline = start + opts.timeouts.total;
        continue;
      }
      if (!conn) return done('SOCKERR', 'TCPCHK no connection', 0);
      if (rule.type === 'send') {
        const d = rule.data;
        const bytes = typeof d === 'function' ? d() : Buffer.isBuffer(d) ? d : serializeHttpRequest(opts.extraHeaders ? { ...d, headers: [...d.headers, ...opts.extraHeaders] } : d);
        buf = Buffer.alloc(0);
        conn.write(bytes);
        mustRead = true;
        continue;
      }
      // expect: read when needed, evaluate, read more while the rule asks to wait.
      for (let guard = 0; guard < 100_000; guard++) {
        if (mustRead) {
          const { data, timedOut } = await conn.read(deadline, now);
          if (data.length > 0) buf = Buffer.concat([buf, data]).subarray(0, bufSize);
          if (data.length === 0) {
            if (timedOut) return timeoutOutcome();
            if (buf.length === 0 && conn.error !== undefined) return done('SOCKERR', conn.error + suffix(), 0);
            if (buf.length === 0 && conn.eos) {
              let msg = `TCPCHK got an empty response at step ${stepId(rules, i)}`;
              if (rule.comment) msg += ` comment: '${rule.comment}'`;
              return done(rule.errorStatus ?? 'L7RSP', msg, 0);
            }
          }
          mustRead = false;
          lastRead = conn.eos || conn.error !== undefined || buf.length >= bufSize;
        }
        const r =
          ruleset.kind === 'http'
            ? evalHttpExpect(rule, buf, lastRead, ruleset, opts, bufSize)
            : evalTcpExpect(rule, buf, lastRead, ruleset, i, bufSize);
        if (r.ret === 'stop') return done(r.status, r.info, r.code, r.agent);
        if (r.ret === 'continue') {
          code = r.code ?? 0;
          break;
        }
        if (lastRead) return done(rule.errorStatus ?? 'L7RSP', '', 0);
        mustRead = true;
      }
    }
  } catch (err) {
    // A check never brings the process down; an unexpected failure is a socket error.
    return done('SOCKERR', err instanceof Error ? err.message : String(err), 0);
  }

  const last = rules[current];
  if (last?.type === 'expect') {
    if (ruleset.disableOn404 && !opts.serverStopped && code === 404) return done('L7OKC', '', 404);
    let info = last.onSuccess !== undefined ? infoText(last.onSuccess, buf) : ruleset.kind === 'tcp-check' ? '(tcp-check)' : '';
    const c = last.statusCode?.(buf) ?? code;
    if (info === undefined) info = '';
    return done(last.okStatus ?? 'L7OK', info, c);
  }
  if (last?.type === 'connect') return done(sslUsed ? 'L6OK' : 'L4OK', last.implicit ? '' : '(tcp-check)', 0);
  return done('L7OK', '(tcp-check)', 0);
}

function connectSpec(rule: ConnectRule, target: CheckTarget) {
  const host = rule.addr ?? target.checkAddr ?? target.host;
  const port = rule.port ?? target.checkPort ?? target.port;
  const inherit = rule.useServerDefaults === true;
  return {
    host,
    port,
    sendProxy: rule.sendProxy === true || (inherit && target.sendProxy === true),
    ssl: rule.ssl === true || (inherit && target.ssl === true),
    ...(rule.sni ?? (inherit ? target.sni : undefined) ? { sni: (rule.sni ?? target.sni)! } : {}),
    ...(rule.alpn ? { alpn: rule.alpn.split(',') } : {}),
  };
}

function infoText(src: InfoSource, buf: Buffer): string {
  return typeof src === 'string' ? src : src(buf);
}

/** " at step N of tcp-check (what)" as HAProxy appends to connection errors of tcp-check rule lists. */
function stepSuffix(rules: Rule[], index: number): string {
  const step = stepId(rules, index);
  if (step === 0) return ' at initial connection step of tcp-check';
  let s = ` at step ${step} of tcp-check`;
  const rule = rules[index];
  if (rule?.type === 'connect') s += rule.port ? ` (connect port ${rule.port})` : ' (connect)';
  else if (rule?.type === 'send') s += ' (send)';
  else if (rule?.type === 'expect') {
    const m = rule.match;
    const what: Record<string, string> = {
      rstring: ' (expect regex)',
      rbinary: ' (expect binary regex)',
      status: ' (expect HTTP status codes)',
      rstatus: ' (expect HTTP status regex)',
      hdr: ' (expect HTTP header pattern)',
      custom: ' (expect custom function)',
    };
    if (m.kind === 'string') s += ` (expect string '${m.value.toString('latin1')}')`;
    else if (m.kind === 'binary') s += ` (expect binary '${m.value.toString('latin1')}')`;
    else s += what[m.kind] ?? '';
  }
  if (rule && rule.type !== 'comment' && rule.comment) s += ` comment: '${rule.comment}'`;
  return s;
}

/** The info of a failed expect: explicit, on-error text, or the generic tcp-check wording. */
function errorInfo(rule: ExpectRule, ruleset: Ruleset, index: number, matched: boolean, given: string, buf: Buffer): string {
  let msg: string;
  if (given) msg = given;
  else if (rule.onError !== undefined) msg = infoText(rule.onError, buf);
  else if (ruleset.kind !== 'tcp-check') msg = '';
  else {
    const m = rule.match;
    const step = stepId(ruleset.rules, index);
    msg = matched ? 'TCPCHK matched unwanted content' : 'TCPCHK did not match content';
    if (m.kind === 'string') msg += ` '${m.value.toString('latin1')}' at step ${step}`;
    else if (m.kind === 'binary') msg += ` (binary) at step ${step}`;
    else if (m.kind === 'rstring') msg += ` (regex) at step ${step}`;
    else if (m.kind === 'rbinary') msg += ` (binary regex) at step ${step}`;
    else if (m.kind === 'status') msg += `(status codes) at step ${step}`;
    else if (m.kind === 'custom') msg += ` (custom function) at step ${step}`;
    else msg += ` (header pattern) at step ${step}`;
  }
  if (rule.comment) msg += ` comment: ${rule.comment}`;
  return msg;
}

function evalTcpExpect(rule: ExpectRule, buf: Buffer, lastRead: boolean, ruleset: Ruleset, index: number, bufSize: number): Eval {
  const m = rule.match;
  const final = lastRead || buf.length >= bufSize;
  if (m.kind === 'custom') return evalCustom(m.fn, rule, buf, final, ruleset, index);
  if (!final) {
    if ((m.kind === 'string' || m.kind === 'binary') && buf.length < m.value.length) return { ret: 'wait' };
    if (rule.minRecv > 0 && buf.length < rule.minRecv) return { ret: 'wait' };
  }
  let matched = false;
  if (m.kind === 'string' || m.kind === 'binary') matched = buf.includes(m.value);
  else if (m.kind === 'rstring') matched = m.re.test(buf.toString('latin1'));
  else if (m.kind === 'rbinary') matched = m.re.test(buf.toString('hex').toUpperCase());
  if (!matched && !final && rule.minRecv === -1) return { ret: 'wait' };
  if (matched !== rule.inverse) return { ret: 'continue' };
  const code = rule.statusCode?.(buf) ?? 0;
  return { ret: 'stop', status: rule.errorStatus ?? 'L7RSP', info: errorInfo(rule, ruleset, index, matched, '', buf), code };
}

function evalHttpExpect(rule: ExpectRule, buf: Buffer, lastRead: boolean, ruleset: Ruleset, opts: RunOptions, bufSize: number): Eval {
  const index = ruleset.rules.indexOf(rule);
  const res = readHttpResponse(buf, lastRead || buf.length >= bufSize);
  const stop = (status: CheckStatus, desc: string, code: number, matched = false): Eval => ({
    ret: 'stop',
    status: rule.errorStatus ?? status,
    info: errorInfo(rule, ruleset, index, matched, rule.onError !== undefined ? '' : desc, buf),
    code,
  });
  if (res.state === 'error') return stop('L7RSP', '', 0);
  if (res.state === 'incomplete') return lastRead ? stop('L7RSP', '', 0) : { ret: 'wait' };
  const final = lastRead || res.complete || buf.length >= bufSize;
  const code = res.status;
  if (ruleset.disableOn404 && !opts.serverStopped && code === 404) return { ret: 'continue', code };
  const m = rule.match;
  let matched = false;
  if (m.kind === 'status') matched = m.ranges.some(([lo, hi]) => code >= lo && code <= hi);
  else if (m.kind === 'rstatus') matched = m.re.test(String(code));
  else if (m.kind === 'hdr') matched = headerMatches(m, res.headers);
  else if (m.kind === 'string' || m.kind === 'rstring') {
    const body = res.body;
    if (body.length === 0) return final ? stop('L7RSP', 'HTTP content check could not find a response body', code) : { ret: 'wait' };
    if (!final && ((m.kind === 'string' && body.length < m.value.length) || (rule.minRecv > 0 && body.length < rule.minRecv))) return { ret: 'wait' };
    matched = m.kind === 'string' ? body.includes(m.value) : m.re.test(body.toString('latin1'));
    if (!matched && !final && rule.minRecv === -1) return { ret: 'wait' };
    if (matched !== rule.inverse) return { ret: 'continue', code };
    return stop('L7RSP', rule.inverse ? 'HTTP check matched unwanted content' : 'HTTP content check did not match', code, matched);
  } else return stop('L7RSP', '', code);
  if (matched !== rule.inverse) return { ret: 'continue', code };
  return stop('L7STS', res.reason, code, matched);
}

function headerMatches(m: Extract<ExpectRule['match'], { kind: 'hdr' }>, headers: Array<[string, string]>): boolean {
  const test = (method: string, subject: string, pattern: string, ci: boolean): boolean => {
    const s = ci ? subject.toLowerCase() : subject;
    const p = ci ? pattern.toLowerCase() : pattern;
    if (method === 'beg') return s.startsWith(p);
    if (method === 'end') return s.endsWith(p);
    if (method === 'sub') return s.includes(p);
    if (method === 'reg') return new RegExp(pattern, ci ? 'i' : '').test(subject);
    return s === p;
  };
  for (const [name, value] of headers) {
    if (!test(m.nameMethod, name, m.name, true)) continue;
    if (m.value === undefined) return true;
    const values = m.full ? [value] : value.split(',').map((v) => v.trim());
    if (values.some((v) => test(m.valueMethod, v, m.value!, false))) return true;
  }
  return false;
}

/** C-string view of a buffer region, as HAProxy's info texts stop at a NUL. */
function cstr(buf: Buffer, from: number, to = buf.length): string {
  const part = buf.subarray(Math.min(from, buf.length), Math.max(from, to));
  const nul = part.indexOf(0);
  return (nul >= 0 ? part.subarray(0, nul) : part).toString('latin1');
}

function evalCustom(fn: string, rule: ExpectRule, buf: Buffer, final: boolean, ruleset: Ruleset, index: number): Eval {
  const isLast = !ruleset.rules.slice(index + 1).some((r) => r.type !== 'comment');
  const fail = (status: CheckStatus, desc: string, code = 0): Eval => ({ ret: 'stop', status, info: errorInfo(rule, ruleset, index, false, desc, buf), code });
  const b = (i: number): number => buf[i] ?? 0;
  if (fn === 'mysql-iniths' || fn === 'mysql-ok') {
    const off = fn === 'mysql-iniths' ? 0 : 4 + b(0) + (b(1) << 8) + (b(2) << 16);
    if (buf.length < off + 4) return final ? fail('L7RSP', '') : { ret: 'wait' };
    const plen = b(off) + (b(off + 1) << 8) + (b(off + 2) << 16);
    if (buf.length < off + plen + 4) return final ? fail('L7RSP', '') : { ret: 'wait' };
    if (b(off + 4) === 0xff) return fail('L7STS', cstr(buf, off + 7), b(off + 5) + (b(off + 6) << 8));
    if (!isLast) return { ret: 'continue' };
    return { ret: 'stop', status: rule.okStatus ?? 'L7OK', info: cstr(buf, 5), code: 0 };
  }
  if (fn === 'ldap-bindrsp') {
    let msglen = b(1) & 0x80 ? b(1) & 0x7f : 0;
    const same = (at: number, hex: string): boolean => buf.subarray(at, at + hex.length / 2).equals(Buffer.from(hex, 'hex'));
    if (msglen > 2 || !same(2 + msglen, '02010161')) return fail('L7RSP', 'Not LDAPv3 protocol');
    msglen += b(msglen + 6) & 0x80 ? b(msglen + 6) & 0x7f : 0;
    if (msglen > 4 || !same(7 + msglen, '0a01')) return fail('L7RSP', 'Not LDAPv3 protocol');
    const code = b(msglen + 9);
    if (code) return fail('L7STS', 'See RFC: http://tools.ietf.org/html/rfc4511#section-4.1.9', code);
    return { ret: 'stop', status: rule.okStatus ?? 'L7OK', info: 'Success', code: 0 };
  }
  // agent: one line ended by CR or LF
  const text = cstr(buf, 0);
  const eol = text.search(/[\r\n]/);
  if (eol < 0) {
    if (!final) return { ret: 'wait' };
    return { ret: 'stop', status: 'CHECKED', info: 'Ignoring incomplete line from agent', code: 0 };
  }
  const report = parseAgentLine(text.slice(0, eol));
  return { ret: 'stop', status: report.status, info: report.info, code: 0, agent: report };
}
