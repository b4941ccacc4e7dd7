/**
 * Every configuration in examples/ passes `portico -c`. Warnings are allowed only where the
 * example shows a legacy form on purpose (the classic CentOS-era file), and there they must be
 * the legacy warnings, each giving the modern form.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, root } from './build.js';

const classic = join(root, 'examples/classic');
const examples = readdirSync(classic)
  .filter((n) => n.endsWith('.cfg'))
  .sort();

beforeAll(() => ensureBuilt(), 180_000);

describe('examples/classic', () => {
  it('has the tutorial layouts', () => {
    expect(examples).toEqual(expect.arrayContaining(['l7-path-routing.cfg', 'l4-tcp-source.cfg', 'centos-legacy.cfg']));
  });

  it.each(examples)('%s passes portico -c', (name) => {
    const r = spawnSync('node', [cli, '-c', '-f', name], { cwd: classic, encoding: 'utf8' });
    const warnings = r.stderr.split('\n').filter((l) => l.startsWith('[WARNING]') || l.startsWith('[ALERT]'));
    expect(r.status, r.stderr).toBe(0);
    if (name.includes('legacy')) {
      expect(warnings.length).toBeGreaterThan(0);
      for (const w of warnings) expect(w).toMatch(/^\[WARNING\].*Modern form: /);
    } else {
      expect(warnings).toEqual([]);
    }
  });
});
