/**
 * `stats socket` lines of the global section: where the Runtime API listens (a UNIX socket path,
 * `unix@`, `ipv4@`/`ipv6@` host:port or `fd@N`) and with which level, file mode and owner.
 */
import type { Address, RawLine } from '../config/model.js';
import { parseBindAddress } from '../config/address.js';
import type { Level } from './types.js';

export interface StatsSocketSpec {
  address: Address;
  /** The address word as written. */
  label: string;
  level: Level;
  /** File mode of a UNIX socket (`mode 660`). */
  mode?: number;
  uid?: number;
  gid?: number;
  /** `user` / `group` names, resolved when binding. */
  user?: string;
  group?: string;
  exposeFd: boolean;
  where: RawLine['where'];
}

export type SocketParse = { ok: StatsSocketSpec } | { error: string };

/** Options taking one value that portico accepts without effect (bind options of the CLI listener). */
const IGNORED_WITH_VALUE = new Set(['process', 'name', 'maxconn', 'backlog', 'id', 'nice', 'thread', 'severity-output']);
const IGNORED_FLAGS = new Set(['accept-proxy', 'transparent', 'v4v6', 'v6only']);

export function parseStatsSocket(line: RawLine): SocketParse {
  const word = line.args[2];
  if (!word) return { error: "'stats socket' expects an address or a path." };
  const a = parseBindAddress(word);
  if ('error' in a) return { error: a.error };
  const spec: StatsSocketSpec = { address: a.ok, label: word, level: 'operator', exposeFd: false, where: line.where };
  const args = line.args;
  for (let i = 3; i < args.length; i++) {
    const k = args[i]!;
    const v = args[i + 1];
    switch (k) {
      case 'level':
        if (v !== 'user' && v !== 'operator' && v !== 'admin') return { error: "'level' only supports 'user', 'operator', and 'admin'." };
        spec.level = v;
        i++;
        break;
      case 'mode':
        if (!v || !/^[0-7]+$/.test(v)) return { error: `'mode' expects an octal value (got '${v ?? ''}').` };
        spec.mode = Number.parseInt(v, 8);
        i++;
        break;
      case 'uid':
      case 'gid':
        if (!v || !/^\d+$/.test(v)) return { error: `'${k}' expects an integer argument.` };
        spec[k] = Number(v);
        i++;
        break;
      case 'user':
      case 'group':
        if (!v) return { error: `'${k}' expects a name.` };
        spec[k] = v;
        i++;
        break;
      case 'expose-fd':
        if (v !== 'listeners') return { error: "'expose-fd' only supports 'listeners'." };
        spec.exposeFd = true;
        i++;
        break;
      default:
        if (IGNORED_WITH_VALUE.has(k)) i++;
        else if (!IGNORED_FLAGS.has(k)) return { error: `unknown keyword '${k}' on 'stats socket'.` };
    }
  }
  return { ok: spec };
}
