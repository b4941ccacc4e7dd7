/**
 * The stats service the HTTP engine calls when a request reaches a proxy with `stats enable`
 * under its `stats uri`: authentication (`stats auth`, `stats realm`), the page in HTML, CSV,
 * JSON or the JSON schema, `stats scope`, and admin POSTs applied to the running servers then
 * answered with a 303 to `<uri>;st=CODE`. Also the Prometheus exporter (`use-service
 * prometheus-exporter`).
 */
import type { Proxy } from '../config/model.js';
import type { LocalReply } from '../http/txn-hooks.js';
import type { Runtime } from '../runtime/runtime.js';
import { buildSnapshot } from '../runtime/snapshot.js';
import {
  findBackend, setCheckEnabled, setServerAgent, setServerHealth, setServerState, shutdownServerSessions, type Outcome,
} from '../runtime/admin.js';
import { adminAction, adminResult, parseAdminPost, type AdminStatus } from './admin.js';
import { noteUncheckedHealth } from '../cli-api/unchecked-health.js';
import { renderCsv } from './csv.js';
import { htmlHeaders, renderHtml } from './html.js';
import type { StatsSnapshot } from './model.js';
import { PROMETHEUS_CONTENT_TYPE, parsePromQuery, renderPrometheus } from './prometheus.js';
import { parseStatsRequest, type StatsRequest } from './request.js';
import { renderJson } from './typed.js';

export const DEFAULT_STATS_URI = '/haproxy?stats';
export const DEFAULT_STATS_REALM = 'HAProxy Statistics';

export interface StatsHttpRequest {
  method: string;
  uri: string;
  /** Lower-cased names, flat: [name, value, name, value...]. */
  headers: readonly string[];
  body: Buffer;
  src: string;
  secure: boolean;
  /** `stats admin if COND` evaluated by the engine for this request. */
  admin?: boolean;
}

export function statsUri(p: Proxy): string {
  return p.stats.uri ?? DEFAULT_STATS_URI;
}

/** A request for this proxy's stats page: `stats enable` (or any stats keyword) and the URI prefix. */
export function statsRequestMatches(proxyConfig: Proxy, uri: string): boolean {
  return proxyConfig.stats.enabled && uri.startsWith(statsUri(proxyConfig));
}

function header(headers: readonly string[], name: string): string | undefined {
  for (let i = 0; i + 1 < headers.length; i += 2) if (headers[i] === name) return headers[i + 1];
  return undefined;
}

/** A complete reply: framed by content-length (first when the caller put it there, else last). */
const reply = (status: number, reason: string, headers: string[], body: string | Buffer): LocalReply => {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const framed = headers.includes('content-length') ? headers : [...headers, 'content-length', String(bytes.length)];
  return { status, reason, headers: framed, body: bytes };
};

const UNAUTHORIZED_BODY =
  '<html><body><h1>401 Unauthorized</h1>\nYou need a valid user and password to access this content.\n</body></html>\n';

/** `stats auth`: a Basic Authorization header carrying one of the configured accounts. */
export function statsAuthorized(p: Proxy, headers: readonly string[]): boolean {
  if (p.stats.auth.length === 0) return true;
  const h = header(headers, 'authorization');
  const m = h ? /^basic\s+(\S+)\s*$/i.exec(h) : null;
  if (!m) return false;
  const cred = Buffer.from(m[1]!, 'base64').toString('latin1');
  const colon = cred.indexOf(':');
  if (colon < 0) return false;
  const user = cred.slice(0, colon);
  const pass = cred.slice(colon + 1);
  return p.stats.auth.some((a) => a.user === user && a.password === pass);
}

export function unauthorized(realm: string): LocalReply {
  return reply(401, 'Unauthorized', [
    'content-length', String(UNAUTHORIZED_BODY.length),
    'cache-control', 'no-cache',
    'content-type', 'text/html',
    'www-authenticate', `Basic realm="${realm}"`,
  ], UNAUTHORIZED_BODY);
}

/** `stats scope`: the proxies shown ('.' is the proxy serving the page); all without the keyword. */
function scoped(snap: StatsSnapshot, p: Proxy): StatsSnapshot {
  const scopes = p.stats.scopes;
  if (scopes.length === 0) return snap;
  const names = new Set(scopes.map((s) => (s === '.' ? p.name : s)));
  return { ...snap, proxies: snap.proxies.filter((px) => names.has(px.name)) };
}

