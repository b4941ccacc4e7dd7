/**
 * Syslog message framing as HAProxy 2.6 does it for each `log ... format F`: the header
 * (priority, date, host, tag, pid), the `len` limit and the final newline. The date parts are
 * cached for the current second so that a log line costs a few string concatenations.
 */
import { SYSLOG_FACILITIES, SYSLOG_LEVELS } from './keywords.js';

export type SyslogFormat = 'local' | 'rfc3164' | 'rfc5424' | 'priority' | 'short' | 'timed' | 'iso' | 'raw';

export interface FrameOptions {
  format: SyslogFormat;
  facility: number;
  level: number;
  /** Program name (log-tag), "haproxy" by default. */
  tag: string;
  pid: number;
  /** log-send-hostname value: undefined when not set. */
  hostname: string | undefined;
  /** Maximum length of the message before the newline (`len`, 1024 by default). */
  maxLen: number;
  /** rfc5424 structured data (log-format-sd), '-' when none. */
  sd?: string;
}

export function facilityNumber(name: string | undefined): number {
  const i = name ? SYSLOG_FACILITIES.indexOf(name) : -1;
  return i < 0 ? 16 : i;
}

export function levelNumber(name: string | undefined, dflt = 7): number {
  const i = name ? SYSLOG_LEVELS.indexOf(name) : -1;
  return i < 0 ? dflt : i;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number) => (n < 10 ? `0${n}` : String(n));

let cachedSec = -1;
let cached3164 = '';
let cachedIsoPrefix = '';
let cachedIsoZone = '';

function refresh(ms: number): void {
  const sec = Math.floor(ms / 1000);
  if (sec === cachedSec) return;
  cachedSec = sec;
  const d = new Date(ms);
  const day = d.getDate();
  cached3164 = `${MONTHS[d.getMonth()]} ${day < 10 ? ` ${day}` : day} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`;
  cachedIsoPrefix = `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(day)}T${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`;
  const off = -d.getTimezoneOffset();
  const a = Math.abs(off);
  cachedIsoZone = `${off >= 0 ? '+' : '-'}${p2(Math.floor(a / 60))}:${p2(a % 60)}`;
}

/** "Nov 21 15:57:07" (local time, day padded with a space). */
export function rfc3164Date(ms: number): string {
  refresh(ms);
  return cached3164;
}

/** "2026-11-21T15:57:14.208278+00:00" (local time with offset, microseconds). */
export function isoDate(ms: number, micros: number): string {
  refresh(ms);
  return `${cachedIsoPrefix}.${String(micros).padStart(6, '0')}${cachedIsoZone}`;
}

/** Microseconds within the current second, from the high-resolution clock. */
function microsOf(ms: number): number {
  const now = performance.timeOrigin + performance.now();
  const us = Math.floor((now % 1000) * 1000);
  // The wall clock and the monotonic clock may disagree slightly: keep the millisecond of `ms`.
  return (ms % 1000) * 1000 + (us % 1000);
}

/** The header that goes before the message, per format. */
export function syslogHeader(o: FrameOptions, ms: number): string {
  const pri = o.facility * 8 + o.level;
  switch (o.format) {
    case 'raw':
      return '';
    case 'priority':
      return `<${pri}>`;
    case 'short':
      return `<${o.level}>`;
    case 'timed':
      return `<${o.level}>${isoDate(ms, microsOf(ms))} `;
    case 'iso':
      return `${isoDate(ms, microsOf(ms))} `;
    case 'rfc5424':
      return `<${pri}>1 ${isoDate(ms, microsOf(ms))} ${o.hostname ?? '-'} ${o.tag} ${o.pid} - ${o.sd || '-'} `;
    case 'rfc3164':
      return `<${pri}>${rfc3164Date(ms)} ${o.hostname ?? 'localhost'} ${o.tag}[${o.pid}]: `;
    case 'local':
    default:
      return `<${pri}>${rfc3164Date(ms)} ${o.tag}[${o.pid}]: `;
  }
}

/** Header + message, cut to `maxLen`, then a newline. */
export function frame(o: FrameOptions, ms: number, message: string): string {
  let line = syslogHeader(o, ms) + message;
  if (line.length > o.maxLen) line = line.slice(0, o.maxLen);
  return `${line}\n`;
}
