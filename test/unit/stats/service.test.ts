import { afterEach, describe, expect, it } from 'vitest';
import { loadConfigText } from '../../../src/config/load.js';
import type { Proxy } from '../../../src/config/model.js';
import { Runtime } from '../../../src/runtime/runtime.js';
import { serveStats, servePrometheus, statsRequestMatches, type StatsHttpRequest } from '../../../src/stats/service.js';

const CFG = `
defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
frontend fe
  bind 127.0.0.1:0
  default_backend app
backend app
  server s1 127.0.0.1:1 weight 3
  server s2 127.0.0.1:2
listen st
  bind 127.0.0.1:0
  stats uri /stats
  stats realm Portico\\ Stats
  stats auth admin:pw
  stats refresh 5s
  stats scope .
  stats scope app
listen open
  bind 127.0.0.1:0
  stats enable
`;

let rt: Runtime | undefined;
afterEach(async () => {
  await rt?.stop(true);
  rt = undefined;
});

function setup(): { rt: Runtime; st: Proxy; open: Proxy } {
  const loaded = loadConfigText(CFG);
  expect(loaded.diags.list.filter((d) => d.level === 'alert')).toEqual([]);
  rt = new Runtime(loaded.config);
  const st = loaded.config.proxies.find((p) => p.name === 'st')!;
  const open = loaded.config.proxies.find((p) => p.name === 'open')!;
  return { rt, st, open };
}

const auth = ['authorization', `Basic ${Buffer.from('admin:pw').toString('base64')}`];
function req(uri: string, extra: Partial<StatsHttpRequest> = {}): StatsHttpRequest {
  return { method: 'GET', uri, headers: auth, body: Buffer.alloc(0), src: '127.0.0.1', secure: false, ...extra };
}
const hdr = (h: string[], n: string) => h[h.indexOf(n) + 1];

describe('stats service', () => {
  it('matches the stats uri as a prefix, default /haproxy?stats', () => {
    const { st, open } = setup();
    expect(statsRequestMatches(st, '/stats;csv')).toBe(true);
    expect(statsRequestMatches(st, '/other')).toBe(false);
    expect(statsRequestMatches(open, '/haproxy?stats')).toBe(true);
    expect(statsRequestMatches(open, '/haproxy')).toBe(false);
  });

  it('asks for credentials with the configured realm, exactly as HAProxy', () => {
    const { rt, st } = setup();
    const r = serveStats(rt, st, req('/stats', { headers: [] }));
    expect(r.status).toBe(401);
    expect(hdr(r.headers, 'www-authenticate')).toBe('Basic realm="Portico Stats"');
    expect(r.body.length).toBe(112);
    const bad = serveStats(rt, st, req('/stats', { headers: ['authorization', `Basic ${Buffer.from('admin:no').toString('base64')}`] }));
    expect(bad.status).toBe(401);
    const open = setup().open;
    expect(hdr(serveStats(rt, open, req('/haproxy?stats', { headers: [] })).headers, 'content-type')).toBe('text/html');
  });

  it('serves CSV limited to the stats scope, with refresh unless ;norefresh', () => {
    const { rt, st } = setup();
    const r = serveStats(rt, st, req('/stats;csv'));
    expect(r.status).toBe(200);
    expect(hdr(r.headers, 'content-type')).toBe('text/plain');
    expect(hdr(r.headers, 'refresh')).toBe('5');
    const lines = r.body.toString().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^# pxname,svname,qcur/);
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 2).join('/'))).toEqual([
      'app/s1', 'app/s2', 'app/BACKEND', 'st/FRONTEND', 'st/BACKEND',
    ]);
    const nr = serveStats(rt, st, req('/stats;csv;norefresh'));
    expect(nr.headers).not.toContain('refresh');
  });

  it('serves JSON, the JSON schema and HTML', () => {
    const { rt, st } = setup();
    const j = JSON.parse(serveStats(rt, st, req('/stats;json')).body.toString()) as unknown[][];
    expect(j.length).toBe(5);
    const schema = JSON.parse(serveStats(rt, st, req('/stats;json-schema')).body.toString()) as { oneOf: unknown[] };
    expect(schema.oneOf.length).toBe(3);
    const html = serveStats(rt, st, req('/stats'));
    expect(hdr(html.headers, 'content-type')).toBe('text/html');
    expect(html.body.toString()).toContain('<title>Statistics Report for');
    expect(html.body.toString()).not.toContain('name="action"');
  });

  it('applies admin POSTs and answers 303 to ;st=CODE', () => {
    const { rt, st } = setup();
    const body = Buffer.from('s=s1&s=zz&action=maint&b=app');
    const denied = serveStats(rt, st, req('/stats', { method: 'POST', body }));
    expect(denied.status).toBe(303);
    expect(hdr(denied.headers, 'location')).toBe('/stats;st=DENY');
    const s1 = rt.backends.get('app')!.servers[0]!;
    expect(s1.admin.maint).toBe(false);
    const part = serveStats(rt, st, req('/stats;up;norefresh', { method: 'POST', body, admin: true }));
    expect(hdr(part.headers, 'location')).toBe('/stats;st=PART;up;norefresh');
    expect(s1.admin.maint).toBe(true);
    const id = rt.backends.get('app')!.id;
    const ok = serveStats(rt, st, req('/stats', { method: 'POST', body: Buffer.from(`s=s1&action=ready&b=%23${id}`), admin: true }));
    expect(hdr(ok.headers, 'location')).toBe('/stats;st=DONE');
    expect(s1.admin.maint).toBe(false);
    const none = serveStats(rt, st, req('/stats', { method: 'POST', body: Buffer.alloc(0), admin: true }));
    expect(hdr(none.headers, 'location')).toBe('/stats;st=NONE');
    const errp = serveStats(rt, st, req('/stats', { method: 'POST', body: Buffer.from('s=s1&action=bogus&b=app'), admin: true }));
    expect(hdr(errp.headers, 'location')).toBe('/stats;st=ERRP');
    const html = serveStats(rt, st, req('/stats;st=DONE', { admin: true })).body.toString();
    expect(html).toContain('Action processed successfully.');
    expect(html).toContain('name="action"');
  });

  it('serves Prometheus metrics and rejects an unknown scope', () => {
    const { rt } = setup();
    const r = servePrometheus(rt, { uri: '/metrics?scope=server' });
    expect(r.status).toBe(200);
    const text = r.body.toString();
    expect(text).toContain('haproxy_server_weight{proxy="app",server="s1"} 3');
    expect(text).not.toContain('haproxy_process_');
    expect(servePrometheus(rt, { uri: '/metrics?scope=nope' }).status).toBe(400);
  });
});
