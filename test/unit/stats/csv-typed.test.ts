import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { csvHeader } from '../../../src/stats/columns.js';
import { renderCsv } from '../../../src/stats/csv.js';
import { renderJson, renderTyped } from '../../../src/stats/typed.js';
import { fixtureSnapshot } from './snapshot.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/stats/${name}`, import.meta.url), 'utf8');

/** "F.3.0.4.scur.1:MGP:u32" for each typed line: everything but the value. */
const typedKeys = (text: string) =>
  text.split('\n').filter(Boolean).map((l) => l.split(':').slice(0, 3).join(':'));

describe('CSV', () => {
  it('prints the header of haproxy 2.6 byte for byte', () => {
    const header = fixture('haproxy-stat.csv').split('\n')[0] + '\n';
    expect(csvHeader()).toBe(header);
    expect(renderCsv(fixtureSnapshot()).split('\n')[0] + '\n').toBe(header);
  });

  it('leaves the same cells empty as haproxy for the same rows', () => {
    const ours = renderCsv(fixtureSnapshot(), { showLegends: true }).split('\n');
    const theirs = fixture('haproxy-stat.csv').split('\n');
    expect(ours.length).toBe(theirs.length);
    const shape = (line: string) => line.split(',').map((v) => (v === '' ? '' : 'x'));
    for (let i = 1; i < theirs.length; i++) {
      expect([ours[i]!.split(',').slice(0, 2).join(','), shape(ours[i]!)])
        .toEqual([theirs[i]!.split(',').slice(0, 2).join(','), shape(theirs[i]!)]);
    }
  });

  it('hides addresses and cookies without show-legends', () => {
    const csv = renderCsv(fixtureSnapshot());
    expect(csv).not.toContain('127.0.0.1');
    expect(renderCsv(fixtureSnapshot(), { showLegends: true })).toContain('127.0.0.1:19401');
  });

  it('filters by proxy, type mask and server id like show stat', () => {
    const names = (csv: string) => csv.split('\n').slice(1).filter(Boolean).map((l) => l.split(',').slice(0, 2).join('/'));
    expect(names(renderCsv(fixtureSnapshot(), { proxy: 'be_app', typeMask: 2 }))).toEqual(['be_app/BACKEND']);
    expect(names(renderCsv(fixtureSnapshot(), { proxy: 4, typeMask: 4, sid: 3 }))).toEqual(['be_app/s3']);
    expect(names(renderCsv(fixtureSnapshot(), { typeMask: 8 }))).toEqual(['fe_main/main_listener']);
    expect(names(renderCsv(fixtureSnapshot(), { scope: 'TCP' }))).toEqual(['fe_tcp/FRONTEND', 'be_tcp/t1', 'be_tcp/BACKEND']);
    const up = names(renderCsv(fixtureSnapshot(), { proxy: 'be_app', upOnly: true }));
    expect(up).toEqual(['be_app/s1', 'be_app/s2', 'be_app/s4', 'be_app/s5', 'be_app/s7', 'be_app/BACKEND']);
  });

  it('quotes fields with commas or quotes', () => {
    const snap = fixtureSnapshot();
    snap.proxies[2]!.servers![2]!.check!.info = 'bad "reply", sorry';
    expect(renderCsv(snap)).toContain(',"bad ""reply"", sorry",');
  });
});

describe('typed output', () => {
  it('prints the same fields, tags and types as haproxy for the same rows', () => {
    const ours = typedKeys(renderTyped(fixtureSnapshot(), { showLegends: true }));
    const theirs = typedKeys(fixture('haproxy-show-stat-typed.txt'));
    expect(ours).toEqual(theirs);
  });

  it('formats lines as T.iid.sid.pos.name.1:tags:type:value', () => {
    const out = renderTyped(fixtureSnapshot(), { showLegends: true });
    expect(out.startsWith('F.2.0.0.pxname.1:KNS:str:stats\n')).toBe(true);
    expect(out).toContain('S.4.3.56.last_chk.1:MOP:str:Connection refused\n');
    expect(out).toContain('S.4.1.56.last_chk.1:MOP:str:\n');
    expect(out).toContain('B.4.0.17.status.1:SGP:str:UP\n');
    expect(renderTyped(fixtureSnapshot(), { desc: true })).toMatch(/^F\.2\.0\.0\.pxname\.1:KNS:str:stats:"Proxy name"\n/);
  });
});

describe('JSON output', () => {
  it('has the shape and key order of show stat json', () => {
    const theirs = JSON.parse(fixture('haproxy-show-stat.json')) as unknown[][];
    const ours = JSON.parse(renderJson(fixtureSnapshot(), { showLegends: true })) as unknown[][];
    const strip = (rows: unknown[][]) =>
      rows.map((items) => items.map((it) => {
        const { value, ...rest } = it as { value: { type: string; value: unknown } };
        return JSON.stringify({ ...rest, value: { type: value.type } });
      }));
    expect(strip(ours)).toEqual(strip(theirs));
  });

  it('types numbers as JSON numbers and strings as strings', () => {
    const ours = JSON.parse(renderJson(fixtureSnapshot())) as { field: { name: string }; value: { value: unknown } }[][];
    const first = ours[0]!;
    expect(first.find((i) => i.field.name === 'slim')!.value.value).toBe(500);
    expect(first.find((i) => i.field.name === 'status')!.value.value).toBe('OPEN');
  });
});
