/**
 * `show sess [<id>|all]`, `shutdown session <id>` and `show errors`. The one-line list and the
 * detailed dump follow HAProxy 2.6's layout field for field; what portico knows (addresses,
 * proxies, server, ids, ages, the transaction's method, status and progress, byte totals, file
 * descriptors) is printed as it is, and HAProxy's internals that have no counterpart here
 * (stream flags, analysers, buffer pointers) are printed with neutral values. portico does not
 * capture invalid messages, so `show errors` always reports 0 events.
 */
import type { Socket } from 'node:net';
import { modeOf } from '../config/finalize.js';
import type { Runtime } from '../runtime/runtime.js';
import { serverAddr } from '../runtime/snapshot.js';
import { listenerIds } from '../stats/listener-stats.js';
import { cliConnections, findStream, killStream, listStreams, parsePointer, streamPointer, type Stream } from './streams.js';

export { cliConnections };

function protoOf(s: Socket): string {
  if (s.remoteFamily === 'IPv6' && !(s.remoteAddress ?? '').startsWith('::ffff:')) return 'tcpv6';
  if (s.remoteFamily === 'IPv4' || s.remoteFamily === 'IPv6') return 'tcpv4';
  return 'unix_stream';
}

function hostPort(addr: string | undefined, port: number | undefined): string {
  if (!addr) return 'unix:1';
  const ip = addr.startsWith('::ffff:') ? addr.slice(7) : addr;
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

const srcOf = (s: Socket) => hostPort(s.remoteAddress, s.remotePort);
const dstOf = (s: Socket) => hostPort(s.localAddress, s.localPort);

/** The file descriptor behind a socket, -1 when there is none (TLS wraps, closed sockets). */
function fdOf(s: Socket | undefined): number {
  const fd = (s as unknown as { _handle?: { fd?: number } } | undefined)?._handle?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : -1;
}

const secs = (ms: number) => `${Math.max(0, Math.floor(ms / 1000))}s`;

interface Names {
  fe: string;
  be: string;
  srv: string;
}

function names(st: Stream): Names {
  if (st.kind === 'cli') return { fe: 'GLOBAL', be: '<NONE>', srv: '<none>' };
  if (st.kind === 'tcp') return { fe: st.fe.name, be: st.fe.defaultBackend?.name ?? '<NONE>', srv: '<none>' };
  const txn = st.txn;
  // Until a backend is chosen the stream's backend is its frontend, as in HAProxy.
  return { fe: st.fe.name, be: txn.backend?.name ?? st.fe.name, srv: txn.server?.name ?? '<none>' };
}

/** One line of `show sess`. */
function summary(st: Stream, now: number): string {
  const n = names(st);
  const server = st.kind === 'http' ? st.txn.connect?.socket : undefined;
  return `${streamPointer(st.id)}: proto=${protoOf(st.client)} src=${srcOf(st.client)} fe=${n.fe} be=${n.be} srv=${n.srv} ts=00 epoch=0 ` +
    `age=${secs(now - st.created)} calls=1 rate=0 cpu=0 lat=0 rq[f=0h,i=0,an=00h,rx=,wx=,ax=] rp[f=0h,i=0,an=00h,rx=,wx=,ax=] ` +
    `scf=[8,0h,fd=${fdOf(st.client)}] scb=[8,0h,fd=${fdOf(server)}] exp= rc=0 c_exp=\n`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number) => String(n).padStart(2, '0');

/** "21/Nov/2026:16:31:30.338", local time, as HAProxy's error report dates. */
export function errorDate(ms: number): string {
  const d = new Date(ms);
  return `${p2(d.getDate())}/${MONTHS[d.getMonth()]}/${d.getFullYear()}:${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** HAProxy's method numbers (enum http_meth_t). */
const METHODS: Record<string, number> = { OPTIONS: 0, GET: 1, HEAD: 2, POST: 3, PUT: 4, DELETE: 5, TRACE: 6, CONNECT: 7 };

/** The listener a client came through: its name (or "?") and id. */
function listenerOf(rt: Runtime, st: Stream): { name: string; id: number } {
  if (st.kind === 'cli') return { name: '?', id: 1 };
  const listener = st.kind === 'http' ? st.txn.session.listener : rt.listeners.find((l) => l.port === st.client.localPort && l.proxy === st.fe.config);
  const mine = rt.listeners.filter((l) => l.proxy === st.fe.config);
  const i = listener ? mine.indexOf(listener) : -1;
  return { name: listener?.bind.name ?? '?', id: i >= 0 ? listenerIds(mine)[i]! : 1 };
}

/** The detailed dump of one stream (`show sess <id>`, `show sess all`). */
function detail(rt: Runtime, st: Stream, now: number): string {
  // Pointers of the stream's parts: another range than the streams', so that none is taken for a stream.
  const ptr = (k: number) => '0x' + (0x560000000000 + (st.id * 16 + k) * 0x40).toString(16);
  const c = st.client;
  const lines: string[] = [];
  const date = errorDate(st.created).replace(/\.(\d{3})$/, (_m, ms: string) => `.${ms}000`);
  lines.push(`${streamPointer(st.id)}: [${date}] id=${st.id - 1} proto=${protoOf(c)} source=${srcOf(c)}`);
  const txn = st.kind === 'http' ? st.txn : undefined;
  const conn = txn?.connect;
  const server = conn?.socket;
  lines.push(`  flags=0x0, conn_retries=${conn?.retries ?? 0}, conn_exp=<NEVER> conn_et=0x000 srv_conn=${txn?.server ? ptr(1) : '(nil)'}, pend_pos=(nil) waiting=0 epoch=0`);
  const li = listenerOf(rt, st);
  if (st.kind === 'cli') {
    lines.push(`  frontend=GLOBAL (id=0 mode=tcp), listener=${li.name} (id=${li.id}) addr=${dstOf(c)}`);
    lines.push('  backend=<NONE> (id=-1 mode=-)', '  server=<NONE> (id=-1)');
  } else {
    lines.push(`  frontend=${st.fe.name} (id=${st.fe.id} mode=${st.fe.mode}), listener=${li.name} (id=${li.id}) addr=${dstOf(c)}`);
    const be = txn?.backend ?? (st.kind === 'tcp' ? st.fe.defaultBackend : undefined);
    if (be) lines.push(`  backend=${be.name} (id=${be.id} mode=${modeOf(be.config)})${server ? ` addr=${dstOf(server)}` : ''}`);
    else lines.push(`  backend=<NONE> (id=-1 mode=-)`);
    const s = txn?.server;
    lines.push(s ? `  server=${s.name} (id=${s.id}) addr=${serverAddr(s)}` : '  server=<NONE> (id=-1)');
  }
  lines.push(`  task=${ptr(2)} (state=0x00 nice=0 calls=1 rate=0 exp=<NEVER> tmask=0x1 age=${secs(now - st.created)})`);
  if (txn) {
    const method = txn.req?.head.method ?? '';
    const reqSt = txn.req ? 'MSG_DONE' : 'MSG_RQBEFORE';
    const rspSt = txn.ended ? 'MSG_DONE' : txn.res ? 'MSG_DATA' : 'MSG_RPBEFORE';
    lines.push(`  txn=${ptr(3)} flags=0x0 meth=${METHODS[method] ?? 8} status=${txn.status} req.st=${reqSt} rsp.st=${rspSt} req.f=0x00 rsp.f=0x00`);
  }
  lines.push(`  scf=${ptr(4)} flags=0x00000000 state=EST endp=CONN,${ptr(5)},0x00000000 sub=0`);
  const mux = st.kind === 'http' ? 'H1' : 'PASS';
  lines.push(`      co0=${ptr(6)} ctrl=${protoOf(c)} xprt=RAW mux=${mux} data=STRM target=LISTENER:${ptr(7)}`);
  lines.push(`      flags=0x00000300 fd=${fdOf(c)} fd.state=00 updt=0 fd.tmask=0x1`);
  if (st.kind === 'cli') {
    lines.push(`  scb=${ptr(8)} flags=0x00000000 state=EST endp=APPCTX,${ptr(9)},0x00000000 sub=0`);
    lines.push(`      app1=${ptr(9)} st0=0 st1=0 st2=0 applet=<CLI> tmask=0x1 nice=0 calls=1 rate=0 cpu=0 lat=0`);
  } else if (server) {
    lines.push(`  scb=${ptr(8)} flags=0x00000000 state=EST endp=CONN,${ptr(9)},0x00000000 sub=0`);
    lines.push(`      co1=${ptr(10)} ctrl=${protoOf(server)} xprt=RAW mux=${mux} data=STRM target=SERVER:${ptr(1)}`);
    lines.push(`      flags=0x00000300 fd=${fdOf(server)} fd.state=00 updt=0 fd.tmask=0x1`);
  } else {
    lines.push(`  scb=${ptr(8)} flags=0x00000000 state=INI endp=CONN,${ptr(9)},0x00000000 sub=0`);
  }
  const totals: [string, number, number][] = [['req', 11, txn?.bytesIn ?? c.bytesRead], ['res', 12, txn?.bytesOut ?? c.bytesWritten]];
  for (const [name, k, total] of totals) {
    lines.push(`  ${name}=${ptr(k)} (f=0x0 an=0x0 pipe=0 tofwd=0 total=${total})`);
    lines.push('      an_exp=<NEVER> rex=<NEVER> wex=<NEVER>');
    lines.push(`      buf=${ptr(k + 2)} data=(nil) o=0 p=0 i=0 size=0`);
    if (txn) lines.push(`      htx=${ptr(k + 4)} flags=0x0 size=0 data=0 used=0 wrap=NO extra=0`);
  }
  return lines.join('\n') + '\n';
}

/** `show sess [<id>|all]`: the list, one stream in detail, or every stream in detail. */
export function showSess(rt: Runtime, arg: string | undefined, now = Date.now()): string {
  if (arg === 'all') return listStreams(rt, now).map((st) => detail(rt, st, now)).join('');
  if (arg && parsePointer(arg) !== undefined) {
    const st = findStream(rt, arg, now);
    return st ? detail(rt, st, now) : 'Session not found.\n';
  }
  return listStreams(rt, now).map((st) => summary(st, now)).join('');
}

/** `shutdown session <id>`. */
export function shutdownSession(rt: Runtime, arg: string | undefined): string {
  if (!arg || parsePointer(arg) === undefined) return "Session pointer expected (use 'show sess').\n";
  const st = findStream(rt, arg);
  if (!st) return "No such session (use 'show sess').\n";
  killStream(st);
  return '';
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
