import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePorts, startBackend, type Backend } from '../../e2e/harness.js';
import { exchange, exchangePath, sockDir, startWithApi, type Harness } from './helpers.js';
import { VERSION } from '../../../src/version.js';

let h: Harness;
let dir: string;
let admin: string, oper: string, user: string;
let fePort: number, tcpApi: number;
let b1: Backend;

beforeAll(async () => {
  dir = sockDir();
  admin = join(dir, 'admin.sock');
  oper = join(dir, 'oper.sock');
  user = join(dir, 'user.sock');
  [fePort, tcpApi] = await freePorts(2);
  b1 = await startBackend('b1');
  h = await startWithApi(`
global
  stats socket ${admin} mode 600 level admin
  stats socket unix@${oper}
  stats socket ${user} level user
  stats socket ipv4@127.0.0.1:${tcpApi} level admin
  stats timeout 2s
  maxconn 1000
defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
frontend fe
  bind 127.0.0.1:${fePort}
  default_backend app
backend app
  balance roundrobin
  server s1 127.0.0.1:${b1.port} weight 3
  server s2 127.0.0.1:1
  server s3 127.0.0.1:2 backup
backend st
  balance static-rr
  server t1 127.0.0.1:3
`);
});
afterAll(async () => {
  await h?.stop();
  await b1?.close();
});

const run = (cmd: string, path = admin) => exchangePath(path, cmd + '\n');

describe('Runtime API basics', () => {
  it('ends every answer with an empty line and closes without prompt', async () => {
    expect(await run('show version')).toBe(`${VERSION}\n\n`);
    expect(await run('show version;show version')).toBe(`${VERSION}\n\n${VERSION}\n\n`);
    expect(await exchange(tcpApi, 'show cli level\n')).toBe('admin\n\n');
  });

  it('keeps the connection in prompt mode until quit', async () => {
    const out = await exchangePath(admin, 'prompt\nshow cli level\nquit\n');
    expect(out).toBe('\n> admin\n\n> ');
  });

  it('closes an idle connection after the stats timeout', async () => {
    const t0 = Date.now();
    const out = await exchangePath(admin, 'prompt\n', 5000);
    expect(out).toBe('\n> ');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1500);
  });

  it('applies levels: default operator, Permission denied, user/operator lower the level', async () => {
    expect(await run('show cli level', oper)).toBe('operator\n\n');
    expect(await run('show cli level', user)).toBe('user\n\n');
    expect(await run('set server app/s1 weight 2', user)).toBe('Permission denied\n\n');
    expect(await run('show sess', user)).toBe('Permission denied\n\n');
    expect(await run('clear counters all', oper)).toBe('Permission denied\n\n');
    expect(await run('clear counters', oper)).toBe('\n');
    expect(await run('operator;show cli level')).toBe('\noperator\n\n');
    expect(await run('user;operator', oper)).toBe('\nPermission denied\n\n');
  });

  it('generates help from the table, sorted, with help/prompt/quit last', async () => {
    const out = await run('help');
    const lines = out.split('\n');
    expect(lines[0]).toBe('The following commands are valid at this level:');
    expect(lines).toContain('  show servers state [<backend>]          : dump volatile server information (all or for a single backend)');
    expect(lines).toContain('  show stat [desc|json|no-maint|typed|up]*: report counters for each proxy and server');
    const body = lines.slice(1, -5).map((l) => l.slice(2, 42).trim());
    expect(body).toEqual([...body].sort());
    expect(lines.slice(-5)).toEqual([
      '  help [<command>]                        : list matching or all commands',
      '  prompt                                  : toggle interactive mode with prompt',
      '  quit                                    : disconnect',
      '', '',
    ]);
    expect(await run('help set server')).toBe(
      'The following commands are valid at this level:\n' +
      "  set server <bk>/<srv> [opts]            : change a server's state, weight, address or ssl\n" +
      '  help [<command>]                        : list matching or all commands\n' +
      '  prompt                                  : toggle interactive mode with prompt\n' +
      '  quit                                    : disconnect\n\n');
  });

  it('proposes close matches for an unknown command', async () => {
    const out = await run('sho stat');
    expect(out.split('\n').slice(0, 2)).toEqual([
      'Unknown command, but maybe one of the following ones is a better match:',
      '  show stat [desc|json|no-maint|typed|up]*: report counters for each proxy and server',
    ]);
    const empty = await run('');
    expect(empty.split('\n')[0]).toBe('Unknown command. Please enter one of the following commands only:');
    const show = (await run('show')).split('\n').slice(1, -5);
    expect(show.every((l) => l.startsWith('  show ') || l.startsWith('  help') || l.startsWith('  prompt') || l.startsWith('  quit'))).toBe(true);
  });
});

