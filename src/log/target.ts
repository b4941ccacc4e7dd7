/**
 * Where a `log` line sends: `ADDR[:PORT]` over UDP (IPv4 or IPv6, 514 by default, optional
 * `udp@`/`udp4@`/`udp6@`/`ipv4@`/`ipv6@` prefix), a datagram UNIX socket (`/dev/log`,
 * `unix@PATH`), a file descriptor (`stdout`, `stderr`, `fd@N`) or a ring (`ring@NAME`).
 */
import { isIP } from 'node:net';

export type LogAddress =
  | { kind: 'udp'; host: string; port: number; family: 4 | 6 }
  | { kind: 'unix'; path: string }
  | { kind: 'fd'; fd: number }
  | { kind: 'ring'; name: string };

export function parseLogAddress(word: string): LogAddress | { error: string } {
  if (word === 'stdout') return { kind: 'fd', fd: 1 };
  if (word === 'stderr') return { kind: 'fd', fd: 2 };
  if (word.startsWith('fd@')) {
    const n = word.slice(3);
    if (!/^\d+$/.test(n)) return { error: `invalid file descriptor '${n}'` };
    return { kind: 'fd', fd: Number(n) };
  }
  if (word.startsWith('ring@')) return { kind: 'ring', name: word.slice(5) };
  if (word.startsWith('unix@')) return { kind: 'unix', path: word.slice(5) };
  if (word.startsWith('/')) return { kind: 'unix', path: word };
  let rest = word;
  let want: 4 | 6 | undefined;
  const m = /^(udp|udp4|udp6|ipv4|ipv6)@/.exec(rest);
  if (m) {
    rest = rest.slice(m[0].length);
    if (m[1] === 'udp4' || m[1] === 'ipv4') want = 4;
    if (m[1] === 'udp6' || m[1] === 'ipv6') want = 6;
  }
  let host: string;
  let portText = '';
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) return { error: `missing ']' in '${word}'` };
    host = rest.slice(1, close);
    const after = rest.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) return { error: `invalid address '${word}'` };
    portText = after.slice(1);
  } else {
    const colon = rest.lastIndexOf(':');
    host = colon < 0 ? rest : rest.slice(0, colon);
    portText = colon < 0 ? '' : rest.slice(colon + 1);
    // "::1" alone: HAProxy reads the last group as the port; keep a bare IPv6 address whole.
    if (colon >= 0 && isIP(rest) === 6 && isIP(host) !== 6) {
      host = rest;
      portText = '';
    }
  }
  if (host === '' || host === '*') host = want === 6 ? '::' : '0.0.0.0';
  if (host === 'localhost') host = want === 6 ? '::1' : '127.0.0.1';
  const fam = isIP(host);
  if (fam === 0) return { error: `invalid address: '${host}' is not an IP address` };
  if (portText !== '' && !/^\d+$/.test(portText)) return { error: `invalid port '${portText}'` };
  const port = portText === '' ? 514 : Number(portText);
  if (port < 1 || port > 65535) return { error: `invalid port '${portText}'` };
  return { kind: 'udp', host, port, family: fam === 6 ? 6 : 4 };
}
