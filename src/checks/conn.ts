/**
 * A check connection: TCP (optionally a PROXY v1 line, optionally TLS on top) that
 * collects what the server sends until the runner asks for it.
 */
import net from 'node:net';
import tls from 'node:tls';

/** strerror() texts for the errors a connect or read can report. */
const ERRNO_TEXT: Record<string, string> = {
  ECONNREFUSED: 'Connection refused',
  ECONNRESET: 'Connection reset by peer',
  EHOSTUNREACH: 'No route to host',
  ENETUNREACH: 'Network is unreachable',
  ETIMEDOUT: 'Connection timed out',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  EADDRINUSE: 'Address already in use',
  EPIPE: 'Broken pipe',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  ENOTFOUND: 'Name or service not known',
};

export function errorText(err: unknown): string {
  const code = (err as { code?: string } | undefined)?.code;
  if (code && ERRNO_TEXT[code]) return ERRNO_TEXT[code]!;
  return err instanceof Error ? err.message : String(err);
}

export interface ConnectSpec {
  host: string;
  port: number;
  sendProxy: boolean;
  ssl: boolean;
  sni?: string;
  alpn?: string[];
}

export type ConnectResult = { ok: true } | { ok: false; phase: 'l4' | 'l6'; reason: 'error' | 'timeout'; error?: string };

export class CheckConn {
  private socket: net.Socket | undefined;
  private pending: Buffer[] = [];
  private waiter: (() => void) | undefined;
  eos = false;
  error: string | undefined;
  l4Connected = false;

  /** Connects, waiting at most until `deadline` (a `now()` value). */
  async connect(spec: ConnectSpec, deadline: number, now: () => number): Promise<ConnectResult> {
    const raw = net.connect({ host: spec.host, port: spec.port });
    raw.setNoDelay(true);
    this.socket = raw;
    this.watch(raw);
    raw.once('connect', () => {
      this.l4Connected = true;
      this.wake();
    });
    const l4 = await this.until(() => this.l4Connected || this.error !== undefined || this.eos, deadline, now);
    if (!this.l4Connected) return { ok: false, phase: 'l4', reason: l4 ? 'error' : 'timeout', ...(this.error !== undefined ? { error: this.error } : {}) };
    if (spec.sendProxy) {
      const fam = net.isIPv6(raw.remoteAddress ?? '') ? 'TCP6' : 'TCP4';
      raw.write(`PROXY ${fam} ${raw.localAddress} ${raw.remoteAddress} ${raw.localPort} ${raw.remotePort}\r\n`);
    }
    if (!spec.ssl) return { ok: true };
    let secure = false;
    const t = tls.connect({
      socket: raw,
      rejectUnauthorized: false,
      ...(spec.sni ? { servername: spec.sni } : {}),
      ...(spec.alpn ? { ALPNProtocols: spec.alpn } : {}),
    });
    this.socket = t;
    this.watch(t);
    t.once('secureConnect', () => {
      secure = true;
      this.wake();
    });
    const done = await this.until(() => secure || this.error !== undefined || this.eos, deadline, now);
    if (!secure) return { ok: false, phase: 'l6', reason: done ? 'error' : 'timeout', ...(this.error !== undefined ? { error: this.error } : {}) };
    return { ok: true };
  }

  private watch(s: net.Socket): void {
    s.on('data', (d: Buffer) => {
      this.pending.push(d);
      this.wake();
    });
    s.on('end', () => {
      this.eos = true;
      this.wake();
    });
    s.on('error', (e) => {
      if (this.error === undefined) this.error = errorText(e);
      this.wake();
    });
    s.on('close', () => {
      this.eos = true;
      this.wake();
    });
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  /** Resolves true when `cond` holds, false at the deadline. */
  private until(cond: () => boolean, deadline: number, now: () => number): Promise<boolean> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const check = (): void => {
        if (cond()) {
          clearTimeout(timer);
          resolve(true);
          return;
        }
        const left = deadline - now();
        if (left <= 0) {
          this.waiter = undefined;
          resolve(false);
          return;
        }
        this.waiter = check;
        clearTimeout(timer);
        timer = setTimeout(check, left);
      };
      check();
    });
  }

  /** Waits until some unread data, the end, an error or the deadline; returns the unread data. */
  async read(deadline: number, now: () => number): Promise<{ data: Buffer; timedOut: boolean }> {
    const ok = await this.until(() => this.pending.length > 0 || this.eos || this.error !== undefined, deadline, now);
    const data = Buffer.concat(this.pending);
    this.pending = [];
    return { data, timedOut: !ok };
  }

  write(data: Buffer): void {
    if (this.socket && !this.socket.destroyed) this.socket.write(data);
  }

  close(): void {
    const s = this.socket;
    this.socket = undefined;
    this.waiter = undefined;
    if (s && !s.destroyed) s.destroy();
  }
}
