/**
 * Differential test: every configuration in test/config/corpus is checked by the real haproxy
 * (`haproxy -c -f`) and by portico (`node dist/cli.js -c -f`). They must agree on the exit code
 * and on where alerts and warnings are:
 * - every (level, line) haproxy reports with a location, portico reports too;
 * - portico may locate a message haproxy prints without a location (post-parse checks, where
 *   portico names the line), but only at a level haproxy also used without a location, and every
 *   such unlocated haproxy level must be matched by portico.
 * Notices are not compared. The legacy forms portico accepts on purpose are listed per file and
 * line in legacy-allowed.json; for those files haproxy checks the modern spelling instead.
 * Skipped when haproxy is not installed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt } from '../../e2e/cli/build.js';

const corpus = join(import.meta.dirname, '../../config/corpus');
const haveHaproxy = spawnSync('haproxy', ['-v'], { encoding: 'utf8' }).status === 0;
const files = readdirSync(corpus)
  .filter((n) => n.endsWith('.cfg'))
  .sort();
const allowed = JSON.parse(readFileSync(join(corpus, 'legacy-allowed.json'), 'utf8')) as Record<string, Record<string, string>>;
delete allowed['//'];
const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };

interface Message {
  level: 'notice' | 'warning' | 'alert';
  line?: number;
  text: string;
}
interface Outcome {
  code: number;
  messages: Message[];
  output: string;
}

/** Reads `[ALERT]    (pid) : config : parsing [f.cfg:8] : text` lines (also `[f.cfg:8] : ` without "parsing"). */
export function parseOutput(output: string): Message[] {
  const out: Message[] = [];
  for (const raw of output.split('\n')) {
    const m = /^\[(NOTICE|WARNING|ALERT)\]\s+\(\d+\) : (?:config : )?(.*)$/.exec(raw);
    if (!m) continue;
    const body = m[2]!;
    if (/^Error\(s\) found in configuration file|^Fatal errors found in configuration/.test(body)) continue;
    const at = /^(?:parsing )?\[[^\]]*:(\d+)\]\s?: ?(.*)$/.exec(body);
    out.push({ level: m[1]!.toLowerCase() as Message['level'], ...(at ? { line: Number(at[1]), text: at[2]! } : { text: body }) });
  }
  return out;
}

function run(cmd: string, args: string[], cwd: string): Outcome {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 20_000 });
  const output = `${r.stdout}${r.stderr}`;
  return { code: r.status ?? -1, messages: parseOutput(output), output };
}

const MODERN: Record<string, (words: string[]) => string[]> = {
  redispatch: () => ['option redispatch'],
  contimeout: (w) => [`timeout connect ${w[1]}`],
  clitimeout: (w) => [`timeout client ${w[1]}`],
  srvtimeout: (w) => [`timeout server ${w[1]}`],
  nbproc: () => ['# nbproc'],
  'listen NAME ADDR:PORT': (w) => [`listen ${w[1]}`, `bind ${w[2]}`],
  'frontend NAME ADDR:PORT': (w) => [`frontend ${w[1]}`, `bind ${w[2]}`],
};

/** The file with its legacy lines in their modern spelling, and how to map the new line numbers back. */
function modernize(text: string, legacy: Record<string, string>): { text: string; back: (line: number) => number } {
  const out: string[] = [];
  const origin: number[] = [];
  text.split('\n').forEach((line, i) => {
    const form = legacy[String(i + 1)];
    const lines = form ? MODERN[form]!(line.trim().split(/\s+/)) : [line];
    for (const l of lines) {
      out.push(l);
      origin.push(i + 1);
    }
  });
  return { text: out.join('\n'), back: (line) => origin[line - 1] ?? line };
}

/** Differences between haproxy's and portico's messages, as readable strings (empty when they agree). */
export function compare(haAll: Message[], poAll: Message[]): string[] {
  const ha = haAll.filter((m) => m.level !== 'notice');
  const po = poAll.filter((m) => m.level !== 'notice');
  const key = (m: Message) => `${m.level}@${m.line}`;
  const haLocated = new Set(ha.filter((m) => m.line !== undefined).map(key));
  const haFree = new Set(ha.filter((m) => m.line === undefined).map((m) => m.level));
  const poLocated = new Set(po.filter((m) => m.line !== undefined).map(key));
  const extra = po.filter((m) => m.line === undefined || !haLocated.has(key(m)));
  const problems: string[] = [];
  for (const k of haLocated) if (!poLocated.has(k)) problems.push(`haproxy has ${k}, portico does not`);
  for (const m of extra) if (!haFree.has(m.level)) problems.push(`portico has ${key(m)} (${m.text}), haproxy does not`);
  for (const level of haFree) if (!extra.some((m) => m.level === level)) problems.push(`haproxy has an unlocated ${level}, portico has no matching ${level}`);
  return problems;
}

