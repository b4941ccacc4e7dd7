/**
 * Differential test: the real haproxy (when installed) and portico's runner + scheduler
 * check the same fake servers; status codes and log lines must agree (durations aside).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileProxyChecks, newProxyCheckConfig, parseCheckOption, parseHttpCheck, parseTcpCheck } from '../../../src/checks/options.js';
import { runCheck } from '../../../src/checks/runner.js';
import { CheckScheduler } from '../../../src/checks/scheduler.js';
import { closedPort, fakeServer, type FakeServer, type FakeStep } from './fake-server.js';

const haproxy = spawnSync('haproxy', ['-v'], { encoding: 'utf8' });
const hasHaproxy = haproxy.status === 0 && /HAProxy version 2\.6/.test(haproxy.stdout);

interface Case {
  name: string;
  /** Proxy lines about checks, as words. */
  lines: string[][];
  script?: FakeStep[];
  closeAfter?: boolean;
}

const CASES: Case[] = [
  { name: 'tcpok', lines: [], script: [] , closeAfter: false},
  { name: 'refused', lines: [] },
  { name: 'http200', lines: [['option', 'httpchk']], script: [{ after: '\r\n\r\n', reply: 'HTTP/1.0 200 OK\r\n\r\n' }] },
  { name: 'http503', lines: [['option', 'httpchk']], script: [{ after: '\r\n\r\n', reply: 'HTTP/1.0 503 Service Unavailable\r\n\r\n' }] },
  { name: 'garbage', lines: [['option', 'httpchk']], script: [{ after: '\r\n\r\n', reply: 'garbage\r\n\r\n' }] },
  { name: 'nobody', lines: [['option', 'httpchk'], ['http-check', 'expect', 'string', 'nothere']], script: [{ after: '\r\n\r\n', reply: 'HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello' }] },
  { name: 'd404', lines: [['option', 'httpchk'], ['http-check', 'disable-on-404']], script: [{ after: '\r\n\r\n', reply: 'HTTP/1.0 404 Not Found\r\n\r\n' }] },
  {
    name: 'tcpseq',
    lines: [['option', 'tcp-check'], ['tcp-check', 'expect', 'string', 'hello'], ['tcp-check', 'send', 'PING\r\n'], ['tcp-check', 'expect', 'string', '+PONG']],
    script: [{ reply: 'hello world\r\n' }, { after: 'PING', reply: '-ERR\r\n' }],
  },
  { name: 'redis', lines: [['option', 'redis-check']], script: [{ after: 'PING', reply: '-ERR nope\r\n' }] },
  { name: 'smtp', lines: [['option', 'smtpchk']], script: [{ reply: '554 go away\r\n' }], closeAfter: false },
  { name: 'tcpslow', lines: [['option', 'tcp-check'], ['tcp-check', 'expect', 'string', 'hello']], script: [], closeAfter: false },
  { name: 'httpslow', lines: [['option', 'httpchk']], script: [], closeAfter: false },
  { name: 'ldap', lines: [['option', 'ldap-check']], script: [{ after: Buffer.from('8000', 'hex'), reply: Buffer.from('300c02010161070a013104000400', 'hex') }] },
];

const quote = (w: string): string => `"${w.replace(/\\/g, '\\\\').replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`;
const normalize = (line: string): string => line.replace(/check duration: \d+ms/, 'check duration: Nms');

describe.skipIf(!hasHaproxy)('checks: same results as haproxy 2.6', () => {
  const servers: FakeServer[] = [];
  const ports = new Map<string, number>();
  let haproxyLines: string[] = [];

  beforeAll(async () => {
    for (const c of CASES) {
      if (!c.script) {
        ports.set(c.name, await closedPort());
        continue;
      }
      const s = await fakeServer(c.script, c.closeAfter === undefined ? {} : { closeAfter: c.closeAfter });
      servers.push(s);
      ports.set(c.name, s.port);
    }
    const dir = mkdtempSync(join(tmpdir(), 'portico-checks-'));
    const cfg = [
      'global',
      '  log stdout format raw local0',
      'defaults',
      '  log global',
      '  mode http',
      '  timeout connect 1s',
      '  timeout client 5s',
      '  timeout server 5s',
      '  option log-health-checks',
      'frontend fe',
      `  bind 127.0.0.1:${await closedPort()}`,
      '  default_backend tcpok',
      ...CASES.flatMap((c) => [`backend ${c.name}`, ...c.lines.map((l) => '  ' + l.map(quote).join(' ')), `  server s1 127.0.0.1:${ports.get(c.name)} check inter 1s`]),
    ].join('\n');
    writeFileSync(join(dir, 'h.cfg'), cfg + '\n');
    const child = spawn('haproxy', ['-db', '-f', join(dir, 'h.cfg')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    // Checks start spread over the first `inter` (1 s); the slow ones time out 1 s later. Wait
    // until every backend has logged (bounded: a loaded machine can take longer than 2 s).
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && !CASES.every((c) => out.includes(` ${c.name}/s1 `) || out.includes(`backend ${c.name} `))) {
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 200));
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    if (process.env.PORTICO_DEBUG_CHECKS) console.log(out);
    haproxyLines = out.split('\n').filter((l) => l && !l.startsWith('['));
  });

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  for (const c of CASES) {
    it(`${c.name}: first check log lines`, async () => {
      const pc = newProxyCheckConfig();
      for (const words of c.lines) {
        const r = words[0] === 'option' ? parseCheckOption(words, pc) : words[0] === 'http-check' ? parseHttpCheck(words, pc) : parseTcpCheck(words, pc);
        expect(r).toEqual({ ok: true });
      }
      pc.logHealthChecks = true;
      const outcome = await runCheck(compileProxyChecks(pc), { host: '127.0.0.1', port: ports.get(c.name)! }, { timeouts: { connect: 1000, total: 1000 } });
      const ours: string[] = [];
      const sched = new CheckScheduler(
        { proxy: c.name, server: 's1', check: true, rise: 2, fall: 3, inter: 1000, weight: 1, logHealthChecks: true },
        { counts: () => ({ activeServers: 0, backupServers: 0, sessionsActive: 0, requeued: 0, serverQueue: 0, totalQueue: 0 }), emit: (e) => e.type === 'log' && ours.push(e.text) },
      );
      sched.applyHealth(outcome);
      const theirs = haproxyLines.filter((l) => l.includes(` ${c.name}/s1 `) || l.startsWith(`backend ${c.name} `)).slice(0, ours.length);
      expect(theirs.length).toBeGreaterThan(0);
      expect(ours.map(normalize)).toEqual(theirs.map(normalize));
    });
  }
});
