import { describe, expect, it } from 'vitest';
import { ADMIN_ACTIONS } from '../../../src/stats/admin.js';
import { htmlHeaders, renderHtml, serverRowClass } from '../../../src/stats/html.js';
import { STATE_COLOURS } from '../../../src/stats/html-style.js';
import type { ServerStats } from '../../../src/stats/model.js';
import { check, fixtureSnapshot, server } from './snapshot.js';

const base = { uri: '/haproxy?stats' };

/** The class of the <tr> that holds the link to server `name`. */
function rowClassOf(html: string, name: string): string | undefined {
  const i = html.indexOf(`>${name}</a>`);
  const tr = html.lastIndexOf('<tr class="', i);
  return /<tr class="([^"]+)"/.exec(html.slice(tr))?.[1];
}

describe('stats page', () => {
  it('colours each server row by state', () => {
    const html = renderHtml(fixtureSnapshot(), base);
    expect(rowClassOf(html, 's1')).toBe('active_up');
    expect(rowClassOf(html, 's2')).toBe('active_draining');
    expect(rowClassOf(html, 's3')).toBe('active_down');
    expect(rowClassOf(html, 's4')).toBe('active_no_check');
    expect(rowClassOf(html, 's5')).toBe('backup_up');
    expect(rowClassOf(html, 's6')).toBe('maintain');
  });

  it('uses the HAProxy colours for the state classes', () => {
    const html = renderHtml(fixtureSnapshot(), base);
    expect(STATE_COLOURS).toMatchObject({
      active_up: '#c0ffc0', active_going_down: '#ffffa0', active_going_up: '#ffd020', active_down: '#ff9090',
      active_nolb: '#20a0ff', active_draining: '#20a0ff', active_no_check: '#e0e0e0', backup_up: '#b0d0ff',
      backup_going_down: '#c060ff', backup_going_up: '#ff80ff', backup_down: '#ff9090', backup_nolb: '#90b0e0',
      backup_draining: '#cc9900', maintain: '#c07820',
    });
    for (const [cls, colour] of Object.entries(STATE_COLOURS)) expect(html).toContain(`.${cls} { background: ${colour}; }`);
  });

  it('names the transition classes', () => {
    const row = (sv: ServerStats) => serverRowClass({ kind: 'S', px: fixtureSnapshot().proxies[2]!, be: fixtureSnapshot().proxies[2]!.backend!, sv, now: 0, opts: { showLegends: false } });
    expect(row(server('a', 1, { check: check({ health: 3 }) }))).toBe('active_going_down');
    expect(row(server('a', 1, { state: 'stopped', check: check({ health: 1 }) }))).toBe('active_going_up');
    expect(row(server('a', 1, { backup: true, state: 'stopped', check: check({ health: 1 }) }))).toBe('backup_going_up');
    expect(row(server('a', 1, { backup: true, check: check({ health: 3 }) }))).toBe('backup_going_down');
    expect(row(server('a', 1, { backup: true, state: 'stopping', check: check() }))).toBe('backup_nolb');
    expect(row(server('a', 1, { backup: true, admin: { drain: true } }))).toBe('backup_draining');
    expect(row(server('a', 1, { backup: true, state: 'stopped', check: check({ health: 0 }) }))).toBe('backup_down');
  });

  it('escapes proxy, server and description text', () => {
    const snap = fixtureSnapshot();
    snap.proxies[2]!.servers![0]!.name = '<img src=x onerror=alert(1)>';
    snap.proxies[2]!.desc = 'a & b <script>';
    snap.info.node = '"node"';
    const html = renderHtml(snap, { ...base, showNode: true });
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('a &amp; b &lt;script&gt;');
    expect(html).toContain('on &quot;node&quot;');
  });

  it('shows the process block, the legend and one table per proxy', () => {
    const html = renderHtml(fixtureSnapshot(), base);
    expect(html).toContain('<meta name="viewport"');
    expect(html).toContain('<b>pid = </b>4242 (process #1, nbproc = 1, nbthread = 1)');
    expect(html).toContain('<b>uptime = </b>0d 1h02m03s');
    expect(html).toContain('current conns = 3;');
    expect(html).toContain('Running tasks: 1/12; idle = 97 %');
    expect(html).toContain('portico version 0.1.0, released 2026/11/21');
    expect(html.match(/<table class="px">/g)).toHaveLength(5);
    for (const g of ['Queue', 'Session rate', 'Sessions', 'Bytes', 'Denied', 'Errors', 'Warnings', 'Server']) {
      expect(html).toContain(`>${g}</th>`);
    }
    expect(html).toContain('<i>no check</i>');
    expect(html).toContain('L7OK/200 in 1ms');
    expect(html).toContain('via be_app/s1');
  });

  it('honours hide-version, scope, up and legends', () => {
    const snap = fixtureSnapshot();
    expect(renderHtml(snap, { ...base, hideVersion: true })).not.toContain('0.1.0');
    const scoped = renderHtml(snap, { ...base, scope: 'tcp' });
    expect(scoped.match(/<table class="px">/g)).toHaveLength(2);
    const up = renderHtml(snap, { ...base, upOnly: true });
    expect(up).not.toContain('>s3</a>');
    expect(up).not.toContain('>s6</a>');
    expect(up).toContain('Show all servers');
    expect(renderHtml(snap, base)).not.toContain('127.0.0.1');
    expect(renderHtml(snap, { ...base, showLegends: true })).toContain('127.0.0.1:19401');
  });

  it('offers refresh links and headers', () => {
    expect(htmlHeaders({ ...base, refresh: 5 })).toEqual({ 'cache-control': 'no-cache', 'content-type': 'text/html', refresh: '5' });
    expect(htmlHeaders({ ...base, refresh: 5, norefresh: true })).not.toHaveProperty('refresh');
    const html = renderHtml(fixtureSnapshot(), { ...base, refresh: 5 });
    expect(html).toContain('href="/haproxy?stats;norefresh">Disable refresh');
    expect(html).toContain('href="/haproxy?stats;csv;norefresh">CSV export');
    expect(html).toContain('<form method="get" action="/haproxy"><input type="hidden" name="stats" value="">');
  });

  it('adds checkboxes and the action form in admin mode', () => {
    const html = renderHtml(fixtureSnapshot(), { ...base, admin: true });
    expect(html).toContain('<form method="post" action="/haproxy?stats">');
    expect(html).toContain('<input type="checkbox" name="s" value="s1"');
    expect(html).toContain('<input type="hidden" name="b" value="#4">');
    const options = [...html.matchAll(/<option value="([a-z]+)">/g)].map((m) => m[1]);
    expect(options.slice(0, ADMIN_ACTIONS.length)).toEqual(
      ['ready', 'drain', 'maint', 'dhlth', 'ehlth', 'hrunn', 'hnolb', 'hdown', 'dagent', 'eagent', 'arunn', 'adown', 'shutdown']);
    expect(renderHtml(fixtureSnapshot(), base)).not.toContain('name="action"');
  });

  it('shows a banner for each admin result', () => {
    const expectations: [string, string, string][] = [
      ['DONE', 'active_up', 'Action processed successfully.'],
      ['NONE', 'active_going_down', 'Nothing has changed.'],
      ['PART', 'active_going_down', 'Action partially processed.'],
      ['ERRP', 'active_down', 'invalid parameters'],
      ['EXCD', 'active_down', 'too much data'],
      ['DENY', 'active_down', 'Action denied.'],
      ['whatever', 'active_no_check', 'Unexpected result.'],
    ];
    for (const [st, cls, text] of expectations) {
      const html = renderHtml(fixtureSnapshot(), { ...base, status: st });
      expect(html).toContain(`<div class="banner ${cls}" role="status">`);
      expect(html).toContain(text);
    }
    expect(renderHtml(fixtureSnapshot(), base)).not.toContain('class="banner');
  });
});
