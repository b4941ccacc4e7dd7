/** String converters: case, trimming, splitting, slicing, regex substitution, comparison, JSON. */
import { defineConverter, NO_ARGS, type Prepared } from '../keywords.js';
import { configBytes } from '../cast.js';
import { operandStr, prepareStrOperand, type Operand } from './operand.js';
import type { ArgValue } from '../args.js';
import type { Sample } from '../types.js';

const str = (value: string): Sample => ({ type: 'str', value });
const int = (value: number): Sample => ({ type: 'int', value });
const text = (s: Sample) => s.value as string;

defineConverter({ name: 'lower', args: NO_ARGS, in: 'str', out: 'str', conv: (_, s) => str(text(s).toLowerCase()) });
defineConverter({ name: 'upper', args: NO_ARGS, in: 'str', out: 'str', conv: (_, s) => str(text(s).toUpperCase()) });
defineConverter({ name: 'length', args: NO_ARGS, in: 'str', out: 'int', conv: (_, s) => int(text(s).length) });
defineConverter({ name: 'cut_crlf', args: NO_ARGS, in: 'str', out: 'str', conv: (_, s) => str(text(s).replace(/[\r\n][\s\S]*$/, '')) });

const charsArg = ([chars]: ArgValue[]): Prepared<string> => ({ value: configBytes(String(chars)) });
defineConverter<string>({
  name: 'ltrim',
  args: { types: ['str'], min: 1 },
  in: 'str',
  out: 'str',
  prepare: charsArg,
  conv: (chars, s) => {
    const t = text(s);
    let i = 0;
    while (i < t.length && chars.includes(t[i]!)) i++;
    return str(t.slice(i));
  },
});
defineConverter<string>({
  name: 'rtrim',
  args: { types: ['str'], min: 1 },
  in: 'str',
  out: 'str',
  prepare: charsArg,
  conv: (chars, s) => {
    const t = text(s);
    let i = t.length;
    while (i > 0 && chars.includes(t[i - 1]!)) i--;
    return str(t.slice(0, i));
  },
});

interface FieldArgs {
  index: number;
  delims: string;
  count: number;
}
function fieldPrepare([index, delims, count]: ArgValue[]): Prepared<FieldArgs> {
  if (Number(index) === 0) return { error: 'index must not be null (0)' };
  return { value: { index: Number(index), delims: configBytes(String(delims)), count: count === undefined ? 1 : Number(count) } };
}

/**
 * Fields of `t` cut at any char of `delims` ([start, end) offsets); words drop empty fields.
 * A positive index counts from the start and `count` fields go right; a negative one counts from
 * the end and `count` fields go left; count 0 takes everything in that direction. The result is
 * the original text spanning the chosen fields.
 */
export function pickFields(t: string, p: FieldArgs, words: boolean): string | undefined {
  const spans: number[] = [];
  let start = 0;
  for (let i = 0; i <= t.length; i++) {
    if (i === t.length || p.delims.includes(t[i]!)) {
      if (!words || i > start) spans.push(start, i);
      start = i + 1;
    }
  }
  const n = spans.length / 2;
  let a: number;
  let b: number;
  if (p.index > 0) {
    a = p.index - 1;
    b = p.count === 0 ? n - 1 : Math.min(n - 1, a + p.count - 1);
  } else {
    b = n + p.index;
    a = p.count === 0 ? 0 : Math.max(0, b - p.count + 1);
  }
  if (a < 0 || a >= n || b < 0 || b >= n || a > b) return undefined;
  return t.slice(spans[2 * a]!, spans[2 * b + 1]!);
}

for (const [name, words] of [
  ['field', false],
  ['word', true],
] as const) {
  defineConverter<FieldArgs>({
    name,
    args: { types: ['int', 'str', 'int'], min: 2 },
    in: 'str',
    out: 'str',
    prepare: fieldPrepare,
    conv: (p, s) => {
      const r = pickFields(text(s), p, words);
      return r === undefined ? undefined : str(r);
    },
  });
}

defineConverter<{ off: number; len: number | undefined }>({
  name: 'bytes',
  args: { types: ['int', 'int'], min: 1 },
  in: 'bin',
  out: 'bin',
  prepare: ([off, len]) => {
    if (Number(off) < 0 || (len !== undefined && Number(len) < 0)) return { error: 'offset and length must not be negative' };
    return { value: { off: Number(off), len: len === undefined ? undefined : Number(len) } };
  },
  conv: ({ off, len }, s) => {
    const b = s.value as Buffer;
    if (off > b.length) return undefined;
    const end = len === undefined ? b.length : Math.min(b.length, off + len);
    return { type: 'bin', value: b.subarray(off, end) };
  },
});

interface RegsubArgs {
  re: RegExp;
  subst: string;
}
defineConverter<RegsubArgs>({
  name: 'regsub',
  args: { types: ['regex', 'str', 'str'], min: 2 },
  in: 'str',
  out: 'str',
  prepare: ([re, subst, flags]) => {
    const f = flags === undefined ? '' : String(flags);
    if (!/^[ig]*$/.test(f)) return { error: `invalid regex flag '${f.replace(/[ig]/g, '')[0]}', only 'i' and 'g' are supported` };
    try {
      // \1..\9 in the substitution refer to groups, like sed; '$' is literal.
      const js = String(subst).replace(/\$/g, '$$$$').replace(/\\([0-9])/g, '$$$1');
      return { value: { re: new RegExp(String(re), f), subst: js } };
    } catch (e) {
      return { error: `regex '${String(re)}' is invalid (error=${(e as Error).message.replace(/^Invalid regular expression: /, '')})` };
    }
  },
  conv: ({ re, subst }, s) => str(text(s).replace(re, subst)),
});

