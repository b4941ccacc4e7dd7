/**
 * Renders a compiled log-format for a log line: like evalLogFormat in 'log' mode, with one more
 * rule: a variable that prints NOTHING (captures when none is declared) takes no room, so the
 * separator after it is not doubled.
 */
import { renderLogExpr, renderLogVar, type LfValue, type LogFormat } from './logformat.js';
import { evalExpr } from '../sample/expr.js';
import { sampleToString } from '../sample/cast.js';
import type { SampleContext } from '../sample/context.js';
import { NOTHING } from './vars.js';

export interface VarSource {
  variable(name: string): LfValue;
}

export function renderLogLine(lf: LogFormat, vars: VarSource, sample: SampleContext | undefined): string {
  let out = '';
  for (const p of lf.parts) {
    switch (p.kind) {
      case 'text':
        out += p.text;
        break;
      case 'sep':
        if (out !== '' && out.charCodeAt(out.length - 1) !== 32) out += ' ';
        break;
      case 'var': {
        const v = vars.variable(p.name);
        if (v === NOTHING) break;
        // The termination state prints as is, never quoted (as haproxy's CLF line shows).
        if (p.name === 'ts' || p.name === 'tsc') out += v ?? '-';
        else out += renderLogVar(p, v);
        break;
      }
      case 'expr': {
        let v: string | undefined;
        try {
          v = sample ? sampleToString(evalExpr(p.expr, sample)) : undefined;
        } catch {
          v = undefined;
        }
        out += renderLogExpr(p, v);
        break;
      }
    }
  }
  return out;
}
