import { describe, expect, it } from 'vitest';
import { frame, rfc3164Date, syslogHeader, type FrameOptions } from '../../../src/log/syslog.js';
import { parseLogAddress } from '../../../src/log/target.js';
import { escapeCapture, escapeRequestLine } from '../../../src/log/escape.js';

const base: FrameOptions = { format: 'local', facility: 16, level: 6, tag: 'haproxy', pid: 25419, hostname: undefined, maxLen: 1024 };
// 21 Nov 2026 15:57:07.208 local time
const when = new Date(2026, 10, 21, 15, 57, 7, 208).getTime();
const MSG = '127.0.0.1:60780 [21/Nov/2026:15:44:27.562] fe nobe/<NOSRV> 0/-1/-1/-1/0 503 217 - - SC-- 1/1/0/0/0 0/0 "GET / HTTP/1.1"';

describe('syslog framing (shapes captured from haproxy 2.6)', () => {
  it('local (the default): priority, date, tag[pid], no hostname', () => {
    expect(frame(base, when, MSG)).toBe(`<134>Nov 21 15:57:07 haproxy[25419]: ${MSG}\n`);
  });
  it('rfc3164 names the host: "localhost" unless log-send-hostname', () => {
    expect(syslogHeader({ ...base, format: 'rfc3164', facility: 18 }, when)).toBe('<150>Nov 21 15:57:07 localhost haproxy[25419]: ');
    expect(syslogHeader({ ...base, format: 'rfc3164', hostname: 'myhost' }, when)).toBe('<134>Nov 21 15:57:07 myhost haproxy[25419]: ');
  });
  it('rfc5424: version 1, ISO date with microseconds and offset, "-" host, pid, no msgid, SD', () => {
    const h = syslogHeader({ ...base, format: 'rfc5424', facility: 17 }, when);
    expect(h).toMatch(/^<142>1 2026-11-21T15:57:07\.208\d{3}[+-]\d\d:\d\d - haproxy 25419 - - $/);
    expect(syslogHeader({ ...base, format: 'rfc5424', hostname: 'vm', sd: '[x@1 a="b"]' }, when)).toMatch(/ vm haproxy 25419 - \[x@1 a="b"\] $/);
  });
  it('priority, short, timed, iso, raw', () => {
    expect(syslogHeader({ ...base, format: 'priority', facility: 19 }, when)).toBe('<158>');
    expect(syslogHeader({ ...base, format: 'short' }, when)).toBe('<6>');
    expect(syslogHeader({ ...base, format: 'timed' }, when)).toMatch(/^<6>2026-11-21T15:57:07\.208\d{3}[+-]\d\d:\d\d $/);
    expect(syslogHeader({ ...base, format: 'iso' }, when)).toMatch(/^2026-11-21T15:57:07\.208\d{3}[+-]\d\d:\d\d $/);
    expect(syslogHeader({ ...base, format: 'raw' }, when)).toBe('');
  });
  it('len cuts the line before the newline (len 80 gives 81 bytes, as haproxy)', () => {
    const out = frame({ ...base, maxLen: 80 }, when, MSG);
    expect(out.length).toBe(81);
    expect(out).toBe(`<134>Nov 21 15:57:07 haproxy[25419]: 127.0.0.1:60780 [21/Nov/2026:15:44:27.562] \n`);
  });
  it('pads single-digit days with a space', () => {
    expect(rfc3164Date(new Date(2026, 0, 5, 1, 2, 3).getTime())).toBe('Jan  5 01:02:03');
  });
});

describe('log target addresses', () => {
  it('IPv4 with and without port, IPv6 in brackets or bare', () => {
    expect(parseLogAddress('127.0.0.1')).toEqual({ kind: 'udp', host: '127.0.0.1', port: 514, family: 4 });
    expect(parseLogAddress('127.0.0.1:1514')).toEqual({ kind: 'udp', host: '127.0.0.1', port: 1514, family: 4 });
    expect(parseLogAddress('[::1]:1514')).toEqual({ kind: 'udp', host: '::1', port: 1514, family: 6 });
    expect(parseLogAddress('::1')).toEqual({ kind: 'udp', host: '::1', port: 514, family: 6 });
    expect(parseLogAddress('udp6@[::1]:9')).toEqual({ kind: 'udp', host: '::1', port: 9, family: 6 });
  });
  it('unix sockets, file descriptors, rings', () => {
    expect(parseLogAddress('/dev/log')).toEqual({ kind: 'unix', path: '/dev/log' });
    expect(parseLogAddress('unix@/run/log.sock')).toEqual({ kind: 'unix', path: '/run/log.sock' });
    expect(parseLogAddress('stdout')).toEqual({ kind: 'fd', fd: 1 });
    expect(parseLogAddress('stderr')).toEqual({ kind: 'fd', fd: 2 });
    expect(parseLogAddress('fd@3')).toEqual({ kind: 'fd', fd: 3 });
    expect(parseLogAddress('ring@buf')).toEqual({ kind: 'ring', name: 'buf' });
  });
  it('rejects what is not an address', () => {
    expect(parseLogAddress('logs.example.com:514')).toHaveProperty('error');
    expect(parseLogAddress('127.0.0.1:99999')).toHaveProperty('error');
    expect(parseLogAddress('127.0.0.1:abc')).toHaveProperty('error');
  });
});

describe('log escaping (manual 8.6)', () => {
  it('request line: quotes, # and control bytes become #XX', () => {
    expect(escapeRequestLine('GET /a"b#c\x01 HTTP/1.1')).toBe('GET /a#22b#23c#01 HTTP/1.1');
    expect(escapeRequestLine('GET / HTTP/1.1')).toBe('GET / HTTP/1.1');
  });
  it('captures: also braces and the bar', () => {
    expect(escapeCapture('a{b|c}d')).toBe('a#7Bb#7Cc#7Dd');
  });
});
