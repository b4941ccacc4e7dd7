/**
 * `canonical` on a parsed response: the engine forwards such a head as received when nothing
 * changes it, so it must be set only when serializing the parsed head gives the same bytes.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseResponseHead } from '../../../src/http/h1/response.js';
import { responseHeadText } from '../../../src/http/h1/serialize.js';
import { RESPONSE_CASES } from './response-cases.js';

function parsed(raw: string) {
  const r = parseResponseHead(Buffer.from(raw, 'latin1'));
  if (r.kind !== 'response') throw new Error(`not a response: ${JSON.stringify(r)}`);
  return r;
}

/** The property: canonical implies the head's bytes are its serialization. */
function checkProperty(raw: string): boolean | undefined {
  const r = parseResponseHead(Buffer.from(raw, 'latin1'));
  if (r.kind !== 'response') return undefined;
  if (r.canonical) expect(responseHeadText(r.head)).toBe(raw.slice(0, r.consumed));
  return r.canonical;
}

describe('canonical response heads', () => {
  it('a lower-case head with single spaces and CRLF is canonical', () => {
    expect(parsed('HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-type: text/plain\r\n\r\nok').canonical).toBe(true);
    expect(parsed('HTTP/1.1 204 \r\nx-empty: \r\n\r\n').canonical).toBe(true);
    // Unusual status digits are kept as received, so the head still serializes to its bytes.
    expect(parsed('HTTP/1.1 0200 OK\r\ncontent-length: 0\r\n\r\n').canonical).toBe(true);
  });

  it.each([
    ['upper-case name', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'],
    ['no space after the colon', 'HTTP/1.1 200 OK\r\ncontent-length:2\r\n\r\nok'],
    ['two spaces after the colon', 'HTTP/1.1 200 OK\r\ncontent-length:  2\r\n\r\nok'],
    ['tab after the colon', 'HTTP/1.1 200 OK\r\ncontent-length:\t2\r\n\r\nok'],
    ['trailing blank in a value', 'HTTP/1.1 200 OK\r\ncontent-length: 2 \r\n\r\nok'],
    ['bare LF after a field', 'HTTP/1.1 200 OK\r\ncontent-length: 2\n\r\nok'],
    ['bare LF at the end of the head', 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\nok'],
    ['folded value', 'HTTP/1.1 200 OK\r\nx-a: b\r\n c\r\ncontent-length: 2\r\n\r\nok'],
    ['merged duplicate content-length', 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-length: 2\r\n\r\nok'],
    ['content-length list', 'HTTP/1.1 200 OK\r\ncontent-length: 2, 2\r\n\r\nok'],
    ['content-length dropped beside chunked', 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n'],
    ['no reason and no space', 'HTTP/1.1 200\r\ncontent-length: 2\r\n\r\nok'],
    ['two spaces before the status', 'HTTP/1.1  200 OK\r\ncontent-length: 2\r\n\r\nok'],
    ['tab before the reason', 'HTTP/1.1 200\tOK\r\ncontent-length: 2\r\n\r\nok'],
    ['bare LF after the status line', 'HTTP/1.1 200 OK\ncontent-length: 2\r\n\r\nok'],
    ['empty line before the status line', '\r\nHTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok'],
    ['HTTP/2.0 status line (sent as HTTP/1.1)', 'HTTP/2.0 200 OK\r\ncontent-length: 2\r\n\r\nok'],
  ])('%s is not canonical', (_name, raw) => {
    expect(parsed(raw).canonical).toBe(false);
  });

  it('holds for every case of the HAProxy acceptance table, as sent and lower-cased', () => {
    let canonical = 0;
    for (const c of RESPONSE_CASES) {
      for (const raw of [c.raw, c.raw.replace(/^([^\r\n]*\r?\n)([\s\S]*)$/, (_m, line: string, rest: string) => line + rest.replace(/^[^:\r\n]+:/gm, (n) => n.toLowerCase()))]) {
        if (checkProperty(raw)) canonical++;
      }
    }
    expect(canonical).toBeGreaterThan(0);
  });

  it('holds for generated heads (seeded)', () => {
    const name = fc.constantFrom('content-length', 'Content-Length', 'x-a', 'X-A', 'set-cookie', 'connection', 'x-b c');
    const sep = fc.constantFrom(': ', ':', ':  ', ':\t', ' : ');
    const value = fc.constantFrom('2', '2 ', ' 2', 'a b', '', 'keep-alive', 'v\u00e9');
    const eol = fc.constantFrom('\r\n', '\n', '\r\n', '\r\n');
    const line = fc.tuple(name, sep, value, eol).map(([n, s, v, e]) => `${n}${s}${v}${e}`);
    const status = fc.constantFrom('HTTP/1.1 200 OK\r\n', 'HTTP/1.1 200 \r\n', 'HTTP/1.1 200\r\n', 'HTTP/1.0 404 Not Found\r\n', 'HTTP/1.1  200 OK\r\n', 'HTTP/1.1 0200 OK\n');
    let seen = 0;
    fc.assert(
      fc.property(status, fc.array(line, { maxLength: 5 }), eol, (st, lines, end) => {
        if (checkProperty(st + lines.join('') + end + 'ok')) seen++;
      }),
      { seed: 20261121, numRuns: 3000 },
    );
    expect(seen).toBeGreaterThan(50);
  });
});
