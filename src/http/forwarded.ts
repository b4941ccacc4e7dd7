/**
 * `option forwarded`: the RFC 7239 `Forwarded` header, with HAProxy 2.8's syntax (HAProxy 2.6
 * has no such option; portico offers it as an extension so that configs written for newer
 * HAProxy load):
 *
 *   option forwarded [ proto ] [ host | host-expr <expr> ] [ by | by-expr <expr> ]
 *                    [ by_port | by_port-expr <expr> ] [ for | for-expr <expr> ]
 *                    [ for_port | for_port-expr <expr> ]
 *
 * Without parameters it means `proto for`. The header is added to the request sent to the
 * server after the request rules, next to any Forwarded field the client sent (a proxy chain
 * extends the list, RFC 7239 section 4).
 */
import type { SampleExpr } from '../sample/expr.js';
import { evalExpr } from '../sample/expr.js';
import type { SampleContext, ConnectionInfo } from '../sample/context.js';
import type { Sample } from '../sample/types.js';
import { formatIp, parseIp } from '../sample/ip.js';

/** A parameter's source: the connection's own value, or a sample expression. */
type Source<E> = { kind: 'auto' } | { kind: 'expr'; expr: E };

/** What `option forwarded` asks for; `E` is the expression text when parsed, compiled later. */
export interface ForwardedSpec<E = SampleExpr> {
  proto: boolean;
  host?: Source<E>;
  by?: Source<E>;
  byPort?: Source<E>;
  for?: Source<E>;
  forPort?: Source<E>;
}

const PARAMS: Record<string, { key: 'host' | 'by' | 'byPort' | 'for' | 'forPort'; expr: boolean }> = {
  host: { key: 'host', expr: false },
  'host-expr': { key: 'host', expr: true },
  by: { key: 'by', expr: false },
  'by-expr': { key: 'by', expr: true },
  by_port: { key: 'byPort', expr: false },
  'by_port-expr': { key: 'byPort', expr: true },
  for: { key: 'for', expr: false },
  'for-expr': { key: 'for', expr: true },
  for_port: { key: 'forPort', expr: false },
  'for_port-expr': { key: 'forPort', expr: true },
};

/** Parses the words after `option forwarded`; expressions stay as text. */
export function parseForwardedArgs(words: readonly string[]): ForwardedSpec<string> | { error: string } {
  if (words.length === 0) return { proto: true, for: { kind: 'auto' } };
  const spec: ForwardedSpec<string> = { proto: false };
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === 'proto') {
      spec.proto = true;
      continue;
    }
    const p = PARAMS[w];
    if (!p) {
      return { error: `'option forwarded': unknown parameter '${w}'; expected proto, host, host-expr, by, by-expr, by_port, by_port-expr, for, for-expr, for_port or for_port-expr.` };
    }
    if (spec[p.key] !== undefined) return { error: `'option forwarded': '${w}' conflicts with an earlier parameter setting the same field.` };
    if (p.expr) {
      const text = words[i + 1];
      if (text === undefined || text === '') return { error: `'option forwarded': '${w}' expects a sample expression.` };
      spec[p.key] = { kind: 'expr', expr: text };
      i++;
    } else spec[p.key] = { kind: 'auto' };
  }
  if (spec.byPort && !spec.by) return { error: `'option forwarded': 'by_port' needs 'by' or 'by-expr' (the port belongs to a node).` };
  if (spec.forPort && !spec.for) return { error: `'option forwarded': 'for_port' needs 'for' or 'for-expr' (the port belongs to a node).` };
  return spec;
}

