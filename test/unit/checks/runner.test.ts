import { afterEach, describe, expect, it } from 'vitest';
import { agentCheck, defaultCheck, httpCheck, ldapCheck, mysqlCheck, pgsqlCheck, redisCheck, smtpCheck, sslHelloBytes, sslHelloCheck, tcpCheck } from '../../../src/checks/kinds.js';
import { runCheck, type CheckTarget } from '../../../src/checks/runner.js';
import type { ExpectRule, HttpRequestSpec, Rule } from '../../../src/checks/rules.js';
import { closedPort, fakeServer, type FakeServer, type FakeStep } from './fake-server.js';

const servers: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function serve(script: FakeStep[] | ((n: number) => FakeStep[]), opts?: { closeAfter?: boolean }): Promise<FakeServer> {
  const s = await fakeServer(script, opts);
  servers.push(s);
  return s;
}
const at = (port: number): CheckTarget => ({ host: '127.0.0.1', port });
const fast = { timeouts: { connect: 1000, total: 1000 } };
const hex = (s: string): Buffer => Buffer.from(s, 'hex');
const exp = (match: ExpectRule['match'], extra: Partial<ExpectRule> = {}): ExpectRule => ({ type: 'expect', match, inverse: false, minRecv: -1, ...extra });
const httpSend = (d: Partial<HttpRequestSpec>): Rule => ({ type: 'send', data: { method: '', uri: '', version: '', headers: [], ...d } });

// Bytes captured from Debian's haproxy 2.6.12 against a node fake server (see the report in the commit).
const CAPTURED = {
  httpDefault: 'OPTIONS / HTTP/1.0\r\n\r\n',
  http11Host: 'GET /h HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n',
  http11Body: 'POST /p HTTP/1.1\r\nhost: h\r\ncontent-length: 3\r\nconnection: close\r\n\r\nabc',
  http10Hdrs: 'GET /x HTTP/1.0\r\nhost: a.b\r\nx-y: z\r\n\r\n',
  http10Body: 'PUT / HTTP/1.0\r\ncontent-length: 2\r\n\r\nhi',
  mysql41: '290000010082000000800001210000000000000000000000000000000000000000000000686170726f787900000100000001',
  pgsql: '000000150003000075736572007067757365720000',
  redis: '2a310d0a24340d0a50494e470d0a',
  smtp: 'HELO localhost\r\nQUIT\r\n',
  smtpEhlo: 'EHLO example.com\r\nQUIT\r\n',
  ldap: '300c020101600702010304008000',
  sslHelloAfterTime: '484150524f585953534c43484b0a484150524f585953534c43484b0a00004e000100020003000400050006000700080009000a000b000c000d000e000f0010001100120013001400150016001700180019001a001b002f0030003100320033003400350036003700380039003a0100',
};
const MYSQL_BANNER = hex('490000000a352e372e300007000000616263646566676800fff721020001801500000000000000000000696a6b6c6d6e6f7071727374006d7973716c5f6e61746976655f70617373776f726400');
const MYSQL_OK = hex('0700000200000002000000');

describe('TCP connect check', () => {
  it('passes at layer 4 with no info', async () => {
    const s = await serve([]);
    const r = await runCheck(defaultCheck(), at(s.port), fast);
    expect(r).toMatchObject({ status: 'L4OK', info: '', code: 0 });
  });
  it('reports a refused connection as L4CON "Connection refused"', async () => {
    const r = await runCheck(defaultCheck(), at(await closedPort()), fast);
    expect(r).toMatchObject({ status: 'L4CON', info: 'Connection refused' });
  });
  it('tcp-check wording on a refused connect with a port', async () => {
    const port = await closedPort();
    const s = await serve([]);
    const r = await runCheck(tcpCheck([{ type: 'connect', port }]), at(s.port), fast);
    expect(r).toMatchObject({ status: 'L4CON', info: `Connection refused at step 1 of tcp-check (connect port ${port})` });
  });
  it('uses the check port and addr overrides, and sends a PROXY v1 line first', async () => {
    const s = await serve([{ after: '\r\n\r\n', reply: 'HTTP/1.0 200 OK\r\n\r\n' }]);
    const r = await runCheck(httpCheck({}, []), { host: '192.0.2.1', port: 1, checkAddr: '127.0.0.1', checkPort: s.port, sendProxy: true }, fast);
    expect(r.status).toBe('L7OK');
    const text = s.received[0]!.toString('latin1');
    expect(text).toMatch(new RegExp(`^PROXY TCP4 127\\.0\\.0\\.1 127\\.0\\.0\\.1 \\d+ ${s.port}\\r\\n${CAPTURED.httpDefault.replace(/\//g, '\\/')}$`));
  });
});

