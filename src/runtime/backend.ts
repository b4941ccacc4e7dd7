/**
 * A backend at run time: its servers, the load-balancing algorithm, and the assignment of
 * requests to servers with HAProxy's queueing rules (server maxconn, maxqueue, timeout queue).
 */
import type { Proxy } from '../config/model.js';
import { modeOf } from '../config/finalize.js';
import { createLb, parseBalance, parseHashType, DEFAULT_HASH_TYPE, type LbAlgorithm, type LbRequest } from '../lb/index.js';
import { BeCounters } from '../stats/counters.js';
import { WaitQueue, type Waiter } from './queue.js';
import { ServerRuntime } from './server.js';
import { effectiveTimeouts, type Timeouts } from './timeouts.js';
import { dynamicCookie, type CookieServer } from '../persist/cookie.js';
import { now } from '../core/clock.js';
import { connModeOf, type ConnMode } from '../http/forwarding.js';

export type AssignFailure = 'no-server' | 'queue-timeout' | 'queue-full';
export type AssignCallback = (server: ServerRuntime | undefined, failure?: AssignFailure, queuedMs?: number) => void;

export class BackendRuntime {
  readonly name: string;
  readonly id: number;
  readonly config: Proxy;
  readonly mode: 'http' | 'tcp';
  readonly servers: ServerRuntime[];
  readonly lb: LbAlgorithm;
  readonly counters = new BeCounters();
  readonly queue = new WaitQueue();
  readonly timeouts: Timeouts;
  readonly retries: number;
  /** `http-reuse` (last one wins; safe by default). */
  readonly reuse: 'never' | 'safe' | 'aggressive' | 'always';
  readonly redispatch: boolean;
  /**
   * `option redispatch <interval>`: a retry redispatches every Nth retry (N > 0), on the Nth
   * retry before the last (N < 0; the default -1 is the last retry), or never by count (0).
   */
  readonly redispatchAfter: number;
  /** Options read at every request, looked up once (the options object is a dictionary). */
  readonly bufferRequest: boolean;
  readonly acceptInvalidResponse: boolean;
  /** The backend's own connection mode (http-keep-alive, http-server-close, httpclose). */
  readonly connMode: ConnMode;
  /** The servers as cookie persistence sees them (live: `up` reads the current state). */
  readonly cookieServers: CookieServer[];
  /** When the backend last went down or up, for stats. */
  lastChange = Date.now();

  constructor(config: Proxy, id: number) {
    this.config = config;
    this.name = config.name;
    this.id = config.id ?? id;
    this.mode = modeOf(config);
    this.timeouts = effectiveTimeouts(config);
    this.retries = config.retries ?? 3;
    const reuse = config.misc.findLast((l) => l.args[0] === 'http-reuse')?.args[1];
    this.reuse = reuse === 'never' || reuse === 'aggressive' || reuse === 'always' ? reuse : 'safe';
    this.redispatch = config.options['redispatch'] === true;
    const after = config.optionArgs['redispatch']?.args[2];
    this.redispatchAfter = after === undefined ? -1 : Number.parseInt(after, 10);
    this.bufferRequest = config.options['http-buffer-request'] === true;
    this.acceptInvalidResponse = config.options['accept-invalid-http-response'] === true;
    this.connMode = connModeOf(config);
    this.servers = config.servers.map((s, i) => new ServerRuntime(s, i));
    // Balance and hash-type were checked by finalize; a failure here falls back to roundrobin.
    const balance = config.balance ? parseBalance(config.balance.args) : undefined;
    const hashType = config.hashType ? parseHashType(config.hashType.args) : undefined;
    this.lb = createLb(
      balance && 'ok' in balance ? balance.ok : { algorithm: 'roundrobin' },
      hashType && 'ok' in hashType ? hashType.ok : DEFAULT_HASH_TYPE,
      this.servers.map((s) => ({
        id: s.id,
        name: s.name,
        weight: s.config.weight ?? 1,
        backup: s.config.backup === true,
        up: s.usable && !s.admin.drain,
        maxconn: s.maxconn,
      })),
      { allBackups: config.options['allbackups'] === true },
    );
    this.servers.forEach((s, i) => (s.lb = this.lb.servers[i]!));
    const dynamicKey = config.misc.find((l) => l.args[0] === 'dynamic-cookie-key')?.args[1];
    this.cookieServers = this.servers.map((s) => ({
      name: s.name,
      cookie: s.config.cookie ?? (config.cookie?.dynamic && dynamicKey && s.target.kind === 'inet' ? dynamicCookie(dynamicKey, s.target.host, s.target.port ?? 0) : undefined),
      get up() {
        return s.usable;
      },
    }));
  }

