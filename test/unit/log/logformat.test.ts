import { describe, expect, it } from 'vitest';
import { Diagnostics } from '../../../src/core/diag.js';
import { compileLogFormat, evalLogFormat, formatGmtDate, formatLogDateMs, type LogFormatContext } from '../../../src/log/logformat.js';
import { createSampleContext } from '../../../src/sample/context.js';
import type { Usage } from '../../../src/sample/types.js';

const WHERE = { file: 'lf.cfg', line: 4 };

function compile(text: string, usage: Usage = 'http-req') {
  const diags = new Diagnostics();
  const lf = compileLogFormat(text, WHERE, diags, { usage });
  return { lf, diags };
}

const VARS: Record<string, string | number | undefined> = { ci: '127.0.0.1', cp: 34312, b: 'be', s: '<NOSRV>', ST: 200, Ts: 1795277685, pid: 797, ID: undefined, fp: 8080 };

function ctx(mode: 'log' | 'value', headers: [string, string][] = []): LogFormatContext {
  const sample = createSampleContext({
    conn: { src: '127.0.0.1', srcPort: 34312, dst: '127.0.0.1', dstPort: 8080 },
    req: { method: 'GET', uri: '/a/b?x=1', version: 'HTTP/1.1', headers: headers.flatMap(([n, v]) => [n, v]) },
  });
  return { sample, mode, variable: (n) => VARS[n] };
}

function run(text: string, mode: 'log' | 'value' = 'value', headers: [string, string][] = []): string {
  const { lf, diags } = compile(text);
  if (!lf) throw new Error(diags.list.map((d) => d.message).join('\n'));
  return evalLogFormat(lf, ctx(mode, headers));
}

describe('log-format compiler', () => {
  it('keeps literal text and %% as one constant part', () => {
    const { lf } = compile('a%%b c');
    expect(lf?.constant).toBe(true);
    expect(evalLogFormat(lf!, ctx('value'))).toBe('a%b c');
  });

  it('evaluates variables next to punctuation: %ci:%cp', () => {
    expect(run('%ci:%cp [%b/%s] %ST')).toBe('127.0.0.1:34312 [be/<NOSRV>] 200');
  });

  it('evaluates sample expressions, with converters and brackets inside arguments', () => {
    expect(run('p=%[path] q=%[query]')).toBe('p=/a/b q=x=1');
    expect(run('%[req.hdr(host),lower]', 'value', [['host', 'EXAMPLE.org']])).toBe('example.org');
    expect(run('%[str(a]b)]')).toBe('a]b');
  });

  it('Q quotes strings and addresses but not numbers; X gives hex forms (HAProxy 2.6)', () => {
    expect(run('%{+Q}ci %{+Q}b %{+Q}ST')).toBe('"127.0.0.1" "be" 200');
    expect(run('%{+X}ci %{+X}cp %{+X}Ts %{+X}pid %{+X}ST')).toBe('7F000001 8608 6B01C375 031D 200');
  });

  it('%o applies its flags to the following variables, and - removes them', () => {
    expect(run('%{+Q}o%b %{-Q}b')).toBe('"be" be');
  });

  it("E escapes '\"', '\\' and ']'", () => {
    expect(run('%{+E}[req.hdr(q)]', 'value', [['q', 'a"b]c\\d']])).toBe('a\\"b\\]c\\\\d');
  });

  it("in logs a missing value prints '-' (or \"\" quoted); in rule values it prints nothing", () => {
    expect(run('A%[req.hdr(none)]B %{+Q}[req.hdr(none)] %ID', 'log')).toBe('A-B "" -');
    expect(run('A%[req.hdr(none)]B %{+Q}[req.hdr(none)] %ID', 'value')).toBe('AB  ');
  });

  it('does not quote sample expressions in rule values (as haproxy does for set-header)', () => {
    expect(run('%{+Q}[str(abc)]', 'value')).toBe('abc');
    expect(run('%{+Q}[str(abc)]', 'log')).toBe('"abc"');
  });

  it('reports unknown variables with the hint about %%', () => {
    const { lf, diags } = compile('x %zz y');
    expect(lf).toBeUndefined();
    expect(diags.list[0]).toMatchObject({ level: 'alert', file: 'lf.cfg', line: 4 });
    expect(diags.list[0]!.message).toContain("no such format variable 'zz'. If you wanted to emit the '%' character verbatim, you need to use '%%'.");
  });

  it('reports unknown fetches, unclosed brackets and fetches unusable in the rule', () => {
    expect(compile('%[nosuchfetch]').diags.list[0]!.message).toContain("unknown fetch method 'nosuchfetch'");
    expect(compile('%[path').diags.list[0]!.message).toContain("missing ']'");
    expect(compile('%[status]', 'http-req').diags.list[0]!.message).toContain("needs 'HTTP response' which is not available here");
    expect(compile('%[status]', 'http-res').diags.alerts).toBe(0);
  });

  it('rejects unknown flags', () => {
    expect(compile('%{+Z}ci').diags.list[0]!.message).toContain("unknown flag '+Z'");
  });

  it('formats dates like %t and %T', () => {
    const ms = Date.UTC(2026, 10, 21, 15, 44, 27, 62);
    expect(formatGmtDate(ms)).toBe('21/Nov/2026:15:44:27 +0000');
    expect(formatLogDateMs(ms)).toMatch(/^21\/Nov\/2026:\d\d:44:27\.062$/);
  });
});
