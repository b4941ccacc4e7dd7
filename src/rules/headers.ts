/** Editing flat header lists ([name, value, ...], names lower-cased) as HAProxy's header actions do. */
import type { HeaderList } from '../http/message.js';

export function deleteHeader(h: HeaderList, match: (name: string) => boolean): number {
  let n = 0;
  for (let i = 0; i < h.length; ) {
    if (match(h[i]!)) {
      h.splice(i, 2);
      n++;
    } else i += 2;
  }
  return n;
}

export function addHeader(h: HeaderList, name: string, value: string): void {
  h.push(name, value);
}

/** set-header: every occurrence removed, then one added at the end. */
export function setHeader(h: HeaderList, name: string, value: string): void {
  deleteHeader(h, (n) => n === name);
  h.push(name, value);
}

/** Compiles a regex as HAProxy's replace actions use it, or returns the error text. */
export function compileRegex(src: string): RegExp | string {
  try {
    return new RegExp(src);
  } catch (e) {
    return `regex '${src}' is invalid (error=${(e as Error).message.replace(/^Invalid regular expression: /, '')})`;
  }
}

/**
 * HAProxy's exp_replace: the whole subject is replaced by `template` in which \0..\9 stand for
 * the groups of the match. Returns undefined when the regex does not match.
 */
export function regexReplace(re: RegExp, subject: string, template: string): string | undefined {
  const m = re.exec(subject);
  if (!m) return undefined;
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c === '\\' && i + 1 < template.length) {
      const d = template[i + 1]!;
      if (d >= '0' && d <= '9') {
        out += m[Number(d)] ?? '';
        i++;
        continue;
      }
      if (d === '\\') {
        out += '\\';
        i++;
        continue;
      }
    }
    out += c;
  }
  return out;
}

/** Ranges [start, end) of the comma-separated values of a header line, trimmed, quotes respected. */
export function valueRanges(v: string): [number, number][] {
  const out: [number, number][] = [];
  let start = 0;
  let inQuote = false;
  const push = (s: number, e: number) => {
    while (s < e && (v[s] === ' ' || v[s] === '\t')) s++;
    while (e > s && (v[e - 1] === ' ' || v[e - 1] === '\t')) e--;
    out.push([s, e]);
  };
  for (let i = 0; i < v.length; i++) {
    const c = v[i];
    if (c === '"') inQuote = !inQuote;
    else if (c === '\\' && inQuote) i++;
    else if (c === ',' && !inQuote) {
      push(start, i);
      start = i + 1;
    }
  }
  push(start, v.length);
  return out;
}
