/** The typed configuration as JSON (`portico -c --dump`), with file names relative to a base directory. */
import { relative } from 'node:path';
import type { Config } from './model.js';

export function dumpConfig(config: Config, baseDir?: string): string {
  return JSON.stringify(
    config,
    (key, value: unknown) => {
      if (baseDir !== undefined && key === 'file' && typeof value === 'string') return relative(baseDir, value) || value;
      if (baseDir !== undefined && key === 'files' && Array.isArray(value)) return value.map((f: string) => relative(baseDir, f) || f);
      return value;
    },
    2,
  );
}
