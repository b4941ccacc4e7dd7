/**
 * The stick-counter actions shared by every rule set (http-request, http-response, tcp-request
 * connection/session/content): `track-sc0/1/2 KEY [table T]`, `sc-inc-gpc0/1(N)`,
 * `sc-inc-gpc(IDX,N)`, `sc-set-gpt0(N) VALUE` and `sc-set-gpt(IDX,N) VALUE`. They compile once to
 * a StickOp that runs against a session's SessionStick, so the HTTP and TCP engines share them:
 *
 *   const op = compileStickOp(word, args, cc, 'connection');   // at config load
 *   op.run(session.stick, sampleContext, Date.now());         // when the rule's condition holds
 */
import { evalExpr, type SampleExpr } from '../sample/expr.js';
import { formatIp } from '../sample/ip.js';
import { toInt } from '../sample/cast.js';
import { parseTrackArgs } from '../persist/stick-rules.js';
import type { Sample } from '../sample/types.js';
import type { SampleContext } from '../sample/context.js';
import type { TrackStage } from '../persist/track.js';
import type { StickEntry, StickTable } from '../persist/stick-table.js';
import type { DataTypeName } from '../persist/stick-data.js';
import type { SessionStick } from '../runtime/stick.js';
import type { CompileCtx } from './compile-ctx.js';
import { actionName } from '../proxy/kw-rules.js';

export interface StickOp {
  name: string;
  run(stick: SessionStick | undefined, sample: SampleContext, now: number): void;
}

/** The action words this module compiles (without their parenthesised arguments). */
export const STICK_OPS = ['track-sc0', 'track-sc1', 'track-sc2', 'sc-inc-gpc', 'sc-inc-gpc0', 'sc-inc-gpc1', 'sc-set-gpt', 'sc-set-gpt0'] as const;

/** A sample as a table key candidate (the table normalizes it to its type). */
export function sampleKey(s: Sample): string | number | Buffer {
  switch (s.type) {
    case 'ip':
      return formatIp(s.value);
    case 'int':
      return s.value;
    case 'bool':
      return s.value ? 1 : 0;
    case 'bin':
      return s.value;
    default:
      return s.value;
  }
}

/** Compiles one stick-counter action; errors are reported through `cc` (undefined then). */
export function compileStickOp(word: string, args: string[], cc: CompileCtx, stage: TrackStage): StickOp | undefined {
  const name = actionName(word);
  if (name.startsWith('track-sc')) return compileTrack(name, args, cc, stage);
  const parsed = scArgs(word, name, cc);
  if (!parsed) return undefined;
  const { idx, ctr } = parsed;
  if (name.startsWith('sc-inc-gpc')) {
    if (args.length > 0) return cc.fail(`expects no argument.`);
    return { name, run: (stick, _s, now) => incGpc(stick, ctr, name === 'sc-inc-gpc' ? 'array' : 'legacy', idx, now) };
  }
  // sc-set-gpt0 / sc-set-gpt: an integer or a sample expression.
  let fixed: number | undefined;
  let expr: SampleExpr | undefined;
  const v = args[0];
  if (args.length > 1) return cc.fail(`expects exactly 1 argument (an integer or a sample expression).`);
  if (v === undefined) fixed = 0;
  else if (/^-?\d+$/.test(v)) fixed = Number(v);
  else {
    expr = cc.expr(v);
    if (!expr) return undefined;
  }
  const kind = name === 'sc-set-gpt' ? 'array' : 'legacy';
  return {
    name,
    run(stick, sample, now) {
      let value = fixed;
      if (expr) {
        const s = evalExpr(expr, sample);
        value = s ? toInt(s) : undefined;
      }
      if (value !== undefined) setGpt(stick, ctr, kind, idx, value, now);
    },
  };
}

