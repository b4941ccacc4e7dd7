/**
 * Differential test against Debian's haproxy 2.6: the same configuration, the same Runtime API
 * commands on both, and the answers compared — byte for byte where values do not differ, by
 * shape (field names, tags, types, field counts) where they do (ids, pids, times, versions).
 * portico runs in this process (its real Runtime and Runtime API socket); haproxy is spawned.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigText } from '../../../src/config/load.js';
import { Runtime } from '../../../src/runtime/runtime.js';
import { startRuntimeApi } from '../../../src/cli-api/index.js';
import { connect } from 'node:net';
import { freePorts, hasHaproxy, httpRequest, sleep, startHaproxy, type Proc } from '../harness.js';
import { exchange } from '../../unit/cli-api/helpers.js';

const HAVE = hasHaproxy();

function config(apiPort: number, fePort: number, stPort: number, description = true): string {
  return `
global
  stats socket ipv4@127.0.0.1:${apiPort} level admin
  maxconn 1000
${description ? '  description differential test\n' : ''}defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
frontend fe
  bind 127.0.0.1:${fePort}
  http-request track-sc0 src table app
  default_backend app
backend app
  balance roundrobin
  stick-table type ip size 100 expire 30s store http_req_cnt,conn_cur,gpc0
  server s1 127.0.0.1:1 weight 3
  server s2 127.0.0.1:2 weight 5 check inter 60s
  server s3 127.0.0.1:3 backup
backend static
  balance static-rr
  server t1 127.0.0.1:4
listen st
  bind 127.0.0.1:${stPort}
  stats enable
  stats uri /stats
`;
}

let hx: Proc | undefined;
let hxApi = 0;
let pcApi = 0;
let hxFe = 0;
let pcFe = 0;
let rt: Runtime | undefined;
let stopApi: (() => Promise<void>) | undefined;

beforeAll(async () => {
  if (!HAVE) return;
  const [a, b, c, d, e, f] = await freePorts(6);
  hxApi = a!;
  pcApi = d!;
  hxFe = b!;
  pcFe = e!;
  hx = await startHaproxy(config(a!, b!, c!), [a!, b!, c!]);
  const loaded = loadConfigText(config(d!, e!, f!));
  rt = new Runtime(loaded.config);
  expect(await rt.start()).toEqual([]);
  stopApi = await startRuntimeApi(rt, () => {});
}, 20_000);

afterAll(async () => {
  await stopApi?.();
  await rt?.stop(true);
  await hx?.stop();
});

const both = async (cmd: string): Promise<[string, string]> => [await exchange(hxApi, cmd + '\n'), await exchange(pcApi, cmd + '\n')];

describe.skipIf(!HAVE)('Runtime API against haproxy 2.6', () => {
  it('answers these commands byte for byte', async () => {
    const cmds = [
      'show backend',
      'get weight app/s1', 'get weight app', 'get weight nob/s1', 'get weight app/zz',
      'set weight app/s1 300', 'set weight app/s9 3', 'set weight nob/s9 3', 'set weight static/t1 5',
      'set server app/s2 weight 7', 'get weight app/s2', 'set server app/s2 weight 50%', 'get weight app/s2',
      'set server app/s1 weight', 'set server app/s1 weight abc', 'set server', 'set server app/s1',
      'set server app/s1 state', 'set server app/s1 state bogus', 'set server app/s1 health bogus',
      'set server app/s1 agent up', 'set server app/s1 addr', 'set server app/s1 addr foo',
      'set server app/s1 addr 127.0.0.2 port 9000', 'set server app/s1 addr 127.0.0.2',
      'set server app/s3 state maint', 'set server app/s3 state drain', 'set server app/s3 state ready',
      'disable server app/s3', 'enable server app/s3',
      'enable health app/s1', 'enable agent app/s1', 'disable health app/s1',
      'set maxconn server app/s1 20', 'set maxconn frontend fe x', 'set maxconn frontend nope 3',
      'set maxconn frontend fe 100', 'set maxconn global 999999', 'set maxconn global 500',
      'disable frontend nope', 'enable frontend fe',
      'show servers state nope', 'show errors nope', 'show table', 'show table nope', 'show stat nope 1 -1',
      'add server app/', 'add server nob/x 1.2.3.4:5', 'add server app/x', 'add server static/x 1.2.3.4:5',
      'add server app/s9 127.0.0.1:9 weight 4', 'add server app/s9 127.0.0.1:9', 'get weight app/s9',
      'del server app/s2', 'del server app/s9', 'set server app/s9 state maint;del server app/s9', 'get weight app/s9',
      'user;show cli level', 'operator;show cli level', 'user;operator', 'show cli level',
      'user;set server app/s1 weight 2', 'operator;clear counters all', 'clear counters', 'clear counters all',
      'show version;;show cli level',
      // Health and agent of servers with and without checks.
      'set server app/s2 health down', 'set server app/s2 health stopping', 'set server app/s2 health up',
      'set server app/s1 health up', 'set server app/s2 agent up', 'set server app/s2 agent down',
      // Stick tables: errors and filters.
      'show table app key', 'show table app key 10.0.0.1', 'show table app data.foo gt 1', 'show table app data.http_req_cnt',
      'show table app data.http_req_cnt xx 1', 'show table app data.http_req_cnt gt 1000', 'clear table', 'clear table nope',
      'clear table app key 10.0.0.9', 'show table nope',
      // Sessions and frontends.
      'show sess 0x1', 'show sess 12', 'shutdown session', 'shutdown session 0x1234', 'shutdown sessions server app',
      'shutdown sessions server nob/s1', 'shutdown frontend', 'shutdown frontend nope', 'shutdown frontend app',
      // Access levels.
      'user;show sess', 'user;show errors', 'user;clear counters', 'user;clear table app', 'user;set weight app/s1 2',
      'user;get weight app/s1', 'user;show servers state nope', 'user;show table', 'operator;set server app/s1 weight 2',
      'operator;disable server app/s1', 'operator;shutdown session 0x1', 'operator;show errors', 'operator;add server app/x 1.1.1.1',
      'user;shutdown frontend fe', 'operator;set maxconn global 100',
      // Help texts and the session's own commands.
      'help quit', 'help set server', 'help shutdown', 'help show servers', 'quit', 'quit;show version', 'show cli level;quit;show cli level',
    ];
    const diffs: string[] = [];
    // The dates of error reports differ by the time between the two answers.
    const norm = (t: string) => t.replace(/\[\d\d\/\w{3}\/\d{4}:[\d:.]+\]/g, '[DATE]');
    for (const cmd of cmds) {
      const [h, p] = (await both(cmd)).map(norm) as [string, string];
      if (h !== p) diffs.push(`${cmd}\n  haproxy: ${JSON.stringify(h)}\n  portico: ${JSON.stringify(p)}`);
    }
    // `show version;;...` differs only by the version text and the unknown-command list.
    expect(diffs.filter((d) => !d.startsWith('show version;;'))).toEqual([]);
  });

  it('prints the same CSV header and the same rows', async () => {
    const [h, p] = await both('show stat');
    const hl = h.split('\n');
    const pl = p.split('\n');
    expect(pl[0]).toBe(hl[0]);
    const ids = (t: string[]) => t.slice(1).filter(Boolean).map((l) => `${l.split(',').slice(0, 2).join('/')}:${l.split(',').length}`);
    expect(ids(pl)).toEqual(ids(hl));
    expect(p.endsWith('\n\n')).toBe(true);
  });

  it('has the same show info keys, typed tags and types', async () => {
    const keys = (t: string) => t.split('\n').filter(Boolean).map((l) => l.slice(0, l.indexOf(':')));
    const [h, p] = await both('show info');
    expect(keys(p)).toEqual(keys(h));
    const shape = (t: string) => t.split('\n').filter(Boolean).map((l) => l.split(':').slice(0, 3).join(':'));
    const [ht, pt] = await both('show info typed');
    expect(shape(pt)).toEqual(shape(ht));
  });

  it('has the same show stat typed fields per row', async () => {
    const shape = (t: string) => t.split('\n').filter(Boolean).map((l) => {
      const [head, tags, type] = l.split(':');
      const parts = head!.split('.');
      return `${parts[0]}.${parts.slice(3).join('.')}:${tags}:${type}`;
    });
    const [h, p] = await both('show stat typed');
    expect(shape(p)).toEqual(shape(h));
    const [hj, pj] = await both('show stat json');
    const jshape = (t: string) => (JSON.parse(t) as { objType: string; field: { name: string }; value: { type: string } }[][])
      .map((row) => row.map((i) => `${i.objType}.${i.field.name}:${i.value.type}`).join(','));
    expect(jshape(pj)).toEqual(jshape(hj));
  });

  it('has the same show servers state layout', async () => {
    const [h, p] = await both('show servers state');
    const hl = h.split('\n');
    const pl = p.split('\n');
    expect(pl.slice(0, 2)).toEqual(hl.slice(0, 2));
    const shape = (l: string[]) => l.slice(2).filter(Boolean).map((x) => {
      const f = x.split(' ');
      return [f[1], f[2], f[3], f.length].join(' ');
    });
    expect(shape(pl)).toEqual(shape(hl));
  });

  it('has the same show errors, show sess and help shapes', async () => {
    const [h, p] = await both('show errors');
    const norm = (t: string) => t.replace(/\[[^\]]+\]/, '[DATE]');
    expect(norm(p)).toBe(norm(h));
    const [hs, ps] = await both('show sess');
    const keysOf = (t: string) => t.split('\n')[0]!.split(' ').slice(1).map((w) => w.split(/[=[]/)[0]);
    expect(keysOf(ps)).toEqual(keysOf(hs));
    const [hh, ph] = await both('help');
    const hLines = new Set(hh.split('\n'));
    // Every command portico lists is listed by haproxy with the same help line.
    for (const line of ph.split('\n').slice(1)) expect(hLines.has(line), line).toBe(true);
  });
  it('filters show stat by proxy, type and server id the same way', async () => {
    const filters = ['-1 1 -1', '-1 2 -1', '-1 4 -1', '3 -1 -1', 'app 4 -1', '3 4 2', 'app 1 0', 'st 1 0', '-1 -1 2', '-1 3 -1', 'app 2 -1 up', 'app 4 -1 no-maint'];
    const rows = (t: string) => t.split('\n').slice(1).filter(Boolean).map((l) => l.split(',').slice(0, 2).join('/'));
    for (const f of filters) {
      const [h, p] = await both(`show stat ${f}`);
      expect(rows(p), f).toEqual(rows(h));
    }
  });

  it('dumps the same stick table after the same requests, and clears it the same way', async () => {
    for (const port of [hxFe, pcFe]) for (let i = 0; i < 2; i++) await httpRequest(port, '/').catch(() => undefined);
    const norm = (t: string) => t.replace(/^0x[0-9a-f]+:/gm, 'PTR:').replace(/ exp=\d+/g, ' exp=N');
    for (const cmd of ['show table', 'show table app', 'show table app data.http_req_cnt gt 1', 'show table app key 127.0.0.1', 'clear table app key 127.0.0.1', 'show table app']) {
      const [h, p] = await both(cmd);
      expect(norm(p), cmd).toBe(norm(h));
    }
  });

  it('has the same show servers conn', async () => {
    // One idle-connection figure per thread: haproxy runs several threads, portico one. The
    // connections used so far depend on which server each balancer picked after the weight changes.
    const norm = (t: string) => t.replace(/idle_per_thr\[\d+\]/, 'idle_per_thr[N]')
      .replace(/^(\S+ \S+ \S+ \d+ - \d+ )\d+ \d+ \d+ ((?:-?\d+ ){4})[\d ]+$/gm, '$1USED $2PER-THREAD');
    for (const cmd of ['show servers conn', 'show servers conn app', 'show servers conn nope', 'user;show servers conn static']) {
      const [h, p] = await both(cmd);
      expect(norm(p), cmd).toBe(norm(h));
    }
  });

  it('has the same show servers state for one backend', async () => {
    // srv_time_since_last_change (the 10th field) depends on when each process started.
    const norm = (t: string) => t.split('\n').map((l) => (/^\d+ \S+ \d+ /.test(l) ? l.split(' ').map((w, i) => (i === 9 ? 'T' : w)).join(' ') : l)).join('\n');
    for (const cmd of ['show servers state app', 'show servers state static', 'show servers state st']) {
      const [h, p] = await both(cmd);
      expect(norm(p), cmd).toBe(norm(h));
    }
  });

  it('has the same field descriptions and JSON keys', async () => {
    const descs = (t: string) => new Map(t.split('\n').filter(Boolean).map((l) => {
      const m = /^[A-Z]\.\d+\.\d+\.\d+\.([a-z0-9_]+)\.\d+:[^:]*:[^:]*:.*:"(.*)"$/.exec(l) ?? /^([A-Za-z_0-9-]+): .*:"(.*)"$/.exec(l);
      return [m?.[1] ?? l, m?.[2] ?? ''] as [string, string];
    }));
    for (const cmd of ['show stat typed desc', 'show info desc']) {
      const [h, p] = await both(cmd);
      const hd = descs(h);
      const diffs = [...descs(p)].filter(([k, v]) => hd.has(k) && hd.get(k) !== v).map(([k, v]) => `${k}: haproxy "${hd.get(k)}" portico "${v}"`);
      expect(diffs, cmd).toEqual([]);
    }
    const [hj, pj] = await both('show info json');
    const names = (t: string) => (JSON.parse(t) as { field: { name: string } }[]).map((i) => i.field.name);
    expect(names(pj)).toEqual(names(hj));
  });

  it('talks the same way in prompt mode', async () => {
    const script = ['prompt', 'show cli level', 'set server app/s1 weight 2;get weight app/s1', 'help quit', 'user', 'operator', 'show cli level', 'prompt', 'show cli level'];
    const [h, p] = await Promise.all([interactive(hxApi, script), interactive(pcApi, script)]);
    expect(p).toBe(h);
    const [hq, pq] = await Promise.all([interactive(hxApi, ['prompt', 'quit', 'show cli level']), interactive(pcApi, ['prompt', 'quit', 'show cli level'])]);
    expect(pq).toBe(hq);
    expect(pq).toBe('\n> ');
  });
});

/** Sends each line after the previous answer has had time to come; returns everything received until the close (bounded). */
function interactive(port: number, lines: string[]): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    let out = '';
    let i = 0;
    s.on('data', (d) => (out += d.toString()));
    s.on('error', () => {});
    s.on('close', () => resolve(out));
    const next = async () => {
      for (; i < lines.length && !s.destroyed; i++) {
        s.write(lines[i] + '\n');
        await sleep(120);
      }
      await sleep(200);
      s.destroy();
    };
    void next();
  });
}
