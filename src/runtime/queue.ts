/**
 * Requests waiting for a server slot (HAProxy's pendconns). A waiter is resolved with a server
 * when one frees up, or times out at `timeout queue`. Removal is O(1) by marking: cancelled
 * waiters are skipped when the queue is drained.
 */
import type { ServerRuntime } from './server.js';

export interface Waiter {
  /** Called once with the server given to it, or undefined when it timed out or was cancelled. */
  resolve(server: ServerRuntime | undefined): void;
  done: boolean;
  enqueuedAt: number;
  timer?: NodeJS.Timeout;
}

export class WaitQueue {
  private items: Waiter[] = [];
  private head = 0;
  /** Waiters still waiting (cancelled ones are subtracted immediately). */
  length = 0;

  push(w: Waiter): void {
    this.items.push(w);
    this.length++;
  }

  /** The oldest waiter still waiting, removed from the queue. */
  shift(): Waiter | undefined {
    while (this.head < this.items.length) {
      const w = this.items[this.head++]!;
      if (!w.done) {
        this.length--;
        this.compact();
        return w;
      }
    }
    this.compact();
    return undefined;
  }

  /** Marks a waiter as gone; it is skipped later. */
  cancel(w: Waiter): void {
    if (w.done) return;
    w.done = true;
    if (w.timer) clearTimeout(w.timer);
    this.length--;
    // Only cancelled waiters left: forget them now (callers skip shift() on an empty queue).
    if (this.length === 0) {
      this.items.length = 0;
      this.head = 0;
    }
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    if (this.head === this.items.length && this.head > 0) {
      this.items.length = 0;
      this.head = 0;
    }
  }
}