function compileTrack(name: string, args: string[], cc: CompileCtx, stage: TrackStage): StickOp | undefined {
  if (args.length === 0) return cc.fail('missing fetch method.');
  if (args[1] === 'table' && args[2] === undefined) return cc.fail('missing table name.');
  const p = parseTrackArgs(name, args);
  if ('error' in p) return cc.fail(p.error);
  if (args.length > (p.ok.table !== undefined ? 3 : 1)) {
    return cc.fail(`expects either 'if' or 'unless' followed by a condition but found '${args[p.ok.table !== undefined ? 3 : 1]}'.`);
  }
  const { ctr } = p.ok;
  const tableName = p.ok.table ?? cc.env.name;
  cc.env.tableRefs?.push({ table: tableName, by: name });
  const expr = cc.expr(p.ok.key);
  if (!expr) return undefined;
  return {
    name,
    run(stick, sample, now) {
      if (!stick || stick.trackers.tracked(ctr)) return;
      const t = stick.table(tableName);
      if (!t) return;
      const s = evalExpr(expr, sample);
      if (!s) return;
      const key = t.normalizeKey(sampleKey(s));
      if (key !== undefined) stick.trackers.track(ctr, t, key, stage, now);
    },
  };
}

/** "sc-inc-gpc0(1)" → ctr 1; "sc-inc-gpc(3,1)" → idx 3, ctr 1; no parentheses means counter 0. */
function scArgs(word: string, name: string, cc: CompileCtx): { idx: number; ctr: number } | undefined {
  const array = name === 'sc-inc-gpc' || name === 'sc-set-gpt';
  const inner = word.length > name.length ? word.slice(name.length) : '';
  if (array) {
    const m = /^\((\d+),(\d+)\)$/.exec(inner);
    const kind = name === 'sc-inc-gpc' ? 'gpc' : 'gpt';
    if (!/^\(\d+,/.test(inner)) return cc.fail(`Missing ${kind} ID '${word}'. Expects ${name}(<${kind.toUpperCase()} ID>,<Track ID>).`);
    if (!m) return cc.fail(`invalid stick table track ID '${word}'. Expects ${name}(<${kind.toUpperCase()} ID>,<Track ID>).`);
    const idx = Number(m[1]);
    const ctr = Number(m[2]);
    if (idx > 99) return cc.fail(`invalid ${kind} ID '${m[1]}'. The max allowed ID is 99.`);
    if (ctr > 2) return cc.fail(`invalid stick table track ID '${m[2]}'. The max allowed ID is 2.`);
    return { idx, ctr };
  }
  if (inner === '') return { idx: 0, ctr: 0 };
  const m = /^\((\d+)\)$/.exec(inner);
  if (!m) return cc.fail(`invalid stick table track ID. Expects ${word}(<Track ID>).`);
  const ctr = Number(m[1]);
  if (ctr > 2) return cc.fail(`invalid stick table track ID. The max allowed ID is 2.`);
  return { idx: name.endsWith('1') ? 1 : 0, ctr };
}

interface Tracked {
  t: StickTable;
  e: StickEntry;
}

function tracked(stick: SessionStick | undefined, ctr: number): Tracked | undefined {
  const e = stick?.trackers.entries[ctr];
  return e ? { t: stick!.trackers.tables[ctr]!, e } : undefined;
}

/**
 * gpc0/gpc1 (legacy) use the gpc0/gpc1 types, or element 0/1 of the gpc array when the table
 * stores that instead; sc-inc-gpc(IDX,N) uses the arrays only.
 */
function incGpc(stick: SessionStick | undefined, ctr: number, kind: 'legacy' | 'array', idx: number, now: number): void {
  const tr = tracked(stick, ctr);
  if (!tr) return;
  const { t, e } = tr;
  let cnt: DataTypeName = 'gpc';
  let rate: DataTypeName = 'gpc_rate';
  let i = idx;
  if (kind === 'legacy' && (t.stores(idx ? 'gpc1' : 'gpc0') || t.stores(idx ? 'gpc1_rate' : 'gpc0_rate'))) {
    cnt = idx ? 'gpc1' : 'gpc0';
    rate = idx ? 'gpc1_rate' : 'gpc0_rate';
    i = 0;
  }
  const a = t.add(e, rate, 1, now, i);
  const b = t.add(e, cnt, 1, now, i);
  if (a || b) t.touch(e, now);
}

function setGpt(stick: SessionStick | undefined, ctr: number, kind: 'legacy' | 'array', idx: number, value: number, now: number): void {
  const tr = tracked(stick, ctr);
  if (!tr) return;
  const { t, e } = tr;
  // A 32-bit unsigned tag.
  const v = value >>> 0;
  const ok = kind === 'legacy' && t.stores('gpt0') ? t.set(e, 'gpt0', v) : t.set(e, 'gpt', v, idx);
  if (ok) t.touch(e, now);
}
