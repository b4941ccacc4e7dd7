/**
 * The master's listening sockets. Node 20 has no SO_REUSEPORT, so two processes cannot each bind
 * the same port: the master binds every address once and hands the handle to each worker, which
 * listens on it (the kernel then spreads connections over the workers that accept). The master
 * never polls these handles itself, so it accepts nothing; it only keeps them open, which keeps
 * the ports bound while workers crash, reload or pause.
 *
 * Binding without accepting uses net's internal createServerHandle (the function cluster uses for
 * the same purpose); it is checked at start and reported clearly if a future Node removes it.
 */
import * as net from 'node:net';
import { lookup } from 'node:dns/promises';
import { statSync, unlinkSync } from 'node:fs';
import type { Address, Proxy } from '../config/model.js';
import { describe, listenAddresses, type BindFailure } from '../runtime/listeners.js';

/** A native listening handle (TCP or Pipe wrap) as returned by createServerHandle. */
export interface NativeHandle {
  fd: number;
  close(cb?: () => void): void;
}

type CreateServerHandle = (address: string | null, port: number | null, addressType: number | null, fd?: number, flags?: number) => NativeHandle | number;

function createServerHandle(): CreateServerHandle {
  const f = (net as unknown as { _createServerHandle?: CreateServerHandle })._createServerHandle;
  if (typeof f !== 'function') throw new Error('this Node.js has no net._createServerHandle: master-worker mode cannot share listeners');
  return f;
}

export interface BoundSocket {
  key: string;
  label: string;
  handle: NativeHandle;
}

async function bindOne(a: Address, port: number): Promise<NativeHandle | string> {
  const create = createServerHandle();
  let r: NativeHandle | number;
  if (a.kind === 'fd') r = create(null, null, null, a.fd);
  else if (a.kind === 'unix') {
    try {
      if (statSync(a.path).isSocket()) unlinkSync(a.path);
    } catch {
      /* absent */
    }
    r = create(a.path, -1, -1);
  } else {
    let host = a.host === '' ? (a.family === 'ipv6' ? '::' : '0.0.0.0') : a.host;
    if (net.isIP(host) === 0) {
      try {
        host = (await lookup(host, { family: a.family === 'ipv6' ? 6 : a.family === 'ipv4' ? 4 : 0 })).address;
      } catch {
        return 'Cannot assign requested address';
      }
    }
    r = create(host, port, net.isIP(host));
  }
  return typeof r === 'number' ? describe(r) : r;
}

/**
 * The set of bound sockets, keyed by bindKey. `update` binds what a new configuration adds and
 * reports failures without touching the current set; `retain` then closes what it no longer uses.
 */
export class SocketSet {
  private readonly sockets = new Map<string, BoundSocket>();

  get(key: string): BoundSocket | undefined {
    return this.sockets.get(key);
  }

  get size(): number {
    return this.sockets.size;
  }

  /**
   * Binds every address of `proxies` not bound yet. On failure nothing changes (what this call
   * bound is closed again) and the failures come back in HAProxy's terms.
   */
  async update(proxies: Proxy[]): Promise<{ keys: string[]; failures: BindFailure[] }> {
    const wanted = listenAddresses(proxies);
    const added: BoundSocket[] = [];
    const failures: BindFailure[] = [];
    const keys: string[] = [];
    for (const w of wanted) {
      if (keys.includes(w.key)) continue;
      keys.push(w.key);
      if (this.sockets.has(w.key) || added.some((s) => s.key === w.key)) continue;
      const r = await bindOne(w.address, w.port);
      if (typeof r === 'string') failures.push({ bind: w.bind, proxy: w.proxy, label: w.label, reason: r });
      else added.push({ key: w.key, label: w.label, handle: r });
    }
    if (failures.length > 0) {
      for (const s of added) s.handle.close();
      return { keys, failures };
    }
    for (const s of added) this.sockets.set(s.key, s);
    return { keys, failures };
  }

  /** Closes the sockets whose key is not in `keys`. */
  retain(keys: string[]): void {
    for (const [key, s] of this.sockets) {
      if (keys.includes(key)) continue;
      s.handle.close();
      this.sockets.delete(key);
    }
  }

  closeAll(): void {
    this.retain([]);
  }
}