describe('HTTP checks', () => {
  it('sends the default request and passes on 200 with the code', async () => {
    const s = await serve([{ after: '\r\n\r\n', reply: 'HTTP/1.0 200 OK\r\n\r\n' }]);
    const r = await runCheck(httpCheck({}, []), at(s.port), fast);
    expect(s.received[0]!.toString('latin1')).toBe(CAPTURED.httpDefault);
    expect(r).toMatchObject({ status: 'L7OK', code: 200, info: '' });
  });
  it('merges option httpchk with http-check send hdr (HTTP/1.1 adds connection: close)', async () => {
    const s = await serve([{ after: '\r\n\r\n', reply: 'HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n' }], { closeAfter: false });
    const r = await runCheck(httpCheck({ method: 'GET', uri: '/h', version: 'HTTP/1.1' }, [httpSend({ headers: [['Host', 'x']] })]), at(s.port), fast);
    expect(s.received[0]!.toString('latin1')).toBe(CAPTURED.http11Host);
    expect(r).toMatchObject({ status: 'L7OK', code: 200 });
  });
  it('writes bodies with content-length, HTTP/1.0 without connection header', async () => {
    const a = await serve([{ after: 'abc', reply: 'HTTP/1.0 200 OK\r\n\r\n' }]);
    await runCheck(httpCheck({}, [httpSend({ method: 'POST', uri: '/p', version: 'HTTP/1.1', headers: [['Host', 'h']], body: 'abc' })]), at(a.port), fast);
    expect(a.received[0]!.toString('latin1')).toBe(CAPTURED.http11Body);
    const b = await serve([{ after: '\r\n\r\n', reply: 'HTTP/1.0 200 OK\r\n\r\n' }]);
    await runCheck(httpCheck({ method: 'GET', uri: '/x' }, [httpSend({ headers: [['Host', 'a.b'], ['X-Y', 'z']] })]), at(b.port), fast);
    expect(b.received[0]!.toString('latin1')).toBe(CAPTURED.http10Hdrs);
    const c = await serve([{ after: 'hi', reply: 'HTTP/1.0 200 OK\r\n\r\n' }]);
    await runCheck(httpCheck({}, [httpSend({ method: 'PUT', body: 'hi' })]), at(c.port), fast);
    expect(c.received[0]!.toString('latin1')).toBe(CAPTURED.http10Body);
  });
  it('503 is L7STS with the reason as info', async () => {
    const s = await serve([{ after: '\r\n\r\n', reply: 'HTTP/1.0 503 Service Unavailable\r\n\r\n' }]);
    expect(await runCheck(httpCheck({}, []), at(s.port), fast)).toMatchObject({ status: 'L7STS', code: 503, info: 'Service Unavailable' });
  });
  it('404 fails, or passes conditionally with disable-on-404 unless the server is stopped', async () => {
    const s = await serve([{ after: '\r\n\r\n', reply: 'HTTP/1.0 404 Not Found\r\n\r\n' }]);
    expect(await runCheck(httpCheck({}, []), at(s.port), fast)).toMatchObject({ status: 'L7STS', code: 404, info: 'Not Found' });
    expect(await runCheck(httpCheck({}, [], true), at(s.port), fast)).toMatchObject({ status: 'L7OKC', code: 404, info: '' });
    expect(await runCheck(httpCheck({}, [], true), at(s.port), { ...fast, serverStopped: true })).toMatchObject({ status: 'L7STS' });
  });
  it('garbage is L7RSP without info, an empty reply names the step', async () => {
    const g = await serve([{ after: '\r\n\r\n', reply: 'garbage\r\n\r\n' }]);
    expect(await runCheck(httpCheck({}, []), at(g.port), fast)).toMatchObject({ status: 'L7RSP', info: '', code: 0 });
    const e = await serve([{ after: '\r\n\r\n', reply: '' }]);
    expect(await runCheck(httpCheck({}, []), at(e.port), fast)).toMatchObject({ status: 'L7RSP', info: 'TCPCHK got an empty response at step 2' });
  });
  it('a slow server is L7TOUT at the check timeout', async () => {
    const s = await serve([]);
    const r = await runCheck(httpCheck({}, []), at(s.port), { timeouts: { connect: 300, total: 300 } });
    expect(r.status).toBe('L7TOUT');
    expect(r.durationMs).toBeGreaterThanOrEqual(290);
    expect(r.durationMs).toBeLessThan(1000);
  });
  it('expect string / ! rstatus / hdr / status list', async () => {
    const reply = 'HTTP/1.1 200 OK\r\ncontent-length: 5\r\nx-a: b, c\r\n\r\nhello';
    const s = await serve([{ after: '\r\n\r\n', reply }]);
    const run = (e: ExpectRule) => runCheck(httpCheck({}, [e]), at(s.port), fast);
    expect(await run(exp({ kind: 'string', value: Buffer.from('nothere') }))).toMatchObject({ status: 'L7RSP', info: 'HTTP content check did not match' });
    expect(await run(exp({ kind: 'string', value: Buffer.from('ell') }))).toMatchObject({ status: 'L7OK', code: 200 });
    expect(await run(exp({ kind: 'rstatus', re: /^2/ }, { inverse: true }))).toMatchObject({ status: 'L7STS', code: 200, info: 'OK' });
    expect(await run(exp({ kind: 'status', ranges: [[201, 201]] }))).toMatchObject({ status: 'L7STS', info: 'OK' });
    expect(await run(exp({ kind: 'hdr', full: false, name: 'X-A', nameMethod: 'str', value: 'c', valueMethod: 'str' }))).toMatchObject({ status: 'L7OK' });
    expect(await run(exp({ kind: 'hdr', full: true, name: 'x-a', nameMethod: 'str', value: 'c', valueMethod: 'str' }))).toMatchObject({ status: 'L7STS' });
  });
});

