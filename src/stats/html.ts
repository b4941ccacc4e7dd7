/**
 * The stats page served at `stats uri`: process information, legend and
 * display options, then one table per proxy with its frontend, listener,
 * server and backend rows in HAProxy's column groups and state colours.
 */
import { ADMIN_ACTIONS, ADMIN_STATUS, adminStatus } from './admin.js';
import type { BeRow, FeRow, LiRow, Row, RowOptions, SvRow } from './columns.js';
import { bitRate, esc, groupDigits, humanDuration } from './format.js';
import { STATS_CSS } from './html-style.js';
import { formatUptime } from './info.js';
import type { BeCounters, FeCounters } from './counters.js';
import type { ProxyStats, StatsSnapshot } from './model.js';
import { proxyRows, proxySelected } from './rows.js';
import {
  backendDowntime, backendLb, backendStatus, checkActive, checkDesc, checkFinished, checkHasCode,
  checkStatusText, serverDisplayState, serverDowntime, serverInMaint, serverStatus, type ServerDisplayState,
} from './status.js';

export interface HtmlOptions {
  /** The `stats uri` ("/haproxy?stats" by default). */
  uri: string;
  /** `stats refresh` in seconds; 0/undefined = no automatic refresh. */
  refresh?: number;
  /** The request carried `;norefresh`. */
  norefresh?: boolean;
  /** The request carried `;up`: hide servers that are down or in maintenance. */
  upOnly?: boolean;
  /** `stats hide-version`. */
  hideVersion?: boolean;
  /** `stats show-legends`: addresses, cookies and ids in tooltips. */
  showLegends?: boolean;
  /** `stats show-node [name]`: true uses the process node name. */
  showNode?: boolean | string;
  /** `stats show-desc [text]`: true uses the process description. */
  showDesc?: boolean | string;
  /** Only proxies whose name contains this (case-insensitive). */
  scope?: string;
  /** `stats admin` matched: checkboxes and the action form. */
  admin?: boolean;
  /** The `;st=` result code to show in a banner. */
  status?: string;
  /** Links listed under "External resources" (none by default). */
  links?: { label: string; href: string }[];
}

/** The HTTP headers the page is served with (besides content-length). */
export function htmlHeaders(o: HtmlOptions): Record<string, string> {
  const h: Record<string, string> = { 'cache-control': 'no-cache', 'content-type': 'text/html' };
  if (o.refresh && !o.norefresh) h['refresh'] = String(o.refresh);
  return h;
}

/** The colour class of a server row: "active_up", "backup_going_down", "maintain"... */
export function serverRowClass(r: SvRow): string {
  if (serverInMaint(r.sv)) return 'maintain';
  const st: ServerDisplayState = serverDisplayState(r.sv);
  const style: Record<ServerDisplayState, string> = {
    down: 'down', down_agent: 'going_up', going_up: 'going_up', up_going_down: 'going_down', up: 'up',
    nolb_going_down: 'going_down', nolb: 'nolb', drain_going_down: 'going_down', drain: 'draining',
    drain_agent: 'draining', no_check: 'no_check',
  };
  return `${r.sv.backup ? 'backup' : 'active'}_${style[st]}`;
}

/** Splits "/haproxy?stats" into its path and query for links and the GET form. */
function splitUri(uri: string): { path: string; query: string } {
  const i = uri.indexOf('?');
  return i < 0 ? { path: uri, query: '' } : { path: uri.slice(0, i), query: uri.slice(i + 1) };
}

const n = (v: number) => groupDigits(v);
/** A value with a hover/tap tooltip (focusable so that it works on touch screens). */
const tip = (text: string, body: string) => `<span class="tip" tabindex="0">${text}<span class="tips">${body}</span></span>`;
const detTable = (rows: [string, string, string?][]) =>
  '<table>' + rows.map(([k, v, extra]) => `<tr><th>${k}</th><td>${v}</td>${extra !== undefined ? `<td>${extra}</td>` : ''}</tr>`).join('') + '</table>';
