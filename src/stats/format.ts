/** Small formatting helpers for the HTML page. */

/** HTML-escapes text and attribute values. */
export function esc(s: string | number): string {
  return String(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** 1234567 -> "1 234 567" with narrow no-break spaces, easier to read in dense tables. */
export function groupDigits(n: number): string {
  const s = Math.trunc(n).toString();
  return s.replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
}

/** A duration in seconds the way the stats page shows it: "42s", "3m07s", "5h02m", "2d03h". */
export function humanDuration(sec: number): string {
  if (sec < 0) return '?';
  const d = Math.floor(sec / 86400);
  const h = Math.floor((sec % 86400) / 3600);
  const m = Math.floor((sec % 3600) / 60);
  const s = Math.floor(sec % 60);
  const p = (x: number) => String(x).padStart(2, '0');
  if (d) return `${d}d${p(h)}h`;
  if (h) return `${h}h${p(m)}m`;
  if (m) return `${m}m${p(s)}s`;
  return `${s}s`;
}

/** A bit rate: "960 bps", "14.955 kbps", "5.941 Mbps". */
export function bitRate(bytesPerSec: number): string {
  const bits = bytesPerSec * 8;
  if (bits < 1000) return `${bits} bps`;
  const units = ['kbps', 'Mbps', 'Gbps', 'Tbps'];
  let v = bits / 1000;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v.toFixed(3)} ${units[i]}`;
}
