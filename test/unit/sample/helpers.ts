import { Diagnostics } from '../../../src/core/diag.js';
import { createSampleContext, type SampleContextInit } from '../../../src/sample/context.js';
import { compileExpr, evalExpr } from '../../../src/sample/expr.js';
import { sampleToString } from '../../../src/sample/cast.js';
import { AclTable, compileAcl } from '../../../src/sample/acl.js';
import { compileCondition, evalCondition } from '../../../src/sample/condition.js';
import type { HttpRequestHead } from '../../../src/http/message.js';
import type { Usage } from '../../../src/sample/types.js';

export const WHERE = { file: 't.cfg', line: 7 };

export function request(uri: string, headers: [string, string][] = [], method = 'GET', version = 'HTTP/1.1'): HttpRequestHead {
  return { method, uri, version, headers: headers.flatMap(([n, v]) => [n.toLowerCase(), v]) };
}

export function ctxFor(req?: HttpRequestHead, extra: Partial<SampleContextInit> = {}) {
  return createSampleContext({ conn: { src: '192.168.1.10', srcPort: 40000, dst: '10.0.0.1', dstPort: 80 }, req, ...extra });
}

/** Evaluates expression text against a context; throws with the diagnostics if it does not compile. */
export function run(text: string, ctx = ctxFor(request('/')), usage: Usage = 'any', baseDir = '.'): string | undefined {
  const diags = new Diagnostics();
  const e = compileExpr(text, usage, WHERE, diags, { baseDir });
  if (!e) throw new Error(diags.list.map((d) => d.message).join('\n'));
  return sampleToString(evalExpr(e, ctx));
}

/** The first alert message when compiling `text` fails. */
export function exprError(text: string, usage: Usage = 'any'): string | undefined {
  const diags = new Diagnostics();
  compileExpr(text, usage, WHERE, diags);
  return diags.list.find((d) => d.level === 'alert')?.message;
}

/** Compiles ACL lines (each a string of words) and a condition, and evaluates it. */
export function cond(acls: string[], condition: string, ctx = ctxFor(request('/')), usage: Usage = 'http-req', baseDir = '.'): boolean {
  const diags = new Diagnostics();
  const table = new AclTable();
  acls.forEach((line, i) => compileAcl(line.split(/ +/), { file: 't.cfg', line: i + 1 }, table, diags, baseDir));
  const c = compileCondition(condition.split(/ +/), { acls: table, usage, file: 't.cfg', line: 99, diags });
  if (!c || diags.alerts) throw new Error(diags.list.map((d) => d.message).join('\n'));
  return evalCondition(c, ctx);
}

/** Shorthand: does `{ acl }` match? */
export function matches(acl: string, ctx = ctxFor(request('/')), baseDir = '.'): boolean {
  return cond([`x ${acl}`], 'if x', ctx, 'any', baseDir);
}

export function aclDiags(lines: string[], condition?: string, usage: Usage = 'http-req'): Diagnostics {
  const diags = new Diagnostics();
  const table = new AclTable();
  lines.forEach((line, i) => compileAcl(line.split(/ +/), { file: 't.cfg', line: i + 1 }, table, diags));
  if (condition) compileCondition(condition.split(/ +/), { acls: table, usage, file: 't.cfg', line: 99, diags, rule: 'http-request deny' });
  return diags;
}
