import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parseStickTable, StickTable, withServerId, type StickTableConfig } from '../../../src/persist/stick-table.js';
import { freqAdd, freqRead } from '../../../src/persist/freq-ctr.js';
import { clearTable, showTable } from '../../../src/persist/stick-cli.js';
import { Trackers } from '../../../src/persist/track.js';
import { stickFetch, STICK_FETCHES, type StickFetchContext } from '../../../src/persist/stick-fetch.js';
import { parseStickRule, parseTrackArgs, stickMatch, stickStore, type StickServer } from '../../../src/persist/stick-rules.js';

const where = { file: 't.cfg', line: 7 };
const fixture = (name: string) => new URL(`../../fixtures/persist/${name}`, import.meta.url);

function table(name: string, line: string): StickTable {
  const r = parseStickTable(line.split(' '), where);
  if (!('ok' in r)) throw new Error(r.error);
  return new StickTable(name, r.ok);
}

describe('parseStickTable against haproxy -c', () => {
  const cases = JSON.parse(readFileSync(fixture('stick-table-parse.json'), 'utf8')) as { args: string; exit: number; messages: string[] }[];
  for (const c of cases) {
    // Messages of the parser only (finalize-time checks such as unknown peers belong elsewhere).
    const parsing = c.messages.filter((m) => m.includes('parsing ['));
    test(c.args, () => {
      const r = parseStickTable(['stick-table', ...c.args.split(' ')], where);
      const text = (m: string) => m.replace(/^.*parsing \[c\.cfg:7\] ?: /, '');
      const alerts = parsing.filter((m) => m.startsWith('[ALERT]')).map(text);
      const warnings = parsing.filter((m) => m.startsWith('[WARNING]')).map(text);
      if (alerts.length) expect('error' in r ? r.error : 'accepted').toBe(alerts[0]);
      else expect('ok' in r ? 'accepted' : r.error).toBe('accepted');
      expect(r.warnings).toEqual(warnings);
    });
  }
  test('values', () => {
    const r = parseStickTable('type string len 16 size 1m expire 30s nopurge srvkey addr store gpc0,http_req_rate(10s) store conn_cur'.split(' '), where);
    expect('ok' in r && r.ok).toMatchObject({
      type: 'string',
      keyLen: 16,
      size: 1048576,
      expire: 30000,
      nopurge: true,
      srvkey: 'addr',
      store: [{ type: 'gpc0' }, { type: 'conn_cur' }, { type: 'http_req_rate', period: 10000 }],
    });
    const ok = 'ok' in r ? r.ok : ({} as StickTableConfig);
    expect(withServerId(ok).store[0]).toEqual({ type: 'server_id' });
  });
});

describe('frequency counters (haproxy freq_ctr_period)', () => {
  test('current period, sliding previous period, then nothing', () => {
    const d = new Float64Array(3);
    const P = 10_000;
    for (let i = 0; i < 6; i++) freqAdd(d, 0, P, 1, 100_000);
    expect(freqRead(d, 0, P, 100_000)).toBe(6);
    expect(freqRead(d, 0, P, 105_000)).toBe(6);
    expect(freqRead(d, 0, P, 115_000)).toBe(3); // half of the previous period still counts
    expect(freqRead(d, 0, P, 117_500)).toBe(1);
    expect(freqRead(d, 0, P, 120_001)).toBe(0);
    freqAdd(d, 0, P, 4, 112_000); // rotation: 6 become "previous"
    expect(freqRead(d, 0, P, 112_000)).toBe(Math.floor((6 * 8000 + 4 * P) / P));
    freqAdd(d, 0, P, 1, 200_000); // two periods later: the past is dropped
    expect(freqRead(d, 0, P, 200_000)).toBe(1);
  });
});

