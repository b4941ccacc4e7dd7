/**
 * Differential test: the same traffic through Debian's haproxy 2.6 and through portico, both
 * logging to a UDP syslog receiver; each httplog / tcplog / "Connect from" line is compared
 * field by field. Dates, client ports, pids and timer values are masked, but whether a timer is
 * -1 (never reached) is compared, as is every other field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { freePorts, hasHaproxy, rawExchange, sleep, startHaproxy, startPortico, type Proc } from '../harness.js';
import { startEcho, startRawHttp, startReceiver, type Receiver } from './syslog.js';
import { buildProxyV2 } from '../../../src/tcp/proxy-protocol.js';

const HAVE = hasHaproxy();

interface Side {
  name: string;
  proc: Proc;
  rx: Receiver;
  ports: { http: number; tcp: number; plain: number; tcpPlain: number; ka: number; clf: number; queue: number; pp: number; ppNamed: number; tslow: number; tidle: number; tguard: number };
}

function config(p: Side['ports'], log: number, raw: number, echo: number, dead: number): string {
  return `global
    log 127.0.0.1:${log} local0
defaults
    log global
    timeout connect 500ms
    timeout client 3s
    timeout server 400ms
    timeout http-request 400ms
    retries 1
frontend fe
    mode http
    option httplog
    bind 127.0.0.1:${p.http}
    capture request header Host len 32
    capture request header X-Missing len 10
    capture response header x-srv len 8
    capture cookie SESS len 20
    http-request deny if { path /deny }
    http-request redirect location /elsewhere if { path /redir }
    use_backend nobe if { path /nobe }
    use_backend deadbe if { path /dead }
    default_backend be
frontend fka
    mode http
    option httplog
    bind 127.0.0.1:${p.ka}
    timeout client 500ms
    timeout tarpit 200ms
    http-request tarpit if { path /tarpit }
    http-request return status 200 content-type text/plain string ok if { path /return }
    http-request auth realm r if { path /auth }
    default_backend be
frontend ftslow
    mode tcp
    option tcplog
    bind 127.0.0.1:${p.tslow}
    default_backend tmute
backend tmute
    mode tcp
    timeout server 300ms
    server m1 127.0.0.1:${raw}
frontend ftidle
    mode tcp
    option tcplog
    timeout client 300ms
    bind 127.0.0.1:${p.tidle}
    default_backend techo
frontend ftguard
    mode tcp
    option tcplog
    bind 127.0.0.1:${p.tguard}
    tcp-request inspect-delay 1s
    tcp-request content reject if { req.payload(0,4) -m bin 42414421 }
    tcp-request content accept if { req.len ge 4 }
    default_backend techo
frontend fpp
    mode tcp
    option tcplog
    timeout client 500ms
    bind 127.0.0.1:${p.pp} accept-proxy
    bind 127.0.0.1:${p.ppNamed} accept-proxy name named
    default_backend techo
frontend fclf
    mode http
    option httplog clf
    bind 127.0.0.1:${p.clf}
    capture request header Host len 32
    capture request header X-None len 8
    default_backend be
frontend fq
    mode http
    option httplog
    bind 127.0.0.1:${p.queue}
    default_backend qbe
backend qbe
    mode http
    timeout queue 200ms
    timeout server 1s
    server q1 127.0.0.1:${raw} maxconn 1
backend be
    mode http
    server s1 127.0.0.1:${raw}
backend nobe
    mode http
backend deadbe
    mode http
    server d1 127.0.0.1:${dead}
frontend ft
    mode tcp
    option tcplog
    bind 127.0.0.1:${p.tcp}
    use_backend tdead if { dst_port ${p.tcp} } { src 127.0.0.2 }
    default_backend techo
backend techo
    mode tcp
    server e1 127.0.0.1:${echo}
backend tdead
    mode tcp
    server d1 127.0.0.1:${dead}
frontend fplain
    mode http
    bind 127.0.0.1:${p.plain}
    default_backend be
frontend ftplain
    mode tcp
    bind 127.0.0.1:${p.tcpPlain}
    default_backend techo
`;
}

/** "<134>Nov 21 15:57:07 haproxy[25419]: " → its parts with the date and pid masked. */
function splitSyslog(line: string): { header: string; msg: string } {
  const m = /^(<\d+>)([A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d) (\S+)\[(\d+)\]: (.*)\n$/s.exec(line);
  if (!m) throw new Error(`not a syslog line: ${JSON.stringify(line)}`);
  return { header: `${m[1]}DATE ${m[3]}[PID]:`, msg: m[5]! };
}

const timer = (t: string) => t.split('/').map((v) => (v === '-1' ? '-1' : v.startsWith('+') ? '+n' : 'n')).join('/');

/** httplog fields, masked where values legitimately differ (ports, dates, timer values). */
export function httpFields(msg: string): string[] {
  const m = /^(\S+):\d+ \[[^\]]+\] (\S+) (\S+) (\S+) (\S+) (\S+) (\S+) (\S+) (\S+) (\S+) (\S+)(.*)$/.exec(msg);
  if (!m) throw new Error(`not an httplog line: ${msg}`);
  const [, ci, ft, bs, timers, status, bytes, cc, cs, tsc, conns, queues, rest] = m;
  // %B in HTTP counts messages as HAProxy holds them (src/http/htx-size.ts); compared exactly.
  return [`ci=${ci}`, `ft=${ft}`, `b/s=${bs}`, `timers=${timer(timers!)}`, `status=${status}`, `bytes=${bytes}`, `CC=${cc}`, `CS=${cs}`, `tsc=${tsc}`, `conns=${conns}`, `queues=${queues}`, `rest=${rest}`];
}