  /** Servers the load balancer may pick (usable and not draining). */
  get activeUsable(): number {
    return this.servers.filter((s) => s.usable && !s.config.backup).length;
  }

  /** Whether any server could take new traffic: otherwise requests fail at once with 503. */
  get hasUsableServer(): boolean {
    return this.servers.some((s) => s.usable && !s.admin.drain && !s.nolb);
  }

  findServer(name: string): ServerRuntime | undefined {
    return this.servers.find((s) => s.name === name);
  }

  /** Tells the load balancer whether `s` may take new traffic, after a state change. */
  refreshServer(s: ServerRuntime): void {
    const eligible = s.usable && !s.admin.drain && !s.nolb;
    if (eligible && !s.lb.up) this.lb.serverUp(s.lb);
    else if (!eligible && s.lb.up) this.lb.serverDown(s.lb);
    if (!s.usable) s.closeIdle();
    if (eligible) this.dequeue(s);
  }

  /**
   * Finds a server for a request. `preferred` is a server chosen by persistence (cookie, stick
   * table, use-server): it is used if it may serve, queued on if full, else (with `option
   * redispatch` or when it is down) the load balancer picks. Returns the waiter when queued, so
   * that the caller can cancel it if the client leaves.
   */
  assign(req: LbRequest, cb: AssignCallback, preferred?: ServerRuntime, avoid?: ServerRuntime): Waiter | undefined {
    if (preferred && preferred.usable) {
      if (preferred.hasSlot && preferred.queue.length === 0) {
        this.take(preferred);
        cb(preferred);
        return undefined;
      }
      if (preferred.maxqueue === 0 || preferred.queue.length < preferred.maxqueue) {
        return this.enqueue(preferred.queue, cb, preferred);
      }
      if (!this.redispatch) {
        cb(undefined, 'queue-full');
        return undefined;
      }
    }
    const picked = this.lb.pick(req, avoid?.lb);
    if (picked) {
      const s = this.servers[picked.index]!;
      if (s.hasSlot && this.queue.length === 0) {
        this.take(s);
        cb(s);
        return undefined;
      }
    }
    if (!this.hasUsableServer) {
      cb(undefined, 'no-server');
      return undefined;
    }
    return this.enqueue(this.queue, cb);
  }

  private enqueue(queue: WaitQueue, cb: AssignCallback, serverQueue?: ServerRuntime): Waiter {
    const enqueuedAt = Date.now();
    const counters = serverQueue ? serverQueue.counters : this.counters;
    counters.enqueue();
    const w: Waiter = {
      done: false,
      enqueuedAt,
      resolve: (s) => {
        if (w.done) return;
        w.done = true;
        if (w.timer) clearTimeout(w.timer);
        counters.dequeue();
        const waited = Date.now() - enqueuedAt;
        if (s) cb(s, undefined, waited);
        else cb(undefined, 'queue-timeout', waited);
      },
    };
    queue.push(w);
    w.timer = setTimeout(() => {
      queue.cancel(w);
      w.done = false; // let resolve() run once to report the timeout
      w.resolve(undefined);
    }, this.timeouts.queue);
    return w;
  }

  /** Removes a waiter whose client went away. */
  cancel(w: Waiter, server?: ServerRuntime): void {
    if (w.done) return;
    (server ? server.queue : this.queue).cancel(w);
    (server ? server.counters : this.counters).dequeue();
  }

  /** `picked`: chosen by the load balancer (lbtot), not handed a slot from the queue. */
  private take(s: ServerRuntime, picked = true): void {
    this.lb.takeConn(s.lb);
    s.counters.openSession(now(), picked);
    // The backend's own sessions are its streams, counted where they are assigned (stats hooks, TCP accept).
    if (picked) this.counters.lbtot++;
  }

  /** A request on `s` finished: free its slot and give it to the oldest waiter. */
  release(s: ServerRuntime): void {
    this.lb.releaseConn(s.lb);
    s.counters.closeSession();
    this.dequeue(s);
  }

  /** Hands free slots of `s` to waiters: its own queue first, then the backend's. */
  private dequeue(s: ServerRuntime): void {
    while (s.usable && s.hasSlot) {
      const w = s.queue.length > 0 ? s.queue.shift() : !s.admin.drain && this.queue.length > 0 ? this.queue.shift() : undefined;
      if (!w) return;
      this.take(s, false);
      w.resolve(s);
    }
  }
}
