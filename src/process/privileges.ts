/**
 * `user`/`group`/`uid`/`gid` and `chroot` of the global section. The ids are resolved at start
 * (so a typo fails before anything is bound) and dropped once the listening sockets are open:
 * in a worker (master-worker mode, the master keeps its rights to bind new ports on reload), or
 * in the single process after binding. Node cannot chroot(2): `chroot` is reported and ignored.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Global } from '../config/model.js';

export interface Identity {
  uid?: number;
  gid?: number;
  /** How the configuration named them, for messages. */
  user?: string;
  group?: string;
}

/** Looks a name up in the passwd or group database (getent, else the files in /etc). */
function lookupId(db: 'passwd' | 'group', name: string): number | undefined {
  const r = spawnSync('getent', [db, name], { encoding: 'utf8', timeout: 2000 });
  let line = r.status === 0 ? r.stdout.split('\n')[0] : undefined;
  if (!line) {
    try {
      line = readFileSync(`/etc/${db}`, 'utf8')
        .split('\n')
        .find((l) => l.split(':')[0] === name);
    } catch {
      line = undefined;
    }
  }
  const id = line?.split(':')[2];
  return id !== undefined && /^\d+$/.test(id) ? Number(id) : undefined;
}

/** Resolves the configured user and group; errors are HAProxy's texts. */
export function resolveIdentity(g: Global): { ok: Identity } | { error: string } {
  const id: Identity = {};
  if (g.user !== undefined) {
    const uid = /^\d+$/.test(g.user) ? Number(g.user) : lookupId('passwd', g.user);
    if (uid === undefined) return { error: `cannot find user id for '${g.user}' (0:Success)` };
    id.uid = uid;
    id.user = g.user;
  } else if (g.uid !== undefined) id.uid = g.uid;
  if (g.group !== undefined) {
    const gid = /^\d+$/.test(g.group) ? Number(g.group) : lookupId('group', g.group);
    if (gid === undefined) return { error: `cannot find group id for '${g.group}' (0:Success)` };
    id.gid = gid;
    id.group = g.group;
  } else if (g.gid !== undefined) id.gid = g.gid;
  return { ok: id };
}

/**
 * Drops to the identity (group first, then user, supplementary groups cleared when root).
 * Returns an error text (HAProxy's) if the system refuses.
 */
export function dropPrivileges(id: Identity): string | undefined {
  const getuid = process.getuid?.bind(process);
  if (!getuid || !process.setgid || !process.setuid) return undefined;
  if (id.gid !== undefined && process.getgid?.() !== id.gid) {
    try {
      if (getuid() === 0) process.setgroups?.([id.gid]);
      process.setgid(id.gid);
    } catch {
      return `[portico.main()] Cannot set gid ${id.gid}.`;
    }
  }
  if (id.uid !== undefined && getuid() !== id.uid) {
    try {
      process.setuid(id.uid);
    } catch {
      return `[portico.main()] Cannot set uid ${id.uid}.`;
    }
  }
  return undefined;
}

/** The warning for `chroot`, which Node cannot do. */
export function chrootWarning(g: Global): string | undefined {
  if (g.chroot === undefined) return undefined;
  return `chroot '${g.chroot}' ignored: Node.js cannot chroot(2); portico runs without it (use a container or systemd's RootDirectory= for the same isolation).`;
}
