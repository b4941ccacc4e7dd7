/**
 * `ulimit-n` against the real limit. Node raises its soft RLIMIT_NOFILE to the hard limit when it
 * starts and has no setrlimit(2), so the limit portico runs with is the hard limit it was given
 * (`ulimit -Hn`, LimitNOFILE= in systemd, --ulimit in Docker). Asking for more is HAProxy's
 * "Cannot raise FD limit" (fatal unless `no strict-limits`).
 */
import { readFileSync } from 'node:fs';
import type { Config } from '../config/model.js';
import { NEGATED } from './kw-global.js';

/** Soft and hard "Max open files" of this process, from /proc/self/limits. */
export function openFilesLimit(text?: string): { soft: number; hard: number } | undefined {
  let t = text;
  if (t === undefined) {
    try {
      t = readFileSync('/proc/self/limits', 'utf8');
    } catch {
      return undefined;
    }
  }
  const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(t);
  if (!m) return undefined;
  const n = (s: string) => (s === 'unlimited' ? Number.POSITIVE_INFINITY : Number(s));
  return { soft: n(m[1]!), hard: n(m[2]!) };
}

export interface LimitCheck {
  level: 'alert' | 'warning';
  message: string;
  fatal: boolean;
}

/** HAProxy's checks of ulimit-n and maxconn against the file descriptor limit. */
export function checkLimits(config: Config, limit = openFilesLimit()): LimitCheck[] {
  if (!limit) return [];
  const out: LimitCheck[] = [];
  const g = config.global;
  // HAProxy 2.6 refuses to start below ulimit-n unless told `no strict-limits`.
  const strict = !g.ignored.some((l) => l.args[0] === 'strict-limits' && NEGATED.has(l));
  const have = Math.max(limit.soft, limit.hard);
  if (g.ulimitN !== undefined && g.ulimitN > have) {
    out.push({
      level: strict ? 'alert' : 'warning',
      message: `[portico.main()] Cannot raise FD limit to ${g.ulimitN}, limit is ${have}.`,
      fatal: strict,
    });
  }
  if (g.maxconn !== undefined) {
    // Two sockets per connection (client and server), the listeners, and a margin as HAProxy.
    const listeners = config.proxies.reduce((n, p) => n + (p.disabled ? 0 : p.binds.length), 0);
    const maxsock = g.maxconn * 2 + listeners + 100;
    const fdLimit = Math.min(have, g.ulimitN ?? have);
    if (fdLimit < maxsock) {
      out.push({
        level: 'warning',
        message: `[portico.main()] FD limit (${fdLimit}) too low for maxconn=${g.maxconn}/maxsock=${maxsock}. Please raise 'ulimit-n' to ${maxsock} or more to avoid any trouble.`,
        fatal: false,
      });
    }
  }
  return out;
}
