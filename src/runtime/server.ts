/**
 * A server at run time: where it is, whether it may take traffic, its counters, its own queue
 * (for requests bound to it by persistence) and its pool of idle keep-alive connections.
 */
import type { Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { adopt, discard, type ServerConnHandler } from './server-conn.js';
import { Deadline } from '../core/deadline.js';
import type { Server } from '../config/model.js';
import type { LbServer } from '../lb/index.js';
import type { CheckScheduler } from '../checks/index.js';
import { BeCounters } from '../stats/counters.js';
import type { Waiter } from './queue.js';
import { WaitQueue } from './queue.js';
import { now as clockNow } from '../core/clock.js';

/** Reads a file named by a server option; a missing file is reported by the TLS layer at connect. */
function readOptional(path: string | true | undefined): string | undefined {
  if (typeof path !== 'string') return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Idle connections kept per server. */
const MAX_IDLE = 256;

/** What a parked connection carries: when it was parked, its idle limit, its pool handler. */
const IDLE = Symbol('portico.idleConn');
type IdleSocket = Socket & { [IDLE]?: { since: number; ms: number; handler: ServerConnHandler } };

export type ServerTarget =
  | { kind: 'inet'; host: string; port: number | undefined; portOffset: number | undefined }
  | { kind: 'unix'; path: string };

/** Administrative flags, as set by config, the stats page or the Runtime API. */
export interface ServerAdmin {
  /** MAINT: forced into maintenance (disabled, `set server ... state maint`). */
  maint: boolean;
  /** Maintenance because its address could not be resolved yet (`init-addr none`). */
  resolveMaint: boolean;
  /** DRAIN: no new traffic except persistent sessions. */
  drain: boolean;
}

export class ServerRuntime {
  readonly name: string;
  readonly id: number;
  readonly config: Server;
  readonly counters = new BeCounters();
  readonly queue = new WaitQueue();
  readonly admin: ServerAdmin;
  /** Operational state from health checks: true when UP (or not checked). */
  healthy = true;
  /** NOLB: up, but takes no new load-balanced traffic (http-check disable-on-404). */
  nolb = false;
  /** The health-check scheduler, when the server is checked or tracks another. */
  checks: CheckScheduler | undefined;
  target: ServerTarget;
  maxconn: number;
  maxqueue: number;
  /** Set once the backend's load balancer exists. */
  lb!: LbServer;
  /** Idle server connections ready for reuse. Most recently used last. */
  readonly idle: Socket[] = [];
  /** TLS to the server: CA bundle (`ca-file`) and client certificate (`crt`), read at start. */
  tlsCa: string | undefined;
  tlsCert: string | undefined;
  /** `sni` when it is a constant (a name, or `str(name)`); expressions per request are not evaluated yet. */
  tlsSni: string | undefined;
  /** When the state last changed (ms since the epoch) and the time spent DOWN, for stats. */
  lastChange = Date.now();
  downtime = 0;

  constructor(config: Server, index: number) {
    this.config = config;
    this.name = config.name;
    this.id = config.id ?? index + 1;
    this.maxconn = config.maxconn ?? 0;
    this.maxqueue = config.maxqueue ?? 0;
    this.admin = { maint: config.disabled === true, resolveMaint: false, drain: config.weight === 0 };
    this.tlsCa = readOptional(config.extra['ca-file']);
    this.tlsCert = readOptional(config.extra['crt']);
    const sni = config.sni?.trim();
    this.tlsSni = sni === undefined ? undefined : (/^str\((.*)\)$/.exec(sni)?.[1] ?? (sni.includes('(') ? undefined : sni));
    this.target =
      config.address?.kind === 'unix'
        ? { kind: 'unix', path: config.address.path }
        : { kind: 'inet', host: config.host, port: config.port, portOffset: config.portOffset };
  }

  /** May this server receive new, non-persistent traffic from the load balancer? */
  get usable(): boolean {
    return this.healthy && !this.admin.maint && !this.admin.resolveMaint;
  }

  /** Current connections being served. */
  get served(): number {
    return this.counters.curSess;
  }

  /** Whether a new request may go to this server right now (below maxconn). */
  get hasSlot(): boolean {
    return this.maxconn === 0 || this.counters.curSess < this.maxconn;
  }

  /** The TCP port to connect to for a client that connected to `frontendPort`. */
  portFor(frontendPort: number): number {
    if (this.target.kind !== 'inet') return 0;
    if (this.target.port !== undefined) return this.target.port;
    return frontendPort + (this.target.portOffset ?? 0);
  }

  /**
   * Parks a server connection for reuse; it is dropped if the server speaks, closes, or stays
   * idle `idleMs` (the backend's `timeout server`; 0: no limit).
   */
  parkIdle(sock: Socket, idleMs: number): void {
    const s = sock as IdleSocket;
    let st = s[IDLE];
    if (st === undefined) {
      // One handler per connection (it belongs to this server for its whole life).
      const drop = () => this.dropIdle(sock);
      st = s[IDLE] = { since: 0, ms: 0, handler: { data: drop, end: drop, error: drop, close: drop, timeout: drop, drain() {} } };
    }
    const now = clockNow();
    st.since = now;
    st.ms = idleMs;
    adopt(sock, st.handler);
    this.idle.push(sock);
    // A bounded pool per server: the oldest idle connection goes first.
    if (this.idle.length > MAX_IDLE) discard(this.idle.shift()!);
    if (idleMs > 0 && !this.idleSweep.running) this.idleSweep.set(idleMs, now);
  }

  private dropIdle(sock: Socket): void {
    const i = this.idle.indexOf(sock);
    if (i >= 0) this.idle.splice(i, 1);
    discard(sock);
  }

  /** Idle connections past their limit are dropped; the sweep comes back for the next one due. */
  private readonly idleSweep = new Deadline(() => {
    const now = Date.now();
    let next = 0;
    for (let i = 0; i < this.idle.length; ) {
      const st = (this.idle[i] as IdleSocket)[IDLE];
      if (st !== undefined && st.ms > 0) {
        const due = st.since + st.ms;
        if (due <= now) {
          discard(this.idle.splice(i, 1)[0]!);
          continue;
        }
        if (next === 0 || due < next) next = due;
      }
      i++;
    }
    if (next > 0) this.idleSweep.set(next - now, now);
  }, true);

  /** Takes an idle connection that is still open (its next owner adopts it), or undefined. */
  takeIdle(): Socket | undefined {
    while (this.idle.length > 0) {
      const s = this.idle.pop()!;
      if (!s.destroyed && s.readyState === 'open') return s;
      discard(s);
    }
    return undefined;
  }

  /** Closes every idle connection (server going down, reload, shutdown). */
  closeIdle(): void {
    for (const s of this.idle.splice(0)) discard(s);
  }
}

export type { Waiter };
