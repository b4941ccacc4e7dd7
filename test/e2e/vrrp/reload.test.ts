import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { canRun, ensureBuilt, instanceConf, Lan, RUNNER, sleep, waitFor, type Host, type Proc } from './netns.js';

describe.skipIf(!canRun)('VRRP sidecar reload (SIGHUP)', () => {
  let lan: Lan;
  beforeAll(async () => {
    await ensureBuilt();
    lan = new Lan(2, 205);
  }, 200_000);
  afterAll(() => lan?.destroy());

  it('applies a new priority and VIP list, keeps state, and refuses a broken file', async () => {
    const [a, b] = lan.hosts as [Host, Host];
    const conf = (h: Host, priority: number, vip: string): string => instanceConf({ ifname: h.ifname, vrid: 91, priority, vip, pass: 'reload' });
    const fileA = lan.file('ra.conf', conf(a, 150, '10.205.0.91'));
    const fileB = lan.file('rb.conf', conf(b, 100, '10.205.0.91'));
    const pA = lan.spawn(a, ['node', RUNNER, '-f', fileA]);
    const pB = lan.spawn(b, ['node', RUNNER, '-f', fileB]);
    onTestFailed(() => console.log(`--- A:\n${pA.output}\n--- B:\n${pB.output}`));
    const stopAll = async (...ps: Proc[]): Promise<void> => {
      for (const p of ps) p.signal('SIGTERM');
      await Promise.all(ps.map((p) => p.exited));
    };
    try {
      expect(await waitFor(() => lan.hasAddress(a, '10.205.0.91') && !lan.hasAddress(b, '10.205.0.91'), 9000)).toBe(true);

      // B's priority goes to 200 on reload: it preempts A.
      writeFileSync(fileB, conf(b, 200, '10.205.0.91'));
      pB.signal('SIGHUP');
      expect(await waitFor(() => lan.hasAddress(b, '10.205.0.91') && !lan.hasAddress(a, '10.205.0.91'), 7000)).toBe(true);
      expect(await pB.waitOutput(/Reloaded configuration: 1 instance/, 3000)).toBe(true);
      const changes = (): number => pB.output.match(/Entering \w+ STATE/g)?.length ?? 0;
      const lastState = (): string | undefined => [...pB.output.matchAll(/Entering (\w+) STATE/g)].at(-1)?.[1];
      expect(await waitFor(() => lastState() === 'MASTER', 3000)).toBe(true);
      const settled = changes();

      // A new VIP list on both: the master swaps addresses without an election.
      writeFileSync(fileA, conf(a, 150, '10.205.0.92'));
      writeFileSync(fileB, conf(b, 200, '10.205.0.92'));
      pA.signal('SIGHUP');
      pB.signal('SIGHUP');
      expect(await waitFor(() => lan.hasAddress(b, '10.205.0.92') && !lan.hasAddress(b, '10.205.0.91'), 3000)).toBe(true);
      expect(lan.hasAddress(a, '10.205.0.92')).toBe(false);

      // A broken file is refused; the running configuration stays.
      writeFileSync(fileB, 'vrrp_instance VI_1 {\n  priority 999\n');
      pB.signal('SIGHUP');
      expect(await pB.waitOutput(/The new configuration has errors: keeping the running one/, 3000)).toBe(true);
      await sleep(1500);
      expect(lan.hasAddress(b, '10.205.0.92')).toBe(true);
      expect(pB.child.exitCode).toBe(null);
      // B stayed master through both reloads.
      expect(changes()).toBe(settled);
      expect(lastState()).toBe('MASTER');
    } finally {
      await stopAll(pA, pB);
    }
  }, 40_000);
});
