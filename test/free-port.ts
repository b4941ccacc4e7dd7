/**
 * Ports for the processes tests spawn (portico, haproxy), which bind them after we chose them.
 *
 * Asking the kernel for port 0 and releasing it is racy here: that port comes from the ephemeral
 * range, which is also where every outgoing connection of the other test worker takes its local
 * port, so between our check and the child's bind a client socket could take it (CI saw
 * "cannot bind socket (Address already in use)"). So ports are picked below the ephemeral range,
 * where the kernel never assigns anything by itself, in a slice of their own per vitest worker,
 * and each one is still checked free by binding it.
 */
import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';

const LOWEST = 10_000;

function ephemeralStart(): number {
  try {
    const first = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(first) && first > 0 ? first : 32_768;
  } catch {
    return 32_768;
  }
}

/** The slice of [LOWEST, ephemeral start) owned by this worker, or null when there is no room below. */
function workerSlice(): { from: number; size: number } | null {
  const top = ephemeralStart();
  if (top - LOWEST < 2_000) return null;
  const workers = 8; // more slices than workers, so a pool id beyond maxWorkers still has its own
  const id = (Number(process.env.VITEST_POOL_ID ?? process.env.VITEST_WORKER_ID ?? 1) - 1) % workers;
  const size = Math.floor((top - LOWEST) / workers);
  return { from: LOWEST + Math.max(0, id) * size, size };
}

const slice = workerSlice();
// A random start inside the slice: files run one after another in a worker, and a port a previous
// file's process has just released may still be held by its last connections for a moment.
let cursor = slice ? Math.floor(Math.random() * slice.size) : 0;

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

function kernelPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** A port nobody listens on right now, which no other test worker will hand out. */
export async function freePort(): Promise<number> {
  if (!slice) return kernelPort();
  for (let tries = 0; tries < slice.size; tries++) {
    const port = slice.from + (cursor++ % slice.size);
    if (await canBind(port)) return port;
  }
  throw new Error(`no free port in ${slice.from}-${slice.from + slice.size - 1}`);
}

export async function freePorts(n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await freePort());
  return out;
}

/** The first of `n` consecutive free ports (for `bind :P-Q` ranges); bounded number of tries. */
export async function freeConsecutivePorts(n: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = await freePort();
    let run = 1;
    while (run < n && (await freePort()) === first + run) run++;
    if (run === n) return first;
  }
  throw new Error(`no ${n} consecutive free ports`);
}
