import { describe, expect, it } from 'vitest';
import { Diagnostics } from '../../../src/core/diag.js';
import { loadConfigText } from '../../../src/config/load.js';
import { StickTables } from '../../../src/runtime/stick.js';
import { compileStickOp } from '../../../src/rules/stick-ops.js';
import { CompileCtx, type ProxyEnv } from '../../../src/rules/compile-ctx.js';
import { AclTable } from '../../../src/sample/acl.js';
import { MapCache } from '../../../src/sample/mapfile.js';
import { createSampleContext } from '../../../src/sample/context.js';
import { HEAD, messages } from './helpers.js';

const body = (fe: string[], be: string[] = []) =>
  `${HEAD}frontend fe\n  bind 127.0.0.1:8080\n${fe.map((l) => `  ${l}\n`).join('')}  default_backend be\nbackend be\n${[...be, 'server s1 127.0.0.1:9'].map((l) => `  ${l}\n`).join('')}`;

describe('configuration checks (haproxy 2.6 wording)', () => {
  it('the api gateway rate limit is accepted without warning', () => {
    expect(messages(body(['stick-table type ip size 100k expire 30s store http_req_rate(10s)', 'http-request track-sc0 src', 'http-request deny deny_status 429 if { sc_http_req_rate(0) gt 100 }']))).toEqual([]);
  });

  it('tables that do not exist, after parsing and without a line', () => {
    expect(messages(body(['http-request track-sc0 src table nosuch', 'http-request track-sc1 src'], ['stick on src', 'stick match src table nosuch2', 'stick store-request src table fe']))).toEqual([
      "alert -: Proxy 'fe': unable to find table 'nosuch' referenced by track-sc0.",
      "alert -: Proxy 'fe': unable to find table 'fe' referenced by track-sc1.",
      "alert -: Proxy 'be': unable to find stick-table 'be'.",
      "alert -: Proxy 'be': unable to find stick-table 'nosuch2'.",
      "alert -: Proxy 'be': unable to find stick-table 'fe'.",
    ]);
  });

  it('stick-table errors with their line; a second table in a proxy conflicts', () => {
    expect(messages(body([], ['stick-table type ip size 1k foo bar']))).toEqual(["alert 10: stick-table: unknown argument 'foo'."]);
    expect(messages(body([], ['stick-table type ip size 1k', 'stick-table type ip size 1k']))).toEqual([
      "alert 11: stick-table name 'be' conflicts with table declared in backend 'be' at /tmp/portico-rules-test/t.cfg:10.",
    ]);
  });

  it('action argument errors', () => {
    const t = 'stick-table type ip size 1k store gpc0,gpt0';
    const rule = (r: string) => messages(body([t, `http-request ${r}`]));
    expect(rule('sc-inc-gpc0(3)')).toEqual([`alert 9: error detected in frontend 'fe' while parsing 'http-request sc-inc-gpc0(3)' rule : invalid stick table track ID. The max allowed ID is 2.`]);
    expect(rule('sc-inc-gpc(1)')).toEqual([`alert 9: error detected in frontend 'fe' while parsing 'http-request sc-inc-gpc(1)' rule : Missing gpc ID 'sc-inc-gpc(1)'. Expects sc-inc-gpc(<GPC ID>,<Track ID>).`]);
    expect(rule('track-sc0 src table')).toEqual([`alert 9: error detected in frontend 'fe' while parsing 'http-request track-sc0' rule : missing table name.`]);
    expect(rule('sc-set-gpt0(0) nosuchfetch')[0]).toMatch(/while parsing 'http-request sc-set-gpt0\(0\)' rule : .*unknown fetch method 'nosuchfetch'/);
    // Accepted as haproxy accepts them: no parentheses means counter 0.
    expect(rule('sc-inc-gpc0')).toEqual([]);
    expect(rule('sc-set-gpt0 5')).toEqual([]);
  });

  it('stick rules in TCP backends are compiled too', () => {
    const text = `${HEAD.replace('mode http', 'mode tcp')}listen l\n  bind 127.0.0.1:8080\n  stick-table type ip size 1k\n  stick on src\n  stick match nosuch_fetch\n  server s1 127.0.0.1:9\n`;
    expect(messages(text)).toEqual([expect.stringMatching(/^alert 10: .*unknown fetch method 'nosuch_fetch'/)]);
    const loaded = loadConfigText(text.replace('  stick match nosuch_fetch\n', ''), 't.cfg');
    expect(loaded.ok).toBe(true);
    expect([...loaded.rules!.stick.keys()].map((p) => p.name)).toEqual(['l']);
  });
});