const pct = (part: number, total: number) => `(${total ? Math.round((part * 100) / total) : 0}%)`;
const td = (v: string | number = '', cls = '') => `<td${cls ? ` class="${cls}"` : ''}>${typeof v === 'number' ? n(v) : v}</td>`;
const limit = (v: number | undefined) => (v ? n(v) : '-');

function rspRows(c: FeCounters | BeCounters, withPct: boolean): [string, string, string?][] {
  const total = c.cumReq;
  const labels = ['- HTTP 1xx responses:', '- HTTP 2xx responses:', '- HTTP 3xx responses:', '- HTTP 4xx responses:', '- HTTP 5xx responses:', '- other responses:'];
  return labels.map((l, i) => [l, n(c.httpRsp[i]!), withPct ? pct(c.httpRsp[i]!, total) : undefined]);
}

function timesRows(c: BeCounters): [string, string, string?][] {
  return [
    ['Max / Avg over the last 1024 requests', ''],
    ['- Queue time:', `${c.qtimeMax} / ${c.qTime.avg()}`, 'ms'],
    ['- Connect time:', `${c.ctimeMax} / ${c.cTime.avg()}`, 'ms'],
    ['- Response time:', `${c.dtimeMax} / ${c.dTime.avg()}`, 'ms'],
    ['- Total time:', `${c.ttimeMax} / ${c.tTime.avg()}`, 'ms'],
  ];
}

function feSessionsTip(r: FeRow | LiRow): string {
  const c = r.kind === 'F' ? r.fe.counters : r.li.counters;
  const rows: [string, string, string?][] = [['Cum. connections:', n(r.fe.counters.cumConn)], ['Cum. sessions:', n(c.cumSess)]];
  if (r.kind === 'F' && r.px.mode === 'http') {
    rows.push(['Cum. HTTP requests:', n(c.cumReq)], ...rspRows(c, false),
      ['Intercepted requests:', n(c.intercepted)], ['Cache lookups:', n(c.cacheLookups)],
      ['Cache hits:', n(c.cacheHits), pct(c.cacheHits, c.cacheLookups)],
      ['Compressed 2xx:', n(c.compRsp), pct(c.compRsp, c.httpRsp[1]!)],
      ['Max HTTP requests/s:', n(c.rpsMax)]);
  }
  rows.push(['Max connections/s:', n(r.fe.counters.cpsMax)], ['Max sessions/s:', n(c.spsMax)],
    ['Failed hdr rewrites:', n(c.failedRewrites)], ['Internal errors:', n(c.internalErrors)]);
  return detTable(rows);
}

function beSessionsTip(r: BeRow | SvRow): string {
  const c = r.kind === 'B' ? r.be.counters : r.sv.counters;
  const rows: [string, string, string?][] = [
    ['Cum. sessions:', n(c.cumSess)],
    ['New connections:', n(c.connect)],
    ['Reused connections:', n(c.reuse), pct(c.reuse, c.connect + c.reuse)],
  ];
  if (r.px.mode === 'http') {
    rows.push(['Cum. HTTP requests:', n(c.cumReq)], ...rspRows(c, r.kind === 'S'));
    if (r.kind === 'B') rows.push(['Cache lookups:', n(c.cacheLookups)], ['Cache hits:', n(c.cacheHits), pct(c.cacheHits, c.cacheLookups)]);
  }
  rows.push(['Failed hdr rewrites:', n(c.failedRewrites)], ['Internal errors:', n(c.internalErrors)], ...timesRows(c));
  return detTable(rows);
}

function bytesOutCell(c: FeCounters | BeCounters, http: boolean): string {
  if (!http || !c.compIn) return td(n(c.bytesOut));
  return td(tip(n(c.bytesOut), `Compression: in ${n(c.compIn)}, out ${n(c.compOut)} ${pct(c.compOut, c.compIn)}, bypassed ${n(c.compByp)}`));
}

