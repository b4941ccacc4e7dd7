import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatUptime, processInfo, renderInfo, renderInfoJson, renderInfoTyped } from '../../../src/stats/info.js';
import { NOW, info } from './snapshot.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/stats/${name}`, import.meta.url), 'utf8');
const lines = (s: string) => s.split('\n').filter(Boolean);

describe('show info', () => {
  it('prints the keys of haproxy 2.6 in the same order', () => {
    const keys = (s: string) => lines(s).map((l) => l.slice(0, l.indexOf(':')));
    expect(keys(renderInfo(info(), NOW))).toEqual(keys(fixture('haproxy-show-info.txt')));
  });

  it('prints portico values', () => {
    const out = renderInfo(info(), NOW);
    expect(out).toMatch(/^Name: portico\nVersion: 0\.1\.0\nRelease_date: 2026\/11\/21\n/);
    expect(out).toContain('\nUptime: 0d 1h02m03s\nUptime_sec: 3723\n');
    expect(out).toContain('\nPid: 4242\n');
    expect(out).toContain('\nnode: node1\ndescription: test node\n');
  });

  it('typed output has the positions, tags and types of haproxy', () => {
    const shape = (s: string) => lines(s).map((l) => l.split(':').slice(0, 3).join(':'));
    expect(shape(renderInfoTyped(info(), NOW))).toEqual(shape(fixture('haproxy-show-info-typed.txt')));
  });

  it('json output has the structure of haproxy', () => {
    const strip = (s: string) =>
      (JSON.parse(s) as { value: { type: string } }[]).map(({ value, ...rest }) => JSON.stringify({ ...rest, t: value.type }));
    expect(strip(renderInfoJson(info(), NOW))).toEqual(strip(fixture('haproxy-show-info.json')));
  });

  it('formats uptimes', () => {
    expect(formatUptime(0)).toBe('0d 0h00m00s');
    expect(formatUptime(90061)).toBe('1d 1h01m01s');
  });

  it('fills process figures from node', () => {
    const p = processInfo({ maxconn: 10 });
    expect(p.pid).toBe(process.pid);
    expect(p.maxconn).toBe(10);
    expect(p.poolAllocBytes).toBeGreaterThan(0);
    expect(p.startTime).toBeLessThanOrEqual(Date.now());
  });
});
