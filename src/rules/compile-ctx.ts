/**
 * What compiling one rule line needs: where it is, how to word errors like HAProxy
 * ("error detected in frontend 'fe' while parsing 'http-request set-header' rule : ..."), and
 * helpers to compile log-format strings, sample expressions and conditions in the right usage.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { compileLogFormat, type LogFormat } from '../log/logformat.js';
import { compileExpr, type SampleExpr } from '../sample/expr.js';
import { compileCondition, type Condition } from '../sample/condition.js';
import type { AclTable } from '../sample/acl.js';
import type { MapCache } from '../sample/mapfile.js';
import type { ConfigRefs } from '../sample/keywords.js';
import type { Usage } from '../sample/types.js';
import type { Diagnostics } from '../core/diag.js';
import type { HttpReply } from './reply.js';
import type { Where } from './types.js';

export interface ProxyEnv {
  kind: 'frontend' | 'backend' | 'listen' | 'defaults';
  name: string;
  acls: AclTable;
  diags: Diagnostics;
  maps: MapCache;
  refs: ConfigRefs;
  /** Errorfiles of an http-errors section by status, or undefined when there is no such section. */
  httpErrors(name: string): Map<number, HttpReply> | undefined;
  /** Stick tables named by track-sc rules, checked once every table is known. */
  tableRefs?: { table: string; by: string }[];
}

export class CompileCtx {
  constructor(
    readonly env: ProxyEnv,
    /** "http-request set-header", "use_backend"... as HAProxy names the rule in messages. */
    readonly rule: string,
    readonly usage: Usage,
    readonly where: Where,
  ) {}

  get prefix(): string {
    const kind = this.env.kind === 'listen' ? 'proxy' : this.env.kind;
    return `error detected in ${kind} '${this.env.name}' while parsing '${this.rule}' rule`;
  }

  /** Reports an error; `plain` words it as "'rule' msg" (HAProxy's form for misplaced words). */
  fail(msg: string, plain = false): undefined {
    this.env.diags.alert(plain ? `'${this.rule}' ${msg}` : `${this.prefix} : ${msg}`, this.where);
    return undefined;
  }

  warn(msg: string): void {
    this.env.diags.warning(`'${this.rule}' : ${msg}`, this.where);
  }

  httpErrors(name: string): Map<number, HttpReply> | undefined {
    return this.env.httpErrors(name);
  }

  resolve(path: string): string {
    return isAbsolute(path) ? path : resolve(dirname(this.where.file), path);
  }

  logFormat(text: string): LogFormat | undefined {
    return compileLogFormat(text, this.where, this.env.diags, { usage: this.usage, baseDir: dirname(this.where.file), refs: this.env.refs, maps: this.env.maps, context: this.prefix });
  }

  expr(text: string): SampleExpr | undefined {
    return compileExpr(text, this.usage, this.where, this.env.diags, { baseDir: dirname(this.where.file), refs: this.env.refs, maps: this.env.maps, context: this.prefix });
  }

  condition(words: string[]): Condition | undefined {
    return compileCondition(words, {
      acls: this.env.acls,
      usage: this.usage,
      file: this.where.file,
      line: this.where.line,
      diags: this.env.diags,
      rule: this.rule,
      proxy: this.env.kind === 'backend' ? 'backend' : 'frontend',
      baseDir: dirname(this.where.file),
      refs: this.env.refs,
      maps: this.env.maps,
    });
  }
}