describe('tcp-check sequences', () => {
  const rules: Rule[] = [
    exp({ kind: 'string', value: Buffer.from('hello') }),
    { type: 'send', data: Buffer.from('PING\r\n') },
    exp({ kind: 'string', value: Buffer.from('+PONG') }),
  ];
  it('passes with "(tcp-check)"', async () => {
    const s = await serve([{ reply: 'hello world\r\n' }, { after: 'PING', reply: '+PONG\r\n' }]);
    expect(await runCheck(tcpCheck(rules), at(s.port), fast)).toMatchObject({ status: 'L7OK', code: 0, info: '(tcp-check)' });
    expect(s.received[0]!.toString()).toBe('PING\r\n');
  });
  it('names the failing step', async () => {
    const s = await serve([{ reply: 'hello world\r\n' }, { after: 'PING', reply: '-ERR\r\n' }]);
    expect(await runCheck(tcpCheck(rules), at(s.port), fast)).toMatchObject({ status: 'L7RSP', info: "TCPCHK did not match content '+PONG' at step 3" });
  });
  it('binary send and expect', async () => {
    const s = await serve([{ after: 'PING', reply: '+PONG\r\n' }]);
    const r = await runCheck(tcpCheck([{ type: 'send', data: hex('50494e470d0a') }, exp({ kind: 'binary', value: hex('2b504F4e47') })]), at(s.port), fast);
    expect(r.status).toBe('L7OK');
  });
  it('never crashes on binary garbage', async () => {
    const s = await serve([{ reply: Buffer.from([0, 255, 0, 13, 10, 0xc3]) }]);
    for (const ruleset of [redisCheck(), mysqlCheck('u'), ldapCheck(), pgsqlCheck('u'), smtpCheck(), agentCheck(), httpCheck({}, [])]) {
      const r = await runCheck(ruleset, at(s.port), { timeouts: { connect: 500, total: 500 } });
      expect(['L7RSP', 'L7STS', 'L7TOUT', 'CHECKED', 'L6RSP']).toContain(r.status);
    }
  });
});

