/**
 * What a health check sends, byte for byte: one backend per check kind, each server pointing at
 * its own capturing listener; portico and haproxy 2.6 must send the same bytes (ports aside).
 * Covers option httpchk and http-check send/connect/send-state, check-send-proxy, port, addr,
 * tcp-check send/send-binary, redis, pgsql, mysql (post-41 and pre-41), smtp and ldap checks.
 * (Intervals under 1 s: HAProxy starts all first checks at once then, and so does portico.)
 */
import { createServer, type Server, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePorts, hasHaproxy } from '../harness.js';
import { startOn, waitFor, type Target } from './lib.js';

type Greeting = 'none' | 'smtp' | 'mysql';

interface Case {
  name: string;
  /** Backend lines; `${cap}` is the capturing port, `${closed}` a port nobody listens on. */
  lines: (cap: number, closed: number) => string;
  greet?: Greeting;
  /** portico's expected bytes (latin1), ports replaced by P. */
  expected: string;
}

const MYSQL_GREETING = Buffer.from(
  '4a0000000a382e302e3333000a0000002a3b3c3d3e3f404100ffffff0200ffc715000000000000000000003a3b3c3d3e3f404142434445006d7973716c5f6e61746976655f70617373776f726400',
  'hex',
);

const CASES: Case[] = [
  { name: 'httpchk', lines: (cap) => `    option httpchk\n    server s1 127.0.0.1:${cap} check inter 500`, expected: 'OPTIONS / HTTP/1.0\r\n\r\n' },
  {
    name: 'send',
    lines: (cap) => `    option httpchk GET /h HTTP/1.1\n    http-check send meth POST uri /p ver HTTP/1.1 hdr Host x hdr X-A 1 body hello\n    http-check expect status 200-299\n    server s1 127.0.0.1:${cap} check inter 500`,
    expected: 'POST /p HTTP/1.1\r\nhost: x\r\nx-a: 1\r\ncontent-length: 5\r\nconnection: close\r\n\r\nhello',
  },
  {
    name: 'send-state',
    lines: (cap) => `    option httpchk GET /s HTTP/1.1\n    http-check send-state\n    http-check send hdr Host h\n    server s1 127.0.0.1:${cap} check inter 500 weight 3\n    server s2 127.0.0.1:${cap} weight 5\n    server s3 127.0.0.1:${cap} weight 7 backup`,
    expected: 'GET /s HTTP/1.1\r\nhost: h\r\nx-haproxy-server-state: UP 1/3; address=127.0.0.1; port=P; name=send-state/s1; node=N; weight=3/8; scur=0/0; qcur=0\r\nconnection: close\r\n\r\n',
  },
  { name: 'send-proxy', lines: (cap) => `    option httpchk\n    server s1 127.0.0.1:${cap} check inter 500 check-send-proxy`, expected: 'PROXY TCP4 127.0.0.1 127.0.0.1 P P\r\nOPTIONS / HTTP/1.0\r\n\r\n' },
  { name: 'port', lines: (cap, closed) => `    option httpchk GET /port\n    server s1 127.0.0.1:${closed} check inter 500 port ${cap}`, expected: 'GET /port HTTP/1.0\r\n\r\n' },
  { name: 'addr', lines: (cap, closed) => `    option httpchk GET /addr\n    server s1 127.0.0.2:${closed} check inter 500 addr 127.0.0.1 port ${cap}`, expected: 'GET /addr HTTP/1.0\r\n\r\n' },
  {
    name: 'connect',
    lines: (cap, closed) => `    option httpchk\n    http-check connect port ${cap}\n    http-check send meth GET uri /c\n    server s1 127.0.0.1:${closed} check inter 500`,
    expected: 'GET /c HTTP/1.0\r\n\r\n',
  },
  { name: 'tcp-check', lines: (cap) => `    option tcp-check\n    tcp-check send-binary 50494e470d0a\n    tcp-check send hello\n    server s1 127.0.0.1:${cap} check inter 500`, expected: 'PING\r\nhello' },
  { name: 'redis', lines: (cap) => `    option redis-check\n    server s1 127.0.0.1:${cap} check inter 500`, expected: '*1\r\n$4\r\nPING\r\n' },
  { name: 'pgsql', lines: (cap) => `    option pgsql-check user bob\n    server s1 127.0.0.1:${cap} check inter 500`, expected: '\x00\x00\x00\x12\x00\x03\x00\x00user\x00bob\x00\x00' },
  {
    name: 'mysql',
    greet: 'mysql',
    lines: (cap) => `    option mysql-check user bob\n    server s1 127.0.0.1:${cap} check inter 500`,
    expected: `%\x00\x00\x01\x00\x82\x00\x00\x00\x80\x00\x01!${'\x00'.repeat(23)}bob\x00\x00\x01\x00\x00\x00\x01`,
  },
  { name: 'mysql-pre41', greet: 'mysql', lines: (cap) => `    option mysql-check user bob pre-41\n    server s1 127.0.0.1:${cap} check inter 500`, expected: '\n\x00\x00\x01\x00\x80\x00\x00\x01bob\x00\x00\x01\x00\x00\x00\x01' },
  { name: 'smtp', greet: 'smtp', lines: (cap) => `    option smtpchk HELO me.example\n    server s1 127.0.0.1:${cap} check inter 500`, expected: 'HELO me.example\r\nQUIT\r\n' },
  { name: 'ldap', lines: (cap) => `    option ldap-check\n    server s1 127.0.0.1:${cap} check inter 500`, expected: '0\x0c\x02\x01\x01`\x07\x02\x01\x03\x04\x00\x80\x00' },
];

