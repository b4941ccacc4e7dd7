/**
 * Starts portico for the rules e2e tests: `node dist/cli.js -db -f CFG` once the CLI attaches the
 * rules engine (dist/process/run.js calls buildHttpHooks), else launch.mjs, which runs the same
 * Runtime with buildHttpHooks from dist/.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt } from '../cli/build.js';
import { ROOT, startPortico, type Proc } from '../harness.js';

export function cliWiresRules(): boolean {
  try {
    return readFileSync(join(ROOT, 'dist/process/run.js'), 'utf8').includes('buildHttpHooks');
  } catch {
    return false;
  }
}

/** Whether the engine in dist/ honours RequestVerdict.delayMs (tarpit). */
export function engineHasTarpit(): boolean {
  try {
    return readFileSync(join(ROOT, 'dist/http/session.js'), 'utf8').includes('delayMs');
  } catch {
    return false;
  }
}

export async function startRulesPortico(config: string, ports: number[]): Promise<Proc> {
  ensureBuilt();
  if (cliWiresRules()) return startPortico(config, ports);
  return startPortico(config, ports, [], { bin: process.execPath, args: [join(ROOT, 'test/e2e/rules/launch.mjs')] });
}
