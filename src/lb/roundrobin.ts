/**
 * `balance roundrobin`: HAProxy's fast weighted round robin (lb_fwrr), re-implemented so that a weight set
 * yields the same server order as HAProxy 2.6 (e.g. weights 2/3/1 give s2 s1 s2 s3 s2 s1).
 *
 * Each group (active, backup) has three ordered trees: "curr" holds servers placed at their next position
 * in the current round, "init" holds servers waiting to enter it (heaviest first), "next" the servers that
 * have used their share of the round. A server's position advances by total_weight / its_weight each time
 * it is picked, with the remainder carried in `rweight`; when the round is exhausted, "next" becomes
 * "init". Picks are O(log n) and allocate nothing.
 */
import { ServerHeap } from './heap.js';
import { Pool } from './pool.js';
import type { ServerState } from './server-state.js';
import { checkWeight } from './server-state.js';
import type { LbAlgorithm, LbOptions, LbServerSpec } from './types.js';
import { WEIGHT_SCALE, MAX_WEIGHT } from './types.js';

const EWEIGHT_MAX = MAX_WEIGHT * WEIGHT_SCALE;

interface Group {
  curr: ServerHeap;
  init: ServerHeap;
  next: ServerHeap;
  currPos: number;
  currWeight: number;
  nextWeight: number;
}

function newGroup(weight: number): Group {
  return { curr: new ServerHeap(), init: new ServerHeap(), next: new ServerHeap(), currPos: weight, currWeight: weight, nextWeight: weight };
}

export function createRoundRobin(specs: readonly LbServerSpec[], options: LbOptions = {}) {
  const pool = new Pool(specs, options, (s) => s.uweight * WEIGHT_SCALE);
  const act = newGroup(pool.totWact);
  const bck = newGroup(pool.totWbck);
  const groupOf = (s: ServerState): Group => (s.backup ? bck : act);

  // Heavier servers first: they must be spread over the whole round.
  const queueByWeight = (heap: ServerHeap, s: ServerState): void => {
    heap.insert(s, EWEIGHT_MAX - s.eweight);
    s.tree = heap;
  };
  const dequeue = (s: ServerState): void => (s.tree as ServerHeap | null)?.remove(s);

  /** Places `s` in "curr" at its next position, or in "next" when that position is beyond this round. */
  const queue = (s: ServerState): void => {
    const g = groupOf(s);
    if (!s.usable) {
      s.tree = null;
    } else if (s.npos >= 2 * g.currWeight || s.npos >= g.currWeight + g.nextWeight) {
      s.npos -= g.currWeight;
      queueByWeight(g.next, s);
    } else {
      // Position first; among equal positions, the heavier server (and the one with more carry) first.
      g.curr.insert(s, MAX_WEIGHT * s.npos + Math.floor((EWEIGHT_MAX + s.rweight - s.eweight) / WEIGHT_SCALE));
      s.tree = g.curr;
    }
  };

  /** Brings a server's position into the current round's frame before re-queueing it. */
  const rebase = (s: ServerState): void => {
    const g = groupOf(s);
    if (s.tree === g.init) s.npos = s.rweight = 0;
    else if (s.tree === g.next) s.npos += g.currWeight;
    else if (s.tree === null) s.npos = g.currPos;
  };

  const fromGroup = (g: Group): ServerState | undefined => {
    const s1 = g.curr.first();
    if (s1 && s1.eweight && s1.npos <= g.currPos) return s1;
    // A hole in the current round, or none left: a waiting server may enter now.
    const s2 = g.init.first();
    if (s2 && s2.eweight) {
      s2.npos = s2.rweight = 0;
      return s2;
    }
    return s1;
  };

  const advance = (g: Group, s: ServerState): void => {
    const w = s.eweight;
    if (!w) return;
    if (!s.npos) s.npos = g.currPos;
    s.lpos = s.npos;
    s.npos += Math.floor(g.nextWeight / w);
    s.rweight += g.nextWeight % w;
    if (s.rweight >= w) {
      s.rweight -= w;
      s.npos++;
    }
  };

  const switchTrees = (g: Group): void => {
    const t = g.init;
    g.init = g.next;
    g.next = t;
    g.currWeight = g.nextWeight;
    g.currPos = g.currWeight;
  };

  const enter = (s: ServerState): void => {
    const g = groupOf(s);
    g.nextWeight += s.eweight;
    rebase(s);
    s.npos = g.currPos + Math.trunc((g.nextWeight + g.currWeight - g.currPos) / s.eweight);
    queue(s);
  };

  const leave = (s: ServerState, oldEweight: number): void => {
    groupOf(s).nextWeight -= oldEweight;
    dequeue(s);
    s.tree = null;
  };

  for (const s of pool.servers) if (s.usable) queueByWeight(groupOf(s).init, s);

  return {
    name: 'roundrobin',
    dynamic: true,
    servers: pool.servers,
    pick(_req, avoid) {
      let g: Group;
      if (pool.srvAct) g = act;
      else if (pool.fbck) return pool.fbck;
      else if (pool.srvBck) g = bck;
      else return undefined;

      let switched = false;
      let avoided: ServerState | null = null;
      let skipped: ServerState | null = null;
      let srv: ServerState | undefined;
      search: for (;;) {
        if (!g.currWeight) g.currPos = g.currWeight = g.nextWeight;
        for (;;) {
          srv = fromGroup(g);
          if (srv) break;
          if (switched) {
            srv = avoided ?? undefined;
            break search;
          }
          switched = true;
          switchTrees(g);
        }
        advance(g, srv);
        dequeue(srv);
        g.currPos++;
        if (!srv.full) {
          if (srv !== avoid || avoided) break;
          avoided = srv;
        }
        // Full or avoided: set aside, put back once the pick is done.
        srv.nextFull = skipped;
        skipped = srv;
      }
      if (srv) queue(srv);
      while (skipped) {
        const s = skipped;
        skipped = s.nextFull;
        s.nextFull = null;
        if (s === srv) continue;
        // After a tree switch their places are lost: only their weight matters.
        if (switched) queueByWeight(g.init, s);
        else queue(s);
      }
      return srv;
    },
    serverUp(x) {
      const s = pool.own(x);
      if (s.up) return;
      s.up = true;
      if (s.usable) enter(s);
      pool.recount();
    },
    serverDown(x) {
      const s = pool.own(x);
      if (!s.up) return;
      const wasUsable = s.usable;
      s.up = false;
      if (wasUsable) leave(s, s.eweight);
      pool.recount();
    },
    setWeight(x, weight) {
      const s = pool.own(x);
      const err = checkWeight(weight);
      if (err) return err;
      const old = s.eweight;
      const wasUsable = s.usable;
      s.uweight = weight;
      s.eweight = weight * WEIGHT_SCALE;
      if (wasUsable && !s.usable) leave(s, old);
      else if (!wasUsable && s.usable) enter(s);
      else if (wasUsable && s.usable && old !== s.eweight) {
        const g = groupOf(s);
        g.nextWeight += s.eweight - old;
        if (s.tree === g.init) {
          dequeue(s);
          queueByWeight(g.init, s);
        } else {
          // Keep what it already consumed of this round, but move its next slot to match the new weight.
          rebase(s);
          const step = Math.floor(g.nextWeight / s.eweight);
          const prevNext = s.npos;
          s.npos = Math.min(s.lpos + step, prevNext);
          s.rweight = 0;
          if (s.npos < g.currPos + 2) s.npos = g.currPos + step;
          dequeue(s);
          queue(s);
        }
      }
      pool.recount();
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