/** Applies one page action to one server; `applied` follows HAProxy's count of altered servers. */
function applyAction(rt: Runtime, action: string, beName: string, srvName: string): 'applied' | 'unknown' | 'skipped' {
  const a = adminAction(action);
  const be = findBackend(rt, beName);
  const s = be?.findServer(srvName);
  if (!a || !be || !s) return 'unknown';
  const sched = s.checks;
  const e = a.effect;
  let out: Outcome;
  switch (e.kind) {
    case 'state':
      out = setServerState(rt, be, s, e.state);
      if (out.ok && e.state === 'maint') noteUncheckedHealth(s, 'maint');
      break;
    case 'health':
      if (!sched?.cfg.check) return 'skipped';
      if (e.op === 'enable' || e.op === 'disable') out = setCheckEnabled(s, 'health', e.op === 'enable');
      else out = setServerHealth(rt, be, s, e.op);
      break;
    case 'agent':
      if (!sched?.cfg.agent) return 'skipped';
      if (e.op === 'enable' || e.op === 'disable') out = setCheckEnabled(s, 'agent', e.op === 'enable');
      else out = setServerAgent(rt, be, s, e.op);
      break;
    case 'shutdown':
      out = shutdownServerSessions(s);
      break;
  }
  return out.ok ? 'applied' : 'skipped';
}

/** The admin POST: applies the action to the checked servers and says how it went. */
export function processAdminPost(rt: Runtime, body: string): AdminStatus {
  const params = new URLSearchParams(body);
  if (params.getAll('s').filter((s) => s !== '').length === 0) return 'NONE';
  const post = parseAdminPost(body);
  if (!post || !adminAction(post.action) || !findBackend(rt, post.backend)) return 'ERRP';
  let changed = 0;
  let unknown = 0;
  for (const name of post.servers) {
    const r = applyAction(rt, post.action, post.backend, name);
    if (r === 'applied') changed++;
    else if (r === 'unknown') unknown++;
  }
  return adminResult({ changed, unknown });
}

/** Where the 303 after a POST points: `<uri>;st=CODE`, keeping `;up`, `;norefresh` and the scope. */
function postLocation(uri: string, st: AdminStatus, r: StatsRequest): string {
  return `${uri};st=${st}${r.upOnly ? ';up' : ''}${r.norefresh ? ';norefresh' : ''}${r.scope ? `;scope=${encodeURIComponent(r.scope)}` : ''}`;
}

function refreshHeader(p: Proxy, r: StatsRequest): string[] {
  const secs = p.stats.refresh ? Math.max(1, Math.floor(p.stats.refresh / 1000)) : 0;
  return secs && !r.norefresh ? ['refresh', String(secs)] : [];
}

export function serveStats(rt: Runtime, proxyConfig: Proxy, req: StatsHttpRequest): LocalReply {
  const p = proxyConfig;
  const uri = statsUri(p);
  if (!statsAuthorized(p, req.headers)) return unauthorized(p.stats.realm ?? DEFAULT_STATS_REALM);
  const r = parseStatsRequest(uri, req.uri) ?? { format: 'html', norefresh: false, upOnly: false };
  if (req.method === 'POST') {
    const st: AdminStatus = req.admin ? processAdminPost(rt, req.body.toString('latin1')) : 'DENY';
    return reply(303, 'See Other', [
      'cache-control', 'no-cache',
      'content-type', 'text/plain',
      'location', postLocation(uri, st, r),
    ], '');
  }
  const snap = scoped(buildSnapshot(rt), p);
  const refresh = refreshHeader(p, r);
  switch (r.format) {
    case 'csv': {
      const body = renderCsv(snap, { showLegends: p.stats.showLegends, upOnly: r.upOnly, ...(r.scope ? { scope: r.scope } : {}) });
      return reply(200, 'OK', ['cache-control', 'no-cache', 'content-type', 'text/plain', ...refresh], body);
    }
    case 'json': {
      const body = renderJson(snap, { showLegends: p.stats.showLegends, upOnly: r.upOnly, ...(r.scope ? { scope: r.scope } : {}) });
      return reply(200, 'OK', ['cache-control', 'no-cache', 'content-type', 'application/json', ...refresh], body);
    }
    case 'json-schema':
      return reply(200, 'OK', ['cache-control', 'no-cache', 'content-type', 'application/json', ...refresh], STATS_JSON_SCHEMA + '\n');
    case 'html': {
      const o = {
        uri,
        refresh: p.stats.refresh ? Math.max(1, Math.floor(p.stats.refresh / 1000)) : 0,
        norefresh: r.norefresh,
        upOnly: r.upOnly,
        hideVersion: p.stats.hideVersion,
        showLegends: p.stats.showLegends,
        admin: req.admin === true,
        ...(p.stats.showNode !== undefined ? { showNode: p.stats.showNode } : {}),
        ...(p.stats.showDesc !== undefined ? { showDesc: p.stats.showDesc } : {}),
        ...(r.scope ? { scope: r.scope } : {}),
        ...(r.status ? { status: r.status } : {}),
      };
      const flat = Object.entries(htmlHeaders(o)).flat();
      return reply(200, 'OK', flat, renderHtml(snap, o));
    }
  }
}

