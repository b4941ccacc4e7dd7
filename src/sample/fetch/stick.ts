/**
 * Stick-table fetches (sc_*, sc0_*..sc2_*, src_*, table_*), defined by the persistence module and
 * registered here. They read the stream's trackers and the running tables through
 * SampleContext.stick; without it (no tables at run time) they yield no sample, as an untracked
 * counter does in HAProxy.
 */
import { defineFetch } from '../keywords.js';
import { STICK_FETCHES } from '../../persist/stick-fetch.js';
import type { ArgSpec } from '../args.js';

const SHAPES: Record<'sc' | 'scN' | 'src' | 'table', ArgSpec> = {
  sc: { types: ['int', 'str'], min: 1 },
  scN: { types: ['str'], min: 0 },
  src: { types: ['str'], min: 0 },
  table: { types: ['str'], min: 0 },
};

for (const def of STICK_FETCHES) {
  const fixedCtr = /^sc(\d)_/.exec(def.name);
  defineFetch({
    name: def.name,
    args: SHAPES[def.args],
    out: def.out,
    needs: 'l4',
    fetch(args, ctx) {
      const stick = ctx.stick;
      if (!stick) return undefined;
      const a = args as (string | number)[];
      const ctr = fixedCtr ? Number(fixedCtr[1]) : def.args === 'sc' ? Number(a[0]) : 0;
      const table = def.args === 'sc' ? (a[1] as string | undefined) : (a[0] as string | undefined);
      const v = def.fetch(stick(), ctr, table);
      if (v === undefined) return undefined;
      return typeof v === 'boolean' ? { type: 'bool', value: v } : { type: 'int', value: v };
    },
  });
}
