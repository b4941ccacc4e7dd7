#!/usr/bin/env node
/**
 * portico's command line, compatible with HAProxy's: the same flags, the same messages and exit
 * codes for `-c`, so that scripts and service units written for haproxy work with portico.
 */
import { realpathSync } from 'node:fs';
import { formatDiagnostic, formatMessage, type Diagnostic } from './core/diag.js';
import { loadConfig } from './config/load.js';
import { dumpConfig } from './config/dump.js';
import { checkCondition } from './config/lexer.js';
import { checkCertificates } from './tls/load-tls.js';
import { FEATURES, LANGUAGE_LEVEL, RELEASE_DATE, VERSION } from './version.js';

export interface CliOptions {
  files: string[];
  check: boolean;
  quiet: boolean;
  debug: boolean;
  foreground: boolean;
  daemon: boolean;
  masterWorker: boolean;
  pidfile?: string;
  softStopPids: number[];
  hardStopPids: number[];
  dump: boolean;
  condition?: string;
  chdir?: string;
  localPeer?: string;
  masterCli: string[];
  maxconn?: number;
  version: 0 | 1 | 2;
  help: boolean;
}

export type ParsedArgs = { ok: CliOptions } | { error: string };

/** Flags that take one value. */
const WITH_VALUE = new Set(['-f', '-p', '-cc', '-C', '-L', '-S', '-n', '-N', '-m', '-x', '-dW']);

export function parseArgs(argv: string[]): ParsedArgs {
  const o: CliOptions = {
    files: [],
    check: false,
    quiet: false,
    debug: false,
    foreground: false,
    daemon: false,
    masterWorker: false,
    softStopPids: [],
    hardStopPids: [],
    dump: false,
    masterCli: [],
    version: 0,
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      o.files.push(...argv.slice(i + 1));
      break;
    }
    if (WITH_VALUE.has(a) && a !== '-dW') {
      const v = argv[++i];
      if (v === undefined) return { error: `option '${a}' expects an argument` };
      switch (a) {
        case '-f':
          o.files.push(v);
          break;
        case '-p':
          o.pidfile = v;
          break;
        case '-cc':
          o.condition = v;
          break;
        case '-C':
          o.chdir = v;
          break;
        case '-L':
          o.localPeer = v;
          break;
        case '-S':
          o.masterCli.push(v);
          break;
        case '-n':
        case '-N':
          if (!/^\d+$/.test(v)) return { error: `option '${a}' expects a number (got '${v}')` };
          o.maxconn = Number(v);
          break;
        default:
          break; // -m, -x: accepted, no effect
      }
      continue;
    }
    switch (a) {
      case '-c':
        o.check = true;
        break;
      case '-q':
        o.quiet = true;
        break;
      case '-d':
        o.debug = true;
        o.foreground = true;
        break;
      case '-db':
        o.foreground = true;
        break;
      case '-D':
        o.daemon = true;
        break;
      case '-W':
      case '-Ws':
        o.masterWorker = true;
        break;
      case '-v':
        o.version = 1;
        break;
      case '-vv':
        o.version = 2;
        break;
      case '-h':
      case '--help':
        o.help = true;
        break;
      case '--dump':
        o.dump = true;
        break;
      case '-sf':
      case '-st': {
        const list = a === '-sf' ? o.softStopPids : o.hardStopPids;
        while (i + 1 < argv.length && /^\d+$/.test(argv[i + 1]!)) list.push(Number(argv[++i]));
        break;
      }
      default:
        // -dM, -dV, -de, -dp, -dS, -dr, -dR, -dG, -dk...: debugging switches of HAProxy, accepted.
        if (/^-d[A-Za-z]+$/.test(a)) break;
        if (a.startsWith('-')) return { error: `unknown option '${a}'` };
        // HAProxy takes bare words after the options as more configuration files.
        o.files.push(a);
    }
  }
  return { ok: o };
}

export const USAGE = `portico ${VERSION} (HAProxy ${LANGUAGE_LEVEL} configuration language)
Usage : portico [-f <cfgfile|cfgdir>]* [ -vdVD ] [ -n <maxconn> ] [ -N <maxpconn> ]
        [ -p <pidfile> ] [ -m <max megs> ] [ -C <dir> ] [-- <cfgfile>*]
        -v displays version ; -vv shows known build options.
        -d enters debug mode ; -db only disables background mode.
        -dM[<byte>,help,...] debug memory (accepted, no effect)
        -V enters verbose mode (disables quiet mode)
        -D goes daemon ; -C changes to <dir> before loading files.
        -W master-worker mode.
        -Ws master-worker mode with systemd notify support.
        -q quiet mode : don't display messages
        -c check mode : only check config files and exit
        -cc check condition : evaluate a condition and exit
        -n sets the maximum total # of connections (uses ulimit -n)
        -p writes pids of all children to this file
        -sf/-st [pid ]* finishes/terminates old pids.
        -S <bind>[,<bind options>...] new master CLI
        --dump with -c: print the parsed configuration as JSON
        portico vrrp -f <keepalived.conf> runs the VRRP sidecar (see docs/vrrp.md)
`;

