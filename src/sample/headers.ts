/** Reading header values the way HAProxy's header fetches do. Headers are a flat lower-cased list. */

/**
 * Values of header `name` (all headers when undefined), in order. With `split`, each line is cut
 * at commas outside double quotes and trimmed, as hdr() does; without, whole lines as fhdr() does.
 */
export function headerValues(headers: string[], name: string | undefined, split: boolean): string[] {
  const out: string[] = [];
  for (let i = 0; i < headers.length; i += 2) {
    if (name !== undefined && headers[i] !== name) continue;
    const v = headers[i + 1]!;
    if (split) splitCommas(v, out);
    else out.push(v.trim());
  }
  return out;
}

/** Pick one occurrence: 1 is the first, -1 the last, 0 means all (returned as undefined). */
export function pickOccurrence(values: string[], occ: number): string | undefined {
  if (occ > 0) return values[occ - 1];
  if (occ < 0) return values[values.length + occ];
  return undefined;
}

export function splitCommas(value: string, out: string[]): void {
  let start = 0;
  let inQuote = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x22 /* " */) inQuote = !inQuote;
    else if (c === 0x5c /* \ */ && inQuote) i++;
    else if (c === 0x2c /* , */ && !inQuote) {
      out.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(value.slice(start).trim());
}

/**
 * Appends name/value pairs of a Cookie (or Set-Cookie) header to `out`. Cookies are separated by ';';
 * spaces around names and values are dropped. For Set-Cookie only the first pair is a cookie,
 * the rest are attributes.
 */
export function parseCookieHeader(value: string, out: string[], firstOnly: boolean): void {
  let pos = 0;
  while (pos < value.length) {
    let end = value.indexOf(';', pos);
    if (end < 0) end = value.length;
    const eq = value.indexOf('=', pos);
    if (eq >= 0 && eq < end) {
      const name = value.slice(pos, eq).trim();
      if (name !== '') out.push(name, value.slice(eq + 1, end).trim());
    }
    if (firstOnly) return;
    pos = end + 1;
  }
}

/** The first header line called `name`, or undefined. */
export function firstHeader(headers: string[], name: string): string | undefined {
  for (let i = 0; i < headers.length; i += 2) if (headers[i] === name) return headers[i + 1];
  return undefined;
}
