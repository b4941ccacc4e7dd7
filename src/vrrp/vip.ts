/** Adding and removing the virtual addresses with iproute2, and announcing them with gratuitous ARP. */
import type { VirtualAddress } from './config.js';
import { run } from './exec.js';

export type Logger = (message: string) => void;

function ipArgs(op: 'add' | 'del', vip: VirtualAddress, defaultDev: string): string[] {
  const args = ['-4', 'addr', op, `${vip.address}/${vip.prefix}`, 'dev', vip.dev ?? defaultDev];
  if (op === 'add' && vip.label !== undefined) args.push('label', vip.label);
  return args;
}

/** `ip addr add`; an address that is already there counts as added. */
export async function addVip(vip: VirtualAddress, defaultDev: string, log: Logger): Promise<boolean> {
  const r = await run('ip', ipArgs('add', vip, defaultDev), { timeoutMs: 5000 });
  if (r.code === 0 || /File exists/.test(r.stderr)) return true;
  log(`cannot add virtual address ${vip.address}/${vip.prefix} on ${vip.dev ?? defaultDev}: ${(r.spawnError ?? r.stderr).trim()}`);
  return false;
}

/** `ip addr del`; an address that is already gone counts as removed. */
export async function removeVip(vip: VirtualAddress, defaultDev: string, log: Logger): Promise<boolean> {
  const r = await run('ip', ipArgs('del', vip, defaultDev), { timeoutMs: 5000 });
  if (r.code === 0 || /Cannot assign requested address|Address not found/.test(r.stderr)) return true;
  log(`cannot remove virtual address ${vip.address}/${vip.prefix} from ${vip.dev ?? defaultDev}: ${(r.spawnError ?? r.stderr).trim()}`);
  return false;
}

let arpingMissing = false;

/**
 * Sends `count` gratuitous ARPs for a VIP: broadcast ARP requests whose sender and target are the VIP
 * (iputils `arping -U`), so that neighbours and switches learn the new master's MAC address.
 * Node cannot open an AF_PACKET socket, so this uses Debian's iputils-arping.
 */
export async function sendGratuitousArp(vip: VirtualAddress, defaultDev: string, count: number, log: Logger): Promise<boolean> {
  if (arpingMissing) return false;
  const dev = vip.dev ?? defaultDev;
  // iputils arping waits a second after each packet; separate processes send the burst back to back.
  const results = await Promise.all(
    Array.from({ length: count }, () => run('arping', ['-q', '-U', '-c', '1', '-I', dev, vip.address], { timeoutMs: 3000 })),
  );
  const r = results.find((x) => x.spawnError !== undefined || x.stderr.trim() !== '') ?? results[0]!;
  if (r.spawnError !== undefined) {
    arpingMissing = /ENOENT/.test(r.spawnError);
    log(`cannot send gratuitous ARP for ${vip.address} on ${dev}: ${arpingMissing ? "'arping' is not installed (Debian/Ubuntu: apt-get install iputils-arping)" : r.spawnError}`);
    return false;
  }
  if (r.stderr.trim() !== '') {
    log(`gratuitous ARP for ${vip.address} on ${dev}: ${r.stderr.trim()}`);
    return false;
  }
  return true;
}
