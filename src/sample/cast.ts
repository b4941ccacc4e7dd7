/** Conversions between sample types, following HAProxy's cast table (sample.c). */
import { formatIp, parseIp, v6ToV4, type Ip } from './ip.js';
import type { Sample, SampleType } from './types.js';

const INT64_MAX = 9223372036854775807;
const INT64_MIN = -9223372036854775808;

/** HAProxy integers are signed 64-bit; results saturate there (div by zero gives the maximum). */
export function clampInt(n: number): number {
  if (Number.isNaN(n)) return 0;
  return n >= INT64_MAX ? INT64_MAX : n <= INT64_MIN ? INT64_MIN : Math.trunc(n);
}

export function formatInt(n: number): string {
  if (n >= INT64_MAX) return '9223372036854775807';
  if (n <= INT64_MIN) return '-9223372036854775808';
  return String(n);
}

/** Leading optional sign and digits, like strl2ic: "12abc" is 12, "abc" is 0. */
export function strToInt(s: string): number {
  let i = 0;
  let neg = false;
  if (s[0] === '-' || s[0] === '+') {
    neg = s[0] === '-';
    i = 1;
  }
  let n = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    n = n * 10 + c;
  }
  return clampInt(neg ? -n : n);
}

function ipToInt(ip: Ip): number | undefined {
  if (ip.family === 4) return ip.addr;
  const v4 = v6ToV4(ip.addr);
  return v4;
}

export function toStr(s: Sample): string | undefined {
  switch (s.type) {
    case 'str':
    case 'meth':
      return s.value;
    case 'int':
      return formatInt(s.value);
    case 'bool':
      return s.value ? '1' : '0';
    case 'ip':
      return formatIp(s.value);
    case 'bin':
      return s.value.toString('latin1');
  }
}

export function toInt(s: Sample): number | undefined {
  switch (s.type) {
    case 'int':
      return s.value;
    case 'bool':
      return s.value ? 1 : 0;
    case 'str':
    case 'meth':
      return strToInt(s.value);
    case 'bin':
      return strToInt(s.value.toString('latin1'));
    case 'ip':
      return ipToInt(s.value);
  }
}

export function toBool(s: Sample): boolean | undefined {
  if (s.type === 'bool') return s.value;
  const n = toInt(s);
  return n === undefined ? undefined : n !== 0;
}

export function toIp(s: Sample): Ip | undefined {
  switch (s.type) {
    case 'ip':
      return s.value;
    case 'int':
      return { family: 4, addr: s.value >>> 0 };
    case 'str':
      return parseIp(s.value);
    case 'bin':
      return parseIp(s.value.toString('latin1'));
    default:
      return undefined;
  }
}

export function toBin(s: Sample): Buffer | undefined {
  if (s.type === 'bin') return s.value;
  if (s.type === 'ip') {
    if (s.value.family === 4) {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(s.value.addr);
      return b;
    }
    const b = Buffer.alloc(16);
    b.writeBigUInt64BE(s.value.addr >> 64n, 0);
    b.writeBigUInt64BE(s.value.addr & 0xffffffffffffffffn, 8);
    return b;
  }
  const str = toStr(s);
  return str === undefined ? undefined : Buffer.from(str, 'latin1');
}

/** `s` as a sample of type `t`, or undefined when HAProxy has no such cast. */
export function castTo(s: Sample, t: SampleType): Sample | undefined {
  if (s.type === t) return s;
  switch (t) {
    case 'str': {
      const v = toStr(s);
      return v === undefined ? undefined : { type: 'str', value: v };
    }
    case 'int': {
      const v = toInt(s);
      return v === undefined ? undefined : { type: 'int', value: v };
    }
    case 'bool': {
      const v = toBool(s);
      return v === undefined ? undefined : { type: 'bool', value: v };
    }
    case 'ip': {
      const v = toIp(s);
      return v === undefined ? undefined : { type: 'ip', value: v };
    }
    case 'bin': {
      const v = toBin(s);
      return v === undefined ? undefined : { type: 'bin', value: v };
    }
    case 'meth': {
      const v = toStr(s);
      return v === undefined ? undefined : { type: 'meth', value: v };
    }
  }
}

/** How a sample is printed in %[...], headers and logs. */
export function sampleToString(s: Sample | undefined): string | undefined {
  if (s === undefined) return undefined;
  if (s.type === 'bin') return s.value.toString('latin1');
  return toStr(s);
}

export const str = (value: string): Sample => ({ type: 'str', value });
export const int = (value: number): Sample => ({ type: 'int', value });
export const bool = (value: boolean): Sample => ({ type: 'bool', value });

/**
 * Sample strings hold bytes, one char per byte (latin1), as header values do on the wire;
 * text typed in the config (JS strings from UTF-8) is turned into that form.
 */
export function configBytes(text: string): string {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(text) ? text : Buffer.from(text, 'utf8').toString('latin1');
}
