/** The pid file (`-p` or `pidfile`): written once started; left in place at exit, as HAProxy does. */
import { writeFileSync } from 'node:fs';

/** Writes `pid` to `path`; returns HAProxy's alert text on failure. */
export function writePidfile(path: string, pid: number = process.pid): string | undefined {
  try {
    writeFileSync(path, `${pid}\n`);
    return undefined;
  } catch {
    return `[portico.main()] Cannot create pidfile ${path}`;
  }
}

