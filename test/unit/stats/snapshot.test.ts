import { afterEach, describe, expect, it } from 'vitest';
import { loadConfigText } from '../../../src/config/load.js';
import { Runtime } from '../../../src/runtime/runtime.js';
import { buildSnapshot } from '../../../src/runtime/snapshot.js';
import { setServerState, setServerWeight } from '../../../src/runtime/admin.js';
import { renderCsv } from '../../../src/stats/csv.js';
import { serverStatus } from '../../../src/stats/status.js';
import { freePorts } from '../../e2e/harness.js';

let rt: Runtime | undefined;
afterEach(async () => {
  await rt?.stop(true);
  rt = undefined;
});

async function start(cfg: string): Promise<Runtime> {
  const loaded = loadConfigText(cfg);
  expect(loaded.diags.list.filter((d) => d.level === 'alert')).toEqual([]);
  rt = new Runtime(loaded.config);
  expect(await rt.start()).toEqual([]);
  return rt;
}

describe('snapshot of a running runtime', () => {
  it('lists proxies in config order with their rows, ids, modes and algorithms', async () => {
    const [p1, p2] = await freePorts(2);
    const r = await start(`
global
  maxconn 2000
  node edge-1
  description test box
defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
frontend fe
  bind 127.0.0.1:${p1}
  maxconn 300
  default_backend app
backend app
  balance leastconn
  cookie SRV insert
  server s1 127.0.0.1:1 cookie a weight 5
  server s2 127.0.0.1:2 disabled
  server s3 127.0.0.1:3 backup
listen tcp
  mode tcp
  bind 127.0.0.1:${p2}
  description raw tcp
  server t1 127.0.0.1:4
backend lonely
`);
    const snap = buildSnapshot(r, Date.now());
    expect(snap.proxies.map((p) => [p.name, p.mode, !!p.frontend, !!p.backend])).toEqual([
      ['fe', 'http', true, false], ['app', 'http', false, true], ['tcp', 'tcp', true, true], ['lonely', 'http', false, true],
    ]);
    const app = snap.proxies[1]!;
    expect(app.iid).toBe(r.backends.get('app')!.id);
    expect(app.backend!.algo).toBe('leastconn');
    expect(app.backend!.cookie).toBe('SRV');
    // 10% of the 300 maxconn of the only frontend routing to it
    expect(app.backend!.fullconn).toBe(30);
    expect(snap.proxies[3]!.backend!.fullconn).toBe(1);
    expect(snap.proxies[0]!.frontend!.maxconn).toBe(300);
    expect(app.servers!.map((s) => [s.name, s.sid, s.addr, s.weight, s.iweight, s.backup, s.cookie ?? '', serverStatus(s)])).toEqual([
      ['s1', 1, '127.0.0.1:1', 5, 5, false, 'a', 'no check'],
      ['s2', 2, '127.0.0.1:2', 1, 1, false, '', 'MAINT'],
      ['s3', 3, '127.0.0.1:3', 1, 1, true, '', 'no check'],
    ]);
    expect(snap.proxies[2]!.desc).toBe('raw tcp');
    expect(snap.info.node).toBe('edge-1');
    expect(snap.info.description).toBe('test box');
    expect(snap.info.maxconn).toBe(2000);
    expect(snap.info.listeners).toBe(2);
    expect(snap.info.startTime).toBe(r.startedAt);
  });

  it('follows the live counters and state changes', async () => {
    const [p1] = await freePorts(1);
    const r = await start(`
defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
listen web
  bind 127.0.0.1:${p1}
  server s1 127.0.0.1:1
  server s2 127.0.0.1:2
`);
    const be = r.backends.get('web')!;
    const s1 = be.servers[0]!;
    s1.counters.cumSess = 12;
    r.frontends[0]!.counters.cumReq = 7;
    expect(setServerState(r, be, s1, 'drain').ok).toBe(true);
    expect(setServerWeight(be, be.servers[1]!, '0').ok).toBe(true);
    const snap = buildSnapshot(r);
    const [sv1, sv2] = snap.proxies[0]!.servers!;
    expect(sv1!.counters.cumSess).toBe(12);
    expect(serverStatus(sv1!)).toBe('DRAIN');
    expect(serverStatus(sv2!)).toBe('DRAIN');
    expect(snap.info.cumReq).toBe(7);
    const csv = renderCsv(snap).split('\n');
    expect(csv[2]!.split(',').slice(0, 2)).toEqual(['web', 's1']);
    expect(csv[2]!.split(',')[7]).toBe('12');
    expect(setServerState(r, be, s1, 'maint').ok).toBe(true);
    expect(serverStatus(buildSnapshot(r).proxies[0]!.servers![0]!)).toBe('MAINT');
  });

  it('takes check state from the scheduler', async () => {
    const [p1] = await freePorts(1);
    const r = await start(`
defaults
  mode http
  timeout connect 200ms
  timeout client 5s
  timeout server 5s
listen web
  bind 127.0.0.1:${p1}
  server s1 127.0.0.1:1 check inter 100ms rise 2 fall 3
  server s2 127.0.0.1:2 track web/s1
`);
    const deadline = Date.now() + 5000;
    let status = '';
    while (Date.now() < deadline) {
      status = serverStatus(buildSnapshot(r).proxies[0]!.servers![0]!);
      if (status === 'DOWN') break;
      await new Promise((res) => setTimeout(res, 50));
    }
    expect(status).toBe('DOWN');
    const [sv1, sv2] = buildSnapshot(r).proxies[0]!.servers!;
    expect(sv1!.check).toMatchObject({ enabled: true, status: 'L4CON', rise: 2, fall: 3, health: 0 });
    expect(sv2!.track?.server.name).toBe('s1');
  });
});
