/**
 * Makes sure dist/ holds a build of the current sources before tests spawn `node dist/cli.js`:
 * rebuilds with tsc when dist/cli.js is missing or older than any source file. A lock directory
 * keeps parallel test files from running tsc at the same time.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const root = join(import.meta.dirname, '../../..');
export const cli = join(root, 'dist/cli.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestSource(p) : e.name.endsWith('.ts') ? statSync(p).mtimeMs : 0);
  }
  return newest;
}

function stale(): boolean {
  return !existsSync(cli) || statSync(cli).mtimeMs < newestSource(join(root, 'src'));
}

export function ensureBuilt(): void {
  if (!stale()) return;
  const lock = join(tmpdir(), `portico-build-${Buffer.from(root).toString('hex').slice(-24)}.lock`);
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) rmSync(lock, { recursive: true, force: true });
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    // Other modules may have type errors in progress; tsc still writes JavaScript for the rest.
    if (stale()) spawnSync('npx', ['tsc', '-p', root], { cwd: root, stdio: 'ignore' });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  if (!existsSync(cli)) throw new Error('dist/cli.js could not be built (npx tsc -p .)');
}