/** `http-request use-service prometheus-exporter`: the metrics page, filtered by `?scope=` and `?no-maint`. */
export function servePrometheus(rt: Runtime, req: { uri: string }): LocalReply {
  const q = req.uri.indexOf('?');
  const o = parsePromQuery(q < 0 ? '' : req.uri.slice(q + 1));
  if (!o) {
    return reply(400, 'Bad Request', ['content-type', 'text/plain'], 'Invalid scope parameter.\n');
  }
  return reply(200, 'OK', ['cache-control', 'no-cache', 'content-type', PROMETHEUS_CONTENT_TYPE], renderPrometheus(buildSnapshot(rt), o));
}

/**
 * The JSON schema of `show info json` / `show stat json` (`;json-schema`, `show schema json`):
 * the item shapes, tags and typed values these outputs use.
 */
const typedValue = {
  type: 'object',
  properties: {
    type: { type: 'string', enum: ['s32', 's64', 'u32', 'u64', 'str'] },
    value: { oneOf: [{ type: 'integer' }, { type: 'string' }] },
  },
  required: ['type', 'value'],
};
const tags = {
  type: 'object',
  properties: {
    origin: { type: 'string', enum: ['Metric', 'Status', 'Key', 'Config', 'Product', 'Unknown'] },
    nature: { type: 'string', enum: ['Gauge', 'Limit', 'Min', 'Max', 'Rate', 'Counter', 'Duration', 'Age', 'Time', 'Name', 'Output', 'Avg', 'Unknown'] },
    scope: { type: 'string', enum: ['Cluster', 'Process', 'Service', 'System', 'Unknown'] },
  },
  required: ['origin', 'nature', 'scope'],
};
const field = {
  type: 'object',
  properties: { pos: { type: 'integer', minimum: 0 }, name: { type: 'string' } },
  required: ['pos', 'name'],
};
export const STATS_JSON_SCHEMA = JSON.stringify({
  $schema: 'http://json-schema.org/draft-04/schema#',
  oneOf: [
    {
      title: 'Info',
      type: 'array',
      items: {
        title: 'InfoItem',
        type: 'object',
        properties: {
          field: { $ref: '#/definitions/field' },
          processNum: { $ref: '#/definitions/processNum' },
          tags: { $ref: '#/definitions/tags' },
          value: { $ref: '#/definitions/typedValue' },
        },
        required: ['field', 'processNum', 'tags', 'value'],
      },
    },
    {
      title: 'Stat',
      type: 'array',
      items: {
        type: 'array',
        items: {
          title: 'StatItem',
          type: 'object',
          properties: {
            objType: { enum: ['Frontend', 'Backend', 'Listener', 'Server', 'Unknown'] },
            proxyId: { type: 'integer', minimum: 0 },
            id: { type: 'integer', minimum: 0 },
            field: { $ref: '#/definitions/field' },
            processNum: { $ref: '#/definitions/processNum' },
            tags: { $ref: '#/definitions/tags' },
            value: { $ref: '#/definitions/typedValue' },
          },
          required: ['objType', 'proxyId', 'id', 'field', 'processNum', 'tags', 'value'],
        },
      },
    },
    { title: 'Error', type: 'object', properties: { errorStr: { type: 'string' } }, required: ['errorStr'] },
  ],
  definitions: { field, processNum: { type: 'integer', minimum: 1 }, tags, typedValue },
});
