/**
 * `balance first`: the usable server with the lowest id that still has a free connection slot
 * (maxconn), so that spare servers stay idle. Weights only matter as zero (no traffic).
 */
import { Pool } from './pool.js';
import type { ServerState } from './server-state.js';
import { checkWeight } from './server-state.js';
import type { LbAlgorithm, LbOptions, LbServerSpec } from './types.js';
import { WEIGHT_SCALE } from './types.js';

export function createFirst(specs: readonly LbServerSpec[], options: LbOptions = {}) {
  const pool = new Pool(specs, options, (s) => s.uweight * WEIGHT_SCALE);
  let act: ServerState[] = [];
  let bck: ServerState[] = [];
  const refresh = (): void => {
    pool.recount();
    const byId = (a: ServerState, b: ServerState) => a.id - b.id;
    act = pool.servers.filter((s) => s.usable && !s.backup).sort(byId);
    bck = pool.servers.filter((s) => s.usable && s.backup).sort(byId);
  };
  refresh();

  return {
    name: 'first',
    dynamic: true,
    servers: pool.servers,
    pick(_req, avoid) {
      let list: ServerState[];
      if (pool.srvAct) list = act;
      else if (pool.fbck) return pool.fbck;
      else if (pool.srvBck) list = bck;
      else return undefined;
      let avoided: ServerState | undefined;
      for (const s of list) {
        if (s.full) continue;
        if (s !== avoid) return s;
        avoided = s;
      }
      return avoided;
    },
    serverUp(x) {
      const s = pool.own(x);
      if (s.up) return;
      s.up = true;
      refresh();
    },
    serverDown(x) {
      const s = pool.own(x);
      if (!s.up) return;
      s.up = false;
      refresh();
    },
    setWeight(x, weight) {
      const s = pool.own(x);
      const err = checkWeight(weight);
      if (err) return err;
      s.uweight = weight;
      s.eweight = weight * WEIGHT_SCALE;
      refresh();
      return undefined;
    },
    takeConn(x) {
      pool.own(x).served++;
    },
    releaseConn(x) {
      const s = pool.own(x);
      if (s.served > 0) s.served--;
    },
  } satisfies LbAlgorithm;
}
