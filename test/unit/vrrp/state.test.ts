import { describe, expect, it } from 'vitest';
import { VrrpMachine, type MachineOptions } from '../../../src/vrrp/state.js';

const base: MachineOptions = { version: 2, priority: 100, advertIntervalMs: 1000, preempt: true, preemptDelayMs: 0, primaryIp: '10.0.0.2' };
const machine = (o: Partial<MachineOptions> = {}): VrrpMachine => new VrrpMachine({ ...base, ...o });
const adv = (priority: number, src = '10.0.0.1', intervalMs = 1000) => ({ priority, src, intervalMs });
const sends = (actions: ReturnType<VrrpMachine['tick']>) => actions.filter((a) => a.type === 'send').map((a) => (a as { priority: number }).priority);
const moves = (actions: ReturnType<VrrpMachine['tick']>) => actions.filter((a) => a.type === 'transition').map((a) => (a as { to: string }).to);

describe('VRRP state machine timers', () => {
  it('computes v2 skew and master down interval from the priority', () => {
    expect(machine({ priority: 100 }).skewMs()).toBe(609); // (256-100)/256 s
    expect(machine({ priority: 100 }).masterDownIntervalMs()).toBe(3609);
    expect(machine({ priority: 254 }).skewMs()).toBe(7);
    expect(machine({ priority: 1, advertIntervalMs: 2000 }).masterDownIntervalMs()).toBe(6996);
  });

  it('computes v3 skew from the master advertisement interval it learns', () => {
    const m = machine({ version: 3, priority: 100, advertIntervalMs: 1000 });
    m.start(0);
    expect(m.masterDownIntervalMs()).toBe(3000 + 609);
    m.receive(adv(150, '10.0.0.1', 500), 10);
    expect(m.masterAdverIntervalMs).toBe(500);
    expect(m.skewMs()).toBe(304);
    expect(m.deadline).toBe(10 + 1500 + 304);
  });
});