/** A listener keeping what the first connection sent (HTTP requests get a 200, SMTP/MySQL a greeting). */
async function capture(greet: Greeting): Promise<{ port: number; got(): string | undefined; close(): Promise<void> }> {
  let first: Buffer | undefined;
  let done = false;
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    if (greet === 'smtp') s.write('220 hi\r\n');
    if (greet === 'mysql') s.write(MYSQL_GREETING);
    let buf = Buffer.alloc(0);
    const mine = first === undefined;
    if (mine) first = buf;
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (mine) first = buf;
      // A complete HTTP request head (after a PROXY line, maybe) gets its 200.
      if (greet === 'none' && / HTTP\/1\.\d\r\n(?:[^\r]*\r\n)*\r\n/.test(buf.toString('latin1'))) s.end('HTTP/1.0 200 OK\r\ncontent-length: 0\r\n\r\n');
      // SMTP: each command line gets its 250 (the check sends QUIT after the HELO reply).
      if (greet === 'smtp' && buf.toString('latin1').endsWith('\r\n')) s.write(buf.includes('QUIT\r\n') ? '221 bye\r\n' : '250 ok\r\n');
    });
    // What arrived within 300 ms of the connection is the check's request.
    setTimeout(() => {
      if (mine) done = true;
      s.destroy();
    }, 300);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    got: () => (done ? first!.toString('latin1') : undefined),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

async function sent(target: Target): Promise<Record<string, string>> {
  const caps = await Promise.all(CASES.map((c) => capture(c.greet ?? 'none')));
  const [closed] = await freePorts(1);
  try {
    const { p } = await startOn(target, 1, ([fe]) => {
      let cfg = `defaults\n    mode http\n    timeout connect 1s\n    timeout client 5s\n    timeout server 5s\n    timeout check 1s\nfrontend fe\n    bind 127.0.0.1:${fe}\n    default_backend ${CASES[0]!.name}\n`;
      CASES.forEach((c, i) => (cfg += `backend ${c.name}\n${c.lines(caps[i]!.port, closed!)}\n`));
      return cfg;
    });
    try {
      await waitFor(() => caps.every((c) => c.got() !== undefined), 6000);
    } finally {
      await p.stop();
    }
    const out: Record<string, string> = {};
    CASES.forEach((c, i) => {
      out[c.name] = (caps[i]!.got() ?? '(nothing)')
        .replace(/(port=)\d+/, '$1P')
        .replace(/(node=)[^;]*/, '$1N')
        .replace(/^(PROXY TCP4 \S+ \S+) \d+ \d+/, '$1 P P');
    });
    return out;
  } finally {
    await Promise.all(caps.map((c) => c.close()));
  }
}

describe('check requests, byte for byte', () => {
  it('portico sends what haproxy 2.6 sends', async () => {
    const [portico, haproxy] = await Promise.all([sent('portico'), hasHaproxy() ? sent('haproxy') : Promise.resolve(undefined)]);
    expect(portico).toEqual(Object.fromEntries(CASES.map((c) => [c.name, c.expected])));
    if (haproxy) expect(portico).toEqual(haproxy);
  }, 30_000);
});
