/**
 * Compares the lexer and the condition evaluator with the real haproxy, when it is installed:
 * `haproxy -cc EXPR` exit codes, and how lines split into words, observed through haproxy's
 * "too many words" alert which echoes word 64 and its offset.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Diagnostics } from '../../../src/core/diag.js';
import { checkCondition, lexConfig } from '../../../src/config/lexer.js';

const probe = spawnSync('haproxy', ['-vv'], { encoding: 'utf8' });
const haveHaproxy = probe.status === 0;

/** "2.6.12-1+deb12u4" from "HAProxy version 2.6.12-1+deb12u4 2026/10/17 ...". */
const version = /HAProxy version (\S+)/.exec(probe.stdout ?? '')?.[1] ?? '0';
/** The `Feature list : +EPOLL -KQUEUE ...` line, as given to feature(). */
const features = (/Feature list : (.*)/.exec(probe.stdout ?? '')?.[1] ?? '').trim().split(/\s+/);

const childEnv: Record<string, string> = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  EMPTY: '',
  PROD: 'prod',
  SPACED: 'a  b',
  ONE: '1',
  ZERO: '0',
  EXPR: '1 && 0',
};

const dir = mkdtempSync(join(tmpdir(), 'portico-lexdiff-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!haveHaproxy)('conditions agree with haproxy -cc', () => {
  const exprs = [
    '', '1', '0', '2', '-1', '0x10', '010', '08', '1abc', ' 1', '!0', '! 1', '!!1', '!(0)',
    '1 || 0', '0 || 0', '1 && 0', '1 && 1', '0 && 1 || 1', '1 || 1 && 0', '(0 || 1) && 1', '0 || (1 && 0)',
    '(1', '(1))', '1 2', '1 &&', '1 ||', '&& 1', '1 & 1', '()', 'foo', ' ',
    'defined(PROD)', 'defined(EMPTY)', 'defined(NOPE_NOT_SET)', 'defined()', 'defined', 'defined (PROD)', 'defined(PROD',
    'streq(a,a)', 'streq(a, a)', 'streq(a,b)', 'strneq(a,b)', 'streq(a)', 'streq', 'streq(a,b,c)', 'streq(,)',
    'streq("a b","a b")', "streq('a','a')", 'streq(a\\,b,a\\,b)', 'streq("a,b","a,b")', 'streq(a\\ b,"a b")',
    'streq("$PROD",prod)', 'strneq("$PROD",prod)', 'streq("$EMPTY","")', 'streq("${SPACED}","a  b")',
    'streq("$NOPE_NOT_SET","")', '"$ONE"', '"$ZERO"', '"$EXPR"', '"${SPACED[*]}"', 'defined(PROD) && !defined(NOPE_NOT_SET)',
    'version_atleast(2.6)', 'version_atleast(2.6.99)', 'version_atleast(2.4-dev19)', 'version_atleast(2.6-dev1)',
    'version_before(2.7)', 'version_before(2.6)', 'version_before(3)', 'version_atleast(abc)', 'version_before(abc)',
    'version_atleast(2.6.12)', 'version_before(2.6.12-2)', 'version_atleast(2.6.12.1)',
    'feature(EPOLL)', 'feature(KQUEUE)', 'feature(NO_SUCH_FEATURE)', '!feature(EPOLL) || 1',
    '"a', '"\\xZZ"', '"$1"', '1 # 0', '"" ""', '1 ""',
    // Not 'feature()': haproxy 2.6 scans past the end of its feature string for an empty name.
  ];
  it.each(exprs)('%j', (expr) => {
    const real = spawnSync('haproxy', ['-q', '-cc', expr], { env: childEnv, encoding: 'utf8' });
    const ours = checkCondition(expr, { env: childEnv, features, version });
    const code = 'value' in ours ? (ours.value ? 0 : 1) : 2;
    expect(code).toBe(real.status);
  });
});

/** Splits `line` with haproxy: word k lands at position 64 behind 63-k fillers, where the alert prints it. */
function haproxyWords(line: string, count: number): string[] {
  const words: string[] = [];
  for (let k = 0; k <= count; k++) {
    const filler = Array.from({ length: 63 - k }, () => 'f').join(' ');
    const cfg = join(dir, `w${k}.cfg`);
    writeFileSync(cfg, `global\n${filler} ${line} ${Array.from({ length: 70 }, () => 'z').join(' ')}\n`);
    const r = spawnSync('haproxy', ['-c', '-f', cfg], { env: childEnv, encoding: 'utf8' });
    const m = /truncating after word 64, position \d+: <(.*)>\./s.exec(r.stderr);
    words.push(m ? m[1]! : `<no alert: ${r.stderr}>`);
  }
  return words;
}

describe.skipIf(!haveHaproxy)('lines split like haproxy', () => {
  const lines = [
    String.raw`a\ b "c d"e 'f g'h`,
    String.raw`"x"'y'z "" end`,
    String.raw`log-format "%{+Q}o %t"' %s'\ %{-Q}r`,
    String.raw`\#notacomment "#" '#' a\"b a\'b`,
    String.raw`"\x41\x2f" \t\n \q "a\qb" '\n' \\`,
    String.raw`"$PROD" $PROD '$PROD' \$PROD "\$PROD" "$` + '{PROD}x"',
    '"pre$' + '{SPACED[*]}post" "$' + '{SPACED}" "$' + '{NOPE_NOT_SET}" "$EMPTY" tail',
    String.raw`regsub("(foo|bar)",blah,g) '%[path,regsub("^/(here)(/|$)","my/\1",g)]'`,
    'tab\tsep\vvt\fff',
  ];
  it.each(lines)('%s', (line) => {
    const diags = new Diagnostics();
    const ours = lexConfig(`${line}\n`, 'x.cfg', { env: childEnv, diags, features, version })[0]?.args ?? [];
    expect(diags.list).toEqual([]);
    // The word after the last one must be haproxy's first 'z' filler: same word count.
    expect(haproxyWords(line, ours.length)).toEqual([...ours, 'z']);
  });
});