describe('Runtime API show commands', () => {
  it('show info prints Key: value lines', async () => {
    const out = await run('show info');
    expect(out).toMatch(/^Name: /);
    expect(out).toContain(`Version: ${VERSION}\n`);
    expect(out).toMatch(/\nUptime_sec: \d+\n/);
    expect(out).toContain('Maxconn: 1000\n');
    expect(out.endsWith('\n\n')).toBe(true);
    expect(JSON.parse(await run('show info json'))[0].field).toEqual({ pos: 0, name: 'Name' });
    expect((await run('show info typed')).split('\n')[0]).toMatch(/^0\.Name\.1:POS:str:/);
  });

  // haproxy 2.6 prints no `description:` line when the global section has none.
  it('omits the description line when none is configured, as haproxy does', async () => {
    expect(await run('show info')).not.toMatch(/^description:/m);
  });

  it('show stat: CSV, filters, addresses from operator level only', async () => {
    const csv = (await run('show stat')).split('\n');
    expect(csv[0]).toMatch(/^# pxname,svname,qcur,qmax,scur,smax,slim,stot,/);
    const rows = csv.slice(1).filter(Boolean).map((l) => l.split(','));
    expect(rows.map((r) => `${r[0]}/${r[1]}`)).toEqual(['fe/FRONTEND', 'app/s1', 'app/s2', 'app/s3', 'app/BACKEND', 'st/t1', 'st/BACKEND']);
    const addrCol = csv[0]!.slice(2).split(',').indexOf('addr');
    expect(rows[1]![addrCol]).toBe(`127.0.0.1:${b1.port}`);
    const asUser = (await run('show stat', user)).split('\n')[2]!.split(',');
    expect(asUser[addrCol]).toBe('');
    const only = (await run('show stat app 4 -1')).split('\n').slice(1).filter(Boolean).map((l) => l.split(',').slice(0, 2).join('/'));
    expect(only).toEqual(['app/s1', 'app/s2', 'app/s3']);
    expect(await run('show stat nope 1 -1')).toBe('No such proxy.\n\n');
    const typed = await run('show stat typed');
    expect(typed.split('\n')[0]).toMatch(/^F\.\d+\.0\.0\.pxname\.1:KNS:str:fe$/);
    expect(Array.isArray(JSON.parse(await run('show stat json')))).toBe(true);
  });

  it('show servers state, show backend, get weight', async () => {
    const out = (await run('show servers state app')).split('\n');
    expect(out[0]).toBe('1');
    expect(out[1]).toBe('# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port');
    const beId = h.rt.backends.get('app')!.id;
    expect(out[2]).toMatch(new RegExp(`^${beId} app 1 s1 127\\.0\\.0\\.1 2 0 3 3 \\d+ 1 0 2 0 0 0 0 - ${b1.port} - 0 0 - - 0$`));
    expect(out.length).toBe(7);
    expect(await run('show servers state nope')).toBe("Can't find backend.\n\n");
    expect(await run('show backend')).toBe('# name\napp\nst\n\n');
    expect(await run('get weight app/s1')).toBe('3 (initial 3)\n\n');
    expect(await run('get weight app')).toBe("Require 'backend/server'.\n\n");
    expect(await run('get weight nope/s1')).toBe('No such backend.\n\n');
    expect(await run('get weight app/nope')).toBe('No such server.\n\n');
  });

  it('show sess lists streams: not an HTTP connection without a request, the CLI one; show errors reports none', async () => {
    const client = connect({ host: '127.0.0.1', port: fePort });
    await new Promise((r) => client.once('connect', r));
    await new Promise((r) => setTimeout(r, 50));
    const out = await run('show sess');
    client.destroy();
    // As in HAProxy, an HTTP connection has a stream only while a request is in progress.
    expect(out).not.toMatch(/ fe=fe /);
    expect(out).toMatch(/^0x[0-9a-f]+: proto=unix_stream src=unix:1 fe=GLOBAL be=<NONE> srv=<none> ts=00 epoch=0 age=\d+s /m);
    expect(await run('show errors')).toMatch(/^Total events captured on \[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d\.\d{3}\] : 0\n\n$/);
    expect(await run('show errors nope')).toBe('No such proxy.\n\n');
    expect(await run('show table')).toBe('\n');
    expect(await run('show table nope')).toBe('No such table\n\n');
  });
});

describe('Runtime API changes', () => {
  it('set weight: absolute, percentage, errors in HAProxy words', async () => {
    expect(await run('set weight app/s1 300')).toBe('Absolute weight can only be between 0 and 256 inclusive.\n\n');
    expect(await run('set weight app/s9 3')).toBe('No such server.\n\n');
    expect(await run('set weight nob/s9 3')).toBe('No such backend.\n\n');
    expect(await run('set server app/s1 weight')).toBe('Require <weight> or <weight%>.\n\n');
    expect(await run('set server app/s1 weight abc')).toBe('Empty weight string empty or preceded by garbage\n');
    expect(await run('set server app/s1 weight 7')).toBe('\n');
    expect(await run('get weight app/s1')).toBe('7 (initial 3)\n\n');
    expect(await run('set server app/s1 weight 200%')).toBe('\n');
    expect(await run('get weight app/s1')).toBe('6 (initial 3)\n\n');
    expect(await run('set weight st/t1 5')).toBe("Backend is using a static LB algorithm and only accepts weights '0%' and '100%'.\n\n");
    expect(await run('set server app/s1 weight 3')).toBe('\n');
  });

  it('set server state maint/drain/ready shows in stats and logs, and drives the LB', async () => {
    expect(await run('set server app/s2 state bogus')).toBe("'set server <srv> state' expects 'ready', 'drain' and 'maint'.\n\n");
    expect(await run('set server app/s2 state maint')).toBe('\n');
    const s2 = h.rt.backends.get('app')!.findServer('s2')!;
    expect(s2.admin.maint).toBe(true);
    expect(s2.lb.up).toBe(false);
    expect((await run('show stat app 4 2')).split('\n')[1]).toContain(',MAINT,');
    expect(h.logs).toContain('warning: Server app/s2 is going DOWN for maintenance. 1 active and 1 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.');
    expect((await run('show servers state app')).split('\n')[3]).toMatch(/^\d+ app 2 s2 127\.0\.0\.1 0 1 /);
    expect(await run('set server app/s2 state drain')).toBe('\n');
    expect((await run('show stat app 4 2')).split('\n')[1]).toContain(',DRAIN,');
    expect(await run('set server app/s2 state ready')).toBe('\n');
    expect(s2.lb.up).toBe(true);
    expect(await run('disable server app/s2;enable server app/s2')).toBe('\n\n');
    expect(h.logs).toContain('warning: Server app/s2 is UP/READY (leaving forced maintenance).');
  });

  it('set server health/agent/addr, maxconn', async () => {
    expect(await run('set server app/s2 health down')).toBe('\n');
    expect((await run('show stat app 4 2')).split('\n')[1]).toContain(',DOWN,');
    expect(await run('set server app/s2 health up')).toBe('\n');
    expect(await run('set server app/s2 health bogus')).toBe("'set server <srv> health' expects 'up', 'stopping', or 'down'.\n\n");
    expect(await run('set server app/s2 agent up')).toBe('agent checks are not enabled on this server.\n\n');
    expect(await run('set server app/s2 addr')).toBe('set server <b>/<s> addr requires an address and optionally a port.\n\n');
    expect(await run('set server app/s2 addr foo')).toBe("Invalid addr 'foo' by 'stats socket command'\n\n");
    expect(await run('set server app/s2 addr 127.0.0.9 port 44')).toBe("IP changed from '127.0.0.1' to '127.0.0.9', port changed from '1' to '44' by 'stats socket command'\n\n");
    expect(await run('set server app/s2 addr 127.0.0.9')).toBe("no need to change the addr by 'stats socket command'\n\n");
    expect(await run('set server app/s2')).toMatch(/^usage: set server <backend>\/<server> addr \| agent/);
    expect(await run('set maxconn server app/s2 12')).toBe('\n');
    expect(h.rt.backends.get('app')!.findServer('s2')!.maxconn).toBe(12);
    expect(await run('set maxconn global 999999')).toBe('Value out of range.\n\n');
    expect(await run('set maxconn global 500')).toBe('\n');
    expect(h.rt.global.max).toBe(500);
    expect(await run('set maxconn frontend fe')).toBe('Integer value expected.\n\n');
    expect(await run('set maxconn frontend nope 3')).toBe('No such frontend.\n\n');
    expect(await run('set maxconn frontend fe 100')).toBe('\n');
    expect((await run('show stat fe 1 -1')).split('\n')[1]!.split(',')[6]).toBe('100');
  });

  it('enable/disable health and agent checks need them configured', async () => {
    expect(await run('enable health app/s1')).toBe('Health check was not configured on this server, cannot enable.\n\n');
    expect(await run('enable agent app/s1')).toBe('Agent was not configured on this server, cannot enable.\n\n');
    expect(await run('disable health app/s1')).toBe('\n');
  });

  it('disable frontend releases the port until enable frontend', async () => {
    const get = () => new Promise<string>((resolve) => {
      const s = connect({ host: '127.0.0.1', port: fePort });
      s.on('connect', () => { s.destroy(); resolve('open'); });
      s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    expect(await run('disable frontend nope')).toBe('No such frontend.\n\n');
    expect(await run('disable frontend fe')).toBe('\n');
    expect(await get()).toBe('ECONNREFUSED');
    expect((await run('show stat fe 1 -1')).split('\n')[1]).toContain(',PAUSED,');
    expect(await run('enable frontend fe')).toBe('\n');
    expect(await run('enable frontend fe')).toBe('All sockets are already enabled.\n\n');
    expect(await get()).toBe('open');
    expect(h.logs).toContain('warning: Paused frontend fe.');
  });

  it('add server starts in maintenance; del server needs maintenance first', async () => {
    expect(await run('add server app/')).toBe("Require 'backend/server'.\n");
    expect(await run('add server nob/x 1.2.3.4:5')).toBe('No such backend.\n');
    expect(await run('add server app/x')).toBe("'server' expects <name> and <addr>[:<port>] as arguments.\n\n");
    expect(await run('add server st/x 127.0.0.1:9')).toBe('Backend must use a dynamic load balancing to support dynamic servers.\n');
    expect(await run(`add server app/s9 127.0.0.1:${b1.port} weight 4`)).toBe('New server registered.\n\n');
    expect(await run(`add server app/s9 127.0.0.1:${b1.port}`)).toBe('Already exists a server with the same name in backend.\n\n');
    expect(await run('get weight app/s9')).toBe('4 (initial 4)\n\n');
    expect((await run('show servers state app')).split('\n')[5]).toMatch(new RegExp(`^\\d+ app 4 s9 127\\.0\\.0\\.1 0 1 4 4 \\d+ `));
    const be = h.rt.backends.get('app')!;
    expect(be.lb.servers.map((s) => s.name)).toEqual(['s1', 's2', 's3', 's9']);
    expect(await run('set server app/s9 state ready')).toBe('\n');
    expect(be.findServer('s9')!.lb.up).toBe(true);
    expect(await run('del server app/s9')).toBe('Only servers in maintenance mode can be deleted.\n');
    expect(await run('set server app/s9 state maint;del server app/s9')).toBe('\nServer deleted.\n');
    expect(be.servers.map((s) => s.name)).toEqual(['s1', 's2', 's3']);
    expect(be.lb.servers.map((s) => s.name)).toEqual(['s1', 's2', 's3']);
    expect(await run('get weight app/s9')).toBe('No such server.\n\n');
  });

  it('clear counters all resets totals', async () => {
    h.rt.frontends[0]!.counters.cumConn = 42;
    h.rt.frontends[0]!.counters.cpsMax = 9;
    expect(await run('clear counters')).toBe('\n');
    expect(h.rt.frontends[0]!.counters.cpsMax).toBe(0);
    expect(h.rt.frontends[0]!.counters.cumConn).toBe(42);
    expect(await run('clear counters all')).toBe('\n');
    expect(h.rt.frontends[0]!.counters.cumConn).toBe(0);
  });
});

describe('Runtime API stick tables', () => {
  it('show table / clear table read the runtime tables', async () => {
    const d = sockDir();
    const sock = join(d, 't.sock');
    const t = await startWithApi(`
global
  stats socket ${sock} level admin
defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
backend tbl
  stick-table type ip size 100 expire 30s store http_req_cnt
`);
    try {
      expect(await exchangePath(sock, 'show table\n')).toBe('# table: tbl, type: ip, size:100, used:0\n\n');
      expect(await exchangePath(sock, 'show table tbl\n')).toBe('# table: tbl, type: ip, size:100, used:0\n\n');
      expect(await exchangePath(sock, 'clear table tbl\n')).toBe('\n');
    } finally {
      await t.stop();
    }
  });
});
