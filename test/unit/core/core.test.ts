import { describe, expect, it } from 'vitest';
import { Registry, editDistance } from '../../../src/core/registry.js';
import { parseTime, formatTime } from '../../../src/core/time.js';
import { parseSize } from '../../../src/core/size.js';
import { Diagnostics, formatDiagnostic } from '../../../src/core/diag.js';

describe('registry', () => {
  it('adds, finds and refuses duplicates', () => {
    const r = new Registry<number>('keyword');
    r.add('default_backend', 1);
    r.add('use_backend', 2);
    expect(r.get('use_backend')).toBe(2);
    expect(() => r.add('use_backend', 3)).toThrow(/registered twice/);
    expect(r.names()).toEqual(['default_backend', 'use_backend']);
  });
  it('suggests the closest name, including swapped letters', () => {
    const r = new Registry<number>('keyword');
    for (const [i, n] of ['default_backend', 'use_backend', 'balance', 'bind'].entries()) r.add(n, i);
    expect(r.suggest('defualt_backend')).toBe('default_backend');
    expect(r.suggest('balnce')).toBe('balance');
    expect(r.suggest('zzzzzzzzzz')).toBeUndefined();
    expect(editDistance('ab', 'ba')).toBe(1);
  });
});

describe('time and size units', () => {
  it('parses every unit, bare numbers as ms', () => {
    expect(parseTime('2000')).toBe(2000);
    expect(parseTime('100ms')).toBe(100);
    expect(parseTime('2s')).toBe(2000);
    expect(parseTime('1m')).toBe(60_000);
    expect(parseTime('1h')).toBe(3_600_000);
    expect(parseTime('1d')).toBe(86_400_000);
    expect(parseTime('500us')).toBe(0.5);
    expect(parseTime('2x')).toHaveProperty('error');
    expect(parseTime('abc')).toHaveProperty('error');
    expect(parseTime('30d')).toHaveProperty('error');
    expect(formatTime(2000)).toBe('2s');
    expect(formatTime(150)).toBe('150ms');
  });
  it('parses sizes as powers of 1024', () => {
    expect(parseSize('16k')).toBe(16384);
    expect(parseSize('1m')).toBe(1048576);
    expect(parseSize('2g')).toBe(2 * 1024 ** 3);
    expect(parseSize('100')).toBe(100);
    expect(parseSize('1t')).toHaveProperty('error');
  });
});

describe('diagnostics', () => {
  it('formats like HAProxy', () => {
    const d = new Diagnostics();
    d.alert("unknown keyword 'x' in 'frontend' section", { file: 'f.cfg', line: 8 });
    d.warning("missing timeouts for frontend 'f'.", undefined, ['While not properly invalid']);
    expect(formatDiagnostic(d.list[0]!, 42)).toBe("[ALERT]    (42) : config : parsing [f.cfg:8] : unknown keyword 'x' in 'frontend' section");
    expect(formatDiagnostic(d.list[1]!, 42)).toBe("[WARNING]  (42) : config : missing timeouts for frontend 'f'.\n   | While not properly invalid");
    expect(d.alerts).toBe(1);
    expect(d.warnings).toBe(1);
  });
});