/** Frontend row: no queue, no server columns. */
function frontendRow(r: FeRow, admin: boolean): string {
  const c = r.fe.counters;
  return `<tr class="frontend">${admin ? td() : ''}${td('Frontend', 'c name')}` +
    '<td colspan="3"></td>' +
    td(c.sessPerSec.read(r.now)) + td(c.spsMax) + td(limit(r.fe.rateLimit)) +
    td(c.curSess) + td(c.maxSess) + td(limit(r.fe.maxconn)) + td(tip(n(c.cumSess), feSessionsTip(r))) + td() + td() +
    td(c.bytesIn) + bytesOutCell(c, r.px.mode === 'http') +
    td(c.deniedReq) + td(c.deniedResp) +
    td(c.failedReq) + td() + td() + td() + td() +
    td(r.fe.state, 'c') + '<td colspan="8"></td></tr>\n';
}

function listenerRow(r: LiRow, admin: boolean, legends: boolean): string {
  const c = r.li.counters;
  const name = legends ? tip(esc(r.li.name), `${esc(r.li.addr)}, id: ${r.li.id}`) : esc(r.li.name);
  return `<tr class="socket">${admin ? td() : ''}${td(name, 'c name')}` +
    '<td colspan="3"></td><td colspan="3"></td>' +
    td(c.curSess) + td(c.maxSess) + td(limit(r.li.maxconn)) + td(tip(n(c.cumSess), feSessionsTip(r))) + td() + td() +
    td(c.bytesIn) + td(c.bytesOut) + td(c.deniedReq) + td(c.deniedResp) +
    td(c.failedReq) + td() + td() + td() + td() +
    td(r.li.status, 'c') + '<td colspan="8"></td></tr>\n';
}

function checkCell(r: SvRow): string {
  const chk = r.sv.check;
  if (!checkActive(chk)) return td();
  let text = esc(checkStatusText(chk));
  if (checkHasCode(chk)) text += `/${chk.code}`;
  if (checkFinished(chk)) text += ` in ${Math.max(0, chk.duration)}ms`;
  const details = esc(checkDesc(chk)) + (chk.info ? `: ${esc(chk.info)}` : '');
  const agent = checkActive(r.sv.agent) ? `<br>Agent: ${esc(checkStatusText(r.sv.agent))} (${esc(checkDesc(r.sv.agent))})` : '';
  return td(tip(text, details + agent), 'c');
}

function serverRow(r: SvRow, admin: boolean, legends: boolean): string {
  const { sv } = r;
  const c = sv.counters;
  const anchor = `${esc(r.px.name)}/${esc(sv.name)}`;
  const link = `<a id="${anchor}" href="#${anchor}">${esc(sv.name)}</a>`;
  const nameTip = [legends ? esc(sv.addr) : '', `id: ${sv.sid}`, legends && sv.cookie ? `cookie: '${esc(sv.cookie)}'` : '']
    .filter(Boolean).join(', ');
  const checkbox = admin ? `<td class="c"><input type="checkbox" name="s" value="${esc(sv.name)}" aria-label="select ${esc(sv.name)}"></td>` : '';
  const status = serverStatus(sv);
  const since = humanDuration(Math.floor((r.now - sv.lastChange) / 1000));
  const statusText = status === 'no check' ? '<i>no check</i>' : `${since} ${esc(status)}`;
  const checked = sv.check?.enabled === true;
  const last = c.lastSess ? humanDuration(Math.floor((r.now - c.lastSess) / 1000)) : '?';
  const throttle = sv.state === 'starting' && sv.throttle !== undefined ? `${sv.throttle} %` : '-';
  const checkCols = sv.track
    ? `<td class="c" colspan="3"><a href="#${esc(sv.track.proxy)}/${esc(sv.track.server.name)}">via ${esc(sv.track.proxy)}/${esc(sv.track.server.name)}</a></td>`
    : checked
      ? td(tip(n(c.failedChecks), `Failed checks while up: ${n(c.failedChecks)}, UP to DOWN transitions: ${n(c.downTrans)}`)) +
        td(c.downTrans) + td(humanDuration(serverDowntime(sv, r.now)))
      : '<td colspan="3"></td>';
  return `<tr class="${serverRowClass(r)}">${checkbox}${td(tip(link, nameTip), 'c name')}` +
    td(c.queueCur) + td(c.queueMax) + td(limit(sv.maxqueue)) +
    td(c.sessPerSec.read(r.now)) + td(c.spsMax) + td() +
    td(c.curSess) + td(c.maxSess) + td(limit(sv.maxconn)) + td(tip(n(c.cumSess), beSessionsTip(r))) + td(c.lbtot) + td(last) +
    td(c.bytesIn) + td(c.bytesOut) +
    td() + td(c.deniedResp) +
    td() + td(c.failedConns) + td(tip(n(c.failedResp), `Connection resets during transfers: ${n(c.cliAborts)} client, ${n(c.srvAborts)} server`)) +
    td(c.retries) + td(c.redispatches) +
    td(statusText, 'c') + checkCell(r) + td(`${sv.weight}/${sv.uweight}`, 'c') +
    td(sv.backup ? '-' : 'Y', 'c') + td(sv.backup ? 'Y' : '-', 'c') + checkCols + td(throttle, 'c') + '</tr>\n';
}