describe('entries: expiry and LRU eviction', () => {
  test('least recently updated entry goes first, entries in use stay', () => {
    const t = table('t', 'type string size 2 store gpc0');
    const a = t.getOrCreate('a', 0)!;
    t.getOrCreate('b', 1);
    t.add(a, 'gpc0', 1, 2);
    t.touch(a, 2);
    t.getOrCreate('c', 3);
    expect(t.lookup('b', 3)).toBeUndefined();
    expect(t.lookup('a', 3)).toBeDefined();
    t.lookup('a', 3)!.ref = 1;
    t.lookup('c', 3)!.ref = 1;
    expect(t.getOrCreate('d', 4)).toBeUndefined();
  });
  test('nopurge refuses new keys when full', () => {
    const t = table('t', 'type integer size 1 nopurge');
    expect(t.getOrCreate('1', 0)).toBeDefined();
    expect(t.getOrCreate('2', 0)).toBeUndefined();
  });
  test('expire counts from the last update; held entries do not expire', () => {
    const t = table('t', 'type ip size 10 expire 10s store conn_cnt');
    const e = t.getOrCreate('10.0.0.1', 0)!;
    expect(t.lookup('10.0.0.1', 9_999)).toBe(e);
    t.touch(e, 5_000);
    expect(t.lookup('10.0.0.1', 14_999)).toBe(e);
    e.ref = 1;
    expect(t.lookup('10.0.0.1', 20_000)).toBe(e);
    e.ref = 0;
    expect(t.lookup('10.0.0.1', 20_000)).toBeUndefined();
    expect(t.used).toBe(0);
  });
  test('key normalization per type', () => {
    expect(table('t', 'type ip size 1').normalizeKey('::ffff:1.2.3.4')).toBe('1.2.3.4');
    expect(table('t', 'type ip size 1').normalizeKey('::1')).toBeUndefined();
    expect(table('t', 'type ipv6 size 1').normalizeKey('1.2.3.4')).toBe('::ffff:1.2.3.4');
    expect(table('t', 'type integer size 1').normalizeKey('42')).toBe('42');
    expect(table('t', 'type string len 4 size 1').normalizeKey('abcdef')).toBe('abcd');
    expect(table('t', 'type binary len 6 size 1').normalizeKey('aGk=')).toBe('61476B3D0000');
  });
});

describe('tracking lifecycle', () => {
  test('track, count requests, release at transaction and session end', () => {
    const t = table('t', 'type ip size 10 expire 30s store conn_cur,conn_cnt,conn_rate(10s),sess_cnt,http_req_cnt,http_req_rate(10s),http_err_cnt,bytes_in_cnt,bytes_out_rate(1m)');
    const tr = new Trackers();
    expect(tr.track(0, t, '1.2.3.4', 'connection', 0)).toBe(true);
    expect(tr.track(0, t, '1.2.3.4', 'connection', 0)).toBe(false);
    tr.sessionAccepted(0);
    tr.httpRequest(1);
    expect(tr.track(1, t, '1.2.3.4', 'http', 1)).toBe(true);
    const e = t.lookup('1.2.3.4', 1)!;
    expect([e.ref, t.get(e, 'conn_cur', 1), t.get(e, 'conn_cnt', 1), t.get(e, 'http_req_cnt', 1), t.get(e, 'sess_cnt', 1)]).toEqual([2, 2, 2, 2, 1]);
    tr.httpError(2);
    tr.bytesIn(100, 2);
    tr.bytesOut(50, 2);
    // both trackers count the same entry
    expect([t.get(e, 'http_err_cnt', 2), t.get(e, 'bytes_in_cnt', 2), t.get(e, 'bytes_out_rate', 2)]).toEqual([2, 200, 100]);
    tr.transactionEnd(3);
    expect([e.ref, t.get(e, 'conn_cur', 3), tr.tracked(0), tr.tracked(1)]).toEqual([1, 1, true, false]);
    tr.sessionEnd(4);
    expect([e.ref, t.get(e, 'conn_cur', 4), tr.tracked(0)]).toEqual([0, 0, false]);
    expect(e.expireAt).toBe(30_004);
  });
});

