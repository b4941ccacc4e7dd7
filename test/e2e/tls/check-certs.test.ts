/**
 * `portico -c` loads every certificate of every bind and server, as `haproxy -c` does: a missing
 * file, a PEM without key, a key that is not the certificate's, garbage, a directory without
 * certificates, a crt-list naming a missing file or an unknown option, a bad ca-file, on binds
 * and on servers, each fails the check with one alert that names the configuration file and
 * line, the keyword and the certificate file. Each case also runs through Debian's haproxy 2.6
 * (when installed): same exit code, an alert at the same line where haproxy locates one, and
 * the words that matter (file names, the reason) in both. A normal start (single process and
 * master-worker) with a bad certificate fails with the same alert, without a stack trace.
 * Certificates are made at test time (test/e2e/tls/certs.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, ensureBuilt, freePorts, hasHaproxy } from '../harness.js';
import { TestPki, type CertFiles } from './certs.js';

let pki: TestPki;
let good: CertFiles, other: CertFiles;
/** Files made for the cases, by role. */
const f: Record<string, string> = {};
let work: string;
const haproxy = hasHaproxy();

interface Run {
  code: number | null;
  output: string;
}

function run(bin: string, args: string[], cwd: string): Run {
  const r = spawnSync(bin, args, { cwd, encoding: 'utf8', timeout: 20_000, env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' } });
  return { code: r.status, output: `${r.stdout}${r.stderr}` };
}

const portico = (cfg: string) => run(process.execPath, [CLI, '-c', '-f', cfg], work);
const haproxyCheck = (cfg: string) => run('haproxy', ['-c', '-f', cfg], work);

/** The [ALERT] lines of an output located at `line` of `cfg` (with or without HAProxy's "parsing"). */
function alertsAt(output: string, cfg: string, line: number): string[] {
  return output.split('\n').filter((l) => l.startsWith('[ALERT]') && (l.includes(`parsing [${cfg}:${line}] : `) || l.includes(`: [${cfg}:${line}] : `)));
}

interface Case {
  name: string;
  /** Options after `bind 127.0.0.1:<port>` (read once the files exist). */
  bind?: () => string;
  /** Options after `server s1 127.0.0.1:<port>`. */
  server?: () => string;
  /** Portico's keyword prefix: `'crt' : `, `'crt-list' : `... */
  keyword: string;
  /** Words that both portico's alert and haproxy's output hold (compared without case). */
  words: () => string[];
  /** Words portico's alert holds beyond HAProxy's (what makes it clearer). */
  clearer?: () => string[];
  /** haproxy's alert has no line (`Proxy 'fe': no SSL certificate specified ...`). */
  haproxyUnlocated?: boolean;
  /** haproxy cannot run this case (it loops on a crt-list naming a directory). */
  noHaproxy?: boolean;
}

const CASES: Case[] = [
  {
    name: 'bind crt: missing file',
    bind: () => `ssl crt ${f['missing']}`,
    keyword: 'crt',
    words: () => [`unable to stat SSL certificate from file '${f['missing']}' : No such file or directory`],
  },
  {
    name: 'bind crt: PEM without private key',
    bind: () => `ssl crt ${f['nokey']}`,
    keyword: 'crt',
    words: () => ['No Private Key found', `'${f['nokey']}.key'`],
    clearer: () => [`for certificate '${f['nokey']}'`, 'none in the file'],
  },
  {
    name: 'bind crt: key of another certificate',
    bind: () => `ssl crt ${f['mismatch']}`,
    keyword: 'crt',
    words: () => [`inconsistencies between private key and certificate loaded '${f['mismatch']}'`],
    clearer: () => ['does not belong to the certificate (CN=good.test)'],
  },
  {
    name: 'bind crt: .key companion of another certificate',
    bind: () => `ssl crt ${f['companion']}`,
    keyword: 'crt',
    words: () => [`inconsistencies between private key and certificate loaded '${f['companion']}'`],
    clearer: () => [`the private key of '${f['companion']}.key'`],
  },
  {
    name: 'bind crt: garbage',
    bind: () => `ssl crt ${f['garbage']}`,
    keyword: 'crt',
    words: () => [`unable to load certificate from file '${f['garbage']}'`],
    clearer: () => ["no '-----BEGIN CERTIFICATE-----' block"],
  },
  {
    name: 'bind crt: a key and no certificate',
    bind: () => `ssl crt ${f['keyonly']}`,
    keyword: 'crt',
    words: () => [`unable to load certificate from file '${f['keyonly']}'`],
    clearer: () => ['it holds a private key but no certificate'],
  },
  {
    name: 'bind crt: a certificate block that does not parse',
    bind: () => `ssl crt ${f['broken']}`,
    keyword: 'crt',
    words: () => [`'${f['broken']}'`],
    clearer: () => [`unable to load certificate from file '${f['broken']}' : the certificate is not valid`],
  },
  {
    name: 'bind crt: directory with a file that is not a certificate',
    bind: () => `ssl crt ${f['junkdir']}`,
    keyword: 'crt',
    words: () => [`unable to load certificate from file '${join(f['junkdir']!, 'readme.txt')}'`],
  },
  {
    name: 'bind crt: directory without certificate files',
    bind: () => `ssl crt ${f['emptydir']}`,
    keyword: 'crt',
    words: () => [],
    clearer: () => [`no certificate file in directory '${f['emptydir']}'`],
    haproxyUnlocated: true,
  },
  {
    name: 'crt-list: the list file is missing',
    bind: () => `ssl crt ${good.pem} crt-list ${f['nolist']}`,
    keyword: 'crt-list',
    words: () => [`'crt-list' : cannot open file '${f['nolist']}' : No such file or directory`],
  },
  {
    name: 'crt-list: a line names a missing certificate',
    bind: () => `ssl crt ${good.pem} crt-list ${f['list-missing']}`,
    keyword: 'crt-list',
    words: () => ["'crt-list' : ", `unable to stat SSL certificate from file '${f['missing']}' : No such file or directory`],
    clearer: () => [`parsing [${f['list-missing']}:3] : `],
  },
  {
    name: 'crt-list: a line names a certificate whose key is not its own',
    bind: () => `ssl crt ${good.pem} crt-list ${f['list-mismatch']}`,
    keyword: 'crt-list',
    words: () => ["'crt-list' : ", `inconsistencies between private key and certificate loaded '${f['mismatch']}'`],
    clearer: () => [`parsing [${f['list-mismatch']}:2] : `],
  },
  {
    name: 'crt-list: an unknown option',
    bind: () => `ssl crt ${good.pem} crt-list ${f['list-option']}`,
    keyword: 'crt-list',
    words: () => ["'crt-list' : ", `${f['list-option']}:1]`, 'unknown ssl keyword', 'bogus-opt'],
  },
  {
    name: 'crt-list: a line names a directory without certificates',
    bind: () => `ssl crt ${good.pem} crt-list ${f['list-dir']}`,
    keyword: 'crt-list',
    words: () => [],
    clearer: () => [`parsing [${f['list-dir']}:1] : no certificate file in directory '${f['emptydir']}'`],
    noHaproxy: true,
  },
  {
    name: 'bind ca-file: missing',
    bind: () => `ssl crt ${good.pem} ca-file ${f['missing']} verify required`,
    keyword: 'ca-file',
    words: () => ["'ca-file' : unable to load", f['missing']!, 'No such file or directory'],
  },
  {
    name: 'bind ca-file: no certificate in it',
    bind: () => `ssl crt ${good.pem} ca-file ${f['garbage']} verify required`,
    keyword: 'ca-file',
    words: () => ["'ca-file' : unable to load", f['garbage']!, 'no certificate or crl found'],
  },
  {
    name: 'bind without ssl: its crt is loaded all the same',
    bind: () => `crt ${f['missing']}`,
    keyword: 'crt',
    words: () => [`unable to stat SSL certificate from file '${f['missing']}' : No such file or directory`],
  },
  {
    name: 'server crt: missing file',
    server: () => `ssl verify none crt ${f['missing']}`,
    keyword: 'crt',
    words: () => ["'server be/s1'", `unable to stat SSL certificate from file '${f['missing']}' : No such file or directory`],
  },
  {
    name: 'server crt: PEM without private key',
    server: () => `ssl verify none crt ${f['nokey']}`,
    keyword: 'crt',
    words: () => ["'server be/s1'", 'No Private Key found', `'${f['nokey']}.key'`],
  },
  {
    name: 'server crt: key of another certificate',
    server: () => `ssl verify none crt ${f['mismatch']}`,
    keyword: 'crt',
    words: () => ["'server be/s1'", `inconsistencies between private key and certificate loaded '${f['mismatch']}'`],
  },
  {
    name: 'server crt: garbage',
    server: () => `ssl verify none crt ${f['garbage']}`,
    keyword: 'crt',
    words: () => ["'server be/s1'", `unable to load certificate from file '${f['garbage']}'`],
  },
  {
    name: 'server ca-file: missing',
    server: () => `ssl verify required ca-file ${f['missing']}`,
    keyword: 'ca-file',
    words: () => ["'server be/s1'", 'ca-file', 'unable to load', f['missing']!, 'No such file or directory'],
  },
  {
    name: 'server ca-file: no certificate in it',
    server: () => `ssl verify required ca-file ${f['garbage']}`,
    keyword: 'ca-file',
    words: () => ["'server be/s1'", 'ca-file', 'unable to load', f['garbage']!, 'no certificate or crl found'],
  },
];

/** A configuration with one ssl bind and one server; the options under test go on one of them. */
function config(bindOpts: string, serverOpts: string): string {
  return `defaults
    mode http
    timeout connect 1s
    timeout client 1s
    timeout server 1s
frontend fe
    bind 127.0.0.1:18443 ${bindOpts}
    default_backend be
backend be
    server s1 127.0.0.1:18080 ${serverOpts}
`;
}
const BIND_LINE = 7;
const SERVER_LINE = 10;

let cfgSeq = 0;
function writeCfg(text: string): string {
  const file = join(work, `case-${++cfgSeq}.cfg`);
  writeFileSync(file, text);
  return file;
}

beforeAll(() => {
  ensureBuilt();
  pki = new TestPki('portico-check-certs-');
  good = pki.cert('good', '/CN=good.test', { san: 'DNS:good.test' });
  other = pki.cert('other', '/CN=other.test', { san: 'DNS:other.test' });
  work = mkdtempSync(join(tmpdir(), 'portico-check-cfg-'));
  const d = pki.dir;
  f['missing'] = join(d, 'missing.pem');
  f['nokey'] = join(d, 'nokey.pem');
  writeFileSync(f['nokey'], pki.read(good.crt));
  f['mismatch'] = join(d, 'mismatch.pem');
  writeFileSync(f['mismatch'], pki.read(good.crt) + pki.read(other.key));
  f['companion'] = join(d, 'companion.pem');
  writeFileSync(f['companion'], pki.read(good.crt));
  copyFileSync(other.key, `${f['companion']}.key`);
  f['garbage'] = join(d, 'garbage.pem');
  writeFileSync(f['garbage'], 'this is not a certificate\n');
  f['keyonly'] = join(d, 'keyonly.pem');
  copyFileSync(good.key, f['keyonly']);
  f['broken'] = join(d, 'broken.pem');
  writeFileSync(f['broken'], `-----BEGIN CERTIFICATE-----\nTm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n${pki.read(good.key)}`);
  f['emptydir'] = join(d, 'emptydir');
  mkdirSync(f['emptydir']);
  writeFileSync(join(f['emptydir'], 'cert.pem.key'), pki.read(good.key));
  f['junkdir'] = join(d, 'junkdir');
  mkdirSync(f['junkdir']);
  writeFileSync(join(f['junkdir'], 'readme.txt'), 'certificates go here\n');
  f['nolist'] = join(d, 'nope.list');
  f['list-missing'] = join(d, 'missing.list');
  writeFileSync(f['list-missing'], `# certificates\n${good.pem} good.test\n${f['missing']}\n`);
  f['list-mismatch'] = join(d, 'mismatch.list');
  writeFileSync(f['list-mismatch'], `${good.pem}\n${f['mismatch']} [alpn h2] x.test\n`);
  f['list-option'] = join(d, 'option.list');
  writeFileSync(f['list-option'], `${good.pem} [bogus-opt 1] good.test\n`);
  f['list-dir'] = join(d, 'dir.list');
  writeFileSync(f['list-dir'], `${f['emptydir']}\n`);
}, 60_000);

describe('portico -c loads certificates', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const cfg = writeCfg(config(c.bind?.() ?? `ssl crt ${good.pem}`, c.server?.() ?? ''));
    const line = c.bind !== undefined ? BIND_LINE : SERVER_LINE;
    const label = c.bind !== undefined ? "'bind 127.0.0.1:18443' in section 'frontend'" : "'server be/s1'";
    const po = portico(cfg);
    expect(po.code, po.output).toBe(1);
    const alerts = alertsAt(po.output, cfg, line);
    expect(alerts, po.output).toHaveLength(1);
    const alert = alerts[0]!;
    // HAProxy's layout: [ALERT] (pid) : config : parsing [file:line] : 'bind ...' in section '...' : '<keyword>' : ...
    expect(alert).toMatch(/^\[ALERT\] {4}\(\d+\) : config : parsing \[/);
    expect(alert).toContain(`parsing [${cfg}:${line}] : ${label} : '${c.keyword}' : `);
    expect(po.output).toContain('Fatal errors found in configuration.');
    expect(po.output).not.toContain('Configuration file is valid');
    for (const w of [...c.words(), ...(c.clearer?.() ?? [])]) expect(alert.toLowerCase(), alert).toContain(w.toLowerCase());
    if (!haproxy || c.noHaproxy) return;
    const ha = haproxyCheck(cfg);
    const context = `\n--- haproxy:\n${ha.output}\n--- portico:\n${po.output}`;
    expect(ha.code, context).toBe(1);
    if (!c.haproxyUnlocated) expect(alertsAt(ha.output, cfg, line).length, context).toBeGreaterThan(0);
    for (const w of c.words()) expect(ha.output.toLowerCase(), `haproxy's words: ${w}${context}`).toContain(w.toLowerCase());
  });

  it('accepts good certificates everywhere (crt file and directory, crt-list, ca-file, server crt and ca-file), as haproxy does', () => {
    const dir = join(pki.dir, 'certdir');
    mkdirSync(dir, { recursive: true });
    copyFileSync(good.pem, join(dir, 'good.pem'));
    copyFileSync(other.crt, join(dir, 'other.pem'));
    copyFileSync(other.key, join(dir, 'other.pem.key'));
    const list = join(pki.dir, 'ok.list');
    writeFileSync(list, `# a comment\n\n${other.pem} [alpn h2,http/1.1 ssl-min-ver TLSv1.2] other.test !www.other.test\n${good.pem}\n`);
    const cfg = writeCfg(
      config(`ssl crt ${good.pem} crt ${dir} crt-list ${list} ca-file ${pki.caCrt} verify optional`, `ssl verify required ca-file ${pki.caCrt} crt ${other.pem}`),
    );
    const po = portico(cfg);
    expect(po.code, po.output).toBe(0);
    expect(po.output).toContain('Configuration file is valid');
    if (!haproxy) return;
    const ha = haproxyCheck(cfg);
    expect(ha.code, ha.output).toBe(0);
  });

  it('reports every bad certificate of a configuration at once, each at its line', () => {
    const cfg = writeCfg(`defaults
    mode http
    timeout connect 1s
    timeout client 1s
    timeout server 1s
frontend fe
    bind 127.0.0.1:18443 ssl crt ${f['garbage']}
    bind 127.0.0.1:18444 ssl crt ${good.pem}
    bind 127.0.0.1:18445 ssl crt ${f['missing']}
    default_backend be
backend be
    server s1 127.0.0.1:18080 ssl verify none crt ${f['mismatch']}
    server s2 127.0.0.1:18081 ssl verify required ca-file ${pki.caCrt}
`);
    const po = portico(cfg);
    expect(po.code, po.output).toBe(1);
    const located = (n: number) => alertsAt(po.output, cfg, n).length;
    expect([7, 8, 9, 12, 13].map(located)).toEqual([1, 0, 1, 1, 0]);
    if (!haproxy) return;
    const ha = haproxyCheck(cfg);
    expect(ha.code, ha.output).toBe(1);
    // haproxy stops before its server checks once parsing failed: its located lines are portico's bind lines.
    for (const n of [7, 8, 9]) expect(alertsAt(ha.output, cfg, n).length > 0, `line ${n}\n${ha.output}`).toBe(located(n) > 0);
  });

  it('takes relative certificate paths from crt-base and ca-base, as haproxy does', () => {
    const cfg = writeCfg(`global
    crt-base ${pki.dir}
    ca-base ${pki.dir}
${config(`ssl crt good.pem ca-file ca.crt verify optional`, `ssl verify required ca-file ca.crt crt other.pem`).trimEnd()}
    server s2 127.0.0.1:18081 ssl verify none crt nokey.pem
`);
    const po = portico(cfg);
    expect(po.code, po.output).toBe(1);
    expect(alertsAt(po.output, cfg, BIND_LINE + 3)).toEqual([]);
    expect(alertsAt(po.output, cfg, SERVER_LINE + 3)).toEqual([]);
    expect(alertsAt(po.output, cfg, SERVER_LINE + 4)[0]).toContain(`'server be/s2' : 'crt' : No Private Key found for certificate '${f['nokey']}'`);
    if (!haproxy) return;
    const ha = haproxyCheck(cfg);
    expect(ha.code, ha.output).toBe(1);
    expect(alertsAt(ha.output, cfg, SERVER_LINE + 4).length, ha.output).toBe(1);
  });
});

describe('a start with a bad certificate', () => {
  /** Runs portico without -c (bounded); the process must exit by itself. */
  function start(cfg: string, ...flags: string[]): Run {
    return run(process.execPath, [CLI, ...flags, '-f', cfg], work);
  }

  it.each([['single process', ['-db']], ['master-worker', ['-W', '-db']]])('%s: exits 1 with the alert of -c and no stack trace', async (_name, flags) => {
    const [port, be] = await freePorts(2);
    const cfg = writeCfg(config(`ssl crt ${f['mismatch']}`, '').replace('18443', String(port)).replace('18080', String(be)));
    const checked = portico(cfg);
    const expected = alertsAt(checked.output, cfg, BIND_LINE)[0]!.replace(/^\[ALERT\] +\(\d+\) : /, '');
    const r = start(cfg, ...flags);
    expect(r.code, r.output).toBe(1);
    const alerts = alertsAt(r.output, cfg, BIND_LINE).map((l) => l.replace(/^\[ALERT\] +\(\d+\) : /, ''));
    expect(alerts).toEqual([expected]);
    expect(r.output).not.toMatch(/unexpected error|\n\s+at /);
  }, 30_000);
});
