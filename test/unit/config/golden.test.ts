/**
 * Golden tests: every test/config/golden/NAME.cfg is loaded and its typed model, dumped as JSON
 * (file names relative to the golden directory), must equal NAME.json. Diagnostics, when a
 * golden has any, must equal NAME.diag (one `level line message` per line); no NAME.diag means
 * the file must load without a single message.
 *
 * UPDATE_GOLDEN=1 rewrites the expected files: review every change by eye before committing.
 *
 * A second test walks the keyword registry and requires every registered keyword to appear at
 * the start of a line in some golden configuration, so that the goldens cannot drift behind it.
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { dumpConfig } from '../../../src/config/dump.js';
import { allKeywords } from '../../../src/config/keywords.js';
import { lexConfig } from '../../../src/config/lexer.js';
import { Diagnostics } from '../../../src/core/diag.js';
import { FEATURES, LANGUAGE_LEVEL } from '../../../src/version.js';

const dir = join(import.meta.dirname, '../../config/golden');
const update = process.env.UPDATE_GOLDEN === '1';
/** The environment goldens see: fixed, so that expansions are reproducible. */
const env = { GOLDEN_PORT: '18443', GOLDEN_EMPTY: '' };
const cfgs = readdirSync(dir)
  .filter((n) => n.endsWith('.cfg'))
  .sort();

function diagText(list: Diagnostics['list']): string {
  return list.map((d) => `${d.level} ${d.file ? `${d.file.slice(dir.length + 1)}:${d.line}` : '-'} ${d.message}\n`).join('');
}

describe('golden configurations', () => {
  it('exist', () => {
    expect(cfgs.length).toBeGreaterThan(10);
  });

  it.each(cfgs)('%s', (name) => {
    const base = join(dir, name.slice(0, -'.cfg'.length));
    const { config, diags } = loadConfig([`${base}.cfg`], env);
    const json = `${dumpConfig(config, dir)}\n`;
    const diag = diagText(diags.list);
    if (update) {
      writeFileSync(`${base}.json`, json);
      if (diag) writeFileSync(`${base}.diag`, diag);
      else rmSync(`${base}.diag`, { force: true });
    }
    expect(diag).toBe(existsSync(`${base}.diag`) ? readFileSync(`${base}.diag`, 'utf8') : '');
    expect(JSON.parse(json)).toEqual(JSON.parse(readFileSync(`${base}.json`, 'utf8')));
  });
});

/** The words each golden line starts with, with a leading `no`/`default` also removed. */
function goldenLineStarts(): Map<string, Set<string>> {
  const starts = new Map<string, Set<string>>();
  for (const name of cfgs) {
    const file = join(dir, name);
    const lines = lexConfig(readFileSync(file, 'utf8'), file, { env, diags: new Diagnostics(), features: FEATURES, version: LANGUAGE_LEVEL });
    let section = '';
    for (const { args } of lines) {
      if (args.length === 0) continue;
      if (['global', 'defaults', 'frontend', 'backend', 'listen', 'userlist', 'http-errors'].includes(args[0]!)) {
        section = args[0]!;
        continue;
      }
      const prefixed = (args[0] === 'no' || args[0] === 'default') && args.length > 1 ? args.slice(1) : args;
      // `http-check set-var(check.x)` uses the keyword `http-check set-var`.
      const words = prefixed.map((w, i) => (i === 1 ? w.replace(/\(.*$/s, '') : w));
      for (const n of [1, 2, 3]) {
        const key = `${section}|${words.slice(0, n).join(' ')}`;
        (starts.get(key) ?? starts.set(key, new Set()).get(key)!).add(name);
      }
    }
  }
  return starts;
}

describe('golden coverage of the keyword registry', () => {
  it('uses every registered keyword in at least one golden file, in a section where it is valid', () => {
    const starts = goldenLineStarts();
    const missing = allKeywords()
      .filter((kw) => !kw.sections.some((s) => starts.has(`${s}|${kw.name}`)))
      .map((kw) => `${kw.name} (${kw.sections.join(',')})`);
    expect(missing).toEqual([]);
  });
});
