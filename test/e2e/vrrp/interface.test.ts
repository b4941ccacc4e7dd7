import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { canRun, ensureBuilt, instanceConf, Lan, RUNNER, sh, waitFor, type Host } from './netns.js';

describe.skipIf(!canRun)('VRRP sidecar and its interface', () => {
  let lan: Lan;
  beforeAll(async () => {
    await ensureBuilt();
    lan = new Lan(2, 206);
  }, 200_000);
  afterAll(() => lan?.destroy());

  it('goes FAULT when its interface goes down, and comes back when it is up', async () => {
    const [a, b] = lan.hosts as [Host, Host];
    const vip = '10.206.0.100';
    const pA = lan.spawn(a, ['node', RUNNER, '-f', lan.file('ia.conf', instanceConf({ ifname: a.ifname, vrid: 101, priority: 150, vip }))]);
    const pB = lan.spawn(b, ['node', RUNNER, '-f', lan.file('ib.conf', instanceConf({ ifname: b.ifname, vrid: 101, priority: 100, vip }))]);
    onTestFailed(() => console.log(`--- A:\n${pA.output}\n--- B:\n${pB.output}`));
    try {
      expect(await waitFor(() => lan.hasAddress(a, vip) && !lan.hasAddress(b, vip), 9000)).toBe(true);
      sh(['ip', '-n', a.ns, 'link', 'set', a.ifname, 'down']);
      // A can't say goodbye on a dead link: B waits its master down interval.
      expect(await waitFor(() => lan.hasAddress(b, vip), 6000)).toBe(true);
      expect(await pA.waitOutput(/Entering FAULT STATE \(interface eth0 is down\)/, 3000)).toBe(true);
      expect(lan.hasAddress(a, vip)).toBe(false);
      sh(['ip', '-n', a.ns, 'link', 'set', a.ifname, 'up']);
      expect(await waitFor(() => lan.hasAddress(a, vip) && !lan.hasAddress(b, vip), 8000)).toBe(true);
      expect(pA.child.exitCode).toBe(null);
    } finally {
      for (const p of [pA, pB]) p.signal('SIGTERM');
      await Promise.all([pA.exited, pB.exited]);
    }
  }, 40_000);
});
