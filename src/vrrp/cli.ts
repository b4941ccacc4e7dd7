/**
 * `portico vrrp`: a keepalived-compatible command line for the VRRP sidecar.
 * Runs in the foreground until SIGTERM/SIGINT; SIGHUP reloads the configuration; SIGUSR2 logs statistics.
 */
import { unlinkSync, writeFileSync } from 'node:fs';
import { formatDiagnostic } from '../core/diag.js';
import { VrrpDaemon } from './daemon.js';
import { createLog } from './log.js';
import { parseKeepalivedFile } from './parser.js';

export const DEFAULT_CONFIG = '/etc/keepalived/keepalived.conf';

const USAGE = `Usage: portico vrrp [options]
  -f, --use-file FILE     keepalived configuration file (default ${DEFAULT_CONFIG})
  -t, --config-test       check the configuration and exit (0 when valid)
  -p, --pid FILE          write our pid to FILE
  -r, --vrrp_pid FILE     same as --pid (keepalived's VRRP child pid file)
  -D, --log-detail        detailed log messages
  -n, --dont-fork         accepted: the sidecar always runs in the foreground
  -l, --log-console       accepted: logs always go to stderr
  -P, --vrrp              accepted: only VRRP is implemented
  -S, --log-facility N    also log to syslog with facility localN (0-7), through logger(1)
      --syslog-socket PATH  syslog socket other than /dev/log (with -S)
  -h, --help              this help
`;

interface Options {
  file: string;
  test: boolean;
  pidFiles: string[];
  detail: boolean;
  facility?: number;
  syslogSocket?: string;
}

function parseArgs(argv: string[]): Options | { error: string } | 'help' {
  const o: Options = { file: DEFAULT_CONFIG, test: false, pidFiles: [], detail: false };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i]!;
    let inline: string | undefined;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq !== -1) {
      inline = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    const value = (): string | undefined => inline ?? argv[++i];
    switch (a) {
      case '-f':
      case '--use-file': {
        const v = value();
        if (v === undefined) return { error: `${a} needs a file name` };
        o.file = v;
        break;
      }
      case '-p':
      case '--pid':
      case '-r':
      case '--vrrp_pid': {
        const v = value();
        if (v === undefined) return { error: `${a} needs a file name` };
        o.pidFiles.push(v);
        break;
      }
      case '-c':
      case '--checkers_pid':
      case '-b':
      case '--bfd_pid':
        if (value() === undefined) return { error: `${a} needs a value` };
        break;
      case '-S':
      case '--log-facility': {
        const v = value();
        if (v === undefined || !/^[0-7]$/.test(v)) return { error: `${a} needs a facility number from 0 to 7 (local0..local7)` };
        o.facility = Number(v);
        break;
      }
      case '--syslog-socket': {
        const v = value();
        if (v === undefined) return { error: `${a} needs a path` };
        o.syslogSocket = v;
        break;
      }
      case '-t':
      case '--config-test':
        o.test = true;
        break;
      case '-D':
      case '--log-detail':
        o.detail = true;
        break;
      case '-n':
      case '--dont-fork':
      case '-l':
      case '--log-console':
      case '-P':
      case '--vrrp':
      case '-d':
      case '--dump-conf':
      case '--no-syslog':
        break;
      case '-h':
      case '--help':
        return 'help';
      default:
        return { error: `unknown option '${argv[i]}'` };
    }
  }
  return o;
}

/** Entry point of `portico vrrp ARGS`; resolves with the exit code once stopped by a signal. */
export async function vrrpMain(argv: string[]): Promise<number> {
  const parsed = parseArgs(argv);
  if (parsed === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if ('error' in parsed) {
    process.stderr.write(`portico vrrp: ${parsed.error}\n${USAGE}`);
    return 2;
  }
  const log = createLog({
    detail: parsed.detail,
    ...(parsed.facility !== undefined ? { syslog: { facility: parsed.facility, ...(parsed.syslogSocket ? { socket: parsed.syslogSocket } : {}) } } : {}),
  });
  const load = () => {
    const { config, diag } = parseKeepalivedFile(parsed.file);
    for (const d of diag.list) process.stderr.write(`${formatDiagnostic(d, process.pid, 'vrrp')}\n`);
    return diag.alerts > 0 ? undefined : config;
  };
  const config = load();
  if (parsed.test) {
    if (config) process.stderr.write(`Configuration file ${parsed.file} is valid\n`);
    log.close();
    return config ? 0 : 1;
  }
  if (!config) {
    log.error(`Fatal errors in ${parsed.file}: not starting`);
    log.close();
    return 1;
  }
  log.info(`Starting portico VRRP sidecar (keepalived-compatible) with ${parsed.file}`);
  const daemon = new VrrpDaemon(log);
  try {
    await daemon.start(config);
  } catch (e) {
    log.error((e as Error).message);
    await daemon.stop().catch(() => {});
    log.close();
    return 1;
  }
  for (const f of parsed.pidFiles) {
    try {
      writeFileSync(f, `${process.pid}\n`);
    } catch (e) {
      log.error(`cannot write pid file ${f}: ${(e as Error).message}`);
    }
  }

  return new Promise<number>((resolve) => {
    let stopping = false;
    let reloading: Promise<void> = Promise.resolve();
    const onHup = (): void => {
      reloading = reloading.then(async () => {
        log.info(`Reloading configuration file ${parsed.file}`);
        const next = load();
        if (!next) {
          log.error('The new configuration has errors: keeping the running one');
          return;
        }
        await daemon.reload(next).catch((e: Error) => log.error(`reload failed: ${e.message}`));
      });
    };
    const onStats = (): void => log.info(`statistics: ${JSON.stringify(daemon.stats())}`);
    const onStop = (sig: string) => async (): Promise<void> => {
      if (stopping) return;
      stopping = true;
      log.info(`Stopping (${sig})`);
      await reloading;
      await daemon.stop();
      for (const f of parsed.pidFiles) {
        try {
          unlinkSync(f);
        } catch {
          // already gone
        }
      }
      process.off('SIGHUP', onHup);
      process.off('SIGUSR2', onStats);
      process.off('SIGTERM', term);
      process.off('SIGINT', int);
      log.info('Stopped');
      log.close();
      resolve(0);
    };
    const term = onStop('SIGTERM');
    const int = onStop('SIGINT');
    process.on('SIGHUP', onHup);
    process.on('SIGUSR2', onStats);
    process.on('SIGTERM', term);
    process.on('SIGINT', int);
  });
}
