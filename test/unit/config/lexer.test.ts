import { describe, expect, it } from 'vitest';
import { Diagnostics, type Diagnostic } from '../../../src/core/diag.js';
import { checkCondition, lexConfig, MAX_LINE_ARGS, splitLine, type LexOptions } from '../../../src/config/lexer.js';

const ENV: Record<string, string | undefined> = { HOME: '/root', EMPTY: '', SPACED: 'a  b', LEAD: ' x', PROD: 'prod' };

function lex(text: string, extra: Partial<LexOptions> = {}) {
  const diags = new Diagnostics();
  const lines = lexConfig(text, 'f.cfg', { env: ENV, diags, features: ['+OPENSSL'], version: '2.6', ...extra });
  return { lines, diags: diags.list, args: lines.map((l) => l.args) };
}
/** The words of a one-line file. */
const words = (line: string): string[] => {
  const { args, diags } = lex(`${line}\n`);
  expect(diags).toEqual([]);
  return args[0] ?? [];
};
const msgs = (ds: Diagnostic[]) => ds.map((d) => `${d.level} ${d.line}: ${d.message}`);

describe('words, quotes and comments', () => {
  it('splits on runs of spaces, tabs, vertical tabs and form feeds; skips indentation', () => {
    expect(words('  server  s1\t127.0.0.1:80 \v check\f')).toEqual(['server', 's1', '127.0.0.1:80', 'check']);
  });
  it('drops empty and comment-only lines and keeps line numbers', () => {
    const { lines } = lex('\n# comment\n   \nglobal # trailing\n  maxconn 10#not-a-comment\n');
    expect(lines).toEqual([
      { file: 'f.cfg', line: 4, args: ['global'] },
      { file: 'f.cfg', line: 5, args: ['maxconn', '10'] },
    ]);
  });
  it('double and single quotes group words and concatenate with adjacent text', () => {
    expect(words(`a "b c" 'd e' x"y"'z'w`)).toEqual(['a', 'b c', 'd e', 'xyzw']);
    expect(words(`"it's" 'say "hi"'`)).toEqual(["it's", 'say "hi"']);
  });
  it('# inside quotes or escaped is not a comment', () => {
    expect(words(`a "#b" '#c' \\#d # gone`)).toEqual(['a', '#b', '#c', '#d']);
  });
  it('keeps empty words in the middle, drops a trailing one, skips a line starting with one', () => {
    expect(words(`a "" b`)).toEqual(['a', '', 'b']);
    expect(words(`a b ""`)).toEqual(['a', 'b']);
    expect(lex(`"" a b\n`).lines).toEqual([]);
  });
  it('equivalent spellings from the manual give the same word', () => {
    const expected = ['log-format', '%{+Q}o %t %s %{-Q}r'];
    expect(words('log-format %{+Q}o\\ %t\\ %s\\ %{-Q}r')).toEqual(expected);
    expect(words('log-format "%{+Q}o %t %s %{-Q}r"')).toEqual(expected);
    expect(words("log-format '%{+Q}o %t %s %{-Q}r'")).toEqual(expected);
    expect(words(`log-format "%{+Q}o %t"' %s %{-Q}r'`)).toEqual(expected);
    expect(words(`log-format "%{+Q}o %t"' %s'\\ %{-Q}r`)).toEqual(expected);
  });
});

describe('escapes', () => {
  it.each([
    ['a\\ b', 'a b'],
    ['\\#', '#'],
    ['\\\\', '\\'],
    ["\\'", "'"],
    ['\\"', '"'],
    ['\\n', '\n'],
    ['\\r', '\r'],
    ['\\t', '\t'],
    ['\\x41\\x2f', 'A/'],
    ['\\q\\1', '\\q\\1'], // not escape sequences: the backslash stays
    ['\\$HOME', '\\$HOME'], // \$ is an escape only inside double quotes
    ['"\\$HOME"', '$HOME'],
    ['"\\ \\#\\x41"', ' #A'],
    ["'\\n\\x41'", '\\n\\x41'], // nothing is special in single quotes
    ['end\\', 'end\\'],
  ])('%s', (input, out) => expect(words(`w ${input}`)).toEqual(['w', out]));

  it('a \\x00 cuts the word as C would', () => {
    expect(words('a\\x00b c')).toEqual(['a', 'c']);
  });
  it('reports a bad \\x sequence with its position', () => {
    const { diags, lines } = lex('  log "a\\x4g"\nnext\n');
    expect(msgs(diags)).toEqual(['alert 1: truncated or invalid hexadecimal sequence at position 9:\n  log "a\\x4g"\n        ^']);
    expect(lines.map((l) => l.args)).toEqual([['next']]);
  });
  it('reports an unterminated quote where it opened, and keeps going', () => {
    const { diags, args } = lex(`a "b c\nb 'x\nok\n`);
    expect(msgs(diags)).toEqual([
      'alert 1: unmatched quote at position 3:\n  a "b c\n    ^',
      "alert 2: unmatched quote at position 3:\n  b 'x\n    ^",
    ]);
    expect(args).toEqual([['ok']]);
  });
});

