import { describe, expect, it } from 'vitest';
import { avalanche, crc32, djb2, keyBytes, noHash, sdbm, wt6 } from '../../../src/lb/hash.js';
import { firstHeaderValue, mainDomain, postParamValue, sourceHash, uriKey, urlParamValue } from '../../../src/lb/hash-keys.js';

const b = (s: string) => keyBytes(s);

describe('hash functions', () => {
  it('compute the classic values', () => {
    expect(crc32(b('123456789'))).toBe(0xcbf43926);
    expect(crc32(b(''))).toBe(0);
    expect(djb2(b(''))).toBe(5381);
    expect(djb2(b('a'))).toBe(5381 * 33 + 97);
    expect(sdbm(b('a'))).toBe(97);
    expect(sdbm(b('ab'))).toBe((98 + 97 * 65599) >>> 0);
  });
  it('stay unsigned 32-bit on long inputs', () => {
    const long = b('x'.repeat(1000));
    for (const f of [sdbm, djb2, wt6, crc32]) {
      const h = f(long);
      expect(Number.isInteger(h) && h >= 0 && h <= 0xffffffff).toBe(true);
    }
    expect(wt6(b('abc'))).not.toBe(wt6(b('abd')));
  });
  it('avalanche mixes bits and is unsigned', () => {
    expect(avalanche(0)).not.toBe(avalanche(1));
    expect(avalanche(0xffffffff)).toBeGreaterThanOrEqual(0);
  });
  it('none reads the key as a decimal number', () => {
    expect(noHash(b('1234'))).toBe(1234);
    expect(noHash(b('-1'))).toBe(0xffffffff);
    expect(noHash(b('4294967297'))).toBe(1);
  });
  it('hashes non-latin1 strings as UTF-8', () => {
    expect([...keyBytes('é')]).toEqual([0xe9]);
    expect([...keyBytes('€')]).toEqual([0xe2, 0x82, 0xac]);
  });
});

describe('hash keys', () => {
  it('source XORs the big-endian words of the address', () => {
    expect(sourceHash('1.2.3.4', false)).toBe(0x01020304);
    expect(sourceHash('::ffff:1.2.3.4', false)).toBe(0x01020304);
    expect(sourceHash('2001:db8::1', false)).toBe((0x20010db8 ^ 1) >>> 0);
    expect(sourceHash('::', false)).toBe(0);
    expect(sourceHash('1:2:3:4:5:6:7:8', false)).toBe((0x00010002 ^ 0x00030004 ^ 0x00050006 ^ 0x00070008) >>> 0);
    expect(sourceHash('1.2.3.4', true)).toBe(avalanche(0x01020304));
    expect(sourceHash('/run/sock', false)).toBeUndefined();
    expect(sourceHash('1.2.3.256', false)).toBeUndefined();
  });
  it('uri stops at ?, at len and before the slash past depth', () => {
    const o = { whole: false, len: 0, depth: 0, pathOnly: false };
    expect(uriKey('/a/b?c=1', o)).toBe('/a/b');
    expect(uriKey('/a/b?c=1', { ...o, whole: true })).toBe('/a/b?c=1');
    expect(uriKey('/abcdef', { ...o, len: 3 })).toBe('/ab');
    expect(uriKey('/a/b/c/d', { ...o, depth: 2 })).toBe('/a/b');
    expect(uriKey('/a/b/c/d', { ...o, depth: 2, len: 3 })).toBe('/a/');
    expect(uriKey('http://h:80/p/q?x', { ...o, pathOnly: true })).toBe('/p/q');
    expect(uriKey('http://h:80/p/q?x', o)).toBe('http://h:80/p/q');
    expect(uriKey('*', { ...o, pathOnly: true })).toBe('');
  });
  it('url_param finds the value up to the next &', () => {
    expect(urlParamValue('/q?a=1&user=bob&c=3', 'user')).toBe('bob');
    expect(urlParamValue('/q?user=', 'user')).toBe('');
    expect(urlParamValue('/q?xuser=1', 'user')).toBeUndefined();
    expect(urlParamValue('/q?User=1', 'user')).toBeUndefined();
    expect(urlParamValue('/q/user=1', 'user')).toBeUndefined();
    expect(postParamValue('a=1&user=carol', 'user')).toBe('carol');
    expect(postParamValue('user=\r\n', 'user')).toBe('');
    expect(postParamValue('user=\u0001bin', 'user')).toBeUndefined();
  });
  it('hdr takes the first comma-separated value of the first header', () => {
    expect(firstHeaderValue(['host', 'a.example', 'x-h', ' one , two', 'x-h', 'three'], 'x-h')).toBe('one');
    expect(firstHeaderValue(['host', 'a'], 'x-h')).toBeUndefined();
  });
  it('use_domain_only keeps the label before the TLD', () => {
    expect(mainDomain('haproxy.1wt.eu')).toBe('1wt');
    expect(mainDomain('example.com')).toBe('example');
    expect(mainDomain('localhost')).toBe('localhost');
    expect(mainDomain('.com')).toBe('.com');
    expect(mainDomain('a..b')).toBe('a.');
  });
});
