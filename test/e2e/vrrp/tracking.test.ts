import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { canRun, ensureBuilt, instanceConf, Lan, RUNNER, sleep, waitFor, type Host, type Proc } from './netns.js';

const REPO = resolve(import.meta.dirname, '../../..');

// Sends hand-made adverts from a third host: each spec may break one thing keepalived checks.
const FORGER = `
import { createRequire } from 'node:module';
import { buildIpv4Header, encodeAdvertisement } from '${REPO}/dist/vrrp/packet.js';
const raw = createRequire('${REPO}/package.json')('raw-socket');
const [ifname, src, vip, specJson] = process.argv.slice(2);
const spec = JSON.parse(specJson);
const sock = raw.createSocket({ protocol: 112 });
const dev = Buffer.from(ifname + '\\0');
sock.setOption(1, 25, dev, dev.length); // SO_BINDTODEVICE
sock.setOption(0, 3, 1); // IP_HDRINCL
const adv = encodeAdvertisement({ version: 2, vrid: spec.vrid ?? 61, priority: 254, intervalMs: 1000, addresses: [vip], authType: 1, authData: spec.pass ?? 'pw' });
if (spec.corrupt) adv[2] = 253; // checksum no longer matches
const packet = Buffer.concat([buildIpv4Header(src, '224.0.0.18', adv.length, spec.ttl ?? 255), adv]);
let n = 0;
const timer = setInterval(() => {
  sock.send(packet, 0, packet.length, '224.0.0.18', () => {});
  if (++n >= spec.count) { clearInterval(timer); setTimeout(() => process.exit(0), 100); }
}, spec.everyMs);
`;

