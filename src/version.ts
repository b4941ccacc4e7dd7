/** portico's own version, and the HAProxy configuration language level it implements. */
import { readFileSync } from 'node:fs';

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    return pkg.version;
  } catch {
    return '0.0.0';
  }
}

export const VERSION = packageVersion();
export const RELEASE_DATE = '2026/11/21';
/** `version_atleast()` and `version_before()` in `.if` compare against this. */
export const LANGUAGE_LEVEL = '2.6';
/** What `feature()` knows, and what `-vv` lists after "Feature list :". */
export const FEATURES = ['OPENSSL', 'PROMEX', 'GETADDRINFO', 'THREAD', 'LIBCRYPT'];
