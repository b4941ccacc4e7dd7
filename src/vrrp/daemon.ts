/**
 * The running sidecar: one raw socket per interface shared by the instances on it (packets are
 * dispatched by VRID), one tracker per vrrp_script shared by the instances that track it, and the
 * reload/stop logic. Knows nothing of argv or signals (cli.ts does).
 */
import { networkInterfaces } from 'node:os';
import type { VrrpConfig, VrrpInstance } from './config.js';
import { InstanceRuntime } from './instance.js';
import type { VrrpLog } from './log.js';
import { lookupUser, ScriptTracker } from './scripts.js';
import { openChannel, type VrrpChannel } from './socket.js';
import type { VrrpState } from './state.js';

interface Link {
  channel: VrrpChannel;
  byVrid: Map<number, InstanceRuntime>;
  unknownVrid: number;
}

/** The first IPv4 address of an interface that is not one of our VIPs: what keepalived sends from. */
export function primaryAddress(ifname: string, vips: Set<string>): string | undefined {
  const list = networkInterfaces()[ifname] ?? [];
  return list.find((a) => a.family === 'IPv4' && !vips.has(a.address))?.address;
}

function groupOf(config: VrrpConfig, name: string): { name: string; notify: VrrpConfig['syncGroups'][number]['notify'] } | undefined {
  const g = config.syncGroups.find((x) => x.members.includes(name));
  return g ? { name: g.name, notify: g.notify } : undefined;
}

export class VrrpDaemon {
  readonly instances = new Map<string, InstanceRuntime>();
  private readonly links = new Map<string, Link>();
  private trackers = new Map<string, ScriptTracker>();
  private config: VrrpConfig | undefined;

  constructor(private readonly log: VrrpLog) {}

  /** Starts every instance of the configuration. Throws when the raw socket can't be had (no addon, no privilege). */
  async start(config: VrrpConfig): Promise<void> {
    this.config = config;
    this.trackers = await this.makeTrackers(config);
    for (const vi of config.instances) this.startInstance(vi, config);
    for (const t of this.trackers.values()) t.start();
  }

  private async makeTrackers(config: VrrpConfig): Promise<Map<string, ScriptTracker>> {
    const used = new Set(config.instances.flatMap((vi) => vi.trackScripts.map((t) => t.name)));
    const trackers = new Map<string, ScriptTracker>();
    for (const name of used) {
      const script = config.scripts.get(name)!;
      const user = script.user ?? config.global.scriptUser;
      let as: { uid: number; gid: number } | undefined;
      if (user !== undefined && script.script !== undefined) {
        as = await lookupUser(user);
        if (!as) this.log.error(`VRRP_Script(${name}): unknown user '${user}'; the script runs as ${process.getuid?.() === 0 ? 'root' : 'the current user'}`);
      }
      trackers.set(name, new ScriptTracker(script, (m) => this.log.info(m), as));
    }
    return trackers;
  }

  private link(ifname: string): Link {
    let link = this.links.get(ifname);
    if (link) return link;
    const byVrid = new Map<number, InstanceRuntime>();
    const created: Link = {
      byVrid,
      unknownVrid: 0,
      channel: openChannel(
        ifname,
        (ip, payload) => {
          const inst = payload.length >= 2 ? byVrid.get(payload[1]!) : undefined;
          if (inst) inst.receive(ip, payload);
          else {
            created.unknownVrid++;
            this.log.detail(`${ifname}: ignoring VRRP packet from ${ip.src} for VRID ${payload[1] ?? '?'} (no instance)`);
          }
        },
        (e) => this.log.error(`${ifname}: VRRP socket error: ${e.message}`),
      ),
    };
    this.links.set(ifname, created);
    link = created;
    return link;
  }

  private startInstance(vi: VrrpInstance, config: VrrpConfig): void {
    const ifname = vi.interface!;
    const vips = new Set([...vi.vips, ...vi.vipsExcluded].map((v) => v.address));
    const primaryIp = vi.unicastSrcIp ?? primaryAddress(ifname, vips);
    if (primaryIp === undefined) {
      this.log.error(`(${vi.name}) interface ${ifname} has no IPv4 address (and no unicast_src_ip): instance not started`);
      return;
    }
    const link = this.link(ifname);
    const inst = new InstanceRuntime(vi, {
      channel: link.channel, log: this.log, global: config.global, primaryIp, trackers: this.trackers, group: groupOf(config, vi.name),
      onTransition: (member, to) => this.syncGroup(member, to),
    });
    link.byVrid.set(vi.vrid!, inst);
    this.instances.set(vi.name, inst);
    inst.start();
  }

  /** keepalived's vrrp_sync_group: the other members follow a member's own state change. */
  private syncGroup(member: InstanceRuntime, to: VrrpState): void {
    const g = this.config?.syncGroups.find((x) => x.members.includes(member.name));
    if (!g) return;
    for (const name of g.members) {
      const other = this.instances.get(name);
      if (other && other !== member) other.follow(to);
    }
  }

  /** Applies a new configuration: kept instances keep their state, removed ones stop, new ones start. */
  async reload(config: VrrpConfig): Promise<void> {
    this.config = config;
    for (const t of this.trackers.values()) t.stop();
    this.trackers = await this.makeTrackers(config);
    const next = new Map(config.instances.map((vi) => [vi.name, vi]));
    for (const [name, inst] of [...this.instances]) {
      const vi = next.get(name);
      const same = vi && vi.interface === inst.cfg.interface && vi.vrid === inst.cfg.vrid && vi.version === inst.cfg.version && vi.unicastSrcIp === inst.cfg.unicastSrcIp;
      if (same) {
        inst.reconfigure(vi, this.trackers, groupOf(config, name));
        next.delete(name);
        continue;
      }
      await inst.stop();
      this.instances.delete(name);
      this.links.get(inst.cfg.interface!)?.byVrid.delete(inst.cfg.vrid!);
    }
    for (const vi of next.values()) this.startInstance(vi, config);
    for (const t of this.trackers.values()) t.start();
    this.closeIdleLinks();
    this.log.info(`Reloaded configuration: ${this.instances.size} instance(s)`);
  }

  private closeIdleLinks(): void {
    for (const [name, link] of this.links) {
      if (link.byVrid.size === 0) {
        link.channel.close();
        this.links.delete(name);
      }
    }
  }

  /** Stops everything: masters send a priority-0 advert and remove their VIPs. */
  async stop(): Promise<void> {
    for (const t of this.trackers.values()) t.stop();
    await Promise.all([...this.instances.values()].map((i) => i.stop()));
    // Let the goodbye adverts leave before the sockets close.
    await new Promise((r) => setTimeout(r, 50));
    for (const link of this.links.values()) link.channel.close();
    this.links.clear();
  }

  stats(): Record<string, unknown>[] {
    return [...this.instances.values()].map((i) => i.stats());
  }
}