defineConverter<Operand>({
  name: 'strcmp',
  args: { types: ['str'], min: 1 },
  in: 'str',
  out: 'int',
  prepare: ([v]) => ({ value: prepareStrOperand(v!) }),
  conv: (o, s, ctx) => {
    const other = operandStr(o, ctx);
    if (other === undefined) return undefined;
    const a = text(s);
    return int(a < other ? -1 : a > other ? 1 : 0);
  },
});
defineConverter<Operand>({
  name: 'secure_memcmp',
  args: { types: ['str'], min: 1 },
  in: 'str',
  out: 'bool',
  prepare: ([v]) => ({ value: prepareStrOperand(v!) }),
  conv: (o, s, ctx) => {
    const other = operandStr(o, ctx);
    return other === undefined ? undefined : { type: 'bool', value: other === text(s) };
  },
});

/** concat([start][,var][,end]): the middle part is a variable that is simply skipped when unset. */
defineConverter<{ start: string; v: Operand | undefined; end: string }>({
  name: 'concat',
  args: { types: ['str', 'str', 'str'], min: 0 },
  in: 'str',
  out: 'str',
  prepare: ([start, v, end], _env) => {
    let ref: Operand | undefined;
    if (v !== undefined && v !== '') {
      const o = prepareStrOperand(v);
      if (o.kind !== 'var') return { error: `invalid variable name '${String(v)}'` };
      ref = o;
    }
    return { value: { start: configBytes(String(start ?? '')), v: ref, end: configBytes(String(end ?? '')) } };
  },
  conv: (p, s, ctx) => str(text(s) + p.start + ((p.v && operandStr(p.v, ctx)) ?? '') + p.end),
});

type JsonMode = 'ascii' | 'utf8' | 'utf8s' | 'utf8p' | 'utf8ps';
defineConverter<JsonMode>({
  name: 'json',
  args: { types: ['str'], min: 0 },
  in: 'str',
  out: 'str',
  prepare: ([mode]) => {
    const m = mode === undefined || mode === '' ? 'ascii' : String(mode);
    if (!['ascii', 'utf8', 'utf8s', 'utf8p', 'utf8ps'].includes(m)) return { error: `Unexpected input code type. Allowed value are 'ascii', 'utf8', 'utf8s', 'utf8p' and 'utf8ps'` };
    return { value: m as JsonMode };
  },
  conv: (mode, s) => {
    const r = jsonEscape(text(s), mode);
    return r === undefined ? undefined : str(r);
  },
});

const hex4 = (n: number) => '\\u' + n.toString(16).toUpperCase().padStart(4, '0');

/** JSON string escaping of a byte string; UTF-8 modes decode sequences, 's' skips bad ones, 'p' keeps them. */
export function jsonEscape(t: string, mode: JsonMode): string | undefined {
  let out = '';
  const bytes = Buffer.from(t, 'latin1');
  for (let i = 0; i < bytes.length; ) {
    const c = bytes[i]!;
    if (c < 0x80 || mode === 'ascii') {
      i++;
      if (c === 0x22) out += '\\"';
      else if (c === 0x5c) out += '\\\\';
      else if (c === 0x2f) out += '\\/';
      else if (c === 0x08) out += '\\b';
      else if (c === 0x0c) out += '\\f';
      else if (c === 0x0d) out += '\\r';
      else if (c === 0x0a) out += '\\n';
      else if (c === 0x09) out += '\\t';
      else if (c < 0x20 || c > 0x7e) out += hex4(c);
      else out += String.fromCharCode(c);
      continue;
    }
    const len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 0;
    const seq = len ? bytes.subarray(i, i + len) : undefined;
    const decoded = seq && seq.length === len ? new TextDecoder('utf-8', { fatal: false }).decode(seq) : undefined;
    if (decoded === undefined || decoded.includes('\ufffd')) {
      if (mode === 'utf8') return undefined;
      if (mode === 'utf8p' || mode === 'utf8ps') out += hex4(c);
      i++;
      continue;
    }
    for (const ch of decoded) {
      const cp = ch.codePointAt(0)!;
      if (cp > 0xffff) {
        const v = cp - 0x10000;
        out += hex4(0xd800 + (v >> 10)) + hex4(0xdc00 + (v & 0x3ff));
      } else out += hex4(cp);
    }
    i += len;
  }
  return out;
}

defineConverter({
  name: 'url_dec',
  args: { types: ['int'], min: 0 },
  in: 'str',
  out: 'str',
  conv: (_, s) => {
    const t = text(s);
    const bytes: number[] = [];
    for (let i = 0; i < t.length; i++) {
      const c = t[i]!;
      if (c === '%' && /^[0-9a-fA-F]{2}$/.test(t.slice(i + 1, i + 3))) {
        bytes.push(parseInt(t.slice(i + 1, i + 3), 16));
        i += 2;
      } else if (c === '%') return undefined;
      else if (c === '+') bytes.push(0x20);
      else bytes.push(t.charCodeAt(i) & 0xff);
    }
    return str(Buffer.from(bytes).toString('latin1'));
  },
});
