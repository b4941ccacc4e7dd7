import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { canRun, ensureBuilt, hasArping, instanceConf, Lan, RUNNER, sh, sleep, waitFor, type Host, type Proc } from './netns.js';

const VIP = '10.201.0.100';

describe.skipIf(!canRun)('VRRP failover between two portico sidecars (multicast, v2, PASS auth)', () => {
  let lan: Lan;
  let a: Host;
  let b: Host;
  let client: Host;
  let procA: Proc;
  let procB: Proc;
  let confA: string;
  const figures: string[] = [];

  const start = (h: Host, conf: string): Proc => lan.spawn(h, ['node', RUNNER, '-D', '-f', conf]);

  beforeAll(async () => {
    await ensureBuilt();
    lan = new Lan(3, 201);
    [a, b, client] = lan.hosts as [Host, Host, Host];
    const notify = lan.file('notify.sh', `#!/bin/sh\necho "$@" >> ${lan.dir}/notify.log\n`);
    const master = lan.file('master.sh', `#!/bin/sh\necho "master $1" >> ${lan.dir}/master.log\n`);
    sh(['chmod', '+x', notify, master]);
    const extra = `  notify ${notify}\n  notify_master "${master} from-notify-master"\n`;
    confA = lan.file('a.conf', instanceConf({ ifname: a.ifname, vrid: 51, priority: 150, vip: VIP, pass: 'secret12', extra }));
    const confB = lan.file('b.conf', instanceConf({ ifname: b.ifname, vrid: 51, priority: 100, vip: VIP, pass: 'secret12' }));
    procA = start(a, confA);
    procB = start(b, confB);
  }, 200_000);

  afterAll(() => {
    if (figures.length) console.log(`[vrrp e2e] measured: ${figures.join('; ')}`);
    lan?.destroy();
  });

  afterEach((ctx) => {
    if (ctx.task.result?.state === 'fail') console.log(`--- A:\n${procA?.output}\n--- B:\n${procB?.output}`);
  });

  it('elects the higher priority: only A holds the VIP', async () => {
    const t0 = Date.now();
    expect(await waitFor(() => lan.hasAddress(a, VIP), 8000)).toBe(true);
    figures.push(`election ${Date.now() - t0} ms after start`);
    // B must stay backup while A advertises.
    await sleep(1500);
    expect(lan.hasAddress(b, VIP)).toBe(false);
    expect(lan.hasAddress(a, VIP)).toBe(true);
    expect(await procA.waitOutput(/\(VI_1\) Entering MASTER STATE/, 3000)).toBe(true);
    // Started together, B may be master for a moment before it hears A; it must end up backup.
    expect(lastState(procB.output)).toBe('BACKUP');
    expect(lastState(procA.output)).toBe('MASTER');
  });

  it('runs notify scripts with INSTANCE name state priority', async () => {
    expect(await waitFor(() => readIf(`${lan.dir}/master.log`).includes('master from-notify-master'), 3000)).toBe(true);
    expect(await waitFor(() => readIf(`${lan.dir}/notify.log`).includes('INSTANCE VI_1 MASTER 150'), 3000)).toBe(true);
    expect(readIf(`${lan.dir}/notify.log`).split('\n')[0]).toBe('INSTANCE VI_1 BACKUP 150');
  });

  it('graceful stop (SIGTERM) hands over within the skew time, under 1 s', async () => {
    const t0 = Date.now();
    procA.signal('SIGTERM');
    expect(await waitFor(() => lan.hasAddress(b, VIP), 3000, 10)).toBe(true);
    const took = Date.now() - t0;
    figures.push(`SIGTERM handover ${took} ms`);
    expect(took).toBeLessThan(1000);
    expect(await procA.exited).toBe(0);
    expect(lan.hasAddress(a, VIP)).toBe(false);
    expect(await procA.waitOutput(/sent 0 priority/, 3000)).toBe(true);
    expect(await procB.waitOutput(/Backup received priority 0 advertisement/, 3000)).toBe(true);
    expect(await waitFor(() => readIf(`${lan.dir}/notify.log`).includes('INSTANCE VI_1 STOP'), 3000)).toBe(true);
  });

  it.skipIf(!hasArping)('announces the new master with gratuitous ARPs seen by the other hosts', async () => {
    expect(await waitFor(() => lan.neighbour(client, VIP) === b.mac, 3000)).toBe(true);
    expect(await waitFor(() => lan.neighbour(a, VIP) === b.mac, 3000)).toBe(true);
  });

  it('takes the VIP back when the higher priority returns (preemption)', async () => {
    const t0 = Date.now();
    procA = start(a, confA);
    expect(await waitFor(() => lan.hasAddress(a, VIP), 8000)).toBe(true);
    figures.push(`preemption back ${Date.now() - t0} ms after restart`);
    expect(await waitFor(() => !lan.hasAddress(b, VIP), 2000)).toBe(true);
    expect(await procB.waitOutput(/Master received advert from 10\.201\.0\.1 with higher priority 150, ours 100/, 3000)).toBe(true);
  });

  it('a SIGKILLed master is replaced after 3 x advert_int + skew (about 3.6 s)', async () => {
    await sleep(1200);
    const t0 = Date.now();
    procA.signal('SIGKILL');
    await procA.exited;
    expect(await waitFor(() => lan.hasAddress(b, VIP), 6000, 10)).toBe(true);
    const took = Date.now() - t0;
    figures.push(`SIGKILL takeover ${took} ms`);
    // Master_Down_Interval for priority 100 is 3 s + 609 ms, counted from A's last advert (up to 1 s
    // before the kill); the upper bound leaves room for a loaded 2-core machine, far below 2 intervals.
    expect(took).toBeGreaterThan(2500);
    expect(took).toBeLessThan(4800);
    expect(await procB.waitOutput(/Receive advertisement timeout/, 3000)).toBe(true);
  });
});

