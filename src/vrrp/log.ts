/**
 * keepalived-style log lines on stderr: `Sat Nov 21 16:04:01 2026: (VI_1) Entering MASTER STATE`,
 * and optionally to syslog (-S N: facility localN) through util-linux `logger`, because Node has no
 * unix datagram socket to write to /dev/log itself. -D (log detail) adds the detail messages.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface VrrpLog {
  info(message: string): void;
  detail(message: string): void;
  error(message: string): void;
  close(): void;
}

function stamp(d = new Date()): string {
  const day = d.toLocaleString('en-US', { weekday: 'short' });
  const month = d.toLocaleString('en-US', { month: 'short' });
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${day} ${month} ${String(d.getDate()).padStart(2, ' ')} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())} ${d.getFullYear()}`;
}

export interface SyslogOptions {
  /** local0..local7 */
  facility: number;
  /** Another socket than /dev/log (containers, tests). */
  socket?: string;
}

/** A long-lived `logger` child reading one message per line; silently gone if logger is missing. */
export function syslogWriter(o: SyslogOptions, onError: (m: string) => void): { write(level: 'info' | 'err', m: string): void; close(): void } {
  let child: ChildProcess | undefined;
  try {
    child = spawn('logger', ['-t', 'portico-vrrp', `--id=${process.pid}`, '--prio-prefix', '-p', `local${o.facility}.info`, ...(o.socket ? ['-u', o.socket] : [])], {
      stdio: ['pipe', 'ignore', 'inherit'],
    });
    child.on('error', (e) => {
      onError(`syslog disabled: cannot run 'logger' (${e.message})`);
      child = undefined;
    });
    child.stdin!.on('error', () => {
      child = undefined;
    });
  } catch (e) {
    onError(`syslog disabled: ${(e as Error).message}`);
  }
  const base = (16 + o.facility) * 8;
  return {
    write(level, m) {
      // --prio-prefix: "<PRI>" in front of each line sets that line's priority (err 3, info 6).
      child?.stdin?.write(`<${base + (level === 'err' ? 3 : 6)}>${m.replace(/\n/g, ' ')}\n`);
    },
    close() {
      child?.stdin?.end();
    },
  };
}

export function createLog(o: { detail: boolean; syslog?: SyslogOptions; write?: (line: string) => void }): VrrpLog {
  const write = o.write ?? ((l: string) => process.stderr.write(l));
  const sys = o.syslog ? syslogWriter(o.syslog, (m) => write(`${stamp()}: ${m}\n`)) : undefined;
  const out = (level: 'info' | 'err', m: string): void => {
    write(`${stamp()}: ${m}\n`);
    sys?.write(level, m);
  };
  return {
    info: (m) => out('info', m),
    detail: (m) => {
      if (o.detail) out('info', m);
    },
    error: (m) => out('err', m),
    close: () => sys?.close(),
  };
}
