/**
 * The server list of one backend and the counts every algorithm needs: how many active and backup
 * servers are usable, their total weights, and which servers take traffic now (HAProxy's recount_servers
 * and update_backend_weight). Backups serve only when no active server is usable; without
 * `option allbackups` only the first usable backup does.
 */
import type { LbOptions, LbServerSpec } from './types.js';
import { ServerState, makeServers } from './server-state.js';

export class Pool {
  readonly servers: ServerState[];
  readonly allBackups: boolean;
  srvAct = 0;
  srvBck = 0;
  totWact = 0;
  totWbck = 0;
  /** first usable backup, when backups are not all used */
  fbck: ServerState | undefined;
  /** total weight of the servers taking traffic now */
  totWeight = 0;
  /** number of servers taking traffic now */
  totUsed = 0;

  constructor(specs: readonly LbServerSpec[], options: LbOptions, eweightOf: (s: ServerState) => number) {
    this.servers = makeServers(specs);
    this.allBackups = options.allBackups ?? false;
    for (const s of this.servers) s.eweight = eweightOf(s);
    this.recount();
  }

  recount(): void {
    this.srvAct = this.srvBck = this.totWact = this.totWbck = 0;
    this.fbck = undefined;
    for (const s of this.servers) {
      if (!s.usable) continue;
      if (s.backup) {
        if (this.srvBck === 0 && !this.allBackups) this.fbck = s;
        this.srvBck++;
        this.totWbck += s.eweight;
      } else {
        this.srvAct++;
        this.totWact += s.eweight;
      }
    }
    if (this.srvAct) {
      this.totWeight = this.totWact;
      this.totUsed = this.srvAct;
    } else if (this.fbck) {
      this.totWeight = this.fbck.eweight;
      this.totUsed = 1;
    } else {
      this.totWeight = this.totWbck;
      this.totUsed = this.srvBck;
    }
  }

  /** Whether the servers taking traffic now are the backups. */
  get usingBackups(): boolean {
    return this.srvAct === 0;
  }

  own(s: unknown): ServerState {
    if (!(s instanceof ServerState) || this.servers[s.index] !== s) throw new Error('server does not belong to this backend');
    return s;
  }
}
