import { describe, expect, it } from 'vitest';
import { evaluateCondition, splitVersion } from '../../../src/config/condition.js';

const opts = { env: { PROD: 'prod', EMPTY: '' } as Record<string, string | undefined>, features: ['+OPENSSL', '-QUIC', 'LUA'], version: '2.6.12' };
const ev = (text: string) => evaluateCondition(text === '' ? [] : [text], opts);
const val = (text: string) => {
  const r = ev(text);
  if (!('value' in r)) throw new Error(`unexpected error for ${text}: ${r.error}`);
  return r.value;
};

describe('evaluateCondition: values', () => {
  it.each([
    ['', false], ['0', false], ['1', true], ['2', true], ['-1', true], ['0x0', false], ['0x10', true], ['00', false],
    ['!0', true], ['!1', false], ['! ! 1', true], ['(1)', true], ['!(1)', false], ['( 0 )', false],
  ])('%j is %s', (t, v) => expect(val(t)).toBe(v));

  it('AND binds tighter than OR', () => {
    expect(val('1 || 1 && 0')).toBe(true); // 1 || (1 && 0)
    expect(val('0 && 1 || 1')).toBe(true); // (0 && 1) || 1
    expect(val('0 && (1 || 1)')).toBe(false);
    expect(val('(1 || 0) && 0')).toBe(false);
    expect(val('0||0||1')).toBe(true);
    expect(val('1&&1&&0')).toBe(false);
  });

  it('joins several words with single spaces, as HAProxy re-merges a .if line', () => {
    expect(evaluateCondition(['1', '&&', '0'], opts)).toEqual({ value: false });
    expect(evaluateCondition(['', '1'], opts)).toEqual({ value: true });
  });

  it('defined() looks at existence only', () => {
    expect(val('defined(PROD)')).toBe(true);
    expect(val('defined(EMPTY)')).toBe(true);
    expect(val('defined(NOPE)')).toBe(false);
    expect(val('defined()')).toBe(false);
    expect(val('defined')).toBe(false); // no parenthesis: one empty argument
  });

  it('feature() takes names, +NAME and -NAME entries', () => {
    expect(val('feature(OPENSSL)')).toBe(true);
    expect(val('feature(LUA)')).toBe(true);
    expect(val('feature(QUIC)')).toBe(false);
    expect(val('feature(OPENSS)')).toBe(false);
    expect(val('!feature(QUIC)')).toBe(true);
  });

  it('streq/strneq read quoted and escaped arguments like make_arg_list', () => {
    expect(val('streq(a,a)')).toBe(true);
    expect(val('streq(a, a)')).toBe(false); // the space belongs to the argument
    expect(val('streq("a,b","a,b")')).toBe(true);
    expect(val("streq('a)','a)')")).toBe(true);
    expect(val('streq(a\\ b,"a b")')).toBe(true);
    expect(val('streq(a\\qb,"a\\\\qb")')).toBe(true); // unknown escape keeps the backslash
    expect(val('streq(,)')).toBe(true);
    expect(val('strneq(a,b)')).toBe(true);
    expect(val('strneq(a,a)')).toBe(false);
  });

  it('compares versions with missing parts as zero and dev < pre/rc < release', () => {
    expect(val('version_atleast(2.6)')).toBe(true);
    expect(val('version_atleast(2.6.12)')).toBe(true);
    expect(val('version_atleast(2.6.13)')).toBe(false);
    expect(val('version_atleast(2.6-dev1)')).toBe(true);
    expect(val('version_before(2.7)')).toBe(true);
    expect(val('version_before(2.6.12)')).toBe(false);
    expect(val('version_before(3)')).toBe(true);
    // Unparsable versions compare as "older" in HAProxy: atleast true, before false.
    expect(val('version_atleast(abc)')).toBe(true);
    expect(val('version_before(abc)')).toBe(false);
    expect(evaluateCondition(['version_atleast(2.6.1)'], { ...opts, version: '2.6' })).toEqual({ value: false });
  });

  it('short-circuits evaluation but parses everything first', () => {
    expect(val('1 || defined(X)')).toBe(true);
    expect('error' in ev('1 || foo')).toBe(true);
  });
});

describe('evaluateCondition: errors with HAProxy messages and positions', () => {
  it.each([
    ['foo', "unparsable conditional expression 'foo'", 0],
    ['1 2', "unexpected character '2' at the end of conditional expression '1 2'", 2],
    ['08', "unexpected character '8' at the end of conditional expression '08'", 1],
    ['(1', "expected ')' after conditional expression '(1'", 0],
    ['1 &&', "unparsable conditional expression '&&'", 2],
    ['1 ||', "unparsable conditional expression '1 ||'", 2],
    ['&& 1', "unparsable conditional expression '&& 1'", 0],
    ['1 & 1', "unexpected character '&' at the end of conditional expression '1 & 1'", 2],
    [' ', "unparsable conditional sub-expression ' '", 0],
    ['defined (X)', "unexpected character '(' at the end of conditional expression 'defined (X)'", 8],
    ['defined(X', "expected ')' in argument 1 of predicate 'defined' used in conditional expression", 9],
    ['streq(a)', "missing arguments (got 1/2), type 'string' expected in argument 1 of predicate 'streq' used in conditional expression", 7],
    ['streq', "missing arguments (got 1/2), type 'string' expected in argument 1 of predicate 'streq' used in conditional expression", 5],
    ['streq(a,b,c)', "expected ')' before ',c)' in argument 1 of predicate 'streq' used in conditional expression", 9],
    ['streq(a\\', "failed to parse '\\' after 'a' as type 'string' at position 1 in argument 0 of predicate 'streq' used in conditional expression", 7],
  ])('%j', (text, error, pos) => {
    expect(ev(text)).toEqual({ error, pos });
  });

  it('rejects unknown predicates and nesting beyond the recursion budget', () => {
    expect(ev('nosuch(1)')).toEqual({ error: "unparsable conditional expression 'nosuch(1)'", pos: 0 });
    const deep = '('.repeat(600) + '1' + ')'.repeat(600);
    expect('error' in ev(deep)).toBe(true);
    expect(val('('.repeat(100) + '1' + ')'.repeat(100))).toBe(true);
  });
});

describe('splitVersion', () => {
  it.each([
    ['1.2.1-pre2', [1, 2, 1, 0, 2, 2, 0]],
    ['1.2.10.1', [1, 2, 10, 1, 3, 0, 0]],
    ['1.3.16-rc1', [1, 3, 16, 0, 2, 1, 0]],
    ['1.5-dev18-43', [1, 5, 0, 0, 1, 18, 43]],
    ['2.4-dev18-f6818d-20', [2, 4, 0, 0, 1, 18, 20]],
    ['2.6.12-1+deb12u4', [2, 6, 12, 0, 3, 0, 0]],
    ['2.6', [2, 6, 0, 0, 3, 0, 0]],
    ['abc', null],
    ['', null],
    ['2.6-', [2, 6, 0, 0, 3, 0, 0]],
    ['2.6-x-', null],
  ])('%s', (v, parts) => expect(splitVersion(v)).toEqual(parts));
});
