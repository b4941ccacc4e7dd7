import { describe, expect, it } from 'vitest';
import { HEAD, begin, entries, get, respond, setup, type Setup } from './helpers.js';

const listen = (lines: string[], servers = ['server s1 127.0.0.1:9', 'server s2 127.0.0.1:10']) =>
  `${HEAD}frontend fe\n  bind 127.0.0.1:8080\n  default_backend be\nbackend be\n${[...lines, ...servers].map((l) => `  ${l}\n`).join('')}`;

/** One request from the same client: the preferred server, then the server that answered (LB pick when none). */
function visit(s: Setup, raw = get(), lbPick = 's2'): string | undefined {
  const { txn, v } = begin(s, raw);
  if (v.kind !== 'forward') throw new Error('reply');
  const be = s.rt.backends.get('be')!;
  const served = v.server ?? be.findServer(lbPick);
  respond(s, txn, served);
  return v.server?.name;
}

describe('stick on src', () => {
  it('stores the server that answered, then sends the client to it', () => {
    const s = setup(listen(['stick-table type ip size 1k expire 10m', 'stick on src']));
    expect(visit(s)).toBeUndefined();
    expect(entries(s, 'be')).toEqual([expect.stringMatching(/^key=127\.0\.0\.1 use=0 exp=\d+ server_id=2 server_key=s2$/)]);
    expect(visit(s, get(), 's1')).toBe('s2');
    expect(visit(s)).toBe('s2');
  });

  it('a server that is down is not used, unless option persist', () => {
    for (const persist of [false, true]) {
      const s = setup(listen(['stick-table type ip size 1k', 'stick on src', ...(persist ? ['option persist'] : [])]));
      visit(s);
      s.rt.backends.get('be')!.findServer('s2')!.healthy = false;
      expect(visit(s, get(), 's1')).toBe(persist ? 's2' : undefined);
      // Without persist the new server is stored in its place.
      if (!persist) expect(visit(s)).toBe('s1');
    }
  });

  it('force-persist lets a matching request use a down server', () => {
    const s = setup(listen(['stick-table type ip size 1k', 'stick on src', 'force-persist if { path /admin }']));
    visit(s);
    s.rt.backends.get('be')!.findServer('s2')!.healthy = false;
    expect(visit(s, get('/admin'), 's1')).toBe('s2');
  });

  it('use-server wins over a stick entry, which is then only refreshed', () => {
    const s = setup(listen(['stick-table type ip size 1k', 'stick on src', 'use-server s1 if { path /one }']));
    visit(s);
    expect(visit(s, get('/one'))).toBe('s1');
    expect(visit(s)).toBe('s1');
  });

  it('nothing is stored without a server, nor for a non-stick server', () => {
    const s = setup(listen(['stick-table type ip size 1k', 'stick on src'], ['server s1 127.0.0.1:9 non-stick']));
    const { txn } = begin(s);
    respond(s, txn, undefined);
    expect(entries(s, 'be')).toEqual([]);
    visit(s, get(), 's1');
    expect(entries(s, 'be')).toEqual([]);
  });
});

describe('stick match / store-request / store-response', () => {
  it('store-request stores a header value; match looks up a cookie in the same table', () => {
    const s = setup(listen(['stick-table type string len 32 size 1k', 'stick store-request req.hdr(x-session)', 'stick match req.cook(sid)']));
    visit(s, 'GET / HTTP/1.1\nHost: h\nX-Session: abc\n\n', 's1');
    expect(entries(s, 'be')).toEqual(['key=abc use=0 exp=0 server_id=1 server_key=s1']);
    expect(visit(s, 'GET / HTTP/1.1\nHost: h\nCookie: sid=abc\n\n')).toBe('s1');
    expect(visit(s, 'GET / HTTP/1.1\nHost: h\nCookie: sid=zzz\n\n')).toBeUndefined();
  });

  it('only the first store rule of a table applies; conditions select the rule', () => {
    const s = setup(listen(['stick-table type string size 1k', 'stick store-request req.hdr(x-a) if { req.hdr(x-a) -m found }', 'stick store-request req.hdr(x-b)']));
    visit(s, 'GET / HTTP/1.1\nHost: h\nX-A: first\nX-B: second\n\n', 's1');
    visit(s, 'GET / HTTP/1.1\nHost: h\nX-B: third\n\n', 's2');
    expect(entries(s, 'be')).toEqual(['key=first use=0 exp=0 server_id=1 server_key=s1', 'key=third use=0 exp=0 server_id=2 server_key=s2']);
  });

  it('store-response reads the response, and a table in another proxy works', () => {
    const s = setup(
      `${HEAD}backend sessions\n  stick-table type string size 1k\n${listen(['stick store-response res.hdr(x-sid) table sessions', 'stick match req.hdr(x-sid) table sessions']).slice(HEAD.length)}`,
    );
    const { txn } = begin(s);
    txn.server = s.rt.backends.get('be')!.findServer('s2');
    txn.res = { head: { version: 'HTTP/1.1', status: 200, reason: 'OK', headers: ['x-sid', 'S42'] } } as never;
    s.hooks.response!(txn);
    expect(entries(s, 'sessions')).toEqual(['key=S42 use=0 exp=0 server_id=2 server_key=s2']);
    expect(visit(s, 'GET / HTTP/1.1\nHost: h\nX-Sid: S42\n\n')).toBe('s2');
  });
});

describe('stick rules for the TCP engine', () => {
  it('stick on src in a TCP listen: stored once connected, then preferred', async () => {
    const { loadConfigText } = await import('../../../src/config/load.js');
    const { Runtime } = await import('../../../src/runtime/runtime.js');
    const { createSampleContext } = await import('../../../src/sample/context.js');
    const { tcpStickRequest, tcpStickConnected } = await import('../../../src/rules/index.js');
    const text = `${HEAD.replace('mode http', 'mode tcp')}listen l\n  bind 127.0.0.1:8080\n  stick-table type ip size 1k\n  stick on src\n  server s1 127.0.0.1:9\n  server s2 127.0.0.1:10\n`;
    const loaded = loadConfigText(text, 't.cfg');
    expect(loaded.ok).toBe(true);
    const rt = new Runtime(loaded.config, {}, loaded.rules);
    const be = rt.backends.get('l')!;
    const connect = (ip: string) => {
      const ss = rt.stick.session(ip)!;
      const sample = createSampleContext({ conn: { src: ip, srcPort: 1, dst: '127.0.0.1', dstPort: 8080 }, stick: ss.fetch });
      const r = tcpStickRequest(loaded.rules!, be, ss, sample);
      tcpStickConnected(loaded.rules!, be, ss, sample, r.server ?? be.findServer('s2'), r.stores);
      return r.server?.name;
    };
    expect(connect('10.0.0.1')).toBeUndefined();
    expect(connect('10.0.0.1')).toBe('s2');
    expect(connect('10.0.0.2')).toBeUndefined();
    expect(rt.stick.show(['l']).split('\n').filter(Boolean).length).toBe(3);
  });
});