describe('VRRP state machine transitions', () => {
  it('Initialize → Backup, then Master when the master down timer expires', () => {
    const m = machine();
    expect(moves(m.start(0))).toEqual(['BACKUP']);
    expect(m.deadline).toBe(3609);
    expect(m.tick(3608)).toEqual([]);
    const a = m.tick(3609);
    expect(sends(a)).toEqual([100]);
    expect(moves(a)).toEqual(['MASTER']);
    expect(m.deadline).toBe(4609);
  });

  it('state MASTER in the config does not skip the wait below priority 255', () => {
    const m = machine({ priority: 254 });
    expect(moves(m.start(0))).toEqual(['BACKUP']);
  });

  it('priority 255 (address owner) becomes master at once', () => {
    const m = machine({ priority: 255 });
    const a = m.start(0);
    expect(sends(a)).toEqual([255]);
    expect(moves(a)).toEqual(['MASTER']);
  });

  it('a master advertises every interval', () => {
    const m = machine({ priority: 255 });
    m.start(0);
    const out: number[] = [];
    for (let t = 0; t <= 5000; t += 100) if (sends(m.tick(t)).length) out.push(t);
    expect(out).toEqual([1000, 2000, 3000, 4000, 5000]);
  });

  it('a backup that hears a higher or equal master keeps resetting its timer', () => {
    const m = machine({ priority: 100 });
    m.start(0);
    for (let t = 1000; t <= 10_000; t += 1000) {
      m.receive(adv(t % 2000 === 0 ? 150 : 100), t);
      expect(m.tick(t)).toEqual([]);
    }
    expect(m.state).toBe('BACKUP');
    expect(m.deadline).toBe(10_000 + 3609);
  });

  it('a priority-0 advert makes the backup wait only its skew time', () => {
    const m = machine({ priority: 100 });
    m.start(0);
    m.receive(adv(150), 1000);
    m.receive(adv(0), 1500);
    expect(m.deadline).toBe(1500 + 609);
    expect(moves(m.tick(2109))).toEqual(['MASTER']);
  });

  it('preempts a lower-priority master by letting its timer run out', () => {
    const m = machine({ priority: 150 });
    m.start(0);
    m.receive(adv(100), 1000); // discarded
    m.receive(adv(100), 2000);
    m.receive(adv(100), 3000);
    expect(m.deadline).toBe(Math.floor((106 * 1000) / 256) + 3000);
    expect(moves(m.tick(m.deadline))).toEqual(['MASTER']);
  });

  it('nopreempt leaves a lower-priority master in place', () => {
    const m = machine({ priority: 150, preempt: false });
    m.start(0);
    for (let t = 1000; t <= 20_000; t += 1000) {
      m.receive(adv(100), t);
      expect(moves(m.tick(t))).toEqual([]);
    }
    expect(m.state).toBe('BACKUP');
    // But takes over when that master goes away.
    expect(moves(m.tick(20_000 + m.masterDownIntervalMs()))).toEqual(['MASTER']);
  });

  it('preempt_delay tolerates a lower-priority master for the delay, then preempts', () => {
    const m = machine({ priority: 150, preemptDelayMs: 5000 });
    m.start(0);
    let tookOver: number | undefined;
    for (let t = 1000; t <= 15_000 && tookOver === undefined; t += 100) {
      if (t % 1000 === 0) m.receive(adv(100), t);
      if (moves(m.tick(t)).includes('MASTER')) tookOver = t;
    }
    // First lower advert at 1 s, tolerated until 6 s, then the down timer (3 s + skew) set at 5 s runs out.
    expect(tookOver).toBe(5000 + 3000 + 414 - (414 % 100) + 100);
  });

  it('preempt_delay restarts when a higher-priority master is seen in between', () => {
    const m = machine({ priority: 150, preemptDelayMs: 3000 });
    m.start(0);
    m.receive(adv(100), 1000); // delay starts: until 4000
    m.receive(adv(200), 2000); // higher master: delay cleared
    m.receive(adv(100), 3500); // delay restarts: until 6500
    m.receive(adv(100), 6000);
    expect(m.deadline).toBe(6000 + 3414);
    m.receive(adv(100), 7000); // past the delay: discarded
    expect(m.deadline).toBe(6000 + 3414);
  });

  it('a master steps down for a higher priority and ignores lower ones', () => {
    const m = machine({ priority: 255 });
    m.start(0);
    expect(m.receive(adv(254), 100)).toEqual([]);
    expect(m.state).toBe('MASTER');
    const n = machine({ priority: 100 });
    n.start(0);
    n.tick(4000);
    const a = n.receive(adv(101), 4500);
    expect(moves(a)).toEqual(['BACKUP']);
    expect(sends(a)).toEqual([]);
    expect(n.deadline).toBe(4500 + 3609);
  });

  it('breaks priority ties by the higher primary address', () => {
    const m = machine({ primaryIp: '10.0.0.9' });
    m.start(0);
    m.tick(4000);
    expect(m.receive(adv(100, '10.0.0.8'), 4100)).toEqual([]);
    expect(m.state).toBe('MASTER');
    expect(moves(m.receive(adv(100, '10.0.0.10'), 4200))).toEqual(['BACKUP']);
  });

  it('a master answers a priority-0 advert with its own advert at once', () => {
    const m = machine({ priority: 255 });
    m.start(0);
    expect(sends(m.receive(adv(0), 300))).toEqual([255]);
    expect(m.deadline).toBe(1300);
  });

  it('shutdown from master sends priority 0; from backup it sends nothing', () => {
    const m = machine({ priority: 255 });
    m.start(0);
    const a = m.shutdown(10);
    expect(sends(a)).toEqual([0]);
    expect(moves(a)).toEqual(['INIT']);
    expect(m.deadline).toBe(Infinity);
    const b = machine();
    b.start(0);
    expect(sends(b.shutdown(10))).toEqual([]);
    expect(b.state).toBe('INIT');
  });

  it('a priority drop is advertised at once and lets a preempting backup win', () => {
    const master = machine({ priority: 150, primaryIp: '10.0.0.1' });
    master.start(0);
    master.tick(4000);
    expect(sends(master.setPriority(90, 4100))).toEqual([90]);
    expect(master.state).toBe('MASTER');
    const backup = machine({ priority: 100 });
    backup.start(0);
    backup.receive(adv(150), 4000);
    backup.receive(adv(90), 4100); // lower now: discarded
    expect(moves(backup.tick(4000 + 3609))).toEqual(['MASTER']);
  });

  it('FAULT: a master gives up with priority 0, ignores adverts, and recovers as backup', () => {
    const m = machine({ priority: 100 });
    m.start(0);
    m.tick(4000);
    const a = m.setFault(true, 4100, 'script failed');
    expect(sends(a)).toEqual([0]);
    expect(moves(a)).toEqual(['FAULT']);
    expect(m.receive(adv(0), 4200)).toEqual([]);
    expect(m.tick(100_000)).toEqual([]);
    expect(m.setFault(true, 4300, 'again')).toEqual([]);
    const r = m.setFault(false, 5000, 'script ok');
    expect(moves(r)).toEqual(['BACKUP']);
    expect(m.deadline).toBe(5000 + 3609);
  });

  it('FAULT from backup sends nothing; an owner recovers straight to master', () => {
    const m = machine({ priority: 255 });
    m.start(0);
    m.setFault(true, 10, 'x');
    expect(moves(m.setFault(false, 20, 'y'))).toEqual(['MASTER']);
    const b = machine();
    b.start(0);
    expect(sends(b.setFault(true, 10, 'x'))).toEqual([]);
  });

  it('follows its sync group between BACKUP and MASTER only', () => {
    const m = machine();
    m.start(0);
    const a = m.follow('MASTER', 100, 'group');
    expect(sends(a)).toEqual([100]);
    expect(moves(a)).toEqual(['MASTER']);
    expect(m.follow('MASTER', 200, 'group')).toEqual([]);
    expect(moves(m.follow('BACKUP', 300, 'group'))).toEqual(['BACKUP']);
    expect(m.deadline).toBe(300 + 3609);
    m.setFault(true, 400, 'x');
    expect(m.follow('MASTER', 500, 'group')).toEqual([]);
    expect(m.state).toBe('FAULT');
  });

  it('two machines wired together elect the higher priority and fail over (simulation)', () => {
    const a = machine({ priority: 150, primaryIp: '10.0.0.1' });
    const b = machine({ priority: 100, primaryIp: '10.0.0.2' });
    const deliver = (from: VrrpMachine, to: VrrpMachine, actions: ReturnType<VrrpMachine['tick']>, t: number, fromIp: string) => {
      for (const x of actions) if (x.type === 'send') to.receive({ priority: x.priority, src: fromIp, intervalMs: 1000 }, t);
    };
    deliver(a, b, a.start(0), 0, '10.0.0.1');
    deliver(b, a, b.start(0), 0, '10.0.0.2');
    let aDeadAt: number | undefined;
    let bMasterAt: number | undefined;
    for (let t = 0; t <= 20_000; t += 10) {
      if (aDeadAt === undefined) deliver(a, b, a.tick(t), t, '10.0.0.1');
      const bs = b.tick(t);
      if (moves(bs).includes('MASTER')) bMasterAt = t;
      if (aDeadAt === undefined) deliver(b, a, bs, t, '10.0.0.2');
      if (t === 10_000) {
        expect(a.state).toBe('MASTER');
        expect(b.state).toBe('BACKUP');
        deliver(a, b, a.shutdown(t), t, '10.0.0.1');
        aDeadAt = t;
      }
    }
    expect(bMasterAt! - aDeadAt!).toBeLessThanOrEqual(610);
  });
});
