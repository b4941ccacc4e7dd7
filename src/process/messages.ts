/**
 * The process's own messages, in HAProxy's format ("[NOTICE]   (pid) : text"), written to stderr
 * by default. A daemon that has not finished starting sends them to its parent instead (see
 * daemon.ts), and a started daemon drops them, as HAProxy does once it has left the terminal.
 */
import { constants } from 'node:os';
import { realpathSync } from 'node:fs';
import { formatDiagnostic, formatMessage, type Diagnostic, type Level } from '../core/diag.js';
import { VERSION } from '../version.js';

type Sink = (line: string) => void;

const stderrSink: Sink = (line) => {
  process.stderr.write(`${line}\n`);
};
let sink: Sink = stderrSink;

/** Where messages go from now on (undefined: back to stderr). */
export function setMessageSink(s: Sink | undefined): void {
  sink = s ?? stderrSink;
}

/** Structured (JSON) messages for processes running without -d/-db, when set. */
let structured: ((level: Level, message: string) => void) | undefined;

/** Sends the process's messages as JSON lines (pino) instead of HAProxy's text. */
export function useStructuredMessages(log: ((level: Level, message: string) => void) | undefined): void {
  structured = log;
}

export function say(level: Level, message: string): void {
  // A daemon relaying to its parent keeps the text form; otherwise JSON when asked for.
  if (structured && sink === stderrSink) structured(level, message);
  else sink(formatMessage(level, message));
}

/** Writes an already formatted line (configuration diagnostics). */
export function sayLine(line: string): void {
  sink(line);
}

const SIGNAL_TEXT: Record<string, string> = {
  SIGHUP: 'Hangup',
  SIGINT: 'Interrupt',
  SIGQUIT: 'Quit',
  SIGILL: 'Illegal instruction',
  SIGTRAP: 'Trace/breakpoint trap',
  SIGABRT: 'Aborted',
  SIGBUS: 'Bus error',
  SIGFPE: 'Floating point exception',
  SIGKILL: 'Killed',
  SIGUSR1: 'User defined signal 1',
  SIGSEGV: 'Segmentation fault',
  SIGUSR2: 'User defined signal 2',
  SIGPIPE: 'Broken pipe',
  SIGALRM: 'Alarm clock',
  SIGTERM: 'Terminated',
};

/**
 * A child's end as HAProxy's master reports it: the exit status, or 128 + the signal number,
 * and "Exit" or strsignal()'s text.
 */
export function exitStatus(code: number | null, signal: NodeJS.Signals | null): { status: number; text: string } {
  if (signal) {
    const n = (constants.signals as Record<string, number>)[signal] ?? 0;
    return { status: 128 + n, text: SIGNAL_TEXT[signal] ?? `Unknown signal ${n}` };
  }
  return { status: code ?? 0, text: 'Exit' };
}

/** "0d00h00m01s", the uptime format of `show proc`. */
export function uptime(ms: number): string {
  let s = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d}d${two(h)}h${two(m)}m${two(s)}s`;
}

/** A diagnostic without its level and pid: "config : parsing [f.cfg:3] : ...". */
export function diagText(d: Diagnostic): string {
  return formatDiagnostic(d).replace(/^\[\w+\]\s+\(\d+\) : /, '');
}

/** Configuration diagnostics of a reload, after HAProxy's two version notices. */
export function sayDiagnostics(list: Diagnostic[]): void {
  if (list.length === 0) return;
  say('notice', `portico version is ${VERSION}`);
  let exe = process.argv[1] ?? 'portico';
  try {
    exe = realpathSync(exe);
  } catch {
    /* as given */
  }
  say('notice', `path to executable is ${exe}`);
  for (const d of list) sayLine(formatDiagnostic(d));
}
