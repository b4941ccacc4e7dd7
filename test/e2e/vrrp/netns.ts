/**
 * Test hosts for the VRRP end-to-end tests: network namespaces joined by veth pairs to a bridge in a
 * "switch" namespace, all with names unique to this process, created and removed by the tests.
 * Addresses are in 10.2xx.N.0/24 inside those namespaces only.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const isRoot = process.getuid?.() === 0;
export const hasCommand = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
export const hasIp = hasCommand('ip');
export const hasKeepalived = hasCommand('keepalived');
export const hasArping = hasCommand('arping');
export const canRun = isRoot && hasIp;
if (!canRun) console.warn('[vrrp e2e] skipped: these tests need root and iproute2 to create network namespaces');

const REPO = resolve(import.meta.dirname, '../../..');
export const RUNNER = join(REPO, 'dist/vrrp/run.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * The tests spawn the built sidecar: rebuild dist/ when src/vrrp or src/core is newer than it.
 * A lock directory keeps the two vitest workers from running tsc over each other.
 */
export async function ensureBuilt(): Promise<void> {
  mkdirSync(join(REPO, 'dist'), { recursive: true });
  const lock = join(REPO, 'dist', '.vrrp-e2e-build.lock');
  for (let i = 0; i < 900; i++) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })?.mtimeMs! > 180_000) rmSync(lock, { recursive: true, force: true });
      await sleep(200);
    }
  }
  try {
    const built = existsSync(RUNNER) ? statSync(RUNNER).mtimeMs : 0;
    const source = Math.max(newestSource(join(REPO, 'src/vrrp')), newestSource(join(REPO, 'src/core')));
    // tsc still writes its output when other people's files have type errors, so its status is not checked.
    if (source > built) spawnSync('npx', ['tsc', '-p', REPO], { cwd: REPO, stdio: 'ignore', timeout: 170_000 });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  if (!existsSync(RUNNER)) throw new Error(`${RUNNER} was not built (run npx tsc -p .)`);
}

