/**
 * An indexed binary min-heap of servers ordered by (key, insertion number): the smallest key comes
 * first and equal keys come out in the order they were inserted, which is how HAProxy's ebtrees order
 * duplicates. Insert, remove and re-key are O(log n) and allocate nothing once the array has grown.
 */
import type { ServerState } from './server-state.js';

let insertions = 0;

export class ServerHeap {
  private readonly items: ServerState[] = [];

  get size(): number {
    return this.items.length;
  }

  first(): ServerState | undefined {
    return this.items[0];
  }

  has(s: ServerState): boolean {
    return s.heapPos >= 0 && this.items[s.heapPos] === s;
  }

  /** Queues `s` under `key`; `tie` orders equal keys (default: after those already queued). */
  insert(s: ServerState, key: number, tie: number = ++insertions): void {
    s.key = key;
    s.seq = tie;
    s.heapPos = this.items.length;
    this.items.push(s);
    this.up(s.heapPos);
  }

  remove(s: ServerState): void {
    if (!this.has(s)) return;
    const pos = s.heapPos;
    const last = this.items.pop()!;
    s.heapPos = -1;
    if (last === s) return;
    this.items[pos] = last;
    last.heapPos = pos;
    this.down(pos);
    this.up(last.heapPos);
  }

  /** The servers in heap order, sorted: only for the rare paths (every server full, or redispatch). */
  sorted(): ServerState[] {
    return [...this.items].sort(compare);
  }

  private up(i: number): void {
    const a = this.items;
    const s = a[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const ps = a[p]!;
      if (compare(s, ps) >= 0) break;
      a[i] = ps;
      ps.heapPos = i;
      i = p;
    }
    a[i] = s;
    s.heapPos = i;
  }

  private down(i: number): void {
    const a = this.items;
    const n = a.length;
    const s = a[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && compare(a[r]!, a[l]!) < 0 ? r : l;
      const cs = a[c]!;
      if (compare(cs, s) >= 0) break;
      a[i] = cs;
      cs.heapPos = i;
      i = c;
    }
    a[i] = s;
    s.heapPos = i;
  }
}

function compare(a: ServerState, b: ServerState): number {
  return a.key !== b.key ? a.key - b.key : a.seq - b.seq;
}
