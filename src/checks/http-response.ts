/**
 * A small HTTP/1 response reader for check replies only: status line, headers, body
 * (content-length, chunked or close-delimited). Never throws on a server's bytes.
 */
export interface CheckHttpResponse {
  status: number;
  reason: string;
  headers: Array<[string, string]>;
  body: Buffer;
  /** True when the whole body is known to be here. */
  complete: boolean;
}

export type ReadResult = { state: 'incomplete' } | { state: 'error' } | ({ state: 'ok' } & CheckHttpResponse);

const MAX_HEADERS = 101;

/** Parses what was received so far; `ended` says the server closed or the buffer is full. */
export function readHttpResponse(buf: Buffer, ended: boolean): ReadResult {
  const headEnd = findHeadEnd(buf);
  if (headEnd === undefined) return ended || !looksLikeStatusLine(buf) ? { state: 'error' } : { state: 'incomplete' };
  const lines = buf.subarray(0, headEnd.at).toString('latin1').split(/\r?\n/);
  const m = /^HTTP\/(\d)\.(\d) (\d{3})(?: (.*))?$/.exec(lines[0] ?? '');
  if (!m) return { state: 'error' };
  const status = Number(m[3]);
  const headers: Array<[string, string]> = [];
  for (const line of lines.slice(1)) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0 || /[\s]/.test(line.slice(0, colon))) return { state: 'error' };
    headers.push([line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()]);
    if (headers.length > MAX_HEADERS) return { state: 'error' };
  }
  const rest = buf.subarray(headEnd.at + headEnd.len);
  const get = (n: string): string | undefined => headers.find(([k]) => k === n)?.[1];
  const base = { status, reason: m[4] ?? '', headers };
  if (status < 200 || status === 204 || status === 304) return { state: 'ok', ...base, body: Buffer.alloc(0), complete: true };
  const te = get('transfer-encoding');
  if (te !== undefined && /chunked\s*$/i.test(te)) {
    const dechunked = dechunk(rest);
    if (dechunked === 'error') return { state: 'error' };
    return { state: 'ok', ...base, body: dechunked.body, complete: dechunked.complete || ended };
  }
  const cl = get('content-length');
  if (cl !== undefined) {
    if (!/^\d+$/.test(cl)) return { state: 'error' };
    const n = Number(cl);
    return { state: 'ok', ...base, body: rest.subarray(0, n), complete: rest.length >= n || ended };
  }
  return { state: 'ok', ...base, body: rest, complete: ended };
}

function looksLikeStatusLine(buf: Buffer): boolean {
  // A reply that cannot become a status line is an error at once, as in HAProxy's parser.
  return 'HTTP/'.startsWith(buf.subarray(0, 5).toString('latin1'));
}

function findHeadEnd(buf: Buffer): { at: number; len: number } | undefined {
  const crlf = buf.indexOf('\r\n\r\n');
  const lf = buf.indexOf('\n\n');
  if (crlf < 0 && lf < 0) return undefined;
  if (lf >= 0 && (crlf < 0 || lf < crlf)) return { at: lf, len: 2 };
  return { at: crlf, len: 4 };
}

function dechunk(data: Buffer): { body: Buffer; complete: boolean } | 'error' {
  const parts: Buffer[] = [];
  let pos = 0;
  for (let guard = 0; guard < 100_000; guard++) {
    const eol = data.indexOf('\r\n', pos);
    if (eol < 0) return { body: Buffer.concat(parts), complete: false };
    const sizeText = data.subarray(pos, eol).toString('latin1').split(';')[0]!.trim();
    if (!/^[0-9a-fA-F]{1,13}$/.test(sizeText)) return 'error';
    const size = Number.parseInt(sizeText, 16);
    if (size === 0) return { body: Buffer.concat(parts), complete: true };
    const start = eol + 2;
    if (data.length < start + size) {
      parts.push(data.subarray(start));
      return { body: Buffer.concat(parts), complete: false };
    }
    parts.push(data.subarray(start, start + size));
    pos = start + size + 2;
  }
  return 'error';
}
