/**
 * One running vrrp_instance: feeds the state machine with checked packets, timer ticks and tracking
 * changes, and carries out what it decides (send adverts, move VIPs, gratuitous ARPs, notify scripts).
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { GlobalDefs, Notify, VrrpInstance } from './config.js';
import { runShell } from './exec.js';
import type { VrrpLog } from './log.js';
import { AUTH_NONE, AUTH_PASS, decodeAdvertisement, encodeAdvertisement, VRRP_MULTICAST, VRRP_TTL, type DropReason, type Ipv4Header } from './packet.js';
import type { ScriptTracker } from './scripts.js';
import type { VrrpChannel } from './socket.js';
import { VrrpMachine, type Action, type MachineOptions, type VrrpState } from './state.js';
import { addVip, removeVip, sendGratuitousArp } from './vip.js';

export interface InstanceDeps {
  channel: VrrpChannel;
  log: VrrpLog;
  global: GlobalDefs;
  /** The first IPv4 address of the interface: our advert source unless unicast_src_ip is set. */
  primaryIp: string;
  /** Trackers of all vrrp_scripts, shared between instances. */
  trackers: Map<string, ScriptTracker>;
  /** The sync group this instance belongs to, for its notify scripts. */
  group?: { name: string; notify: Notify };
  /** Told of every state change the instance made on its own (not one forced by its sync group). */
  onTransition?: (inst: InstanceRuntime, to: VrrpState) => void;
}

/** Whether a network interface is usable, from /sys (lo reports "unknown"). */
export function interfaceUp(ifname: string): boolean {
  try {
    const state = readFileSync(`/sys/class/net/${ifname}/operstate`, 'utf8').trim();
    return state === 'up' || state === 'unknown';
  } catch {
    return false;
  }
}

const STATE_WORD: Record<VrrpState, string> = { INIT: 'STOP', BACKUP: 'BACKUP', MASTER: 'MASTER', FAULT: 'FAULT' };

export class InstanceRuntime {
  readonly machine: VrrpMachine;
  readonly dropped: Record<DropReason, number> = { short: 0, ttl: 0, version: 0, type: 0, checksum: 0, vrid: 0, auth: 0, interval: 0, addresses: 0, source: 0 };
  received = 0;
  sent = 0;
  private timer: NodeJS.Timeout | undefined;
  private garpTimer: NodeJS.Timeout | undefined;
  private ifPoll: NodeJS.Timeout | undefined;
  /** VIP changes, one after the other, so that an add never overtakes a remove. */
  private ops: Promise<void> = Promise.resolve();
  private downInterfaces = new Set<string>();
  private fault = false;
  /** In FAULT because another member of the sync group is. */
  private groupFault = false;
  /** Set while following the sync group, so that following is not reported back to it. */
  private following = false;
  private running = false;
  private readonly onScriptChange = (): void => this.retrack('script');

  constructor(
    public cfg: VrrpInstance,
    private readonly deps: InstanceDeps,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.machine = new VrrpMachine(this.machineOptions());
  }

  get name(): string {
    return this.cfg.name;
  }

  get state(): VrrpState {
    return this.machine.state;
  }

  private get sourceIp(): string {
    return this.cfg.unicastSrcIp ?? this.deps.primaryIp;
  }

  private machineOptions(): MachineOptions {
    return {
      version: this.cfg.version ?? 2,
      priority: this.effectivePriority(),
      advertIntervalMs: this.cfg.advertIntervalMs,
      preempt: !this.cfg.nopreempt,
      preemptDelayMs: this.cfg.preemptDelayMs,
      primaryIp: this.sourceIp,
    };
  }

  /** Configured priority moved by the weights of tracked scripts and interfaces (keepalived's rules). */
  effectivePriority(): number {
    const base = this.cfg.priority;
    if (base === 255) return 255;
    let p = base;
    for (const t of this.cfg.trackScripts) {
      const tracker = this.deps.trackers.get(t.name);
      if (!tracker) continue;
      const w = t.weight ?? tracker.script.weight;
      if (w > 0 && tracker.ok) p += w;
      if (w < 0 && !tracker.ok) p += w;
    }
    for (const t of this.cfg.trackInterfaces) {
      const up = !this.downInterfaces.has(t.name);
      if (t.weight > 0 && up) p += t.weight;
      if (t.weight < 0 && !up) p += t.weight;
    }
    return Math.max(1, Math.min(254, p));
  }