export function sh(args: string[], opts: { allowFail?: boolean } = {}): string {
  const r = spawnSync(args[0]!, args.slice(1), { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0 && !opts.allowFail) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

let counter = 0;

export interface Host {
  ns: string;
  ifname: string;
  ip: string;
  mac: string;
}

/** A LAN: one bridge namespace and `n` hosts on 10.<net>.0.0/24 (host i gets .i+1). */
export class Lan {
  readonly id: string;
  readonly sw: string;
  readonly hosts: Host[] = [];
  readonly dir: string;
  private readonly procs: ChildProcess[] = [];
  /** Every namespace created so far, so that a setup failing halfway still cleans up. */
  private readonly namespaces: string[] = [];

  constructor(n: number, readonly net: number) {
    this.id = `${process.pid % 100000}${(counter++).toString(36)}`;
    this.sw = `pvsw${this.id}`;
    this.dir = mkdtempSync(join(tmpdir(), `portico-vrrp-${this.id}-`));
    try {
      this.build(n);
    } catch (e) {
      this.destroy();
      throw e;
    }
  }

  private build(n: number): void {
    const net = this.net;
    sh(['ip', 'netns', 'add', this.sw]);
    this.namespaces.push(this.sw);
    sh(['ip', '-n', this.sw, 'link', 'add', 'br0', 'type', 'bridge']);
    sh(['ip', '-n', this.sw, 'link', 'set', 'br0', 'up']);
    for (let i = 0; i < n; i++) {
      const ns = `pvh${this.id}${i}`;
      const ifname = `eth${i}`;
      const port = `p${i}`;
      sh(['ip', 'netns', 'add', ns]);
      this.namespaces.push(ns);
      sh(['ip', '-n', ns, 'link', 'add', ifname, 'type', 'veth', 'peer', 'name', port, 'netns', this.sw]);
      sh(['ip', '-n', this.sw, 'link', 'set', port, 'master', 'br0', 'up']);
      const ip = `10.${net}.0.${i + 1}`;
      sh(['ip', '-n', ns, 'addr', 'add', `${ip}/24`, 'dev', ifname]);
      sh(['ip', '-n', ns, 'link', 'set', ifname, 'up']);
      sh(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
      // Let gratuitous ARPs create neighbour entries, so the tests can see who announced the VIP.
      sh(['ip', 'netns', 'exec', ns, 'sysctl', '-q', '-w', `net.ipv4.conf.${ifname}.arp_accept=1`]);
      const mac = /link\/ether ([0-9a-f:]+)/.exec(sh(['ip', '-n', ns, 'link', 'show', ifname]))![1]!;
      this.hosts.push({ ns, ifname, ip, mac });
    }
  }

  file(name: string, text: string): string {
    const p = join(this.dir, name);
    writeFileSync(p, text);
    return p;
  }

  /** Whether `addr` is configured on the host's interface. */
  hasAddress(h: Host, addr: string): boolean {
    return sh(['ip', '-n', h.ns, '-4', '-o', 'addr', 'show', 'dev', h.ifname]).includes(` ${addr}/`);
  }

  /** The MAC address a host's neighbour table has for `addr`, if any. */
  neighbour(h: Host, addr: string): string | undefined {
    return /lladdr ([0-9a-f:]+)/.exec(sh(['ip', '-n', h.ns, 'neigh', 'show', addr, 'dev', h.ifname]))?.[1];
  }

  spawn(h: Host, argv: string[]): Proc {
    const child = spawn('ip', ['netns', 'exec', h.ns, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.procs.push(child);
    return new Proc(child);
  }

  /** Removes every namespace and kills what the tests started; safe to call twice. */
  destroy(): void {
    for (const p of this.procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    for (const ns of this.namespaces.splice(0)) {
      // Processes still inside the namespace (keepalived's children) would keep its veth alive.
      for (const pid of sh(['ip', 'netns', 'pids', ns], { allowFail: true }).split('\n').filter(Boolean)) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // gone already
        }
      }
      sh(['ip', 'netns', 'del', ns], { allowFail: true });
    }
    if (existsSync(this.dir)) rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A child process whose output is kept for assertions. */
export class Proc {
  output = '';
  readonly exited: Promise<number | null>;

  constructor(readonly child: ChildProcess) {
    child.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
    this.exited = new Promise((r) => child.on('exit', (code) => r(code)));
  }

  /** The process inside the namespace (`ip netns exec` execs it, so it is the same pid). */
  signal(sig: NodeJS.Signals): void {
    this.child.kill(sig);
  }

  async waitOutput(re: RegExp, timeoutMs: number): Promise<boolean> {
    return waitFor(() => re.test(this.output), timeoutMs);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `cond` every `stepMs` until it holds or `timeoutMs` has passed; returns whether it held. */
export async function waitFor(cond: () => boolean, timeoutMs: number, stepMs = 20): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  for (let i = 0; i < 100_000 && Date.now() <= end; i++) {
    if (cond()) return true;
    await sleep(stepMs);
  }
  return cond();
}

/** A keepalived.conf vrrp_instance block for the tests. */
export function instanceConf(o: {
  name?: string;
  ifname: string;
  vrid: number;
  priority: number;
  vip: string;
  version?: 2 | 3;
  pass?: string;
  extra?: string;
  unicast?: { src: string; peers: string[] };
}): string {
  const auth = (o.version ?? 2) === 2 && o.pass !== undefined ? `  authentication {\n    auth_type PASS\n    auth_pass ${o.pass}\n  }\n` : '';
  const uni = o.unicast ? `  unicast_src_ip ${o.unicast.src}\n  unicast_peer {\n${o.unicast.peers.map((p) => `    ${p}\n`).join('')}  }\n` : '';
  return `vrrp_instance ${o.name ?? 'VI_1'} {
  state BACKUP
  interface ${o.ifname}
  virtual_router_id ${o.vrid}
  priority ${o.priority}
  advert_int 1
  version ${o.version ?? 2}
${auth}${uni}  virtual_ipaddress {
    ${o.vip}/24
  }
${o.extra ?? ''}}
`;
}