describe('StickTables', () => {
  const load = (text: string) => {
    const l = loadConfigText(text, 't.cfg');
    if (!l.ok) throw new Error(l.diags.list.map((d) => d.message).join('\n'));
    return new StickTables(l.config);
  };

  it('one table per proxy, named after it; stick rule targets store server_id and server_key', () => {
    const t = load(body(['stick-table type ip size 100k expire 30s store http_req_rate(10s)', 'http-request track-sc0 src'], ['stick-table type ip size 1k expire 10m store conn_cur', 'stick on src']));
    expect(t.all.map((x) => x.name)).toEqual(['fe', 'be']);
    expect(t.get('be')!.cfg.store.map((s) => s.type)).toEqual(['server_id', 'conn_cur', 'server_key']);
    expect(t.get('fe')!.cfg.store.map((s) => s.type)).toEqual(['http_req_rate']);
    expect(t.show([])).toBe('# table: be, type: ip, size:1024, used:0\n# table: fe, type: ip, size:102400, used:0\n');
  });

  it('show and clear with filters', () => {
    const t = load(body(['stick-table type ip size 1k store http_req_cnt']));
    const fe = t.get('fe')!;
    const now = 1000;
    for (const [ip, n] of [['10.0.0.1', 1], ['10.0.0.2', 5]] as const) fe.add(fe.getOrCreate(ip, now)!, 'http_req_cnt', n, now);
    expect(t.show(['fe', 'data.http_req_cnt', 'gt', '2'], now).split('\n').filter(Boolean).map((l) => l.replace(/^0x[0-9a-f]+: /, ''))).toEqual([
      '# table: fe, type: ip, size:1024, used:2',
      'key=10.0.0.2 use=0 exp=0 http_req_cnt=5',
    ]);
    expect(t.show(['nosuch'])).toBe('No such table\n');
    expect(t.clear(['fe', 'key', '10.0.0.2'], now)).toBe('');
    expect(fe.used).toBe(1);
  });

  it('no tables: no per-session state', () => {
    expect(load(body([])).session('127.0.0.1')).toBeUndefined();
  });
});

describe('stick ops for the TCP engine (tcp-request connection)', () => {
  function env(name: string): ProxyEnv {
    return { kind: 'frontend', name, acls: new AclTable(), diags: new Diagnostics(), maps: new MapCache(), refs: {} as never, httpErrors: () => undefined, tableRefs: [] };
  }

  it('a connection-level tracker lives until the session ends and counts sessions', () => {
    const l = loadConfigText(body(['stick-table type ip size 1k store conn_cur,conn_cnt,sess_cnt,http_req_cnt']), 't.cfg');
    const tables = new StickTables(l.config);
    const e = env('fe');
    const op = compileStickOp('track-sc0', ['src'], new CompileCtx(e, 'tcp-request connection track-sc0', 'tcp-conn', { file: 't.cfg', line: 1 }), 'connection')!;
    expect(e.tableRefs).toEqual([{ table: 'fe', by: 'track-sc0' }]);
    const ss = tables.session('127.0.0.1')!;
    const sample = createSampleContext({ conn: { src: '127.0.0.1', srcPort: 1, dst: '127.0.0.1', dstPort: 2 }, stick: ss.fetch });
    op.run(ss, sample, 1000);
    ss.trackers.sessionAccepted(1000);
    ss.request(1001);
    ss.transactionEnd(10, 20, 1002);
    const fe = tables.get('fe')!;
    const entry = fe.lookup('127.0.0.1', 1003)!;
    expect([fe.get(entry, 'conn_cur', 1003), fe.get(entry, 'conn_cnt', 1003), fe.get(entry, 'sess_cnt', 1003), fe.get(entry, 'http_req_cnt', 1003)]).toEqual([1, 1, 1, 1]);
    ss.end(1004);
    expect(fe.get(entry, 'conn_cur', 1004)).toBe(0);
    expect(entry.ref).toBe(0);
  });
});
