/**
 * Locally generated responses (return, deny, tarpit, auth, redirect, error pages) as a
 * structured message, so that http-after-response rules can edit them before they are written.
 * HAProxy keeps these in its internal representation too: header names come out lower-cased.
 */
import { readFileSync } from 'node:fs';
import { reasonPhrase } from '../http/errors.js';
import type { HeaderList } from '../http/message.js';

export interface HttpReply {
  status: number;
  reason: string;
  /** Flat lower-cased [name, value, ...], in the order they are written. */
  headers: HeaderList;
  body: Buffer;
  /** Close the client connection after it (the file said `Connection: close`, or 400/408 pages). */
  close?: boolean;
}

export function cloneReply(r: HttpReply): HttpReply {
  return { status: r.status, reason: r.reason, headers: r.headers.slice(), body: r.body, ...(r.close ? { close: true } : {}) };
}

/** The bytes on the wire: HTTP/1.1 status line, headers in order, `connection: close` last when closing, body. */
export function serializeReply(r: HttpReply): Buffer {
  let head = `HTTP/1.1 ${r.status} ${r.reason}\r\n`;
  const h = r.headers;
  for (let i = 0; i + 1 < h.length; i += 2) head += `${h[i]}: ${h[i + 1]}\r\n`;
  if (r.close) head += 'connection: close\r\n';
  head += '\r\n';
  return r.body.length ? Buffer.concat([Buffer.from(head, 'latin1'), r.body]) : Buffer.from(head, 'latin1');
}

/**
 * Parses a complete HTTP response (an errorfile) into a reply. Returns an error message when the
 * content is not a response HAProxy would accept.
 */
export function parseRawResponse(data: Buffer): HttpReply | string {
  const text = data.toString('latin1');
  let end = text.indexOf('\r\n\r\n');
  let sepLen = 4;
  if (end < 0) {
    end = text.indexOf('\n\n');
    sepLen = 2;
  }
  if (end < 0) return 'the response is incomplete (no empty line after the headers)';
  const lines = text.slice(0, end).split(/\r?\n/);
  const m = /^HTTP\/(\d)\.(\d) (\d{3})(?: (.*))?$/.exec(lines[0] ?? '');
  if (!m) return `invalid status line '${lines[0] ?? ''}'`;
  const status = Number(m[3]);
  const headers: string[] = [];
  let close = false;
  let contentLength: number | undefined;
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) return `invalid header line '${line}'`;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'connection') {
      if (/\bclose\b/i.test(value)) close = true;
      continue;
    }
    if (name === 'content-length') contentLength = Number(value);
    headers.push(name, value);
  }
  let body = data.subarray(end + sepLen);
  if (contentLength !== undefined && Number.isFinite(contentLength) && contentLength < body.length) body = body.subarray(0, contentLength);
  // A file without content-length still gets a delimited body once sent on a keep-alive connection.
  if (contentLength === undefined) headers.push('content-length', String(body.length));
  return { status, reason: m[4] ?? reasonPhrase(status), headers, body: Buffer.from(body), ...(close ? { close: true } : {}) };
}

/** Reads and parses an errorfile; the error message follows HAProxy's wording. */
export function loadErrorFile(path: string): HttpReply | string {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch {
    return `error opening file '${path}'.`;
  }
  const r = parseRawResponse(data);
  return typeof r === 'string' ? `unable to parse the file '${path}' as an HTTP response: ${r}.` : r;
}

/** Header lookup on a flat list. */
export function getHeader(h: HeaderList, name: string): string | undefined {
  for (let i = 0; i < h.length; i += 2) if (h[i] === name) return h[i + 1];
  return undefined;
}
