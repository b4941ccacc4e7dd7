import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { escapeLabel, parsePromQuery, renderPrometheus } from '../../../src/stats/prometheus.js';
import { fixtureSnapshot } from './snapshot.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/stats/${name}`, import.meta.url), 'utf8');

interface Sample { name: string; labels: [string, string][]; value: string }

/**
 * A small checker for the text exposition format 0.0.4: every sample belongs
 * to a metric announced by HELP then TYPE, names and labels are well formed,
 * label values are correctly escaped, values are numbers or NaN.
 */
function parseExposition(text: string): { samples: Sample[]; types: Map<string, string> } {
  const types = new Map<string, string>();
  const helps = new Set<string>();
  const samples: Sample[] = [];
  expect(text.endsWith('\n')).toBe(true);
  for (const line of text.slice(0, -1).split('\n')) {
    let m = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (m) {
      expect(helps.has(m[1]!), `duplicate HELP ${m[1]}`).toBe(false);
      helps.add(m[1]!);
      continue;
    }
    m = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge)$/.exec(line);
    if (m) {
      expect(helps.has(m[1]!), `TYPE before HELP for ${m[1]}`).toBe(true);
      expect(types.has(m[1]!), `duplicate TYPE ${m[1]}`).toBe(false);
      types.set(m[1]!, m[2]!);
      continue;
    }
    m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (.+)$/.exec(line);
    expect(m, `bad line: ${line}`).not.toBeNull();
    const [, name, rawLabels, value] = m!;
    expect(types.has(name!), `sample without TYPE: ${line}`).toBe(true);
    expect(value).toMatch(/^(NaN|[+-]?Inf|-?\d+(\.\d+)?([eE][+-]?\d+)?)$/);
    const labels: [string, string][] = [];
    if (rawLabels !== undefined) {
      const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/y;
      let pos = 0;
      while (pos < rawLabels.length) {
        re.lastIndex = pos;
        const lm = re.exec(rawLabels);
        expect(lm, `bad labels: ${rawLabels}`).not.toBeNull();
        labels.push([lm![1]!, lm![2]!.replace(/\\(.)/g, (_, ch: string) => (ch === 'n' ? '\n' : ch))]);
        pos = re.lastIndex;
      }
    }
    samples.push({ name: name!, labels, value: value! });
  }
  return { samples, types };
}

describe('prometheus exporter', () => {
  it('is valid exposition format', () => {
    const { samples } = parseExposition(renderPrometheus(fixtureSnapshot()));
    expect(samples.length).toBeGreaterThan(500);
  });

  it('exports the same metrics, types and labels as promex for the same objects', () => {
    const ours = parseExposition(renderPrometheus(fixtureSnapshot()));
    const theirs = parseExposition(fixture('haproxy-metrics.txt'));
    const key = (s: Sample) => s.name + JSON.stringify(s.labels.filter(([k]) => k !== 'version'));
    expect(ours.samples.map(key)).toEqual(theirs.samples.map(key));
    expect([...ours.types]).toEqual([...theirs.types]);
  });

  it('uses NaN for empty fields and seconds with 6 decimals', () => {
    const snap = fixtureSnapshot();
    const s1 = snap.proxies[2]!.servers![0]!;
    s1.counters.recordTimes(0, 3, 12, 20);
    const out = renderPrometheus(snap);
    expect(out).toContain('haproxy_server_limit_sessions{proxy="be_app",server="s1"} NaN\n');
    expect(out).toContain('haproxy_server_limit_sessions{proxy="be_app",server="s2"} 20\n');
    expect(out).toContain('haproxy_server_response_time_average_seconds{proxy="be_app",server="s1"} 0.012000\n');
    expect(out).toContain('haproxy_server_check_duration_seconds{proxy="be_app",server="s1"} 0.001000\n');
    expect(out).toContain('haproxy_process_build_info{version="0.1.0"} 1\n');
    expect(out).toContain('haproxy_server_status{proxy="be_app",server="s2",state="DRAIN"} 1\n');
    expect(out).toContain('haproxy_server_status{proxy="be_app",server="s6",state="MAINT"} 1\n');
    expect(out).toContain('haproxy_backend_agg_server_status{proxy="be_app",state="UP"} 4\n');
    expect(out).toContain('haproxy_backend_agg_check_status{proxy="be_app",state="L7OK"} 3\n');
  });

  it('escapes label values', () => {
    expect(escapeLabel('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
    const snap = fixtureSnapshot();
    snap.proxies[2]!.name = 'we"ird\\name';
    const { samples } = parseExposition(renderPrometheus(snap));
    expect(samples.some((s) => s.labels.some(([, v]) => v === 'we"ird\\name'))).toBe(true);
  });

  it('filters by scope and maintenance', () => {
    const only = renderPrometheus(fixtureSnapshot(), { scopes: ['backend'] });
    expect(only).toMatch(/^# HELP haproxy_backend_current_queue /);
    expect(only).not.toContain('haproxy_server_');
    expect(renderPrometheus(fixtureSnapshot(), { noMaint: true })).not.toContain('server="s6"');
    expect(parsePromQuery('scope=frontend&scope=server&no-maint')).toEqual({ scopes: ['frontend', 'server'], noMaint: true });
    expect(parsePromQuery('scope=bogus')).toBeUndefined();
  });
});
