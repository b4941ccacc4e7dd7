/**
 * portico's own messages (start, reload, alerts, server state changes). In the foreground
 * (`-d`, `-db`) they go to stderr in HAProxy's text form, `[NOTICE]   (pid) : message`; otherwise
 * as JSON lines through pino (one object per message: level, time, pid, msg), which log
 * collectors parse without a custom pattern. A message can also be copied to the global syslog
 * targets (`sink`), as HAProxy sends its alerts there.
 */
import { pino, type Logger } from 'pino';
import { formatMessage, type Level } from '../core/diag.js';

export interface ProcessLogger {
  log(level: Level, message: string): void;
  notice(message: string): void;
  warning(message: string): void;
  alert(message: string): void;
  /** Writes what is buffered (before exit). */
  flush(): void;
}

export interface ProcessLoggerOptions {
  /** -d / -db: HAProxy's text on stderr; otherwise JSON. */
  foreground: boolean;
  /** Where text or JSON goes (stderr by default); tests pass a stream. */
  stream?: NodeJS.WritableStream;
  /** Also called for every message (e.g. the global syslog targets). */
  sink?: (level: Level, message: string) => void;
}

/** pino levels for HAProxy's: notice sits between info (30) and warn (40), alert above error. */
const CUSTOM_LEVELS = { notice: 35, alert: 55 } as const;

export function createProcessLogger(o: ProcessLoggerOptions): ProcessLogger {
  const stream = o.stream ?? process.stderr;
  let write: (level: Level, message: string) => void;
  let flush = () => {};
  if (o.foreground) {
    write = (level, message) => {
      stream.write(`${formatMessage(level, message)}\n`);
    };
  } else {
    const logger: Logger<'notice' | 'alert'> = pino(
      {
        customLevels: CUSTOM_LEVELS,
        base: { pid: process.pid },
        formatters: { level: (label) => ({ level: label }) },
        timestamp: pino.stdTimeFunctions.isoTime,
      },
      o.stream ?? pino.destination({ dest: 2, sync: true }),
    );
    write = (level, message) => {
      if (level === 'alert') logger.alert(message);
      else if (level === 'warning') logger.warn(message);
      else logger.notice(message);
    };
    flush = () => logger.flush?.();
  }
  const log = (level: Level, message: string) => {
    write(level, message);
    o.sink?.(level, message);
  };
  return {
    log,
    notice: (m) => log('notice', m),
    warning: (m) => log('warning', m),
    alert: (m) => log('alert', m),
    flush,
  };
}