describe('fetches', () => {
  const setup = () => {
    const own = table('be', 'type ip size 10 expire 1m store http_req_rate(10s),conn_cur,gpc0,gpc0_rate(1s),bytes_in_cnt');
    const other = table('other', 'type ip size 5 store gpt0');
    const tr = new Trackers();
    const ctx: StickFetchContext = { trackers: tr, src: '10.1.1.1', ownTable: own, table: (n) => ({ be: own, other })[n], now: 1000 };
    return { own, other, tr, ctx };
  };
  const f = (name: string) => stickFetch(name)!.fetch;
  test('sc_* fail when not tracked or not stored, read once tracked', () => {
    const { own, tr, ctx } = setup();
    expect(f('sc_http_req_rate')(ctx, 0, undefined)).toBeUndefined();
    expect(f('sc_tracked')(ctx, 0, undefined)).toBe(false);
    tr.track(0, own, '10.1.1.1', 'http', 1000);
    expect(f('sc_http_req_rate')(ctx, 0, undefined)).toBe(1);
    expect(f('sc0_http_req_rate')(ctx, 0, undefined)).toBe(1);
    expect(f('sc1_http_req_rate')(ctx, 0, undefined)).toBeUndefined();
    expect(f('sc_conn_cur')(ctx, 0, undefined)).toBe(1);
    expect(f('sc_http_err_rate')(ctx, 0, undefined)).toBeUndefined();
    expect(f('sc_tracked')(ctx, 0, undefined)).toBe(true);
    expect(f('sc_trackers')(ctx, 0, undefined)).toBe(1);
    expect(f('sc_inc_gpc0')(ctx, 0, undefined)).toBe(1);
    expect(f('sc0_inc_gpc0')(ctx, 0, undefined)).toBe(2);
    expect(f('sc_get_gpc0')(ctx, 0, undefined)).toBe(2);
    expect(f('sc_gpc0_rate')(ctx, 0, undefined)).toBe(2);
    expect(f('sc_clr_gpc0')(ctx, 0, undefined)).toBe(2);
    expect(f('sc_get_gpc0')(ctx, 0, undefined)).toBe(0);
    tr.bytesIn(3 * 1024 + 5, 1000);
    expect(f('sc_kbytes_in')(ctx, 0, undefined)).toBe(3);
    // with a table argument the tracked key is looked up there
    expect(f('sc_get_gpt0')(ctx, 0, 'other')).toBe(0);
    expect(f('sc_get_gpt0')(ctx, 0, 'nope')).toBeUndefined();
  });
  test('src_* look the client up (0 when absent); src_inc_gpc0 creates; table_*', () => {
    const { own, ctx } = setup();
    expect(f('src_http_req_rate')(ctx, 0, undefined)).toBe(0);
    expect(f('src_conn_cur')(ctx, 0, undefined)).toBe(0);
    expect(f('src_conn_rate')(ctx, 0, undefined)).toBeUndefined();
    expect(own.used).toBe(0);
    expect(f('src_inc_gpc0')(ctx, 0, undefined)).toBe(1);
    expect(f('src_get_gpc0')(ctx, 0, 'be')).toBe(1);
    expect(f('table_cnt')(ctx, 0, undefined)).toBe(1);
    expect(f('table_avl')(ctx, 0, 'be')).toBe(9);
    expect(f('table_cnt')(ctx, 0, 'nope')).toBeUndefined();
  });
  test('every sc fetch exists for sc_, sc0_, sc1_ and sc2_', () => {
    const names = new Set(STICK_FETCHES.map((d) => d.name));
    for (const s of ['http_req_rate', 'http_req_cnt', 'conn_cur', 'conn_rate', 'conn_cnt', 'get_gpc0', 'inc_gpc0', 'http_err_rate', 'bytes_in_rate']) {
      for (const p of ['sc_', 'sc0_', 'sc1_', 'sc2_']) expect(names.has(p + s), p + s).toBe(true);
    }
    for (const n of ['src_conn_rate', 'src_conn_cur', 'src_http_req_rate', 'src_get_gpc0', 'table_avl', 'table_cnt']) expect(names.has(n), n).toBe(true);
  });
});

describe('stick rules', () => {
  const servers: StickServer[] = [
    { name: 'web1', id: 1, addr: '10.0.0.1:80', up: true },
    { name: 'web2', id: 2, addr: '10.0.0.2:80', up: false },
  ];
  test('parse', () => {
    expect(parseStickRule(['stick', 'on', 'src', 'table', 'st', 'if', '{', 'path', '/', '}'])).toEqual({
      ok: { kind: 'on', pattern: 'src', table: 'st', cond: ['if', '{', 'path', '/', '}'] },
    });
    expect('error' in parseStickRule(['stick', 'under', 'src'])).toBe(true);
    expect(parseTrackArgs('track-sc1', ['src', 'table', 'st'])).toEqual({ ok: { ctr: 1, key: 'src', table: 'st' } });
    expect('error' in parseTrackArgs('track-sc3', ['src'])).toBe(true);
  });
  test('store then match; a DOWN server only with persist', () => {
    const r = parseStickTable('type ip size 10 store server_key'.split(' '), where);
    const t = new StickTable('be', withServerId('ok' in r ? r.ok : ({} as StickTableConfig)));
    stickStore(t, '1.1.1.1', servers[0]!, 0);
    stickStore(t, '2.2.2.2', servers[1]!, 0);
    const opts = { persist: false, forcePersist: false, now: 1 };
    expect(stickMatch(t, t.lookup('1.1.1.1', 1), servers, opts)?.name).toBe('web1');
    expect(stickMatch(t, t.lookup('2.2.2.2', 1), servers, opts)).toBeUndefined();
    expect(stickMatch(t, t.lookup('2.2.2.2', 1), servers, { ...opts, persist: true })?.name).toBe('web2');
    expect(stickMatch(t, t.lookup('3.3.3.3', 1), servers, opts)).toBeUndefined();
  });
});