export function tcpFields(msg: string): string[] {
  const m = /^(\S+):\d+ \[[^\]]+\] (\S+) (\S+) (\S+) (\S+) (\S+) (\S+) (\S+)$/.exec(msg);
  if (!m) throw new Error(`not a tcplog line: ${msg}`);
  const [, ci, ft, bs, timers, bytes, ts, conns, queues] = m;
  return [`ci=${ci}`, `ft=${ft}`, `b/s=${bs}`, `timers=${timer(timers!)}`, `bytes=${bytes}`, `ts=${ts}`, `conns=${conns}`, `queues=${queues}`];
}

/** CLF: quoted words stay whole; dates, ports, ms and timer values are masked. */
export function clfFields(msg: string): string[] {
  const words = msg.match(/"[^"]*"|\S+/g) ?? [];
  return words.map((w, i) => {
    if (i === 3 || i === 4) return 'DATE';
    if (i === 10 || i === 11) return 'N';
    if (i >= 15 && i <= 19) return w === '-1' ? '-1' : 'n';
    return w;
  }).concat(msg.endsWith(' ') ? ['<trailing space>'] : []);
}

/** Connection errors: "127.0.0.1:port [date] fe/bind: message". */
function errorFields(msg: string): string[] {
  const m = /^(\S+):\d+ \[[^\]]+\] (\S+) (.*)$/.exec(msg);
  if (!m) throw new Error(`not an error line: ${msg}`);
  return [`ci=${m[1]}`, `fe/bind=${m[2]}`, `message=${m[3]}`];
}

function connectFields(msg: string): string[] {
  const m = /^Connect from (\S+):\d+ to (\S+) \((\S+)\)$/.exec(msg);
  if (!m) throw new Error(`not a connect line: ${msg}`);
  return [`src=${m[1]}`, `dst=${m[2]!.replace(/:\d+$/, ':PORT')}`, `fe=${m[3]}`];
}

/** Keeps a connection open with a partial request until the proxy closes it. */
function partial(port: number, data: string, ms: number): Promise<string> {
  return rawExchange(port, data, ms);
}

/** Sends a request then closes before the answer comes. */
function abortAfter(port: number, data: string, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' }, () => {
      s.write(data);
      setTimeout(() => {
        s.destroy();
        resolve();
      }, ms);
    });
    s.on('error', () => resolve());
  });
}

/** Sends, then resets the connection (RST) after `ms`. */
function resetAfter(port: number, data: string, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' }, () => {
      s.write(data);
      setTimeout(() => {
        s.resetAndDestroy();
        resolve();
      }, ms);
    });
    s.on('error', () => resolve());
  });
}