function backendRow(r: BeRow, admin: boolean, legends: boolean): string {
  const c = r.be.counters;
  const lb = backendLb(r.px);
  const hasServers = (r.px.servers?.length ?? 0) > 0;
  const nameTip = `balancing: ${esc(r.be.algo)}` + (legends && r.be.cookie ? `, cookie: '${esc(r.be.cookie)}'` : '');
  const last = c.lastSess ? humanDuration(Math.floor((r.now - c.lastSess) / 1000)) : '?';
  const since = humanDuration(Math.floor((r.now - r.be.lastChange) / 1000));
  return `<tr class="backend">${admin ? td() : ''}${td(tip('Backend', nameTip), 'c name')}` +
    td(c.queueCur) + td(c.queueMax) + td() +
    td(c.sessPerSec.read(r.now)) + td(c.spsMax) + td() +
    td(c.curSess) + td(c.maxSess) + td(limit(r.be.fullconn)) + td(tip(n(c.cumSess), beSessionsTip(r))) + td(c.lbtot) + td(last) +
    td(c.bytesIn) + bytesOutCell(c, r.px.mode === 'http') +
    td(c.deniedReq) + td(c.deniedResp) +
    td() + td(c.failedConns) + td(tip(n(c.failedResp), `Connection resets during transfers: ${n(c.cliAborts)} client, ${n(c.srvAborts)} server`)) +
    td(c.retries) + td(c.redispatches) +
    td(`${since} ${backendStatus(r.px)}`, 'c') + td() + td(`${lb.weight}/${lb.uweight}`, 'c') +
    td(lb.act, 'c') + td(lb.bck, 'c') + td() + td(c.downTrans) +
    td(hasServers ? humanDuration(backendDowntime(r.px, r.now)) : '') + td() + '</tr>\n';
}

const GROUPS: [string, string[]][] = [
  ['Queue', ['Cur', 'Max', 'Limit']],
  ['Session rate', ['Cur', 'Max', 'Limit']],
  ['Sessions', ['Cur', 'Max', 'Limit', 'Total', 'LbTot', 'Last']],
  ['Bytes', ['In', 'Out']],
  ['Denied', ['Req', 'Resp']],
  ['Errors', ['Req', 'Conn', 'Resp']],
  ['Warnings', ['Retr', 'Redis']],
  ['Server', ['Status', 'LastChk', 'Wght', 'Act', 'Bck', 'Chk', 'Dwn', 'Dwntme', 'Thrtle']],
];
/** Columns of a proxy table, without the admin checkbox column. */
export const HTML_COLUMNS = 1 + GROUPS.reduce((a, [, sub]) => a + sub.length, 0);

