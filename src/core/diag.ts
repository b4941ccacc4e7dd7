/**
 * Diagnostics: what the config layer (and later the runtime) has to say, with where it was said.
 * Parsers collect these instead of throwing, so that every error in a file shows at once.
 */
export type Level = 'notice' | 'warning' | 'alert';

export interface Diagnostic {
  level: Level;
  message: string;
  /** File and line the message is about; absent for messages about the whole configuration. */
  file?: string;
  line?: number;
  /** Extra lines printed under the message with HAProxy's "   | " prefix. */
  details?: string[];
}

export class Diagnostics {
  readonly list: Diagnostic[] = [];

  add(d: Diagnostic): void {
    this.list.push(d);
  }
  alert(message: string, where?: { file: string; line: number }, details?: string[]): void {
    this.list.push({ level: 'alert', message, ...where, ...(details ? { details } : {}) });
  }
  warning(message: string, where?: { file: string; line: number }, details?: string[]): void {
    this.list.push({ level: 'warning', message, ...where, ...(details ? { details } : {}) });
  }
  notice(message: string, where?: { file: string; line: number }, details?: string[]): void {
    this.list.push({ level: 'notice', message, ...where, ...(details ? { details } : {}) });
  }
  get alerts(): number {
    return this.list.filter((d) => d.level === 'alert').length;
  }
  get warnings(): number {
    return this.list.filter((d) => d.level === 'warning').length;
  }
}

const TAGS: Record<Level, string> = { notice: '[NOTICE]   ', warning: '[WARNING]  ', alert: '[ALERT]    ' };

/** One diagnostic in HAProxy's format: `[ALERT]    (pid) : config : parsing [f.cfg:8] : message`. */
export function formatDiagnostic(d: Diagnostic, pid: number = process.pid, area = 'config'): string {
  const where = d.file !== undefined ? `parsing [${d.file}:${d.line ?? 0}] : ` : '';
  let out = `${TAGS[d.level]}(${pid}) : ${area} : ${where}${d.message}`;
  for (const extra of d.details ?? []) out += `\n   | ${extra}`;
  return out;
}

/** A plain message in HAProxy's format without a location, for the process's own notices. */
export function formatMessage(level: Level, message: string, pid: number = process.pid): string {
  return `${TAGS[level]}(${pid}) : ${message}`;
}
