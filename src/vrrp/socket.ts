/**
 * The raw IP protocol 112 socket of one interface, through the optional `raw-socket` addon.
 *
 * Node has no raw sockets. We send with IP_HDRINCL so that the source address, TTL 255 and TOS are
 * exactly ours, bind the socket to the interface (SO_BINDTODEVICE) so that it only hears that link,
 * join 224.0.0.18 there, and turn multicast loopback off so that we don't hear ourselves.
 * Needs root or CAP_NET_RAW (and CAP_NET_ADMIN for the VIPs).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { buildIpv4Header, ipToBytes, parseIpv4Header, VRRP_MULTICAST, VRRP_PROTOCOL, type Ipv4Header } from './packet.js';

// Linux socket option numbers (linux/in.h, asm-generic/socket.h).
const SOL_SOCKET = 1;
const SO_BINDTODEVICE = 25;
const IPPROTO_IP = 0;
const IP_HDRINCL = 3;
const IP_MULTICAST_LOOP = 34;
const IP_ADD_MEMBERSHIP = 35;

/** The part of the raw-socket addon we use (it ships no type declarations). */
interface RawSocket {
  on(event: 'message', cb: (buf: Buffer, source: string) => void): void;
  on(event: 'error', cb: (err: Error) => void): void;
  setOption(level: number, option: number, value: number): void;
  setOption(level: number, option: number, value: Buffer, length: number): void;
  send(buf: Buffer, offset: number, length: number, address: string, cb: (err: Error | null, bytes: number) => void): void;
  close(): void;
}
interface RawModule {
  createSocket(options: { protocol: number; addressFamily?: number; bufferSize?: number }): RawSocket;
}

let rawModule: RawModule | undefined;

/** Loads the optional addon, or explains what is missing. */
export function loadRawSocket(): RawModule {
  if (rawModule) return rawModule;
  try {
    rawModule = createRequire(import.meta.url)('raw-socket') as RawModule;
    return rawModule;
  } catch (e) {
    throw new Error(
      `the VRRP sidecar needs the optional 'raw-socket' addon, which is not installed or did not build (${(e as Error).message.split('\n')[0]}); ` +
        'install python3, make and a C++ compiler, then run `npm rebuild raw-socket` (or `npm install raw-socket`)',
    );
  }
}

export function interfaceIndex(ifname: string): number {
  try {
    return Number(readFileSync(`/sys/class/net/${ifname}/ifindex`, 'utf8').trim());
  } catch {
    throw new Error(`interface '${ifname}' does not exist`);
  }
}

export type PacketHandler = (ip: Ipv4Header, payload: Buffer) => void;

export interface VrrpChannel {
  readonly ifname: string;
  /** Sends one VRRP message from `src` to `dst` (224.0.0.18 or a unicast peer). */
  send(vrrp: Buffer, src: string, dst: string): Promise<void>;
  close(): void;
}

/** Opens the protocol-112 socket of an interface; `onPacket` gets every packet heard on it. */
export function openChannel(ifname: string, onPacket: PacketHandler, onError: (e: Error) => void): VrrpChannel {
  const raw = loadRawSocket();
  const ifindex = interfaceIndex(ifname);
  let sock: RawSocket;
  try {
    sock = raw.createSocket({ protocol: VRRP_PROTOCOL, bufferSize: 2048 });
  } catch (e) {
    const why = (e as Error).message;
    throw new Error(`cannot open a raw IP protocol 112 socket: ${why}${/not permitted/i.test(why) ? ' (the VRRP sidecar needs root, or CAP_NET_RAW and CAP_NET_ADMIN)' : ''}`);
  }
  let closed = false;
  try {
    const dev = Buffer.from(`${ifname}\0`);
    sock.setOption(SOL_SOCKET, SO_BINDTODEVICE, dev, dev.length);
    sock.setOption(IPPROTO_IP, IP_HDRINCL, 1);
    sock.setOption(IPPROTO_IP, IP_MULTICAST_LOOP, 0);
    // struct ip_mreqn { in_addr multiaddr; in_addr address; int ifindex; }
    const mreq = Buffer.alloc(12);
    Buffer.from(ipToBytes(VRRP_MULTICAST)).copy(mreq, 0);
    mreq.writeInt32LE(ifindex, 8);
    sock.setOption(IPPROTO_IP, IP_ADD_MEMBERSHIP, mreq, mreq.length);
  } catch (e) {
    sock.close();
    throw new Error(`cannot set up the VRRP socket on ${ifname}: ${(e as Error).message}`);
  }
  sock.on('message', (buf) => {
    const ip = parseIpv4Header(buf);
    if (!ip || ip.protocol !== VRRP_PROTOCOL) return;
    const end = Math.min(buf.length, Math.max(ip.totalLength, ip.headerLength));
    onPacket(ip, buf.subarray(ip.headerLength, end));
  });
  sock.on('error', (e) => {
    if (!closed) onError(e);
  });
  return {
    ifname,
    send(vrrp, src, dst) {
      const packet = Buffer.concat([buildIpv4Header(src, dst, vrrp.length), vrrp]);
      return new Promise((resolve, reject) => {
        if (closed) return reject(new Error('socket closed'));
        sock.send(packet, 0, packet.length, dst, (err) => (err ? reject(err) : resolve()));
      });
    },
    close() {
      if (closed) return;
      closed = true;
      sock.close();
    },
  };
}