function proxyTable(px: ProxyStats, snap: StatsSnapshot, o: HtmlOptions): string {
  const opts: RowOptions = { showLegends: o.showLegends ?? false };
  const rows: Row[] = [...proxyRows(px, snap.now, opts, { upOnly: o.upOnly ?? false })];
  const admin = !!o.admin && !!px.backend && (px.servers?.length ?? 0) > 0;
  const mode = px.mode;
  const cap = px.frontend && px.backend ? 'proxy' : px.frontend ? 'frontend' : 'backend';
  const name = esc(px.name);
  let out = '<div class="scroll">\n<table class="px">\n<thead>\n';
  out += `<tr><th class="pxname" colspan="${admin ? 2 : 1}"><a id="${name}" href="#${name}">${tip(name, `cap: ${cap}, mode: ${mode}, id: ${px.iid}`)}</a></th>`;
  out += `<th class="pxdesc" colspan="${HTML_COLUMNS - 1}">${px.desc ? esc(px.desc) : ''}</th></tr>\n`;
  out += '<tr class="cols">' + (admin ? `<th rowspan="2"><input type="checkbox" aria-label="select all" onclick="for (const c of this.form.querySelectorAll('input[name=s]')) c.checked = this.checked"></th>` : '');
  out += '<th rowspan="2"></th>' + GROUPS.map(([g, sub]) => `<th colspan="${sub.length}">${g}</th>`).join('') + '</tr>\n';
  out += '<tr class="cols">' + GROUPS.map(([, sub]) => sub.map((s) => `<th>${s}</th>`).join('')).join('') + '</tr>\n';
  out += '</thead>\n<tbody>\n';
  for (const r of rows) {
    if (r.kind === 'F') out += frontendRow(r, admin);
    else if (r.kind === 'L') out += listenerRow(r, admin, opts.showLegends);
    else if (r.kind === 'S') out += serverRow(r, admin, opts.showLegends);
    else out += backendRow(r, admin, opts.showLegends);
  }
  out += '</tbody>\n</table>\n</div>\n';
  if (!admin) return out;
  const select = '<select name="action" aria-label="action"><option value=""></option>' +
    ADMIN_ACTIONS.map((a) => `<option value="${a.name}">${esc(a.label)}</option>`).join('') + '</select>';
  return `<form method="post" action="${esc(o.uri)}">\n${out}<div class="actions">Choose the action to perform on the checked servers: ` +
    `${select} <input type="hidden" name="b" value="#${px.iid}"><input type="submit" value="Apply"></div>\n</form>\n`;
}

function legend(): string {
  const sw = (cls: string) => `<td class="swatch ${cls}"></td>`;
  return '<table class="legend">' +
    `<tr>${sw('active_up')}<td>active UP</td>${sw('backup_up')}<td>backup UP</td></tr>` +
    `<tr>${sw('active_going_down')}<td>active UP, going down</td>${sw('backup_going_down')}<td>backup UP, going down</td></tr>` +
    `<tr>${sw('active_going_up')}<td>active DOWN, going up</td>${sw('backup_going_up')}<td>backup DOWN, going up</td></tr>` +
    `<tr>${sw('active_down')}<td>active or backup DOWN</td>${sw('active_no_check')}<td>not checked</td></tr>` +
    `<tr>${sw('maintain')}<td colspan="3">active or backup DOWN for maintenance (MAINT)</td></tr>` +
    `<tr>${sw('active_draining')}<td colspan="3">active or backup soft-stopped for maintenance (DRAIN)</td></tr>` +
    '</table><div class="note">Note: "NOLB"/"DRAIN" = UP with load balancing disabled.</div>';
}

