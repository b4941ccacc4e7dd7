/** HAProxy size values: a number with an optional k, m or g suffix (powers of 1024). */
const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

export function parseSize(text: string): number | { error: string } {
  const m = /^(\d+)([kmgKMG]?)$/.exec(text);
  if (!m) return { error: `invalid size value '${text}' (expected a number with an optional k, m or g suffix)` };
  return Number(m[1]) * UNITS[(m[2] ?? '').toLowerCase()]!;
}
