import { describe, expect, it } from 'vitest';
import { decodeUnreserved, joinTarget, percentUpper, sortQuery, splitTarget, stripDot, stripDotDot } from '../../../src/rules/uri.js';
import { normalizeUri } from '../../../src/rules/actions/uri-actions.js';
import { CompileCtx } from '../../../src/rules/compile-ctx.js';
import { AclTable } from '../../../src/sample/acl.js';
import { MapCache } from '../../../src/sample/mapfile.js';
import { Diagnostics } from '../../../src/core/diag.js';
import type { RunState } from '../../../src/rules/types.js';

describe('request target parts', () => {
  it('splits origin, absolute and asterisk forms and joins them back', () => {
    expect(splitTarget('/a/b?x=1')).toEqual({ prefix: '', path: '/a/b', query: 'x=1' });
    expect(splitTarget('http://h:81/a?')).toEqual({ prefix: 'http://h:81', path: '/a', query: '' });
    expect(splitTarget('http://h?x')).toEqual({ prefix: 'http://h', path: '', query: 'x' });
    expect(splitTarget('*')).toEqual({ prefix: '', path: '*', query: undefined });
    for (const u of ['/a/b?x=1', 'http://h:81/a?', 'http://h', '*', '/']) expect(joinTarget(splitTarget(u))).toBe(u);
  });
});

describe('normalizers', () => {
  it('dot segments', () => {
    expect(stripDot('/./a/./b/.')).toBe('/a/b/');
    expect(stripDotDot('/a/../..', false)).toBe('/..');
    expect(stripDotDot('/a/b/..', false)).toBe('/a/');
    expect(stripDotDot('/../a', true)).toBe('/a');
  });

  it('percent-encoding, strict and lenient', () => {
    expect(decodeUnreserved('%41%2f%zz', false)).toBe('A%2f%zz');
    expect(decodeUnreserved('%4', true)).toBeUndefined();
    expect(percentUpper('%ab%', false)).toBe('%AB%');
    expect(percentUpper('%ab%', true)).toBeUndefined();
  });

  it('query sorting is stable for equal names', () => {
    expect(sortQuery('b=1&a=2&b=0&a')).toBe('a=2&a&b=1&b=0');
  });

  it('fragment-strip and fragment-encode (targets with a fragment only pass with accept-invalid-http-request)', () => {
    const env = { kind: 'frontend' as const, name: 'fe', acls: new AclTable(), diags: new Diagnostics(), maps: new MapCache(), refs: {}, httpErrors: () => undefined };
    const cc = new CompileCtx(env, 'http-request normalize-uri', 'http-req', { file: 't.cfg', line: 1 });
    const apply = (n: string, uri: string) => {
      const a = normalizeUri([n], cc, 'req', 'normalize-uri', 'http-request')!;
      const st = { req: { method: 'GET', uri, version: 'HTTP/1.1', headers: [] }, sample: { cache: { invalidate() {} } } } as unknown as RunState;
      a.run(st);
      return st.req.uri;
    };
    expect(apply('fragment-strip', '/a?b#frag')).toBe('/a?b');
    expect(apply('fragment-encode', '/a#f#g')).toBe('/a%23f%23g');
  });
});