  /** A weight-0 tracked script or any weight-0 tracked interface (and our own interface) failing means FAULT. */
  private faultReason(): string | undefined {
    if (this.downInterfaces.has(this.cfg.interface!)) return `interface ${this.cfg.interface} is down`;
    for (const t of this.cfg.trackInterfaces) if (t.weight === 0 && this.downInterfaces.has(t.name)) return `tracked interface ${t.name} is down`;
    for (const t of this.cfg.trackScripts) {
      const tracker = this.deps.trackers.get(t.name);
      if (tracker && (t.weight ?? tracker.script.weight) === 0 && !tracker.ok) return `tracked script ${t.name} failed`;
    }
    return undefined;
  }

  start(): void {
    this.running = true;
    for (const t of this.cfg.trackScripts) this.deps.trackers.get(t.name)?.onChange(this.onScriptChange);
    this.pollInterfaces();
    this.ifPoll = setInterval(() => this.pollInterfaces(), 1000);
    const p = this.effectivePriority();
    this.machine.setPriority(p, this.now());
    this.apply(this.machine.start(this.now()));
    this.retrack('startup');
  }

  private pollInterfaces(): void {
    const names = [this.cfg.interface!, ...this.cfg.trackInterfaces.map((t) => t.name)];
    let changed = false;
    for (const n of names) {
      const down = !interfaceUp(n);
      if (down !== this.downInterfaces.has(n)) {
        changed = true;
        if (down) this.downInterfaces.add(n);
        else this.downInterfaces.delete(n);
        this.deps.log.info(`Netlink reports ${n} ${down ? 'down' : 'up'}`);
      }
    }
    if (changed) this.retrack('interface');
  }

  /** Re-evaluates fault and priority after a tracked script or interface changed. */
  private retrack(_why: string): void {
    if (!this.running) return;
    const now = this.now();
    const reason = this.faultReason();
    if (reason !== undefined && !this.fault) {
      this.fault = true;
      this.apply(this.machine.setFault(true, now, reason));
    }
    const p = this.effectivePriority();
    if (p !== this.machine.priority) {
      this.deps.log.info(`(${this.name}) Changing effective priority from ${this.machine.priority} to ${p}`);
      this.apply(this.machine.setPriority(p, now));
    }
    if (reason === undefined && this.fault) {
      this.fault = false;
      if (!this.groupFault) this.apply(this.machine.setFault(false, now, 'tracking recovered'));
    }
  }

  /** A packet for our VRID arrived on the interface: check it like keepalived, then hand it to the machine. */
  receive(ip: Ipv4Header, payload: Buffer): void {
    if (ip.src === this.sourceIp) return;
    if (ip.ttl !== VRRP_TTL) return this.drop('ttl', `invalid TTL ${ip.ttl} from ${ip.src}, expected ${VRRP_TTL}`);
    const unicast = this.cfg.unicastPeers.length > 0;
    if (unicast && !this.cfg.unicastPeers.includes(ip.src)) return this.drop('source', `advert from ${ip.src}, which is not a unicast_peer`);
    const r = decodeAdvertisement(payload, ip.src, ip.dst);
    if (!r.ok) return this.drop(r.reason, `${r.detail} (from ${ip.src})`);
    const adv = r.adv;
    const version = this.cfg.version ?? 2;
    if (adv.version !== version) return this.drop('version', `VRRPv${adv.version} advert from ${ip.src}, we run v${version}`);
    if (adv.vrid !== this.cfg.vrid) return this.drop('vrid', `advert for VRID ${adv.vrid} from ${ip.src}`);
    if (version === 2) {
      const wantType = this.cfg.authType === 'PASS' ? AUTH_PASS : AUTH_NONE;
      if (adv.authType !== wantType) return this.drop('auth', `received authentication type ${adv.authType} from ${ip.src}, expected ${wantType}`);
      if (wantType === AUTH_PASS && adv.authData !== this.cfg.authPass) return this.drop('auth', `received an invalid passwd from ${ip.src}`);
      if (adv.intervalMs !== this.cfg.advertIntervalMs) return this.drop('interval', `advertisement interval mismatch from ${ip.src}: mine=${this.cfg.advertIntervalMs / 1000}s rcv'd=${adv.intervalMs / 1000}s`);
    }
    if (!this.deps.global.skipCheckAdvAddr && adv.priority !== 0) {
      const mine = this.cfg.vips.map((v) => v.address).sort().join(' ');
      const theirs = [...adv.addresses].sort().join(' ');
      if (mine !== theirs) return this.drop('addresses', `advert from ${ip.src} lists addresses [${theirs}], ours are [${mine}]`);
    }
    this.received++;
    const before = this.machine.state;
    if (adv.priority === 0 && before === 'BACKUP') this.deps.log.info(`(${this.name}) Backup received priority 0 advertisement`);
    if (before === 'BACKUP' && !this.cfg.nopreempt && adv.priority !== 0 && adv.priority < this.machine.priority) {
      this.deps.log.info(`(${this.name}) received lower priority (${adv.priority}) advert from ${ip.src} - discarding`);
    }
    if (before === 'MASTER' && adv.priority > this.machine.priority) {
      this.deps.log.info(`(${this.name}) Master received advert from ${ip.src} with higher priority ${adv.priority}, ours ${this.machine.priority}`);
    }
    this.apply(this.machine.receive({ priority: adv.priority, intervalMs: adv.intervalMs, src: ip.src }, this.now()));
  }