describe('line endings and limits', () => {
  it('handles CRLF, and a CR anywhere ends the line', () => {
    expect(lex('global\r\n  maxconn 5\r\n').args).toEqual([['global'], ['maxconn', '5']]);
    expect(lex('a b\rc d\n').args).toEqual([['a', 'b']]);
  });
  it(`allows ${MAX_LINE_ARGS} words and rejects more, echoing word ${MAX_LINE_ARGS}`, () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`).join(' ');
    expect(words(many(64))).toHaveLength(64);
    // A trailing space after word 64 already opens word 65 (checked against haproxy 2.6.12).
    expect(msgs(lex(`${many(64)} \n`).diags)).toEqual([expect.stringContaining('too many words, truncating after word 64')]);
    const { diags, lines } = lex(`${many(65)}\nok\n`);
    expect(lines.map((l) => l.args)).toEqual([['ok']]);
    // position: offset of word 64 in the output, each earlier word plus its NUL, 1-based.
    const offset = 1 + Array.from({ length: 63 }, (_, i) => `w${i}`.length + 1).reduce((a, b) => a + b, 0);
    expect(msgs(diags)).toEqual([`alert 1: too many words, truncating after word 64, position ${offset}: <w63>.`]);
  });
  it('has no line length limit', () => {
    const long = 'x'.repeat(200_000);
    expect(words(`a ${long}`)).toEqual(['a', long]);
  });
  it('reports a last line without LF, and a stray NUL', () => {
    expect(msgs(lex('global\nmaxconn 1').diags)).toEqual([
      'alert 2: Missing LF on last line, file might have been truncated at position 10.',
    ]);
    const nul = lex('a b\0junk\nnot read\n');
    expect(nul.args).toEqual([['a', 'b']]);
    expect(msgs(nul.diags)).toEqual(['alert 1: Stray NUL character at position 4.']);
  });
  it('stops after 50 fatal errors', () => {
    const { diags } = lex('"\n'.repeat(60));
    expect(diags).toHaveLength(51);
    expect(diags[50]!.message).toBe('too many fatal errors (50), stopping now.');
    expect(diags[50]!.line).toBe(51);
  });
});

describe('environment variables', () => {
  it('expand only inside double quotes', () => {
    expect(words(`"$HOME" $HOME '$HOME' "\${HOME}/x" "a$HOME"`)).toEqual(['/root', '$HOME', '$HOME', '/root/x', 'a/root']);
  });
  it('an unset or empty variable gives an empty word (kept in the middle)', () => {
    expect(words(`a "$NOPE" "$EMPTY" b`)).toEqual(['a', '', '', 'b']);
    expect(words(`a "$NOPE"`)).toEqual(['a']);
  });
  it('${VAR-default} uses the default only when the variable is unset', () => {
    expect(words(`"\${NOPE-def ault}" "\${EMPTY-def}" "\${HOME-def}" "\${NOPE-}"x`)).toEqual(['def ault', '', '/root', 'x']);
  });
  it('${VAR[*]} splits the value into words on spaces, $VAR keeps it whole', () => {
    expect(words(`w "x\${SPACED[*]}y" "\${SPACED}"`)).toEqual(['w', 'xa', 'by', 'a  b']);
    expect(words(`w "\${LEAD[*]}"`)).toEqual(['w', '', 'x']);
    expect(words(`w "$SPACED[*]"`)).toEqual(['w', 'a  b[*]']);
  });
  it('pseudo-variables give the file, the line and the current section', () => {
    const { args } = lex(
      [
        'x "${.FILE}:${.LINE}:${.SECTION}"',
        'global',
        '  x "${.SECTION}"',
        'frontend fe',
        '  x "${.SECTION}"',
        'defaults',
        '  x "${.SECTION}"',
        'backend "${.SECTION}-be"',
      ].join('\n') + '\n',
    );
    expect(args).toEqual([
      ['x', 'f.cfg:1:'],
      ['global'],
      ['x', 'global'],
      ['frontend', 'fe'],
      ['x', 'fe'],
      ['defaults'],
      ['x', 'defaults'],
      ['backend', 'defaults-be'], // expanded before the line opens the new section
    ]);
    expect(lex('x "${.SECTION}"\n', { section: 'prev' }).args).toEqual([['x', 'prev']]);
  });
  it.each([
    ['"$1"', 'forbidden first char in environment variable name at position 5:\n  x "$1"\n      ^'],
    ['"${}"', 'forbidden first char in environment variable name at position 6:\n  x "${}"\n       ^'],
    ['"${.FOO}"', 'forbidden first char in environment variable name at position 6:\n  x "${.FOO\n       ^'],
    ['"${X:-a}"', 'unmatched brace in environment variable name at position 5:\n  x "${X:-a}"\n      ^'],
    ['"${X-a"', 'unmatched brace in environment variable name at position 5:\n  x "${X-a"\n      ^'],
    ['"${HOME[x]}"', 'truncated or invalid word expansion sequence at position 10:\n  x "${HOME[x]}"\n           ^'],
  ])('error for %s', (word, message) => {
    expect(msgs(lex(`x ${word}\n`).diags)).toEqual([`alert 1: ${message}`]);
  });
});

describe('conditional blocks', () => {
  const run = (...lines: string[]) => lex(lines.join('\n') + '\n', { env: { ...ENV } });

  it('.if/.elif/.else pick exactly one branch', () => {
    const pick = (a: string, b: string) =>
      run(`.if ${a}`, 'one', `.elif ${b}`, 'two', '.else', 'three', '.endif', 'after').args.map((w) => w[0]);
    expect(pick('1', '1')).toEqual(['one', 'after']);
    expect(pick('0', '1')).toEqual(['two', 'after']);
    expect(pick('0', '0')).toEqual(['three', 'after']);
  });
  it('nests, and does not evaluate conditions inside a dropped block', () => {
    const { args, diags } = run('.if 0', '.if garbage(', 'a', '.else', 'b', '.endif', '.elif 1', '.if 1', 'c', '.endif', '.endif');
    expect(diags).toEqual([]);
    expect(args).toEqual([['c']]);
  });
  it('chains several .elif and skips the rest once one is taken', () => {
    const { args } = run('.if 0', 'a', '.elif 1', 'b', '.elif 1', 'c', '.elif nonsense', 'd', '.else', 'e', '.endif');
    expect(args).toEqual([['b']]);
  });
  it('expands variables and re-joins words in conditions', () => {
    expect(run('.if streq("$PROD",prod)', 'yes', '.endif').args).toEqual([['yes']]);
    expect(run('.if defined(HOME) && !defined(NOPE)', 'yes', '.endif').args).toEqual([['yes']]);
    expect(run('.if "1 && 0"', 'no', '.endif').args).toEqual([]);
    expect(run('.if feature(OPENSSL) # comment', 'yes', '.endif').args).toEqual([['yes']]);
    expect(run('.if', 'no', '.endif').args).toEqual([]);
  });
  it('still tokenises lines of a false block, like HAProxy', () => {
    expect(msgs(run('.if 0', 'bad "quote', '.unknown', '.alert "not fatal here"', '.endif').diags)).toEqual([
      'alert 2: unmatched quote at position 5:\n  bad "quote\n      ^',
    ]);
  });
  it.each([
    [['.endif', 'after'], ["alert 1: lone '.endif' with no matching '.if'."]],
    [['.else', 'after'], ["alert 1: lone '.else' with no matching '.if'."]],
    [['.elif 1', 'after'], ["alert 1: lone '.elif' with no matching '.if'."]],
    [['.if 1', '.else', '.else', '.endif'], ["alert 3: '.else' after '.else' is not permitted."]],
    [['.if 1', '.else', '.elif 1', '.endif'], ["alert 3: '.elif' after '.else' is not permitted."]],
    [['.if 1', '.else x', 'after'], ["alert 2: Unexpected argument 'x' for '.else'.", "alert 2: non-terminated '.if' block."]],
    [['.if 1', '.endif x'], ["alert 2: Unexpected argument 'x' for '.endif'.", "alert 2: non-terminated '.if' block."]],
    [['.if 1 ||', '.endif'], ["alert 1: unparsable conditional expression '1 ||' in '.if' at position 3:\n  .if 1 ||\n        ^"]],
    [
      ['.if 0', '.elif streq(a, b) && (1', '.endif'],
      ["alert 2: expected ')' after conditional expression '(1' in '.elif' at position 16:\n  .elif streq(a, b) && (1\n                       ^"],
    ],
  ])('%j', (lines, expected) => {
    const { diags, args } = run(...lines);
    expect(msgs(diags)).toEqual(expected);
    expect(args).not.toContainEqual(['after']); // all of these stop reading the file
  });
  it('reports a block left open at the end of the file', () => {
    const { diags, args } = run('.if 1', 'inside');
    expect(msgs(diags)).toEqual(["alert 2: non-terminated '.if' block."]);
    expect(args).toEqual([['inside']]);
  });
  it('limits nesting to 100 levels', () => {
    const { diags } = run(...Array.from({ length: 120 }, () => '.if 1'));
    expect(msgs(diags)).toEqual(["alert 100: too many nested '.if', max is 100."]);
  });
});

describe('message directives', () => {
  it('.notice, .warning and .alert report their message; .alert stops the file', () => {
    const { diags, args } = lex('.notice "hello world"\n.warning w\n.alert "stop"\nnot read\n');
    expect(msgs(diags)).toEqual(["notice 1: 'hello world'.", "warning 2: 'w'.", "alert 3: 'stop'."]);
    expect(args).toEqual([]);
  });
  it('.diag only speaks in diagnostic mode', () => {
    expect(lex('.diag "d"\n').diags).toEqual([]);
    expect(msgs(lex('.diag "d"\n', { diag: true }).diags)).toEqual(["warning 1: 'd'."]);
  });
  it('rejects a second argument and unknown directives', () => {
    const { diags } = lex('.notice a b\n.notice fine\n.nope\nnot read\n');
    expect(msgs(diags)).toEqual([
      "alert 1: Unexpected argument 'b' for '.notice'. Use quotes if the message should contain spaces.",
      "notice 2: 'fine'.",
      "alert 3: unknown directive '.nope'.",
    ]);
  });
});

describe('[scope] lines', () => {
  it('accepts them silently and reports malformed ones', () => {
    expect(lex('[foo:bar]  # c\nglobal\n').args).toEqual([['global']]);
    expect(msgs(lex('[foo\n[]\n[a b]\n[a] x\nglobal\n').diags)).toEqual([
      'alert 1: empty scope name is forbidden.',
      'alert 2: empty scope name is forbidden.',
      "alert 3: character ' ' is not permitted in a scope name.",
      "alert 4: character 'x' is not permitted after scope declaration.",
    ]);
  });
});

describe('splitLine and checkCondition (-cc)', () => {
  it('without comments, # is an ordinary character', () => {
    expect(splitLine('a #b', { env: {}, comments: false }).raw).toEqual(['a', '#b']);
    expect(splitLine('a \\#b', { env: {}, comments: false }).raw).toEqual(['a', '\\#b']);
  });
  const cc = (expr: string) => checkCondition(expr, { env: ENV, features: [], version: '2.6' });
  it('evaluates like haproxy -cc', () => {
    expect(cc('defined(HOME) && "$PROD"')).toEqual({ message: expect.stringContaining("unparsable conditional expression") });
    expect(cc('streq("$PROD",prod)')).toEqual({ value: true });
    expect(cc('" "')).toEqual({ message: "Failed to evaluate condition: unparsable conditional sub-expression ' '" });
    expect(cc('"" ""')).toEqual({ message: "Failed to evaluate condition: unparsable conditional sub-expression ' '" });
    expect(cc('"a')).toEqual({ message: 'Syntax Error in condition: Unmatched quote.' });
    expect(cc('\\xZZ')).toEqual({ message: 'Syntax Error in condition: Truncated or invalid hexadecimal sequence.' });
    expect(cc('"$1"')).toEqual({ message: 'Unhandled error in condition, please report this to the developers.' });
    expect(cc('1 # 0')).toEqual({ message: "Failed to evaluate condition: unexpected character '#' at the end of conditional expression '1 # 0'" });
  });
});
