/**
 * Differential log tests that need no syslog receiver: haproxy 2.6 and portico each run a
 * configuration that logs one line per request to stderr with a given log-format, receive the
 * same exchanges (one connection each), and the lines they logged are returned side by side.
 */
import { freePorts, rawExchange, sleep, startHaproxy, startPortico, type Proc } from '../harness.js';

/** `global` and `defaults` sections that log `logFormat` to stderr in mode http. */
export function stderrLogPreamble(logFormat: string): string {
  return `global
    log stderr format raw local0
defaults
    mode http
    log global
    option dontlognull
    log-format "${logFormat}"
    timeout connect 500ms
    timeout client 3s
    timeout server 3s
`;
}

export interface LoggedSides {
  /** The request lines each side logged (those matching `isRequestLine`), in the order logged. */
  lines: Map<'haproxy' | 'portico', string[]>;
  procs: Proc[];
}

/**
 * Runs `config(port)` in haproxy then in portico, sends each exchange on a connection of its own
 * (the client half-closes after writing), and waits (bounded) for one line per exchange.
 */
export async function logBothSides(config: (port: number) => string, exchanges: string[], isRequestLine: (l: string) => boolean): Promise<LoggedSides> {
  const [hp, pp] = await freePorts(2);
  const lines = new Map<'haproxy' | 'portico', string[]>();
  const procs: Proc[] = [];
  for (const [name, port] of [['haproxy', hp!], ['portico', pp!]] as const) {
    const proc = name === 'haproxy' ? await startHaproxy(config(port), [port]) : await startPortico(config(port), [port]);
    procs.push(proc);
    const from = proc.stderr.length;
    for (const x of exchanges) await rawExchange(port, x, 1500, true);
    const mine = () => proc.stderr.slice(from).filter(isRequestLine);
    for (let i = 0; i < 100 && mine().length < exchanges.length; i++) await sleep(20);
    lines.set(name, mine());
  }
  return { lines, procs };
}
