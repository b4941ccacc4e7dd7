// `option redispatch <interval>` (HAProxy 2.6): which retries may go to another server, and the
// config forms accepted, refused, inherited and cancelled.
import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../../../src/config/load.js';
import { BackendRuntime } from '../../../src/runtime/backend.js';
import { redispatchByCount } from '../../../src/runtime/connect.js';

const TIMEOUTS = 'defaults\n  mode http\n  timeout connect 5s\n  timeout client 5s\n  timeout server 5s\n';

function backend(lines: string, defaults = '') {
  const r = loadConfigText(`${TIMEOUTS}${defaults}backend b\n${lines}  server s1 127.0.0.1:1\n  server s2 127.0.0.1:2\n`, 't.cfg', {});
  const messages = r.diags.list.map((d) => `${d.level} ${d.line ?? '-'} ${d.message}`);
  const p = r.config.proxies.find((x) => x.name === 'b');
  return { ok: r.ok, messages, be: p && r.ok ? new BackendRuntime(p, 1) : undefined };
}

/** The retries (1..retries) that redispatch by count. */
const which = (after: number, retries: number) => Array.from({ length: retries }, (_, i) => i + 1).filter((r) => redispatchByCount(after, retries, r));

describe('option redispatch <interval>', () => {
  it('counts retries as HAProxy 2.6: every Nth, the Nth before the last, or none', () => {
    expect(which(-1, 3)).toEqual([3]); // default: the last retry
    expect(which(-1, 1)).toEqual([1]);
    expect(which(1, 3)).toEqual([1, 2, 3]);
    expect(which(2, 5)).toEqual([2, 4]);
    expect(which(-2, 4)).toEqual([3]); // one before the last
    expect(which(-3, 6)).toEqual([4]);
    expect(which(0, 3)).toEqual([]);
    expect(which(-5, 3)).toEqual([]); // before the first retry: never
  });

  it('reads the interval from the option, -1 without one, inherited from defaults, gone with "no option"', () => {
    expect(backend('  option redispatch\n').be!.redispatchAfter).toBe(-1);
    expect(backend('  option redispatch 2\n').be!.redispatchAfter).toBe(2);
    expect(backend('  option redispatch -2\n').be!.redispatchAfter).toBe(-2);
    const inherited = backend('', '  option redispatch 3\n').be!;
    expect([inherited.redispatch, inherited.redispatchAfter]).toEqual([true, 3]);
    const cancelled = backend('  no option redispatch\n', '  option redispatch 3\n').be!;
    expect(cancelled.redispatch).toBe(false);
    const legacy = backend('  redispatch\n').be!;
    expect([legacy.redispatch, legacy.redispatchAfter]).toEqual([true, -1]);
  });

  it('refuses a word that is not an integer, naming file, line and keyword', () => {
    const r = backend('  option redispatch often\n');
    expect(r.ok).toBe(false);
    expect(r.messages.join('\n')).toMatch(/alert 7 'option redispatch' takes an optional interval, an integer/);
  });
});