describe('show table / clear table (format captured from haproxy 2.6)', () => {
  const cap = JSON.parse(readFileSync(fixture('show-table.json'), 'utf8')) as Record<string, string>;
  const noAddr = (s: string) => s.replace(/^0x[0-9a-f]+:/gm, '0x?:');

  test('ip table with counters, rates and expiry', () => {
    const t = table('st', 'type ip size 1m expire 30s store http_req_rate(10s),conn_cur,gpc0,conn_cnt,http_req_cnt,bytes_out_rate(1m),gpc0_rate(1s),server_id,gpt0');
    for (let i = 0; i < 6; i++) {
      const tr = new Trackers();
      tr.track(0, t, '127.0.0.1', 'http', 100_000 + i * 10);
      if (i === 3) stickFetch('sc_inc_gpc0')!.fetch({ trackers: tr, table: () => undefined, now: 100_030 }, 0, undefined);
      tr.bytesOut(73, 100_000 + i * 10);
      tr.sessionEnd(100_000 + i * 10);
    }
    const now = 100_050 + 30_000 - 29_620;
    expect(noAddr(showTable([t], ['st'], now))).toBe(noAddr(cap['st']!));
  });
  test('every data type in order; string, binary and integer keys; server_key', () => {
    const all = table(
      'all',
      'type ip size 100 expire 1h store server_id,gpt0,gpc0,gpc0_rate(1s),gpc1,gpc1_rate(1s),conn_cnt,conn_rate(1s),conn_cur,sess_cnt,sess_rate(1s),http_req_cnt,http_req_rate(1s),http_err_cnt,http_err_rate(1s),bytes_in_cnt,bytes_in_rate(1s),bytes_out_cnt,bytes_out_rate(1s),server_key,http_fail_cnt,http_fail_rate(1s)',
    );
    for (let i = 0; i < 3; i++) {
      const tr = new Trackers();
      tr.track(0, all, '127.0.0.1', 'http', 1000 + i);
      if (i === 1) tr.httpError(1000 + i);
      tr.bytesIn(88, 1000 + i);
      tr.bytesOut([600, 584, 600][i]!, 1000 + i);
      tr.sessionEnd(1000 + i);
    }
    expect(noAddr(showTable([all], ['all'], 1002 + 3_600_000 - 3_599_632))).toBe(noAddr(cap['all']!));

    const st2 = table('st2', 'type string len 16 size 10 expire 1m store http_req_cnt,http_err_rate(10s)');
    for (const [k, at] of [['alice', 0], ['a very long user name beyond', 26]] as const) {
      const tr = new Trackers();
      tr.track(1, st2, st2.normalizeKey(k)!, 'http', at);
      tr.transactionEnd(at);
    }
    expect(noAddr(showTable([st2], ['st2'], 407))).toBe(noAddr(cap['st2']!));

    const bin = table('bin', 'type binary len 6 size 10');
    bin.getOrCreate(bin.normalizeKey('aGk=')!, 0);
    expect(noAddr(showTable([bin], ['bin'], 5))).toBe(noAddr(cap['bin']!));

    const int = table('int', 'type integer size 10 store http_req_cnt');
    const tr = new Trackers();
    tr.track(1, int, int.normalizeKey('42')!, 'http', 0);
    tr.sessionEnd(0);
    expect(noAddr(showTable([int], ['int'], 5))).toBe(noAddr(cap['int']!));

    const be = table('be', 'type ip size 10 store server_id,server_key srvkey name');
    stickStore(be, '127.0.0.1', { name: 'web1', id: 1, up: true }, 0);
    expect(noAddr(showTable([be], ['be'], 5))).toBe(noAddr(cap['be']!));
  });
  test('listing, filters, unknown names and clear', () => {
    const st = table('st', 'type ip size 1m expire 30s store http_req_cnt');
    const st2 = table('st2', 'type string len 16 size 10 expire 1m store http_req_cnt');
    const st3 = table('st3', 'type integer size 5');
    st2.getOrCreate('a', 0);
    st2.getOrCreate('b', 0);
    st.getOrCreate('10.0.0.1', 0);
    expect(showTable([st, st2, st3], [], 0)).toBe(cap['list']!);
    expect(showTable([st], ['nope'], 0)).toBe(cap['noSuchTable']!);
    expect(showTable([st], ['st', 'data.foo', 'gt', '1'], 0)).toBe(cap['unknownFilter']!);
    const e = st.lookup('10.0.0.1', 0)!;
    st.add(e, 'http_req_cnt', 3, 0);
    st.getOrCreate('10.0.0.2', 0);
    expect(showTable([st], ['st', 'data.http_req_cnt', 'gt', '2'], 0).split('\n').length).toBe(3);
    expect(showTable([st], ['st', 'key', '10.0.0.2'], 0)).toMatch(/key=10\.0\.0\.2 /);
    expect(clearTable([st, st2], ['st2', 'key', 'a'], 0)).toBe('');
    expect(st2.used).toBe(1);
    expect(clearTable([st], ['st'], 0)).toBe('');
    expect(st.used).toBe(0);
    expect(clearTable([st], ['nope'], 0)).toBe(cap['noSuchTable']!);
  });
});
