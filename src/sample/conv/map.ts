/**
 * map_<match>_<output>(file[,default]): look the input up in a map file. Keys are compiled into
 * a PatternSet of the match method, so exact keys are one hash lookup, prefixes use the longest
 * match and networks the finest, like HAProxy's trees; other methods take the first line matching.
 */
import { defineConverter, type CompileEnv, type Prepared } from '../keywords.js';
import { PatternSet, type MatchMethod } from '../pattern.js';
import { resolvePath } from '../mapfile.js';
import { parseIp } from '../ip.js';
import type { ArgValue } from '../args.js';
import type { Sample, SampleType } from '../types.js';

type Out = 'str' | 'int' | 'ip';

interface MapArgs {
  set: PatternSet;
  def: Sample | undefined;
}

function outValue(text: string, out: Out): Sample | undefined {
  if (out === 'str') return { type: 'str', value: text };
  if (out === 'int') return /^[-+]?\d+$/.test(text) ? { type: 'int', value: Number(text) } : undefined;
  const ip = parseIp(text);
  return ip ? { type: 'ip', value: ip } : undefined;
}

/** Loads a map file into a PatternSet; errors name the file and line like HAProxy. */
export function loadMap(file: string, method: MatchMethod, out: Out, env: CompileEnv): Prepared<PatternSet> {
  const path = resolvePath(env.baseDir, file);
  const lines = env.maps.mapFile(path);
  if (!Array.isArray(lines)) return lines;
  const set = new PatternSet(method);
  for (const { key, value, line } of lines) {
    const v = outValue(value, out);
    if (!v) return { error: `unable to parse '${value}' at line ${line} of file '${path}'` };
    const err = set.add(key, false, v);
    if (err) return { error: `${err.replace(/\.$/, '')} at line ${line} of file '${path}'` };
  }
  return { value: set.compile() };
}

function define(name: string, method: MatchMethod, input: SampleType, out: Out): void {
  defineConverter<MapArgs>({
    name,
    args: { types: ['str', 'str'], min: 1 },
    in: input,
    out,
    prepare: ([file, def]: ArgValue[], env) => {
      const set = loadMap(String(file), method, out, env);
      if ('error' in set) return set;
      let d: Sample | undefined;
      if (def !== undefined) {
        d = outValue(String(def), out);
        if (!d) return { error: `cannot parse default value '${String(def)}'` };
      }
      return { value: { set: set.value, def: d } };
    },
    conv: ({ set, def }, s) => {
      const p = set.match(s);
      if (!p) return def;
      if (method === 'regm' && p.value?.type === 'str' && p.re) {
        // \1..\9 in the value are replaced by the groups the key's regex captured.
        const m = p.re.exec(s.value as string);
        if (m) return { type: 'str', value: p.value.value.replace(/\\([0-9])/g, (_, d: string) => m[Number(d)] ?? '') };
      }
      return p.value;
    },
  });
}

const STRING_METHODS: MatchMethod[] = ['str', 'beg', 'sub', 'dir', 'dom', 'end', 'reg'];
for (const out of ['str', 'int', 'ip'] as const) {
  const suffix = out === 'str' ? '' : `_${out}`;
  for (const m of STRING_METHODS) {
    define(`map_${m}${suffix}`, m, 'str', out);
  }
  define(`map_int${suffix}`, 'int', 'int', out);
  define(`map_ip${suffix}`, 'ip', 'ip', out);
}
define('map', 'str', 'str', 'str');
define('map_regm', 'regm', 'str', 'str');
