/** The `portico` command line, spawned as users run it: messages, exit codes and file handling. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt } from './build.js';

const dir = mkdtempSync(join(tmpdir(), 'portico-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(() => ensureBuilt(), 180_000);

function portico(args: string[], cwd = dir, env: Record<string, string> = {}) {
  const r = spawnSync('node', [cli, ...args], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

const TIMEOUTS = 'defaults\n  mode http\n  timeout connect 5s\n  timeout client 5s\n  timeout server 5s\n';
const valid = file('valid.cfg', `${TIMEOUTS}frontend fe\n  bind 127.0.0.1:18999\n  default_backend be\nbackend be\n  server s1 127.0.0.1:18998\n`);
const warned = file('warned.cfg', 'frontend fe\n  mode http\n  bind 127.0.0.1:18999\n  default_backend be\nbackend be\n  mode http\n  server s1 127.0.0.1:18998\n');
const broken = file('broken.cfg', `${TIMEOUTS}frontend fe\n  bind 127.0.0.1:18999\n  defualt_backend be\nbackend be\n  server s1 127.0.0.1:18998\n`);
const noListener = file('nolistener.cfg', `${TIMEOUTS}backend be\n  server s1 127.0.0.1:18998\n`);

describe('-c', () => {
  it('says a valid file is valid, on stdout, and exits 0', () => {
    const r = portico(['-c', '-f', valid]);
    expect(r).toEqual({ code: 0, stdout: 'Configuration file is valid\n', stderr: '' });
  });

  it('prints warnings with file:line after the version notices, and exits 0', () => {
    const r = portico(['-c', '-f', 'warned.cfg']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Warnings were found.\nConfiguration file is valid\n');
    const lines = r.stderr.split('\n');
    expect(lines[0]).toMatch(/^\[NOTICE\] {3}\(\d+\) : portico version is /);
    expect(lines[1]).toMatch(/^\[NOTICE\] {3}\(\d+\) : path to executable is .*cli\.js$/);
    expect(r.stderr).toMatch(/\[WARNING\] {2}\(\d+\) : config : parsing \[warned\.cfg:1\] : missing timeouts for frontend 'fe'\.\n {3}\| While not properly invalid/);
  });

  it('prints alerts with file:line and a suggestion, then HAProxy\'s closing alerts, and exits 1', () => {
    const r = portico(['-c', '-f', 'broken.cfg']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/\[ALERT\] {4}\(\d+\) : config : parsing \[broken\.cfg:8\] : unknown keyword 'defualt_backend' in 'frontend' section; did you mean 'default_backend' maybe \?\n/);
    expect(r.stderr).toMatch(/\[ALERT\] {4}\(\d+\) : config : Error\(s\) found in configuration file : broken\.cfg\n\[ALERT\] {4}\(\d+\) : config : Fatal errors found in configuration\.\n$/);
  });

  it('exits 2 when nothing would listen', () => {
    const r = portico(['-c', '-f', noListener]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('Configuration file has no error but will not start (no listener) => exit(2).\n');
  });

  it('reports a missing file', () => {
    const r = portico(['-c', '-f', 'nope.cfg']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Could not open configuration file nope.cfg : No such file or directory');
  });

  it('prints the model as JSON with --dump', () => {
    const r = portico(['-c', '--dump', '-f', 'valid.cfg']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout.slice(0, r.stdout.lastIndexOf('Configuration file is valid'))) as { files: string[]; proxies: { name: string }[] };
    expect(json.files).toEqual(['valid.cfg']);
    expect(json.proxies.map((p) => p.name)).toEqual(['fe', 'be']);
  });
});

describe('-q', () => {
  it('prints nothing but keeps the exit codes', () => {
    expect(portico(['-c', '-q', '-f', valid])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(portico(['-c', '-q', '-f', warned])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(portico(['-c', '-q', '-f', broken])).toEqual({ code: 1, stdout: '', stderr: '' });
    expect(portico(['-c', '-q', '-f', noListener])).toEqual({ code: 2, stdout: '', stderr: '' });
  });
});

describe('versions', () => {
  it('-v prints the version line only', () => {
    const r = portico(['-v']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^portico version \S+ \S+ - implements the HAProxy 2\.6 configuration language\n$/);
  });

  it('-vv adds the feature list that .if feature() reads', () => {
    const r = portico(['-vv']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\nFeature list : (\+[A-Z0-9_]+ ?)+\n/);
    expect(r.stdout).toContain('+OPENSSL');
  });
});

describe('-cc', () => {
  it('exits 0 when the condition holds, 1 when not, 2 when it cannot be read', () => {
    expect(portico(['-cc', 'version_atleast(2.4) && feature(OPENSSL)']).code).toBe(0);
    expect(portico(['-cc', 'defined(PORTICO_UNSET_VAR)']).code).toBe(1);
    expect(portico(['-cc', 'defined(PORTICO_SET_VAR)'], dir, { PORTICO_SET_VAR: '1' }).code).toBe(0);
    const bad = portico(['-cc', 'streq(a']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/\[ALERT\]/);
  });
});

describe('several files and directories', () => {
  const conf = join(dir, 'conf.d');
  beforeAll(() => {
    // Byte order: uppercase before lowercase, digits before letters; hidden and non-.cfg files skipped.
    file('conf.d/10-defaults.cfg', TIMEOUTS);
    file('conf.d/B-frontend.cfg', 'frontend fe\n  bind 127.0.0.1:18999\n  default_backend be\n');
    file('conf.d/a-backend.cfg', 'backend be\n  server s1 127.0.0.1:18998\n');
    file('conf.d/.hidden.cfg', 'this would not parse\n');
    file('conf.d/notes.txt', 'nor would this\n');
    file('extra.cfg', 'backend other\n  bogus_keyword 1\n');
  });

  it('-f DIR loads its *.cfg files in byte order', () => {
    const r = portico(['-c', '--dump', '-f', 'conf.d']);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout.slice(0, r.stdout.lastIndexOf('Configuration file is valid'))) as { files: string[] };
    expect(json.files).toEqual(['conf.d/10-defaults.cfg', 'conf.d/B-frontend.cfg', 'conf.d/a-backend.cfg']);
  });

  it('several -f are read in order, and messages name the file and line they come from', () => {
    const r = portico(['-c', '-f', conf, '-f', 'extra.cfg']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/parsing \[extra\.cfg:2\] : unknown keyword 'bogus_keyword' in 'backend' section/);
  });

  it('-C changes directory before reading relative files', () => {
    const r = portico(['-C', conf, '-c', '-f', '10-defaults.cfg', '-f', 'B-frontend.cfg', '-f', 'a-backend.cfg']);
    expect(r.code, r.stderr).toBe(0);
    expect(portico(['-C', join(dir, 'no-such-dir'), '-c', '-f', 'x.cfg']).code).toBe(1);
  });
});

describe('usage errors', () => {
  it('refuses an unknown option with the usage', () => {
    const r = portico(['-c', '--frobnicate', '-f', valid]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("unknown option '--frobnicate'");
    expect(r.stderr).toContain('Usage : portico');
  });

  it('asks for a configuration file', () => {
    const r = portico(['-c']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('No configuration file specified');
  });

  it('-f without its argument is an error', () => {
    expect(portico(['-c', '-f']).code).toBe(1);
  });
});