/** Compiles the expressions of a parsed spec; undefined when one fails (the compiler reported it). */
export function compileForwarded(spec: ForwardedSpec<string>, compile: (text: string) => SampleExpr | undefined): ForwardedSpec | undefined {
  const out: ForwardedSpec = { proto: spec.proto };
  for (const key of ['host', 'by', 'byPort', 'for', 'forPort'] as const) {
    const s = spec[key];
    if (!s) continue;
    if (s.kind === 'auto') out[key] = s;
    else {
      const expr = compile(s.expr);
      if (!expr) return undefined;
      out[key] = { kind: 'expr', expr };
    }
  }
  return out;
}

// RFC 7230 tchar: what a value may hold without quotes.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// RFC 7239 obfnode / obfport: "_" followed by ALPHA / DIGIT / "." / "_" / "-".
const OBFUSCATED = /^_[A-Za-z0-9._-]+$/;

function quoted(v: string): string {
  return TOKEN.test(v) ? v : `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** A node name (RFC 7239 section 6): an IPv6 address goes in brackets. */
function nodeName(addr: string): string | undefined {
  if (addr === '') return 'unknown';
  const ip = parseIp(addr);
  if (!ip) return OBFUSCATED.test(addr) ? addr : undefined;
  const text = formatIp(ip);
  // An IPv4 client of a dual-stack listener is an IPv4 node, not "[::ffff:a.b.c.d]".
  if (ip.family === 6 && /^::ffff:\d+\.\d+\.\d+\.\d+$/.test(text)) return text.slice(7);
  return ip.family === 6 ? `[${text}]` : text;
}

function nodeFromSample(s: Sample | undefined): string | undefined {
  if (!s) return undefined;
  if (s.type === 'ip') return nodeName(formatIp(s.value));
  if (s.type === 'str') return nodeName(s.value);
  return undefined;
}

function portFromSample(s: Sample | undefined): string | undefined {
  if (!s) return undefined;
  if (s.type === 'int') return s.value > 0 && s.value < 65536 ? String(s.value) : undefined;
  if (s.type === 'str') {
    if (/^[0-9]{1,5}$/.test(s.value) && Number(s.value) < 65536) return String(Number(s.value));
    return OBFUSCATED.test(s.value) ? s.value : undefined;
  }
  return undefined;
}

/** The facts of one request the header is made of. */
export interface ForwardedFacts {
  conn: ConnectionInfo;
  /** The request's Host header, if any. */
  host: string | undefined;
  sample: SampleContext;
}

function node(src: Source<SampleExpr> | undefined, addr: string, portSrc: Source<SampleExpr> | undefined, port: number, sample: SampleContext): string | undefined {
  if (!src) return undefined;
  const name = src.kind === 'auto' ? nodeName(addr) : nodeFromSample(evalExpr(src.expr, sample));
  if (name === undefined) return undefined;
  if (!portSrc) return quoted(name);
  const p = portSrc.kind === 'auto' ? (port > 0 ? String(port) : undefined) : portFromSample(evalExpr(portSrc.expr, sample));
  return p === undefined ? quoted(name) : quoted(`${name}:${p}`);
}

/** The header value, or undefined when no parameter has a value. */
export function forwardedValue(spec: ForwardedSpec, f: ForwardedFacts): string | undefined {
  const parts: string[] = [];
  if (spec.proto) parts.push(`proto=${f.conn.ssl ? 'https' : 'http'}`);
  if (spec.host) {
    let h: string | undefined;
    if (spec.host.kind === 'auto') h = f.host;
    else {
      const s = evalExpr(spec.host.expr, f.sample);
      h = s && (s.type === 'str' || s.type === 'meth') ? s.value : undefined;
    }
    if (h !== undefined && h !== '') parts.push(`host=${quoted(h)}`);
  }
  const by = node(spec.by, f.conn.dst, spec.byPort, f.conn.dstPort, f.sample);
  if (by !== undefined) parts.push(`by=${by}`);
  const fo = node(spec.for, f.conn.src, spec.forPort, f.conn.srcPort, f.sample);
  if (fo !== undefined) parts.push(`for=${fo}`);
  return parts.length > 0 ? parts.join(';') : undefined;
}
