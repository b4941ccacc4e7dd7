import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { vrrpMain } from '../../../src/vrrp/cli.js';
import { parseKeepalivedFile } from '../../../src/vrrp/parser.js';

const EXAMPLES = resolve(import.meta.dirname, '../../../examples/keepalived');
const dir = mkdtempSync(join(tmpdir(), 'portico-vrrp-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('portico vrrp command line', () => {
  let stderr: string;
  beforeEach(() => {
    stderr = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr += chunk.toString();
      return true;
    });
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(() => vi.restoreAllMocks());

  it('-t accepts a valid file and exits 0', async () => {
    expect(await vrrpMain(['-n', '-l', '-D', '-t', '-f', join(EXAMPLES, 'lb1.conf')])).toBe(0);
    expect(stderr).toContain('is valid');
  });

  it('-t reports every error with file:line and exits 1', async () => {
    const f = join(dir, 'bad.conf');
    writeFileSync(f, 'vrrp_instance X {\n  interface eth0\n  virtual_router_id 0\n  priority high\n}\n');
    expect(await vrrpMain(['--config-test', `--use-file=${f}`])).toBe(1);
    expect(stderr).toContain(`parsing [${f}:3] : 'virtual_router_id' expects an integer from 1 to 255, not '0'`);
    expect(stderr).toContain(`parsing [${f}:4] : 'priority' expects an integer from 1 to 255, not 'high'`);
  });

  it('refuses to start on a missing file, and rejects unknown options', async () => {
    expect(await vrrpMain(['-f', join(dir, 'missing.conf')])).toBe(1);
    expect(stderr).toContain('ENOENT');
    expect(await vrrpMain(['--frobnicate'])).toBe(2);
    expect(stderr).toContain("unknown option '--frobnicate'");
    expect(await vrrpMain(['-f'])).toBe(2);
  });
});

describe('shipped examples', () => {
  it.each(readdirSync(EXAMPLES).filter((f) => f.endsWith('.conf')))('%s parses without warnings', (name) => {
    const { diag } = parseKeepalivedFile(join(EXAMPLES, name));
    expect(diag.list).toEqual([]);
  });
});
