/**
 * `show sess` and `show errors`: the open client connections in HAProxy's one-line format, and
 * the (empty) error capture report. portico does not capture invalid messages, so `show errors`
 * always reports 0 events; the fields of `show sess` that HAProxy takes from its stream
 * internals are printed with neutral values.
 */
import type { Socket } from 'node:net';
import type { Runtime } from '../runtime/runtime.js';

/** Runtime API connections, listed as sessions of the GLOBAL proxy as HAProxy does. */
export const cliConnections = new Set<Socket>();

const firstSeen = new WeakMap<Socket, number>();
const ids = new WeakMap<Socket, number>();
let nextId = 1;

function sessionId(s: Socket): number {
  let id = ids.get(s);
  if (id === undefined) ids.set(s, (id = nextId++));
  return id;
}

function addrOf(s: Socket): string {
  return '0x' + (0x7f0000000000 + sessionId(s) * 0x400).toString(16);
}

/** A connection's age: sockets carry no start time, so the first listing starts the clock. */
function ageOf(s: Socket, now: number): number {
  let t = firstSeen.get(s);
  if (t === undefined) firstSeen.set(s, (t = now));
  return Math.floor((now - t) / 1000);
}

function protoOf(s: Socket): string {
  if (s.remoteFamily === 'IPv6' && !(s.remoteAddress ?? '').startsWith('::ffff:')) return 'tcpv6';
  if (s.remoteFamily === 'IPv4' || s.remoteFamily === 'IPv6') return 'tcpv4';
  return 'unix_stream';
}

function srcOf(s: Socket): string {
  const a = s.remoteAddress;
  if (!a) return 'unix:1';
  const ip = a.startsWith('::ffff:') ? a.slice(7) : a;
  return ip.includes(':') ? `[${ip}]:${s.remotePort}` : `${ip}:${s.remotePort}`;
}

function line(s: Socket, fe: string, be: string, now: number): string {
  return `${addrOf(s)}: proto=${protoOf(s)} src=${srcOf(s)} fe=${fe} be=${be} srv=<none> ts=00 epoch=0 age=${ageOf(s, now)}s ` +
    'calls=1 rate=0 cpu=0 lat=0 rq[f=0h,i=0,an=00h,rx=,wx=,ax=] rp[f=0h,i=0,an=00h,rx=,wx=,ax=] ' +
    `scf=[8,0h,fd=-1] scb=[8,0h,fd=-1] exp= rc=0 c_exp=\n`;
}

/** `show sess`: every client connection of every frontend, then the CLI's own. */
export function showSess(rt: Runtime, now = Date.now()): string {
  let out = '';
  for (const fe of rt.frontends) {
    const be = fe.defaultBackend ? fe.defaultBackend.name : '<NONE>';
    for (const s of fe.sockets) out += line(s, fe.name, be, now);
  }
  for (const s of cliConnections) out += line(s, 'GLOBAL', '<NONE>', now);
  return out;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number) => String(n).padStart(2, '0');

/** "21/Nov/2026:16:31:30.338", local time, as HAProxy's error report dates. */
export function errorDate(ms: number): string {
  const d = new Date(ms);
  return `${p2(d.getDate())}/${MONTHS[d.getMonth()]}/${d.getFullYear()}:${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** `show errors [<px>] [request|response]`. */
export function showErrors(rt: Runtime, proxy: string | undefined, now = Date.now()): string {
  if (proxy && proxy !== '-1') {
    const known = rt.config.proxies.some((p) => p.kind !== 'defaults' && (p.name === proxy || String(p.id) === proxy));
    const byId = /^\d+$/.test(proxy) && ([...rt.backends.values()].some((b) => b.id === Number(proxy)) || rt.frontends.some((f) => f.id === Number(proxy)));
    if (!known && !byId) return 'No such proxy.\n';
  }
  return `Total events captured on [${errorDate(now)}] : 0\n`;
}
