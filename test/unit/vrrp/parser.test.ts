import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseKeepalivedFile, parseKeepalivedText } from '../../../src/vrrp/parser.js';
import { splitLine } from '../../../src/vrrp/lexer.js';

// The configuration of the classic "HAProxy + keepalived" tutorials.
const TUTORIAL = `! Configuration File for keepalived
global_defs {
   notification_email {
     admin@example.com
   }
   notification_email_from lb1@example.com
   smtp_server 127.0.0.1
   router_id LB1
   enable_script_security
   script_user root
}

vrrp_script chk_haproxy {
    script "killall -0 haproxy"   # is the process alive?
    interval 2
    weight 2
    fall 2
    rise 3
}

vrrp_instance VI_1 {
    state MASTER
    interface eth0
    virtual_router_id 51
    priority 101
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass 1111
    }
    virtual_ipaddress {
        192.168.1.100/24 dev eth0 label eth0:1
        192.168.1.101
    }
    track_script {
        chk_haproxy
    }
    notify_master "/etc/keepalived/master.sh"
}
`;

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('keepalived.conf parser', () => {
  it('reads the classic tutorial configuration', () => {
    const { config, diag } = parseKeepalivedText(TUTORIAL, 'keepalived.conf');
    expect(diag.list).toEqual([]);
    expect(config.global).toMatchObject({ routerId: 'LB1', enableScriptSecurity: true, scriptUser: 'root', garpMasterDelayMs: 5000, garpMasterRepeat: 5 });
    const sc = config.scripts.get('chk_haproxy')!;
    expect(sc).toMatchObject({ script: 'killall -0 haproxy', intervalMs: 2000, timeoutMs: 2000, weight: 2, fall: 2, rise: 3 });
    expect(config.instances).toHaveLength(1);
    const vi = config.instances[0]!;
    expect(vi).toMatchObject({
      name: 'VI_1', initialState: 'MASTER', interface: 'eth0', vrid: 51, priority: 101, advertIntervalMs: 1000, version: 2,
      authType: 'PASS', authPass: '1111', nopreempt: false, notify: { master: '/etc/keepalived/master.sh' },
    });
    expect(vi.vips.map((v) => [v.address, v.prefix, v.dev, v.label])).toEqual([
      ['192.168.1.100', 24, 'eth0', 'eth0:1'],
      ['192.168.1.101', 32, undefined, undefined],
    ]);
    expect(vi.vips[1]!.where).toEqual({ file: 'keepalived.conf', line: 33 });
    expect(vi.trackScripts.map((t) => t.name)).toEqual(['chk_haproxy']);
  });

  it('warns about unknown keywords with file:line and a suggestion, and keeps going', () => {
    const { config, diag } = parseKeepalivedText('vrrp_instance A {\n  interface eth0\n  virtual_router_id 5\n  priorty 90\n  virtual_ipaddress {\n 10.0.0.5\n }\n}\nfoo_bar 1\n', 'k.conf');
    expect(diag.alerts).toBe(0);
    expect(diag.list.map((x) => [x.level, x.line, x.message])).toEqual([
      ['warning', 4, "unknown keyword 'priorty' in vrrp_instance A (did you mean 'priority'?); ignored"],
      ['warning', 9, "unknown keyword 'foo_bar' in the configuration; ignored"],
    ]);
    expect(config.instances[0]!.priority).toBe(100);
  });

  it('rejects bad values, all of them at once', () => {
    const { diag } = parseKeepalivedText(
      [
        'vrrp_instance B {',
        '  state SLAVE',
        '  interface eth0',
        '  virtual_router_id 300',
        '  priority 0',
        '  advert_int fast',
        '  authentication {',
        '    auth_type MD5',
        '  }',
        '  virtual_ipaddress {',
        '    10.0.0.300/24',
        '    10.0.0.1/40',
        '  }',
        '}',
      ].join('\n'),
      'bad.conf',
    );
    expect(diag.list.filter((x) => x.level === 'alert').map((x) => x.line)).toEqual([2, 4, 5, 6, 8, 11, 12, 1]);
    expect(diag.list.find((x) => x.line === 4)!.message).toBe("'virtual_router_id' expects an integer from 1 to 255, not '300'");
  });

  it('reports LVS virtual_server blocks as not supported, pointing to mode tcp', () => {
    const { diag } = parseKeepalivedText('virtual_server 10.0.0.1 80 {\n  lb_algo rr\n  real_server 10.0.0.2 80 {\n weight 1\n }\n}\n', 'lvs.conf');
    expect(diag.list).toHaveLength(2);
    expect(diag.list[0]).toMatchObject({ level: 'warning', line: 1 });
    expect(diag.list[0]!.message).toContain("mode tcp");
  });

  it('follows include globs relative to the including file, in sorted order', () => {
    const dir = mkdtempSync(join(tmpdir(), 'portico-vrrp-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'conf.d'));
    writeFileSync(join(dir, 'conf.d', 'b.conf'), 'vrrp_instance VB {\n interface eth1\n virtual_router_id 2\n virtual_ipaddress {\n 10.0.0.2\n }\n}\n');
    writeFileSync(join(dir, 'conf.d', 'a.conf'), 'vrrp_instance VA {\n interface eth1\n virtual_router_id 1\n virtual_ipaddress {\n 10.0.0.1\n }\n bogus\n}\n');
    writeFileSync(join(dir, 'conf.d', 'notes.txt'), 'this is not configuration');
    writeFileSync(join(dir, 'keepalived.conf'), 'global_defs {\n router_id X\n}\ninclude conf.d/*.conf\ninclude missing/*.conf\n');
    const { config, diag } = parseKeepalivedFile(join(dir, 'keepalived.conf'));
    expect(config.instances.map((i) => i.name)).toEqual(['VA', 'VB']);
    expect(diag.list.map((x) => [x.file, x.line])).toEqual([
      [join(dir, 'keepalived.conf'), 5],
      [join(dir, 'conf.d', 'a.conf'), 7],
    ]);
  });

  it('reports a missing file and unbalanced braces', () => {
    const missing = parseKeepalivedFile('/nonexistent/keepalived.conf');
    expect(missing.diag.alerts).toBe(1);
    expect(missing.diag.list[0]!.message).toContain('ENOENT');
    const unbalanced = parseKeepalivedText('vrrp_instance X {\n interface eth0\n', 'u.conf');
    expect(unbalanced.diag.list.some((x) => x.level === 'alert' && x.line === 1 && x.message.includes('never closed'))).toBe(true);
    const extra = parseKeepalivedText('}\n', 'e.conf');
    expect(extra.diag.list[0]).toMatchObject({ level: 'alert', line: 1 });
  });

  it('lexes comments, quotes and braces glued to words', () => {
    expect(splitLine('a "b c" d # e', 'f', 1).words.map((w) => w.text)).toEqual(['a', 'b c', 'd']);
    expect(splitLine('x{y}', 'f', 1).words.map((w) => w.text)).toEqual(['x', '{', 'y', '}']);
    expect(splitLine('  ! whole line', 'f', 1).words).toEqual([]);
    expect(splitLine('"{"', 'f', 1).words[0]).toMatchObject({ text: '{', quoted: true });
  });

  it('accepts a block brace on the next line and one-line blocks', () => {
    const { config, diag } = parseKeepalivedText('vrrp_instance V\n{\n interface eth0\n virtual_router_id 9\n virtual_ipaddress { 10.9.0.1 }\n authentication { auth_type PASS\n auth_pass abc }\n}\n', 'n.conf');
    expect(diag.list).toEqual([]);
    expect(config.instances[0]).toMatchObject({ vrid: 9, authPass: 'abc' });
    expect(config.instances[0]!.vips[0]!.address).toBe('10.9.0.1');
  });

  it('reads v3, unicast, nopreempt, preempt_delay, weights, notify and sync groups', () => {
    const { config, diag } = parseKeepalivedText(
      `global_defs {\n vrrp_version 3\n vrrp_garp_master_delay 1\n vrrp_garp_master_repeat 2\n}
vrrp_script chk { check_pidfile /run/portico.pid\n interval 0.5\n weight 0\n}
vrrp_instance V {\n state BACKUP\n interface eth0\n virtual_router_id 7\n priority 90\n advert_int 0.5\n nopreempt\n preempt_delay 3
 unicast_src_ip 10.0.0.1\n unicast_peer {\n 10.0.0.2\n 10.0.0.3\n }\n virtual_ipaddress {\n 10.0.0.100/24\n }
 track_script {\n chk weight -20\n nothere\n }\n track_interface {\n eth1 weight -10\n }\n notify "/bin/note.sh --all"\n}
vrrp_sync_group G {\n group {\n V\n }\n notify_fault /bin/f.sh\n}\n`,
      'v3.conf',
    );
    expect(diag.list.map((x) => x.message)).toEqual(["vrrp_instance 'V': track_script 'nothere' is not defined; ignored"]);
    expect(config.global).toMatchObject({ version: 3, garpMasterDelayMs: 1000, garpMasterRepeat: 2 });
    expect(config.scripts.get('chk')).toMatchObject({ builtin: { kind: 'pidfile', target: '/run/portico.pid' }, intervalMs: 500, weight: 0 });
    expect(config.instances[0]).toMatchObject({
      version: 3, advertIntervalMs: 500, nopreempt: true, preemptDelayMs: 3000, unicastSrcIp: '10.0.0.1', unicastPeers: ['10.0.0.2', '10.0.0.3'],
      trackScripts: [{ name: 'chk', weight: -20 }], trackInterfaces: [{ name: 'eth1', weight: -10 }], notify: { any: '/bin/note.sh --all' },
    });
    expect(config.syncGroups[0]).toMatchObject({ name: 'G', members: ['V'], notify: { fault: '/bin/f.sh' } });
  });

  it('cross-checks instances: duplicates, missing interface or VRID, v2 fractional interval, unknown group members', () => {
    const { diag } = parseKeepalivedText(
      'vrrp_instance A {\n interface eth0\n virtual_router_id 1\n advert_int 0.5\n virtual_ipaddress {\n 10.0.0.1\n }\n}\nvrrp_instance B {\n interface eth0\n virtual_router_id 1\n virtual_ipaddress {\n 10.0.0.2\n }\n}\nvrrp_instance C {\n}\nvrrp_sync_group G {\n group {\n A\n Z\n }\n}\n',
      'x.conf',
    );
    const alerts = diag.list.filter((x) => x.level === 'alert').map((x) => x.message);
    expect(alerts).toEqual([
      "vrrp_instance 'A': VRRPv2 advert_int must be whole seconds (use 'version 3' for sub-second intervals)",
      "vrrp_instance 'B' uses virtual_router_id 1 on eth0 like 'A' (x.conf:1)",
      "vrrp_instance 'C' has no 'interface'",
      "vrrp_instance 'C' has no 'virtual_router_id'",
      "vrrp_sync_group 'G': unknown vrrp_instance 'Z'",
    ]);
  });
});