  private drop(reason: DropReason, detail: string): void {
    this.dropped[reason]++;
    // The first of each kind is always logged, then every 100th, so a flood can't fill the logs.
    if (this.dropped[reason] === 1 || this.dropped[reason] % 100 === 0) {
      this.deps.log.info(`(${this.name}) dropped packet: ${detail} [${reason}: ${this.dropped[reason]}]`);
    } else this.deps.log.detail(`(${this.name}) dropped packet: ${detail}`);
  }

  /** Carries out the machine's decisions and re-arms its timer. */
  private apply(actions: Action[]): void {
    for (const a of actions) {
      if (a.type === 'send') this.sendAdvert(a.priority);
      else this.enter(a.from, a.to, a.reason);
    }
    this.arm();
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const d = this.machine.deadline;
    if (!Number.isFinite(d)) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const before = this.machine.state;
      const now = this.now();
      if (before === 'BACKUP' && now >= this.machine.deadline) this.deps.log.info(`(${this.name}) Receive advertisement timeout`);
      this.apply(this.machine.tick(now));
    }, Math.max(0, d - this.now()));
  }

  private sendAdvert(priority: number): void {
    const version = this.cfg.version ?? 2;
    const targets = this.cfg.unicastPeers.length > 0 ? this.cfg.unicastPeers : [VRRP_MULTICAST];
    for (const dst of targets) {
      const msg = encodeAdvertisement(
        {
          version, vrid: this.cfg.vrid!, priority, intervalMs: this.cfg.advertIntervalMs, addresses: this.cfg.vips.map((v) => v.address),
          authType: version === 2 && this.cfg.authType === 'PASS' ? AUTH_PASS : AUTH_NONE, authData: this.cfg.authPass ?? '',
        },
        this.sourceIp,
        dst,
      );
      this.deps.channel.send(msg, this.sourceIp, dst).then(
        () => this.sent++,
        (e: Error) => this.deps.log.error(`(${this.name}) cannot send advert to ${dst}: ${e.message}`),
      );
    }
    if (priority === 0) this.deps.log.info(`(${this.name}) sent 0 priority`);
  }

  private enter(from: VrrpState, to: VrrpState, reason: string): void {
    const log = this.deps.log;
    const interfaceName = this.cfg.interface!;
    if (to === 'MASTER') {
      log.info(`(${this.name}) Entering MASTER STATE`);
      log.detail(`(${this.name}) ${reason}`);
      this.queue(async () => {
        for (const vip of [...this.cfg.vips, ...this.cfg.vipsExcluded]) await addVip(vip, interfaceName, log.error);
        // Not awaited: a burst takes arping about a second, and a removal must not wait behind it.
        void this.garp();
      });
      const delay = this.cfg.garpMasterDelayMs ?? this.deps.global.garpMasterDelayMs;
      if (this.garpTimer) clearTimeout(this.garpTimer);
      // keepalived repeats the burst after garp_master_delay, for switches that missed the first one.
      if (delay > 0) this.garpTimer = setTimeout(() => void this.garp(), delay);
    } else {
      if (this.garpTimer) clearTimeout(this.garpTimer);
      this.garpTimer = undefined;
      const suffix = from === 'INIT' && to === 'BACKUP' ? ' (init)' : '';
      if (to === 'BACKUP') log.info(`(${this.name}) Entering BACKUP STATE${suffix}`);
      else if (to === 'FAULT') log.info(`(${this.name}) Entering FAULT STATE (${reason})`);
      else log.info(`(${this.name}) Stopped`);
      // Also on the first BACKUP: addresses left behind by a crashed run must not stay up twice.
      this.queue(async () => {
        for (const vip of [...this.cfg.vips, ...this.cfg.vipsExcluded]) await removeVip(vip, interfaceName, log.error);
      });
    }
    this.notify(to);
    if (!this.following && to !== 'INIT') this.deps.onTransition?.(this, to);
  }

  /** Another member of our vrrp_sync_group changed state on its own: move with it. */
  follow(to: VrrpState): void {
    if (!this.running) return;
    const now = this.now();
    this.following = true;
    try {
      if (to === 'FAULT') {
        this.groupFault = true;
        this.apply(this.machine.setFault(true, now, `sync group ${this.deps.group?.name} member in FAULT`));
      } else if (this.groupFault) {
        this.groupFault = false;
        if (!this.fault) this.apply(this.machine.setFault(false, now, `sync group ${this.deps.group?.name} recovered`));
      } else if (to === 'MASTER' || to === 'BACKUP') {
        this.apply(this.machine.follow(to, now, `sync group ${this.deps.group?.name} member went ${to}`));
      }
    } finally {
      this.following = false;
    }
  }

  private async garp(): Promise<void> {
    if (this.machine.state !== 'MASTER') return;
    const repeat = this.cfg.garpMasterRepeat ?? this.deps.global.garpMasterRepeat;
    await Promise.all(this.cfg.vips.map((vip) => sendGratuitousArp(vip, this.cfg.interface!, repeat, this.deps.log.error)));
  }

  private queue(op: () => Promise<void>): void {
    this.ops = this.ops.then(op).catch((e: Error) => this.deps.log.error(`(${this.name}) ${e.message}`));
  }

  /** notify_master/backup/fault/stop as written; `notify` with keepalived's four arguments. Runs after the VIP change. */
  private notify(to: VrrpState): void {
    const word = STATE_WORD[to];
    const key = ({ MASTER: 'master', BACKUP: 'backup', FAULT: 'fault', INIT: 'stop' } as const)[to];
    const calls: [string, string[]][] = [];
    const mine = this.cfg.notify;
    if (mine[key] !== undefined) calls.push([mine[key]!, []]);
    if (mine.any !== undefined) calls.push([mine.any, ['INSTANCE', this.name, word, String(this.machine.priority)]]);
    const g = this.deps.group;
    if (g) {
      if (g.notify[key] !== undefined) calls.push([g.notify[key]!, []]);
      if (g.notify.any !== undefined) calls.push([g.notify.any, ['GROUP', g.name, word, String(this.machine.priority)]]);
    }
    for (const [cmd, args] of calls) {
      this.queue(async () => {
        const r = await runShell(cmd, args, { timeoutMs: 30_000 });
        if (r.spawnError !== undefined || r.code !== 0) {
          this.deps.log.error(`(${this.name}) notify script '${cmd}' ${r.spawnError ?? (r.timedOut ? 'timed out' : `exited with status ${r.code}`)}`);
        }
      });
    }
  }

  /** A reload changed settings of this instance (same name, interface and VRID): state is kept. */
  reconfigure(cfg: VrrpInstance, trackers: Map<string, ScriptTracker>, group?: { name: string; notify: Notify }): void {
    const old = this.cfg;
    this.cfg = cfg;
    this.deps.trackers = trackers;
    this.deps.group = group;
    if (this.machine.state === 'MASTER') {
      const keep = new Set(cfg.vips.map((v) => `${v.address}/${v.prefix}`));
      const gone = old.vips.filter((v) => !keep.has(`${v.address}/${v.prefix}`));
      this.queue(async () => {
        for (const vip of gone) await removeVip(vip, old.interface!, this.deps.log.error);
        for (const vip of cfg.vips) await addVip(vip, cfg.interface!, this.deps.log.error);
      });
    }
    this.machine.reconfigure(this.machineOptions());
    for (const t of cfg.trackScripts) this.deps.trackers.get(t.name)?.onChange(this.onScriptChange);
    this.retrack('reload');
  }

  /** Gives up: priority-0 advert if master, VIPs removed, notify_stop; resolves when all that is done. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.ifPoll) clearInterval(this.ifPoll);
    this.ifPoll = undefined;
    if (this.garpTimer) clearTimeout(this.garpTimer);
    this.apply(this.machine.shutdown(this.now()));
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.ops;
  }

  stats(): Record<string, unknown> {
    return { name: this.name, state: this.state, priority: this.machine.priority, received: this.received, sent: this.sent, dropped: { ...this.dropped } };
  }
}