/** A client that sends, half-closes, and reads until the proxy closes. */
function tcpRoundTrip(port: number, data: string, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const s = connect({ port, host: '127.0.0.1', localAddress: host }, () => s.end(data));
    const timer = setTimeout(() => s.destroy(), 3000);
    s.on('data', (d) => chunks.push(d));
    s.on('error', () => {});
    s.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString());
    });
  });
}

interface Scenario {
  name: string;
  kind: 'http' | 'tcp' | 'connect' | 'clf' | 'error';
  port: keyof Side['ports'];
  /** Log line pattern, in the message part. */
  match: RegExp;
  /**
   * Fields known to differ, with the reason (outside the log module). The test checks that they
   * still differ, so that fixing the cause shows up here, and counts them as disagreements.
   */
  known?: { fields: string[]; why: string };
  run(port: number): Promise<unknown>;
}

const get = (path: string, extra = '') => `GET ${path} HTTP/1.1\r\nHost: example.test\r\n${extra}Connection: close\r\n\r\n`;

const SCENARIOS: Scenario[] = [
  { name: 'normal 200 with captures', kind: 'http', port: 'http', match: /"GET \/ok /, run: (p) => rawExchange(p, get('/ok'), 2000) },
  { name: 'cookie captured both ways', kind: 'http', port: 'http', match: /"GET \/cookie /, run: (p) => rawExchange(p, get('/cookie', 'Cookie: SESS=zzz; other=1\r\n'), 2000) },
  { name: 'deny 403 PR--', kind: 'http', port: 'http', match: /"GET \/deny /, run: (p) => rawExchange(p, get('/deny'), 2000) },
  { name: 'redirect 302 LR--', kind: 'http', port: 'http', match: /"GET \/redir /, run: (p) => rawExchange(p, get('/redir'), 2000) },
  { name: 'no server 503 SC--', kind: 'http', port: 'http', match: /"GET \/nobe /, run: (p) => rawExchange(p, get('/nobe'), 2000) },
  { name: 'refused 503 SC-- after a retry', kind: 'http', port: 'http', match: /"GET \/dead /, run: (p) => rawExchange(p, get('/dead'), 4000) },
  { name: 'server timeout 504 sH--', kind: 'http', port: 'http', match: /"GET \/slow /, run: (p) => rawExchange(p, get('/slow'), 3000) },
  { name: 'server closes 502 SH--', kind: 'http', port: 'http', match: /"GET \/close /, run: (p) => rawExchange(p, get('/close'), 2000) },
  { name: 'invalid response 502 PH--', kind: 'http', port: 'http', match: /"GET \/garbage /, run: (p) => rawExchange(p, get('/garbage'), 2000) },
  { name: 'bad request 400 PR--', kind: 'http', port: 'ka', match: /<BADREQ>/, run: (p) => rawExchange(p, 'GET / HTTP/1.1\r\nbad header line\r\n\r\n', 2000) },
  { name: 'request timeout 408 cR--', kind: 'http', port: 'ka', match: / 408 /, run: (p) => partial(p, 'GET / HTTP/1.1\r\nHost: x\r\n', 2000) },
  // Without option abortonclose, a client leaving does not abort the request: the server timeout ends it.
  { name: 'client leaves, no abortonclose: sH--', kind: 'http', port: 'ka', match: /"GET \/slow2 /, run: (p) => abortAfter(p, get('/slow2'), 150) },
  { name: 'empty connection closed: 400 CR-- <BADREQ>', kind: 'http', port: 'ka', match: /<BADREQ>/, run: (p) => rawExchange(p, '', 300, true) },
  { name: 'option httplog clf with captures', kind: 'clf', port: 'clf', match: /"GET \/clf /, run: (p) => rawExchange(p, get('/clf'), 2000) },
  { name: 'clf: denied by no server', kind: 'clf', port: 'clf', match: /"GET \/garbage-clf /, run: (p) => rawExchange(p, get('/garbage-clf'), 2000) },
  {
    name: 'queue timeout 503 sQ--',
    kind: 'http',
    port: 'queue',
    match: /"GET \/queued /,
    run: async (p) => {
      const first = rawExchange(p, get('/slow-hold'), 3000);
      await sleep(100);
      await rawExchange(p, get('/queued'), 3000);
      await first;
    },
  },
  { name: 'PROXY: not a header', kind: 'error', port: 'pp', match: /does not look like/, run: (p) => rawExchange(p, 'GET / HTTP/1.0\r\n\r\n', 1000) },
  { name: 'PROXY: named bind', kind: 'error', port: 'ppNamed', match: /\/named: /, run: (p) => rawExchange(p, 'GET / HTTP/1.0\r\n\r\n', 1000) },
  { name: 'PROXY: closed while waiting', kind: 'error', port: 'pp', match: /closed while waiting/, run: (p) => rawExchange(p, '', 1000, true) },
  { name: 'PROXY: invalid v1', kind: 'error', port: 'pp', match: /invalid PROXY/, run: (p) => rawExchange(p, 'PROXY TCP4 1.2.3.4 5.6.7.8 1111\r\n', 1000) },
  { name: 'PROXY: truncated', kind: 'error', port: 'pp', match: /Truncated PROXY/, run: (p) => rawExchange(p, 'PROXY TCP4 1.2.3.4', 1000, true) },
  { name: 'PROXY: timeout', kind: 'error', port: 'pp', match: /Timeout while waiting/, run: (p) => rawExchange(p, '', 1500) },
  {
    name: 'PROXY: v2 header gives the client for tcplog',
    kind: 'tcp',
    port: 'pp',
    match: / fpp techo\//,
    run: (p) => rawExchange(p, Buffer.concat([buildProxyV2({ src: '10.1.2.3', srcPort: 4567, dst: '10.0.0.1', dstPort: 80 }), Buffer.from('hi')]), 500, true),
  },
  { name: 'server dies mid-body SD--', kind: 'http', port: 'ka', match: /"GET \/partial /, run: (p) => rawExchange(p, get('/partial'), 2000) },
  { name: 'client leaves mid-body CD--', kind: 'http', port: 'ka', match: /"GET \/drip /, run: (p) => abortAfter(p, get('/drip'), 150) },
  { name: 'client timeout mid-body cD--', kind: 'http', port: 'ka', match: /"GET \/drip2 /, run: (p) => partial(p, get('/drip2'), 2000) },
  {
    name: 'server answers before the request body ends, client stalls: cD--',
    kind: 'http',
    port: 'ka',
    match: /"POST \/upload /,
    run: (p) => partial(p, 'POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n12345', 2000),
    known: { fields: ['bytes', 'tsc'], why: 'the HTTP engine ends the transaction with the response instead of waiting for the request body (haproxy: client timeout, cD--); bytes differ as everywhere in HTTP' },
  },
  { name: 'tarpit PT--', kind: 'http', port: 'ka', match: /"GET \/tarpit /, run: (p) => rawExchange(p, get('/tarpit'), 2000) },
  { name: 'return LR--', kind: 'http', port: 'ka', match: /"GET \/return /, run: (p) => rawExchange(p, get('/return'), 2000) },
  { name: 'auth 401 PR--', kind: 'http', port: 'ka', match: /"GET \/auth /, run: (p) => rawExchange(p, get('/auth'), 2000) },
  {
    name: 'keep-alive: second request on the connection',
    kind: 'http',
    port: 'ka',
    match: /"GET \/second /,
    run: (p) => rawExchange(p, `GET /first HTTP/1.1\r\nHost: x\r\n\r\nGET /second HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, 2000),
  },
  { name: 'tcp echo --', kind: 'tcp', port: 'tcp', match: / techo\//, run: (p) => tcpRoundTrip(p, 'hello') },
  { name: 'tcp refused SC', kind: 'tcp', port: 'tcp', match: / tdead\//, run: (p) => tcpRoundTrip(p, 'hello', '127.0.0.2') },
  { name: 'tcp server timeout sD', kind: 'tcp', port: 'tslow', match: / ftslow tmute\/m1 .* sD /, run: (p) => partial(p, 'hello?', 1500) },
  { name: 'tcp client timeout cD', kind: 'tcp', port: 'tidle', match: / ftidle techo\/e1 .* cD /, run: (p) => partial(p, '', 1500) },
  { name: 'tcp client reset CD', kind: 'tcp', port: 'tslow', match: / ftslow tmute\/m1 .* CD /, run: (p) => resetAfter(p, 'x', 100) },
  { name: 'tcp-request content reject PR', kind: 'tcp', port: 'tguard', match: / ftguard ftguard\/<NOSRV> /, run: (p) => tcpRoundTrip(p, 'BAD!data') },
  { name: 'tcp-request content accept after inspection', kind: 'tcp', port: 'tguard', match: / ftguard techo\/e1 /, run: (p) => tcpRoundTrip(p, 'GOOD data') },
  { name: 'Connect from (HTTP)', kind: 'connect', port: 'plain', match: /\(fplain\/HTTP\)/, run: (p) => rawExchange(p, get('/ok'), 2000) },
  { name: 'Connect from (TCP)', kind: 'connect', port: 'tcpPlain', match: /\(ftplain\/TCP\)/, run: (p) => tcpRoundTrip(p, 'x') },
];

describe.skipIf(!HAVE)('logs: portico vs haproxy 2.6, field by field', () => {
  const sides: Side[] = [];
  let closers: (() => Promise<void>)[] = [];
  const results = new Map<string, { haproxy: string; portico: string }>();

  beforeAll(async () => {
    const raw = await startRawHttp();
    const echo = await startEcho();
    const [dead] = await freePorts(1);
    closers = [raw.close, echo.close];
    for (const name of ['haproxy', 'portico']) {
      const rx = await startReceiver();
      const [http, tcp, plain, tcpPlain, ka, clf, queue, pp, ppNamed, tslow, tidle, tguard] = await freePorts(12);
      const ports = { http: http!, tcp: tcp!, plain: plain!, tcpPlain: tcpPlain!, ka: ka!, clf: clf!, queue: queue!, pp: pp!, ppNamed: ppNamed!, tslow: tslow!, tidle: tidle!, tguard: tguard! };
      const cfg = config(ports, rx.port, raw.port, echo.port, dead!);
      const proc = name === 'haproxy' ? await startHaproxy(cfg, Object.values(ports)) : await startPortico(cfg, Object.values(ports));
      sides.push({ name, proc, rx, ports });
    }
    // Let the start-up probes' connections close, then run each scenario against both, one
    // after the other, so that counters (actconn...) match.
    await sleep(300);
    for (const sc of SCENARIOS) {
      const lines: string[] = [];
      for (const side of sides) {
        await sleep(30);
        side.rx.mark();
        await sc.run(side.ports[sc.port]);
        lines.push(await side.rx.next(sc.match, 5000));
      }
      results.set(sc.name, { haproxy: lines[0]!, portico: lines[1]! });
    }
  }, 120_000);

  afterAll(async () => {
    for (const s of sides) {
      await s.proc.stop();
      await s.rx.close();
    }
    for (const c of closers) await c();
  });

  let agree = 0;
  let total = 0;
  for (const sc of SCENARIOS) {
    it(sc.name, () => {
      const r = results.get(sc.name)!;
      const h = splitSyslog(r.haproxy);
      const p = splitSyslog(r.portico);
      const fields = sc.kind === 'http' ? httpFields : sc.kind === 'tcp' ? tcpFields : sc.kind === 'clf' ? clfFields : sc.kind === 'error' ? errorFields : connectFields;
      const hf = [h.header, ...fields(h.msg)];
      const pf = [p.header, ...fields(p.msg)];
      total += hf.length;
      agree += hf.filter((f, i) => pf[i] === f).length;
      const isKnown = (f: string) => sc.known?.fields.some((k) => f.startsWith(`${k}=`)) === true;
      const why = `haproxy: ${r.haproxy}portico: ${r.portico}`;
      expect(pf.filter((f) => !isKnown(f)), why).toEqual(hf.filter((f) => !isKnown(f)));
      if (sc.known) expect(pf.filter(isKnown), `known difference gone (${sc.known.why}): update the scenario`).not.toEqual(hf.filter(isKnown));
    });
  }

  it('reports the agreement', () => {
    // Printed for the record (docs and reports quote it).
    console.log(`log differential: ${agree}/${total} fields agree over ${SCENARIOS.length} scenarios`);
    expect(total).toBeGreaterThan(0);
  });
});