function readIf(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function lastState(log: string): string | undefined {
  return [...log.matchAll(/Entering (\w+) STATE/g)].at(-1)?.[1];
}

describe.skipIf(!canRun)('VRRP sync group: members move together', () => {
  let lan: Lan;
  beforeAll(async () => {
    await ensureBuilt();
    lan = new Lan(2, 204);
  }, 200_000);
  afterAll(() => lan?.destroy());

  it('a FAULT in one member takes the whole group (both VIPs) to the peer, and back', async () => {
    const [a, b] = lan.hosts as [Host, Host];
    const ok = `${lan.dir}/ok`;
    sh(['touch', ok]);
    const group = (withScript: boolean, prio: number, h: Host): string =>
      (withScript ? `vrrp_script chk {\n  script "test -f ${ok}"\n  interval 0.2\n  weight 0\n}\n` : '') +
      'vrrp_sync_group G {\n  group {\n    VI_A\n    VI_B\n  }\n}\n' +
      instanceConf({ name: 'VI_A', ifname: h.ifname, vrid: 81, priority: prio, vip: '10.204.0.81' }) +
      instanceConf({ name: 'VI_B', ifname: h.ifname, vrid: 82, priority: prio, vip: '10.204.0.82', extra: withScript ? '  track_script {\n    chk\n  }\n' : '' });
    const pA = lan.spawn(a, ['node', RUNNER, '-f', lan.file('sa.conf', group(true, 150, a))]);
    const pB = lan.spawn(b, ['node', RUNNER, '-f', lan.file('sb.conf', group(false, 100, b))]);
    const both = (h: Host): boolean => lan.hasAddress(h, '10.204.0.81') && lan.hasAddress(h, '10.204.0.82');
    const none = (h: Host): boolean => !lan.hasAddress(h, '10.204.0.81') && !lan.hasAddress(h, '10.204.0.82');
    try {
      expect(await waitFor(() => both(a) && none(b), 9000)).toBe(true);
      sh(['rm', ok]);
      expect(await waitFor(() => both(b) && none(a), 3000)).toBe(true);
      expect(await pA.waitOutput(/\(VI_B\) Entering FAULT STATE \(tracked script chk failed\)/, 3000)).toBe(true);
      expect(await pA.waitOutput(/\(VI_A\) Entering FAULT STATE \(sync group G member in FAULT\)/, 3000)).toBe(true);
      sh(['touch', ok]);
      expect(await waitFor(() => both(a) && none(b), 9000)).toBe(true);
    } finally {
      for (const p of [pA, pB]) p.signal('SIGTERM');
      await Promise.all([pA.exited, pB.exited]);
    }
  }, 40_000);
});