describe('protocol checks', () => {
  it('mysql-check without user reads the greeting and reports the version', async () => {
    const s = await serve([{ reply: MYSQL_BANNER }], { closeAfter: false });
    expect(await runCheck(mysqlCheck(), at(s.port), fast)).toMatchObject({ status: 'L7OK', code: 0, info: '5.7.0' });
  });
  it('mysql-check user sends the captured 4.1 auth packet and reads OK', async () => {
    const s = await serve([{ reply: MYSQL_BANNER }, { after: hex('0100000001'), reply: MYSQL_OK }]);
    expect(await runCheck(mysqlCheck('haproxy'), at(s.port), fast)).toMatchObject({ status: 'L7OK', info: '5.7.0' });
    expect(s.received[0]!.toString('hex')).toBe(CAPTURED.mysql41);
  });
  it('mysql error packet is L7STS with the error code', async () => {
    const err = Buffer.concat([hex('0d0000ff'), Buffer.from([0x15, 0x04]), Buffer.from('#28000denied')]);
    const pkt = Buffer.concat([Buffer.from([err.length - 4 + 0, 0, 0, 2]), err.subarray(3)]);
    const s = await serve([{ reply: Buffer.concat([MYSQL_BANNER, pkt]) }]);
    const r = await runCheck(mysqlCheck('haproxy'), at(s.port), fast);
    expect(r).toMatchObject({ status: 'L7STS', code: 0x0415 });
  });
  it('pgsql-check sends the startup packet; auth request passes, E fails', async () => {
    const ok = await serve([{ after: hex('0000'), reply: hex('520000000800000000') }]);
    expect(await runCheck(pgsqlCheck('pguser'), at(ok.port), fast)).toMatchObject({ status: 'L7OK', info: 'PostgreSQL server is ok' });
    expect(ok.received[0]!.toString('hex')).toBe(CAPTURED.pgsql);
    const bad = await serve([{ after: hex('0000'), reply: Buffer.from('E\0\0\0\x20SFATAL\0Mno\0\0', 'latin1') }]);
    expect(await runCheck(pgsqlCheck('pguser'), at(bad.port), fast)).toMatchObject({ status: 'L7RSP', info: 'FATAL' });
  });
  it('redis-check: +PONG passes, -ERR fails with the line', async () => {
    const ok = await serve([{ after: 'PING\r\n', reply: '+PONG\r\n' }]);
    expect(await runCheck(redisCheck(), at(ok.port), fast)).toMatchObject({ status: 'L7OK', code: 0, info: 'Redis server is ok' });
    expect(ok.received[0]!.toString('hex')).toBe(CAPTURED.redis);
    const bad = await serve([{ after: 'PING\r\n', reply: '-ERR nope\r\n' }]);
    expect(await runCheck(redisCheck(), at(bad.port), fast)).toMatchObject({ status: 'L7STS', code: 0, info: '-ERR nope' });
  });
  it('smtpchk: 220, 250, 221 passes with code 221; 554 banner fails', async () => {
    const ok = await serve([{ reply: '220 mail ESMTP ready\r\n' }, { after: 'HELO', reply: '250 hi\r\n' }, { after: 'QUIT', reply: '221 bye\r\n' }]);
    expect(await runCheck(smtpCheck(), at(ok.port), fast)).toMatchObject({ status: 'L7OK', code: 221, info: 'bye' });
    expect(ok.received[0]!.toString('latin1')).toBe(CAPTURED.smtp);
    const ehlo = await serve([{ reply: '220 x\r\n' }, { after: 'EHLO', reply: '250-a\r\n250 SIZE 1\r\n' }, { after: 'QUIT', reply: '221 bye\r\n' }]);
    expect(await runCheck(smtpCheck('EHLO', 'example.com'), at(ehlo.port), fast)).toMatchObject({ status: 'L7OK' });
    expect(ehlo.received[0]!.toString('latin1')).toBe(CAPTURED.smtpEhlo);
    const bad = await serve([{ reply: '554 go away\r\n' }], { closeAfter: false });
    expect(await runCheck(smtpCheck(), at(bad.port), fast)).toMatchObject({ status: 'L7STS', code: 554, info: 'go away' });
    const noQuit = await serve([{ reply: '220 x\r\n' }, { after: 'HELO', reply: '250 ok\r\n' }]);
    expect(await runCheck(smtpCheck(), at(noQuit.port), fast)).toMatchObject({ status: 'L7STS', code: 0, info: 'TCPCHK got an empty response at step 7' });
  });
  it('ldap-check: success and result code 49', async () => {
    const ok = await serve([{ after: hex('8000'), reply: hex('300c02010161070a010004000400') }]);
    expect(await runCheck(ldapCheck(), at(ok.port), fast)).toMatchObject({ status: 'L7OK', code: 0, info: 'Success' });
    expect(ok.received[0]!.toString('hex')).toBe(CAPTURED.ldap);
    const bad = await serve([{ after: hex('8000'), reply: hex('300c02010161070a013104000400') }]);
    expect(await runCheck(ldapCheck(), at(bad.port), fast)).toMatchObject({ status: 'L7STS', code: 49, info: 'See RFC: http://tools.ietf.org/html/rfc4511#section-4.1.9' });
  });
  it('ssl-hello-chk sends the SSLv3 hello; a handshake record passes at L6, silence is L6TOUT', async () => {
    const bytes = sslHelloBytes(0x6b01c132);
    expect(bytes.toString('hex')).toBe('16030000790100007503006b01c132' + CAPTURED.sslHelloAfterTime);
    const ok = await serve([{ after: 'HAPROXYSSLCHK', reply: hex('1603000004') }]);
    expect(await runCheck(sslHelloCheck(), at(ok.port), fast)).toMatchObject({ status: 'L6OK' });
    const silent = await serve([]);
    expect(await runCheck(sslHelloCheck(), at(silent.port), { timeouts: { connect: 300, total: 300 } })).toMatchObject({ status: 'L6TOUT' });
  });
  it('agent replies become reports', async () => {
    const s = await serve([{ after: 'hello\n', reply: 'up 50%\n' }]);
    const r = await runCheck(agentCheck('hello\n'), at(s.port), fast);
    expect(r).toMatchObject({ status: 'L7OK', info: 'via agent : up' });
    expect(r.agent).toMatchObject({ health: 'up', weightPercent: 50 });
    expect(s.received[0]!.toString()).toBe('hello\n');
    const d = await serve([{ reply: 'drain\n' }]);
    expect(await runCheck(agentCheck(), at(d.port), fast)).toMatchObject({ status: 'CHECKED', agent: { admin: 'drain' } });
  });
});
