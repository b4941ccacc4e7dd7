/**
 * One `log` target at run time: level filtering (max level, min level), sampling, framing in its
 * format and the transport. Targets sharing an address share one socket.
 */
import type { LogTarget } from '../config/model.js';
import { facilityNumber, frame, levelNumber, type FrameOptions, type SyslogFormat } from './syslog.js';
import type { LogSink } from './sink.js';

export interface DestOptions {
  tag: string;
  hostname: string | undefined;
  pid: number;
}

/** `sample 1-3,5:10` → which positions (1-based) of each period of 10 are sent. */
function parseSample(spec: string | undefined): { keep: boolean[]; size: number } | undefined {
  if (!spec) return undefined;
  const [ranges, sizeText] = spec.split(':');
  const size = Number(sizeText);
  if (!(size > 0)) return undefined;
  const keep = new Array<boolean>(size + 1).fill(false);
  for (const r of (ranges ?? '').split(',')) {
    const [a, b] = r.split('-');
    const lo = Number(a);
    const hi = b === undefined ? lo : Number(b);
    for (let i = lo; i <= hi && i <= size; i++) if (i >= 1) keep[i] = true;
  }
  return { keep, size };
}

export class LogDest {
  private readonly maxLevel: number;
  private readonly minLevel: number;
  private readonly sample: { keep: boolean[]; size: number } | undefined;
  private counter = 0;
  private readonly frameOpts: FrameOptions;

  constructor(readonly config: LogTarget, readonly sink: LogSink, o: DestOptions) {
    this.maxLevel = levelNumber(config.level, 7);
    this.minLevel = levelNumber(config.minlevel, 0);
    this.sample = parseSample(config.sample);
    const format = (config.format ?? (o.hostname !== undefined ? 'rfc3164' : 'local')) as SyslogFormat;
    this.frameOpts = {
      format,
      facility: facilityNumber(config.facility),
      level: 6,
      tag: o.tag,
      pid: o.pid,
      hostname: o.hostname,
      maxLen: config.len ?? 1024,
    };
  }

  /** Whether a message of `level` would be sent (before sampling): lets callers skip formatting. */
  accepts(level: number): boolean {
    return level <= this.maxLevel;
  }

  emit(level: number, message: string, tag?: string, sd?: string): void {
    if (level > this.maxLevel) return;
    if (this.sample) {
      this.counter = (this.counter % this.sample.size) + 1;
      if (!this.sample.keep[this.counter]) return;
    }
    const o = this.frameOpts;
    o.level = Math.max(level, this.minLevel);
    const savedTag = o.tag;
    if (tag !== undefined) o.tag = tag;
    o.sd = sd;
    const line = frame(o, Date.now(), message);
    o.tag = savedTag;
    this.sink.send(line);
  }
}