const work = mkdtempSync(join(tmpdir(), 'portico-corpus-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the corpus', () => {
  it('holds at least 40 configurations, valid and invalid', () => {
    expect(files.length).toBeGreaterThanOrEqual(40);
    expect(files.filter((f) => f.startsWith('ok-')).length).toBeGreaterThanOrEqual(10);
    expect(files.filter((f) => f.startsWith('bad-')).length).toBeGreaterThanOrEqual(20);
  });

  it('lists in legacy-allowed.json only legacy forms that are really on those lines', () => {
    for (const [file, lines] of Object.entries(allowed)) {
      const text = readFileSync(join(corpus, file), 'utf8').split('\n');
      for (const [n, form] of Object.entries(lines)) {
        expect(MODERN, `${file}: unknown form '${form}'`).toHaveProperty([form]);
        const words = text[Number(n) - 1]!.trim().split(/\s+/);
        const head = form.includes('NAME') ? `${words[0]} NAME ADDR:PORT` : words[0];
        expect(head === form && (!form.includes('NAME') || words.length === 3), `${file}:${n} is '${text[Number(n) - 1]}', not '${form}'`).toBe(true);
      }
    }
  });
});

describe.skipIf(!haveHaproxy)('portico -c agrees with haproxy -c', () => {
  beforeAll(() => ensureBuilt(), 180_000);

  it.each(files)('%s', (name) => {
    const legacy = allowed[name];
    const po = run('node', [cli, '-c', '-f', name], corpus);
    let ha: Outcome;
    if (legacy) {
      // haproxy refuses the legacy forms: show it, then compare against the modern spelling.
      const original = run('haproxy', ['-c', '-f', name], corpus);
      expect(original.code, original.output).toBe(1);
      const { text, back } = modernize(readFileSync(join(corpus, name), 'utf8'), legacy);
      writeFileSync(join(work, name), text);
      ha = run('haproxy', ['-c', '-f', join(work, name)], corpus);
      ha.messages = ha.messages.map((m) => (m.line === undefined ? m : { ...m, line: back(m.line) }));
      for (const n of Object.keys(legacy)) {
        const mine = po.messages.filter((m) => m.line === Number(n));
        expect(mine.length, `portico says nothing about legacy line ${n}:\n${po.output}`).toBeGreaterThan(0);
      }
      po.messages = po.messages.filter((m) => m.line === undefined || !(m.line in legacy) || m.level === 'alert');
    } else {
      ha = run('haproxy', ['-c', '-f', name], corpus);
    }
    const context = `\n--- haproxy (exit ${ha.code}):\n${ha.output}\n--- portico (exit ${po.code}):\n${po.output}`;
    expect(compare(ha.messages, po.messages), context).toEqual([]);
    expect(po.code, context).toBe(ha.code);
  });
});

describe('the comparison itself', () => {
  const a = (line?: number): Message => ({ level: 'alert', text: 'x', ...(line ? { line } : {}) });
  const w = (line?: number): Message => ({ level: 'warning', text: 'x', ...(line ? { line } : {}) });
  it('reads haproxy output, with and without "parsing", and skips the summary lines', () => {
    const out = parseOutput(
      '[NOTICE]   (1) : haproxy version is 2.6\n[ALERT]    (1) : config : parsing [f.cfg:8] : unknown keyword\n[ALERT]    (1) : config : [f.cfg:9] : \'server a/b\' : bad\n[WARNING]  (1) : config : missing timeouts for proxy \'p\'.\n   | While not properly invalid\n[ALERT]    (1) : config : Fatal errors found in configuration.\n',
    );
    expect(out.map((m) => `${m.level}@${m.line}`)).toEqual(['notice@undefined', 'alert@8', 'alert@9', 'warning@undefined']);
  });
  it('agrees on the same located messages, and lets portico locate an unlocated one of the same level', () => {
    expect(compare([a(3), w()], [a(3), w(7)])).toEqual([]);
  });
  it('fails on a missing, an extra or a differently levelled message', () => {
    expect(compare([a(3)], [])).toHaveLength(1);
    expect(compare([], [w(4)])).toHaveLength(1);
    expect(compare([a(3)], [w(3)])).toHaveLength(2);
    expect(compare([w()], [])).toHaveLength(1);
  });
});
