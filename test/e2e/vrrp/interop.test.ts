import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { canRun, ensureBuilt, hasKeepalived, instanceConf, Lan, RUNNER, sleep, waitFor, type Host, type Proc } from './netns.js';

if (canRun && !hasKeepalived) console.warn('[vrrp e2e] interop skipped: keepalived is not installed (apt-get install keepalived)');

/**
 * Interop with Debian's keepalived 2.2 in the neighbouring namespace, both ways:
 * portico backup under a keepalived master, then keepalived backup under a portico master.
 */
describe.skipIf(!canRun || !hasKeepalived)('VRRP interop with keepalived 2.2', () => {
  let lan: Lan;
  let k: Host;
  let p: Host;
  const figures: string[] = [];

  beforeAll(async () => {
    await ensureBuilt();
    lan = new Lan(2, 203);
    [k, p] = lan.hosts as [Host, Host];
  }, 200_000);

  afterAll(() => {
    if (figures.length) console.log(`[vrrp e2e] measured: ${figures.join('; ')}`);
    lan?.destroy();
  });

  const keepalived = (name: string, conf: string): Proc => {
    const pid = (x: string): string => join(lan.dir, `${name}.${x}.pid`);
    const proc = lan.spawn(k, ['keepalived', '-n', '-l', '-D', '-P', '-f', lan.file(`${name}.conf`, conf), '-p', pid('main'), '-r', pid('vrrp'), '-c', pid('checkers')]);
    onTestFailed(() => console.log(`--- keepalived ${name}:\n${proc.output}`));
    return proc;
  };
  const portico = (name: string, conf: string): Proc => {
    const proc = lan.spawn(p, ['node', RUNNER, '-D', '-f', lan.file(`${name}.conf`, conf)]);
    onTestFailed(() => console.log(`--- portico ${name}:\n${proc.output}`));
    return proc;
  };
  const stop = async (proc: Proc): Promise<void> => {
    proc.signal('SIGTERM');
    await proc.exited;
  };

  const scenarios = [
    { mode: 'multicast, VRRPv2 with PASS', vrid: 71, vip: '10.203.0.71', version: 2 as const, pass: 'secret12', unicast: false },
    { mode: 'unicast peers, VRRPv3', vrid: 72, vip: '10.203.0.72', version: 3 as const, pass: undefined, unicast: true },
  ];

  for (const s of scenarios) {
    it(`${s.mode}: portico backs up a keepalived master, then masters over a keepalived backup`, async () => {
      const conf = (h: Host, other: Host, priority: number): string =>
        instanceConf({ ifname: h.ifname, vrid: s.vrid, priority, vip: s.vip, version: s.version, ...(s.pass ? { pass: s.pass } : {}), ...(s.unicast ? { unicast: { src: h.ip, peers: [other.ip] } } : {}) });
      const tag = `v${s.vrid}`;

      // 1. keepalived (150) wins the election; portico (100) accepts its adverts and stays backup.
      let kd = keepalived(`${tag}-k150`, conf(k, p, 150));
      let pd: Proc | undefined;
      try {
        expect(await waitFor(() => lan.hasAddress(k, s.vip), 9000)).toBe(true);
        pd = portico(`${tag}-p100`, conf(p, k, 100));
        expect(await pd.waitOutput(/Entering BACKUP STATE \(init\)/, 5000)).toBe(true);
        await sleep(4500); // longer than portico's master down interval
        expect(lan.hasAddress(p, s.vip)).toBe(false);
        expect(pd.output).not.toMatch(/dropped packet/);
        expect(pd.output).not.toMatch(/Entering MASTER STATE/);

        // 2. keepalived stops: its priority-0 advert lets portico take over within the skew time.
        let t0 = Date.now();
        await stop(kd);
        expect(await waitFor(() => lan.hasAddress(p, s.vip), 3000, 10)).toBe(true);
        figures.push(`${s.mode}: keepalived SIGTERM → portico master ${Date.now() - t0} ms`);
        expect(await pd.waitOutput(/Backup received priority 0 advertisement/, 3000)).toBe(true);

        // 3. keepalived (50) comes back under the portico master and stays backup.
        kd = keepalived(`${tag}-k50`, conf(k, p, 50));
        expect(await kd.waitOutput(/Entering BACKUP STATE/, 5000)).toBe(true);
        await sleep(5000); // longer than keepalived's master down interval (3.8 s)
        expect(lan.hasAddress(k, s.vip)).toBe(false);
        expect(lan.hasAddress(p, s.vip)).toBe(true);
        expect(kd.output).not.toMatch(/Entering MASTER STATE/);

        // 4. portico stops: keepalived takes over after its skew time.
        t0 = Date.now();
        await stop(pd);
        expect(await waitFor(() => lan.hasAddress(k, s.vip), 3000, 10)).toBe(true);
        figures.push(`${s.mode}: portico SIGTERM → keepalived master ${Date.now() - t0} ms`);
        expect(lan.hasAddress(p, s.vip)).toBe(false);
        expect(await kd.waitOutput(/Backup received priority 0 advertisement/, 3000)).toBe(true);
      } finally {
        for (const x of [kd, pd]) if (x && x.child.exitCode === null && x.child.signalCode === null) await stop(x);
      }
    }, 60_000);
  }
});
