import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLog } from '../../../src/vrrp/log.js';

const dir = mkdtempSync(join(tmpdir(), 'portico-vrrp-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('VRRP sidecar log', () => {
  it('writes keepalived-style lines, detail only with -D', () => {
    const lines: string[] = [];
    const quiet = createLog({ detail: false, write: (l) => lines.push(l) });
    quiet.info('(VI_1) Entering MASTER STATE');
    quiet.detail('hidden');
    const loud = createLog({ detail: true, write: (l) => lines.push(l) });
    loud.detail('shown');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}: \(VI_1\) Entering MASTER STATE\n$/);
    expect(lines[1]).toMatch(/: shown\n$/);
  });

  it('also sends to syslog with the local facility and a per-line severity', async () => {
    const path = join(dir, 'log.sock');
    let received = '';
    const srv = createServer((c) => c.on('data', (d) => (received += d.toString()))).listen(path);
    await new Promise((r) => srv.once('listening', r));
    try {
      const log = createLog({ detail: false, syslog: { facility: 3, socket: path }, write: () => {} });
      log.info('(VI_1) Entering BACKUP STATE');
      log.error('cannot add virtual address');
      log.close();
      const ok = await new Promise<boolean>((resolve) => {
        const end = Date.now() + 5000;
        const poll = (): void => {
          if (received.includes('cannot add')) resolve(true);
          else if (Date.now() > end) resolve(false);
          else setTimeout(poll, 20);
        };
        poll();
      });
      expect(ok).toBe(true);
      // local3 = 19: 19*8+6 (info) = 158, 19*8+3 (err) = 155.
      expect(received).toMatch(/<158>.*portico-vrrp\[\d+\]: \(VI_1\) Entering BACKUP STATE/);
      expect(received).toMatch(/<155>.*portico-vrrp\[\d+\]: cannot add virtual address/);
    } finally {
      srv.close();
    }
  });
});
