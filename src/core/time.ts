/** HAProxy time values: a number with an optional unit us, ms, s, m, h, d; a bare number is milliseconds. */
const UNITS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses "2s", "100ms", "2000" into milliseconds; returns an error message string on failure. */
export function parseTime(text: string): number | { error: string } {
  const m = /^(\d+)([a-z]*)$/.exec(text);
  if (!m) return { error: `invalid time value '${text}' (expected a number with an optional unit us, ms, s, m, h or d)` };
  const unit = m[2] ?? '';
  const factor = unit === '' ? 1 : UNITS[unit];
  if (factor === undefined) return { error: `unexpected character '${unit[0]}' in time value '${text}' (units are us, ms, s, m, h, d)` };
  const value = Number(m[1]) * factor;
  // HAProxy stores timeouts as signed 32-bit milliseconds.
  if (value > 2_147_483_647) return { error: `timer overflow in argument '${text}' (maximum is 2147483647 ms, about 24.8 days)` };
  return value;
}

/** Renders milliseconds the short way HAProxy users write them: 2000 → "2s", 150 → "150ms". */
export function formatTime(ms: number): string {
  if (ms !== 0 && ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms !== 0 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms !== 0 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms !== 0 && ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
