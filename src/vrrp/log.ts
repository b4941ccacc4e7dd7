/**
 * keepalived-style log lines on stderr: `Sat Nov 21 16:04:01 2026: (VI_1) Entering MASTER STATE`.
 * With -D (log detail) extra diagnostics are printed as well.
 */
export interface VrrpLog {
  info(message: string): void;
  detail(message: string): void;
  error(message: string): void;
}

function stamp(d = new Date()): string {
  const day = d.toLocaleString('en-US', { weekday: 'short' });
  const month = d.toLocaleString('en-US', { month: 'short' });
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${day} ${month} ${String(d.getDate()).padStart(2, ' ')} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())} ${d.getFullYear()}`;
}

export function stderrLog(detail: boolean, write: (line: string) => void = (l) => process.stderr.write(l)): VrrpLog {
  return {
    info: (m) => write(`${stamp()}: ${m}\n`),
    detail: (m) => {
      if (detail) write(`${stamp()}: ${m}\n`);
    },
    error: (m) => write(`${stamp()}: ${m}\n`),
  };
}