describe.skipIf(!canRun)('VRRP tracking, preemption and packet checks between portico sidecars', () => {
  let lan: Lan;
  let a: Host;
  let b: Host;
  let client: Host;
  const figures: string[] = [];
  const start = (h: Host, conf: string): Proc => {
    const p = lan.spawn(h, ['node', RUNNER, '-D', '-f', conf]);
    onTestFailed(() => console.log(`--- sidecar in ${h.ns} (${h.ip}):\n${p.output}`));
    return p;
  };
  const stop = async (...ps: Proc[]): Promise<void> => {
    for (const p of ps) p.signal('SIGTERM');
    await Promise.all(ps.map((p) => p.exited));
  };

  beforeAll(async () => {
    await ensureBuilt();
    lan = new Lan(3, 202);
    [a, b, client] = lan.hosts as [Host, Host, Host];
  }, 200_000);

  afterAll(() => {
    if (figures.length) console.log(`[vrrp e2e] measured: ${figures.join('; ')}`);
    lan?.destroy();
  });

  it('ignores forged adverts (TTL, VRID, password, checksum) but obeys a valid one', async () => {
    const vip = '10.202.0.61';
    const pA = start(a, lan.file('f-a.conf', instanceConf({ ifname: a.ifname, vrid: 61, priority: 150, vip, pass: 'pw' })));
    const pB = start(b, lan.file('f-b.conf', instanceConf({ ifname: b.ifname, vrid: 61, priority: 100, vip, pass: 'pw' })));
    try {
      expect(await waitFor(() => lan.hasAddress(a, vip), 8000)).toBe(true);
      const forger = lan.file('forge.mjs', FORGER);
      const forge = async (spec: object): Promise<void> => {
        const p = lan.spawn(client, ['node', forger, client.ifname, client.ip, vip, JSON.stringify({ count: 15, everyMs: 100, ...spec })]);
        expect(await p.exited).toBe(0);
      };
      await forge({ ttl: 64 });
      await forge({ vrid: 62 });
      await forge({ pass: 'wrong' });
      await forge({ corrupt: true });
      expect(lan.hasAddress(a, vip)).toBe(true);
      expect(lan.hasAddress(b, vip)).toBe(false);
      expect(pA.output).not.toMatch(/Entering BACKUP STATE\n/);
      expect(await pA.waitOutput(/dropped packet: invalid TTL 64 from 10\.202\.0\.3, expected 255 \[ttl: 1\]/, 3000)).toBe(true);
      expect(await pA.waitOutput(/dropped packet: received an invalid passwd from 10\.202\.0\.3 \[auth: 1\]/, 3000)).toBe(true);
      expect(await pA.waitOutput(/dropped packet: invalid checksum \(from 10\.202\.0\.3\) \[checksum: 1\]/, 3000)).toBe(true);
      expect(await pA.waitOutput(/ignoring VRRP packet from 10\.202\.0\.3 for VRID 62 \(no instance\)/, 3000)).toBe(true);
      expect(await pB.waitOutput(/\[ttl: 1\]/, 3000)).toBe(true);
      // The control: the same adverts, well formed, do take mastership away from A.
      await forge({});
      expect(await waitFor(() => !lan.hasAddress(a, vip), 2000)).toBe(true);
      expect(await pA.waitOutput(/Master received advert from 10\.202\.0\.3 with higher priority 254, ours 150/, 3000)).toBe(true);
      expect(lan.hasAddress(b, vip)).toBe(false);
      // Once the forger is silent, A (the best real router) takes over again.
      expect(await waitFor(() => lan.hasAddress(a, vip), 6000)).toBe(true);
    } finally {
      await stop(pA, pB);
    }
  });

  it('track_script weights move the VIP, and a weight-0 script failure means FAULT', async () => {
    const vip = '10.202.0.62';
    const okW = join(lan.dir, 'ok-weight');
    const okF = join(lan.dir, 'ok-fault');
    writeFileSync(okW, '');
    writeFileSync(okF, '');
    const scripts = `vrrp_script chk_weight {\n  script "test -f ${okW}"\n  interval 0.2\n  weight -60\n}\nvrrp_script chk_fault {\n  script "test -f ${okF}"\n  interval 0.2\n  weight 0\n}\n`;
    const track = '  track_script {\n    chk_weight\n    chk_fault\n  }\n';
    const pA = start(a, lan.file('t-a.conf', scripts + instanceConf({ ifname: a.ifname, vrid: 62, priority: 150, vip, extra: track })));
    const pB = start(b, lan.file('t-b.conf', instanceConf({ ifname: b.ifname, vrid: 62, priority: 100, vip })));
    try {
      // Both may become master for a moment when they start together; wait for the election to settle.
      expect(await waitFor(() => lan.hasAddress(a, vip) && !lan.hasAddress(b, vip), 8000)).toBe(true);
      await sleep(500);
      // Priority 150 - 60 = 90 < 100: B preempts once its master down timer runs out.
      let t0 = Date.now();
      rmSync(okW);
      expect(await waitFor(() => lan.hasAddress(b, vip), 6000)).toBe(true);
      figures.push(`track_script weight handover ${Date.now() - t0} ms`);
      expect(await waitFor(() => !lan.hasAddress(a, vip), 2000)).toBe(true);
      expect(await pA.waitOutput(/VRRP_Script\(chk_weight\) failed \(exited with status 1\)/, 3000)).toBe(true);
      expect(await pA.waitOutput(/\(VI_1\) Changing effective priority from 150 to 90/, 3000)).toBe(true);
      writeFileSync(okW, '');
      expect(await waitFor(() => lan.hasAddress(a, vip), 6000)).toBe(true);
      expect(await pA.waitOutput(/VRRP_Script\(chk_weight\) succeeded/, 3000)).toBe(true);
      expect(await waitFor(() => !lan.hasAddress(b, vip), 2000)).toBe(true);
      await sleep(500);
      // FAULT: A gives up with a priority-0 advert, so B needs only its skew time.
      t0 = Date.now();
      rmSync(okF);
      expect(await waitFor(() => lan.hasAddress(b, vip), 3000)).toBe(true);
      figures.push(`FAULT handover ${Date.now() - t0} ms (script interval 0.2 s)`);
      expect(await pA.waitOutput(/Entering FAULT STATE \(tracked script chk_fault failed\)/, 3000)).toBe(true);
      expect(lan.hasAddress(a, vip)).toBe(false);
      writeFileSync(okF, '');
      expect(await waitFor(() => lan.hasAddress(a, vip), 6000)).toBe(true);
    } finally {
      await stop(pA, pB);
    }
  });

  it('nopreempt: a higher-priority backup leaves the current master alone', async () => {
    const vip = '10.202.0.64';
    const pB = start(b, lan.file('n-b.conf', instanceConf({ ifname: b.ifname, vrid: 64, priority: 100, vip })));
    let pA: Proc | undefined;
    try {
      expect(await waitFor(() => lan.hasAddress(b, vip), 8000)).toBe(true);
      pA = start(a, lan.file('n-a.conf', instanceConf({ ifname: a.ifname, vrid: 64, priority: 150, vip, extra: '  nopreempt\n' })));
      expect(await pA.waitOutput(/Entering BACKUP STATE \(init\)/, 5000)).toBe(true);
      // Well past A's master down interval (3.4 s): B must still be master.
      await sleep(5000);
      expect(lan.hasAddress(b, vip)).toBe(true);
      expect(lan.hasAddress(a, vip)).toBe(false);
      const t0 = Date.now();
      await stop(pB);
      expect(await waitFor(() => lan.hasAddress(a, vip), 2000)).toBe(true);
      figures.push(`nopreempt backup takeover on SIGTERM ${Date.now() - t0} ms`);
    } finally {
      await stop(...[pA, pB].filter((p): p is Proc => p !== undefined && p.child.exitCode === null && p.child.signalCode === null));
    }
  });
});
