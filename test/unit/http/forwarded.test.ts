import { describe, expect, it } from 'vitest';
import { compileForwarded, forwardedValue, parseForwardedArgs, type ForwardedSpec } from '../../../src/http/forwarded.js';
import type { SampleContext } from '../../../src/sample/context.js';

const conn = { src: '192.0.2.7', srcPort: 40123, dst: '198.51.100.1', dstPort: 8080 };
const sample = {} as SampleContext;

function spec(words: string[]): ForwardedSpec {
  const p = parseForwardedArgs(words);
  if ('error' in p) throw new Error(p.error);
  // No expressions in these cases: compile never runs.
  return compileForwarded(p, () => undefined)!;
}

describe('option forwarded: arguments', () => {
  it('means proto and for without parameters', () => {
    expect(parseForwardedArgs([])).toEqual({ proto: true, for: { kind: 'auto' } });
  });
  it('keeps expression texts for the compiler', () => {
    expect(parseForwardedArgs(['host-expr', 'req.hdr(x-host)', 'for'])).toEqual({ proto: false, host: { kind: 'expr', expr: 'req.hdr(x-host)' }, for: { kind: 'auto' } });
  });
  it.each([
    [['bogus'], /unknown parameter 'bogus'/],
    [['for', 'for-expr', 'src'], /'for-expr' conflicts/],
    [['host-expr'], /'host-expr' expects a sample expression/],
    [['by_port'], /'by_port' needs 'by'/],
    [['for_port', 'proto'], /'for_port' needs 'for'/],
  ])('refuses %j', (words, re) => {
    const r = parseForwardedArgs(words);
    expect('error' in r && r.error).toMatch(re);
  });
});

describe('option forwarded: the header value', () => {
  it('proto and for by default', () => {
    expect(forwardedValue(spec([]), { conn, host: 'a.test', sample })).toBe('proto=http;for=192.0.2.7');
  });
  it('https when the client connection is TLS', () => {
    expect(forwardedValue(spec(['proto']), { conn: { ...conn, ssl: {} }, host: undefined, sample })).toBe('proto=https');
  });
  it('all parameters in RFC 7239 order, ports quoted with their node', () => {
    expect(forwardedValue(spec(['for_port', 'for', 'by_port', 'by', 'host', 'proto']), { conn, host: 'a.test:8080', sample })).toBe(
      'proto=http;host="a.test:8080";by="198.51.100.1:8080";for="192.0.2.7:40123"',
    );
  });
  it('IPv6 nodes in brackets and quotes; v4-mapped clients as IPv4', () => {
    const v6 = { ...conn, src: '2001:db8::1', dst: '::ffff:10.0.0.1' };
    expect(forwardedValue(spec(['for', 'by']), { conn: v6, host: undefined, sample })).toBe('by=10.0.0.1;for="[2001:db8::1]"');
  });
  it('a host without Host header is left out', () => {
    expect(forwardedValue(spec(['host']), { conn, host: undefined, sample })).toBeUndefined();
  });
  it('a client on a UNIX socket is "unknown"', () => {
    expect(forwardedValue(spec(['for']), { conn: { ...conn, src: '' }, host: undefined, sample })).toBe('for=unknown');
  });
});