function executablePath(): string {
  try {
    return realpathSync(process.argv[1] ?? '');
  } catch {
    return process.argv[1] ?? 'portico';
  }
}

/** Prints diagnostics the way HAProxy does: a version notice before the first message. */
export function printDiagnostics(list: Diagnostic[], write: (s: string) => void): void {
  if (list.length === 0) return;
  write(formatMessage('notice', `portico version is ${VERSION}`));
  write(formatMessage('notice', `path to executable is ${executablePath()}`));
  for (const d of list) write(formatDiagnostic(d));
}

export async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'vrrp') {
    // The sidecar is loaded only when asked for: its raw-socket addon is optional.
    const { vrrpMain } = await import('./vrrp/cli.js');
    return vrrpMain(argv.slice(1));
  }
  const parsed = parseArgs(argv);
  if ('error' in parsed) {
    process.stderr.write(`portico: ${parsed.error}\n${USAGE}`);
    return 1;
  }
  const o = parsed.ok;
  const err = (s: string) => {
    if (!o.quiet) process.stderr.write(`${s}\n`);
  };
  if (o.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (o.version > 0) {
    process.stdout.write(`portico version ${VERSION} ${RELEASE_DATE} - implements the HAProxy ${LANGUAGE_LEVEL} configuration language\n`);
    if (o.version === 2) {
      process.stdout.write(`Running on: Node.js ${process.version} ${process.platform}/${process.arch}\n`);
      process.stdout.write(`Feature list : ${FEATURES.map((f) => `+${f}`).join(' ')}\n`);
      process.stdout.write(`Configuration language level: ${LANGUAGE_LEVEL}\n`);
    }
    return 0;
  }
  if (o.condition !== undefined) {
    const r = checkCondition(o.condition, { env: process.env, features: FEATURES, version: LANGUAGE_LEVEL });
    if ('message' in r) {
      err(formatMessage('alert', `config : ${r.message}`));
      return 2;
    }
    return r.value ? 0 : 1;
  }
  if (o.chdir) {
    try {
      process.chdir(o.chdir);
    } catch (e) {
      err(formatMessage('alert', `config : cannot change to directory '${o.chdir}' : ${(e as Error).message}`));
      return 1;
    }
  }
  if (o.files.length === 0) {
    err(formatMessage('alert', 'No configuration file specified (use -f <cfgfile>).'));
    process.stderr.write(USAGE);
    return 1;
  }

  const { config, diags, ok: parsedOk, rules } = loadConfig(o.files);
  // Certificates are read and checked as HAProxy does while parsing, so that -c catches a bad PEM.
  const certProblems = checkCertificates(config);
  for (const d of certProblems) diags.add(d);
  const ok = parsedOk && certProblems.length === 0;
  if (!o.quiet) printDiagnostics(diags.list, err);
  if (!ok) {
    const parseFailed = diags.list.some((d) => d.level === 'alert' && d.file !== undefined);
    if (parseFailed) err(formatMessage('alert', `config : Error(s) found in configuration file : ${o.files.join(', ')}`));
    err(formatMessage('alert', 'config : Fatal errors found in configuration.'));
    return 1;
  }
  if (o.check) {
    if (o.dump) process.stdout.write(`${dumpConfig(config, process.cwd())}\n`);
    const listeners = config.proxies.some((p) => !p.disabled && p.binds.length > 0);
    if (!listeners) {
      if (!o.quiet) process.stdout.write('Configuration file has no error but will not start (no listener) => exit(2).\n');
      return 2;
    }
    if (!o.quiet) {
      if (diags.warnings > 0) process.stdout.write('Warnings were found.\n');
      process.stdout.write('Configuration file is valid\n');
    }
    return 0;
  }
  const { runFromCli } = await import('./process/run.js');
  return runFromCli(config, o, o.files, rules);
}

// Run when executed directly (the `portico` bin), not when imported by tests.
const invokedAs = process.argv[1] ? executablePath() : '';
if (invokedAs.endsWith('/cli.js') || invokedAs.endsWith('/portico')) {
  main(process.argv.slice(2)).then(
    (code) => {
      if (code !== -1) process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`${formatMessage('alert', `unexpected error: ${(e as Error).stack ?? String(e)}`)}\n`);
      process.exitCode = 1;
    },
  );
}
