import { describe, expect, it } from 'vitest';
import { parseRetryOn, retries } from '../../../src/http/retry.js';

describe('retry-on policy', () => {
  it('defaults to conn-failure only', () => {
    const p = parseRetryOn(undefined);
    expect(p).toMatchObject({ connFailure: true, emptyResponse: false, junkResponse: false, responseTimeout: false, l7: false });
    expect(retries(p, 503)).toBe(false);
  });

  it('none retries nothing, not even connection failures', () => {
    expect(parseRetryOn(['none'])).toMatchObject({ connFailure: false, l7: false });
  });

  it('a status list leaves connection failures out', () => {
    const p = parseRetryOn(['503', '504']);
    expect(p.connFailure).toBe(false);
    expect(p.l7).toBe(true);
    expect([retries(p, 503), retries(p, 504), retries(p, 502), retries(p, 'empty')]).toEqual([true, true, false, false]);
  });

  it('all-retryable-errors is conn-failure, empty, junk, timeout, 500, 502, 503, 504', () => {
    const p = parseRetryOn(['all-retryable-errors']);
    expect(p).toMatchObject({ connFailure: true, emptyResponse: true, junkResponse: true, responseTimeout: true, l7: true });
    expect([...p.statuses].sort()).toEqual([500, 502, 503, 504]);
    expect(retries(p, 404)).toBe(false);
    expect(['empty', 'junk', 'timeout'].map((f) => retries(p, f as 'empty'))).toEqual([true, true, true]);
  });
});
