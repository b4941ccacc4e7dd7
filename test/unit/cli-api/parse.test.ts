import { describe, expect, it } from 'vitest';
import { splitCommands, splitWords } from '../../../src/cli-api/parse.js';
import { addWord, closest, fingerprintDistance, newFingerprint } from '../../../src/cli-api/suggest.js';

describe('request parsing', () => {
  it('splits commands at unescaped semicolons', () => {
    expect(splitCommands('show version;show info')).toEqual(['show version', 'show info']);
    expect(splitCommands('show version\\;x')).toEqual(['show version\\;x']);
    expect(splitCommands('a;;b')).toEqual(['a', '', 'b']);
  });

  it('splits words on spaces and tabs, backslash escapes the next character', () => {
    expect(splitWords('  show   stat\tjson  ')).toEqual(['show', 'stat', 'json']);
    expect(splitWords('set server be/s\\ 1 state maint')).toEqual(['set', 'server', 'be/s 1', 'state', 'maint']);
    expect(splitWords('show version\\;x')).toEqual(['show', 'version;x']);
    expect(splitWords('')).toEqual([]);
  });
});

describe('close matches', () => {
  const fp = (...w: string[]) => {
    const f = newFingerprint();
    for (const x of w) addWord(f, x);
    return f;
  };

  it('measures letter-pair distance from the word start', () => {
    expect(fingerprintDistance(fp('foo'), fp('foo'))).toBe(0);
    // foo: ^f fo oo ; fd: ^f fd -> 2 + 1
    expect(fingerprintDistance(fp('foo'), fp('fd'))).toBe(3);
    expect(fingerprintDistance(fp('foo'), fp('user'))).toBe(7);
  });

  it('keeps the best five within the length and best-distance bounds', () => {
    const cands = ['fd', 'info', 'env', 'pools', 'sess', 'errors', 'version'].map((w) => ({ item: w, words: ['show', w] }));
    expect(closest(['show', 'stat'], 1, cands).length).toBeLessThanOrEqual(5);
    expect(closest(['show', 'versio'], 1, cands)).toEqual(['version']);
    // Transpositions are weak spots of letter-pair fingerprints: the best match still comes first.
    expect(closest(['show', 'versoin'], 1, cands)[0]).toBe('version');
    expect(closest(['show', 'zzzzzzzzzzzz'], 1, cands).length).toBe(5);
    expect(closest(['show'], 1, cands)).toEqual([]);
  });
});