function displayOptions(o: HtmlOptions): string {
  const { path, query } = splitUri(o.uri);
  const hidden = [...new URLSearchParams(query)].map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`).join('');
  const up = o.upOnly ? ';up' : '';
  const nr = o.norefresh || !o.refresh ? ';norefresh' : '';
  const scope = o.scope ? `;scope=${encodeURIComponent(o.scope)}` : '';
  const link = (suffix: string, label: string) => `<li><a href="${esc(o.uri + suffix)}">${label}</a></li>`;
  let out = '<div><b>Display option:</b><ul>';
  out += `<li><form method="get" action="${esc(path)}">${hidden}<label>Scope: <input type="text" name="scope" value="${esc(o.scope ?? '')}" maxlength="40"></label></form></li>`;
  out += o.upOnly ? link(`${nr}${scope}`, 'Show all servers') : link(`;up${nr}${scope}`, "Hide 'DOWN' servers");
  if (o.refresh) out += o.norefresh ? link(`${up}${scope}`, 'Enable refresh') : link(`${up};norefresh${scope}`, 'Disable refresh');
  out += link(`${up}${nr}${scope}`, 'Refresh now');
  out += link(';csv;norefresh', 'CSV export');
  out += `<li><a href="${esc(o.uri)};json;norefresh">JSON export</a> (<a href="${esc(o.uri)};json-schema">schema</a>)</li>`;
  return out + '</ul></div>';
}

function banner(o: HtmlOptions): string {
  const st = adminStatus(o.status);
  if (!st) return '';
  const m = ADMIN_STATUS[st];
  const details = m.details ? '<ul>' + m.details.map((d) => `<li>${esc(d)}</li>`).join('') + '</ul>' : '';
  return `<div class="banner ${m.cls}" role="status"><a href="${esc(o.uri)};norefresh" title="Remove this message">[X]</a>${esc(m.text)}${details}</div>\n`;
}

export function renderHtml(snap: StatsSnapshot, o: HtmlOptions): string {
  const i = snap.info;
  const node = o.showNode === true ? (i.node ?? '') : (o.showNode || '');
  const desc = o.showDesc === true ? (i.description ?? '') : (o.showDesc || '');
  const host = node || i.node || '';
  const links = o.links ?? [];
  const uptime = formatUptime(Math.max(0, Math.floor((snap.now - i.startTime) / 1000)));
  let out = '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n' +
    `<title>Statistics Report for ${esc(i.name)}${host ? ` on ${esc(host)}` : ''}</title>\n` +
    `<link rel="icon" href="data:,">\n<style>${STATS_CSS}</style>\n</head>\n<body>\n`;
  out += `<h1>${esc(i.name)}${o.hideVersion ? '' : ` version ${esc(i.version)}, released ${esc(i.releaseDate)}`}</h1>\n`;
  out += `<h2>Statistics Report for pid ${i.pid}${node ? ` on ${esc(node)}` : ''}${desc ? `: ${esc(desc)}` : ''}</h2>\n<hr>\n`;
  out += '<h3>&gt; General process information</h3>\n<div class="procinfo">\n<p>' +
    `<b>pid = </b>${i.pid} (process #1, nbproc = 1, nbthread = ${i.nbthread})<br>\n` +
    `<b>uptime = </b>${uptime}<br>\n` +
    `<b>system limits:</b> memmax = ${i.memmaxBytes ? `${Math.floor(i.memmaxBytes / 1048576)} MB` : 'unlimited'}; ulimit-n = ${i.ulimitN}<br>\n` +
    `<b>maxsock = </b>${i.maxsock}; <b>maxconn = </b>${i.maxconn}; <b>maxpipes = </b>${i.maxpipes}<br>\n` +
    `current conns = ${i.currConns}; current pipes = ${i.pipesUsed}/${i.pipesUsed + i.pipesFree}; conn rate = ${i.connRate}/sec; bit rate = ${bitRate(i.bytesOutRate)}<br>\n` +
    `Running tasks: ${i.runQueue}/${i.tasks}; idle = ${i.idlePct} %</p>\n`;
  out += `<div>${legend()}</div>\n${displayOptions(o)}\n`;
  if (links.length) {
    out += '<div><b>External resources:</b><ul>' + links.map((l) => `<li><a href="${esc(l.href)}">${esc(l.label)}</a></li>`).join('') + '</ul></div>\n';
  }
  out += '</div>\n';
  out += banner(o);
  for (const px of snap.proxies) {
    if (proxySelected(px, o.scope ? { scope: o.scope } : {})) out += proxyTable(px, snap, o);
  }
  return out + '</body>\n</html>\n';
}
