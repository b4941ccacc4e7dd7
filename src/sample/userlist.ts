/**
 * A `userlist` section as http_auth/http_auth_group see it. Passwords are either plain
 * (`insecure-password`) or crypt(3) hashes (`password`); see crypt.ts for the supported schemes.
 */
import { createHash } from 'node:crypto';
import { isSupportedCrypt, verifyCrypt } from './crypt.js';

export interface UserEntry {
  password: string;
  insecure: boolean;
  groups: Set<string>;
}

/** Successful hash checks are remembered so a client sending the same credentials does not cost 5000 rounds each time. */
const CACHE_LIMIT = 1024;

export class Userlist {
  readonly users = new Map<string, UserEntry>();
  readonly groups = new Map<string, Set<string>>();
  private readonly verified = new Set<string>();

  constructor(readonly name: string) {}

  addGroup(name: string, users: string[] = []): void {
    const set = this.groups.get(name) ?? new Set<string>();
    for (const u of users) set.add(u);
    this.groups.set(name, set);
  }

  addUser(name: string, password: string, insecure: boolean, groups: string[] = []): void {
    this.users.set(name, { password, insecure, groups: new Set(groups) });
  }

  /** A message when a user's hash uses a scheme this build cannot verify (for a config warning). */
  unsupportedHashes(): string[] {
    const out: string[] = [];
    for (const [name, u] of this.users) {
      if (!u.insecure && !isSupportedCrypt(u.password)) out.push(name);
    }
    return out;
  }

  check(user: string, password: string): boolean {
    const u = this.users.get(user);
    if (!u) return false;
    if (u.insecure) return u.password === password;
    const key = createHash('sha256').update(user).update('\0').update(password).update('\0').update(u.password).digest('base64');
    if (this.verified.has(key)) return true;
    const ok = verifyCrypt(password, u.password) === true;
    if (ok) {
      if (this.verified.size >= CACHE_LIMIT) this.verified.clear();
      this.verified.add(key);
    }
    return ok;
  }

  /** Whether `user` belongs to `group`, declared either on the user line or on the group line. */
  inGroup(user: string, group: string): boolean {
    return this.users.get(user)?.groups.has(group) === true || this.groups.get(group)?.has(user) === true;
  }
}
