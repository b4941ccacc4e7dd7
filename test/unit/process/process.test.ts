import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../../../src/config/load.js';
import { checkLimits, openFilesLimit } from '../../../src/process/limits.js';
import { exitStatus, uptime } from '../../../src/process/messages.js';
import { parseMasterCliSpec } from '../../../src/process/master-cli.js';
import { bindKey, listenAddresses } from '../../../src/runtime/listeners.js';
import { chrootWarning, resolveIdentity } from '../../../src/process/privileges.js';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            1024                 4096                 files
`;

const cfg = (global: string) => loadConfigText(`global\n${global}\ndefaults\n    mode http\n    timeout connect 1s\n    timeout client 1s\n    timeout server 1s\nfrontend fe\n    bind 127.0.0.1:8000-8001\n    bind unix@/tmp/x.sock\n    http-request return status 200\n`).config;

describe('ulimit-n and maxconn against the file descriptor limit', () => {
  it('reads /proc/self/limits', () => {
    expect(openFilesLimit(LIMITS)).toEqual({ soft: 1024, hard: 4096 });
    expect(openFilesLimit('nothing')).toBeUndefined();
  });
  it('ulimit-n above the hard limit is fatal, as HAProxy says it', () => {
    const r = checkLimits(cfg('    ulimit-n 100000'), { soft: 1024, hard: 4096 });
    expect(r).toEqual([{ level: 'alert', fatal: true, message: '[portico.main()] Cannot raise FD limit to 100000, limit is 4096.' }]);
  });
  it('with "no strict-limits" it is a warning', () => {
    const r = checkLimits(cfg('    ulimit-n 100000\n    no strict-limits'), { soft: 1024, hard: 4096 });
    expect(r.map((c) => [c.level, c.fatal])).toEqual([['warning', false]]);
  });
  it('within the limit nothing is said; maxconn beyond it is warned about', () => {
    expect(checkLimits(cfg('    ulimit-n 4000'), { soft: 1024, hard: 4096 })).toEqual([]);
    const r = checkLimits(cfg('    maxconn 5000'), { soft: 4096, hard: 4096 });
    expect(r[0]!.message).toMatch(/^\[portico\.main\(\)\] FD limit \(4096\) too low for maxconn=5000\/maxsock=\d+\. Please raise 'ulimit-n' to \d+ or more/);
  });
});

describe('process messages', () => {
  it('reports exits as HAProxy: status and strsignal text', () => {
    expect(exitStatus(0, null)).toEqual({ status: 0, text: 'Exit' });
    expect(exitStatus(1, null)).toEqual({ status: 1, text: 'Exit' });
    expect(exitStatus(null, 'SIGKILL')).toEqual({ status: 137, text: 'Killed' });
    expect(exitStatus(null, 'SIGTERM')).toEqual({ status: 143, text: 'Terminated' });
    expect(exitStatus(null, 'SIGINT')).toEqual({ status: 130, text: 'Interrupt' });
  });
  it('formats uptimes like show proc', () => {
    expect(uptime(0)).toBe('0d00h00m00s');
    expect(uptime(((26 * 60 + 3) * 60 + 9) * 1000)).toBe('1d02h03m09s');
  });
});

describe('master CLI addresses', () => {
  it('parses paths, unix@, host:port and mode', () => {
    expect(parseMasterCliSpec('/run/m.sock')).toEqual({ path: '/run/m.sock' });
    expect(parseMasterCliSpec('unix@/run/m.sock,mode,600')).toEqual({ path: '/run/m.sock', mode: 0o600 });
    expect(parseMasterCliSpec('ipv4@127.0.0.1:9999')).toEqual({ host: '127.0.0.1', port: 9999 });
    expect(parseMasterCliSpec(':9999')).toEqual({ host: '0.0.0.0', port: 9999 });
  });
});

describe('listening addresses shared by master and workers', () => {
  it('names every address of every bind, port ranges expanded', () => {
    const keys = listenAddresses(cfg('').proxies).map((a) => a.key);
    expect(keys).toEqual(['tcp:127.0.0.1:8000', 'tcp:127.0.0.1:8001', 'unix:/tmp/x.sock']);
    expect(bindKey({ kind: 'fd', fd: 3 })).toBe('fd:3');
    expect(bindKey({ kind: 'inet', family: 'ipv6', host: '', port: 80 })).toBe('tcp:[::]:80');
  });
});

describe('privileges', () => {
  it('resolves user and group names, and refuses unknown ones with HAProxy text', () => {
    expect(resolveIdentity(cfg('    user root\n    group root').global)).toEqual({ ok: { uid: 0, gid: 0, user: 'root', group: 'root' } });
    expect(resolveIdentity(cfg('    uid 123\n    gid 456').global)).toEqual({ ok: { uid: 123, gid: 456 } });
    expect(resolveIdentity(cfg('    user no-such-user-here').global)).toEqual({ error: "cannot find user id for 'no-such-user-here' (0:Success)" });
  });
  it('says that chroot is not possible', () => {
    expect(chrootWarning(cfg('    chroot /var/empty').global)).toMatch(/chroot '\/var\/empty' ignored: Node\.js cannot chroot/);
    expect(chrootWarning(cfg('').global)).toBeUndefined();
  });
});
