import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { createProcessLogger } from '../../../src/process/logger.js';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (d: Buffer) => chunks.push(d));
  return { stream, text: () => Buffer.concat(chunks).toString() };
}

describe('process logger', () => {
  it('foreground: HAProxy text on stderr', () => {
    const c = capture();
    const l = createProcessLogger({ foreground: true, stream: c.stream });
    l.notice('Loading success.');
    l.alert('config : Fatal errors found in configuration.');
    expect(c.text()).toBe(`[NOTICE]   (${process.pid}) : Loading success.\n[ALERT]    (${process.pid}) : config : Fatal errors found in configuration.\n`);
  });
  it('background: one JSON object per message with HAProxy level names', () => {
    const c = capture();
    const seen: string[] = [];
    const l = createProcessLogger({ foreground: false, stream: c.stream, sink: (lv, m) => seen.push(`${lv}:${m}`) });
    l.warning('Server be/s1 is DOWN.');
    l.notice('Proxy fe started.');
    const lines = c.text().trim().split('\n').map((x) => JSON.parse(x) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ level: 'warn', pid: process.pid, msg: 'Server be/s1 is DOWN.' });
    expect(lines[1]).toMatchObject({ level: 'notice', msg: 'Proxy fe started.' });
    expect(typeof lines[0]!['time']).toBe('string');
    expect(seen).toEqual(['warning:Server be/s1 is DOWN.', 'notice:Proxy fe started.']);
  });
});
