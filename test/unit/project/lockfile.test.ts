/**
 * `npm ci` refuses a lock file that lacks an entry for an optional dependency some locked package
 * declares (npm 11 writes such lock files when a platform package is missing from the registry).
 * CI starts with `npm ci`, so this check fails here first, with the names to fix.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface LockedPackage { optionalDependencies?: Record<string, string> }

describe('package-lock.json', () => {
  const lock = JSON.parse(readFileSync(new URL('../../../package-lock.json', import.meta.url), 'utf8')) as { packages: Record<string, LockedPackage> };

  /** Node's lookup: the dependent's own node_modules, then each enclosing node_modules up to the root. */
  function locate(from: string, name: string): boolean {
    let dir = from;
    for (let i = 0; i < 64; i++) {
      if (lock.packages[dir === '' ? `node_modules/${name}` : `${dir}/node_modules/${name}`]) return true;
      if (dir === '') return false;
      const cut = dir.lastIndexOf('/node_modules/');
      dir = cut < 0 ? '' : dir.slice(0, cut);
    }
    return false;
  }

  it('has an entry for every optional dependency of every locked package', () => {
    const missing: string[] = [];
    for (const [path, pkg] of Object.entries(lock.packages)) {
      for (const name of Object.keys(pkg.optionalDependencies ?? {})) {
        if (!locate(path, name)) missing.push(`${path || '(root)'} -> ${name}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
