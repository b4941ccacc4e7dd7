/**
 * Address words as HAProxy writes them: "127.0.0.1:80", "*:80", ":80", "[::1]:443", "::1:443",
 * ranges "10.0.0.1:8000-8010", and prefixed forms "ipv4@", "ipv6@", "unix@/path", "/path", "fd@3".
 */
import { isIP } from 'node:net';
import type { Address } from './model.js';

export type ParsedAddress = { ok: Address } | { error: string };

/** A listening address (bind). */
export function parseBindAddress(word: string): ParsedAddress {
  let family: 'ipv4' | 'ipv6' | 'any' = 'any';
  let rest = word;
  const at = word.indexOf('@');
  if (at > 0) {
    const prefix = word.slice(0, at);
    rest = word.slice(at + 1);
    switch (prefix) {
      case 'ipv4':
        family = 'ipv4';
        break;
      case 'ipv6':
        family = 'ipv6';
        break;
      case 'unix':
        return rest ? { ok: { kind: 'unix', path: rest } } : { error: `missing path in '${word}'` };
      case 'fd': {
        if (!/^\d+$/.test(rest)) return { error: `'${word}' expects a file descriptor number after 'fd@' (got '${rest}')` };
        return { ok: { kind: 'fd', fd: Number(rest) } };
      }
      case 'abns':
      case 'sockpair':
      case 'udp':
      case 'udp4':
      case 'udp6':
      case 'quic4':
      case 'quic6':
      case 'tcp':
      case 'tcp4':
      case 'tcp6':
        if (prefix === 'tcp4') family = 'ipv4';
        else if (prefix === 'tcp6') family = 'ipv6';
        else if (prefix !== 'tcp') return { error: `address family '${prefix}@' in '${word}' is not supported by portico` };
        break;
      default:
        return { error: `unknown address family '${prefix}@' in '${word}'` };
    }
  } else if (word.startsWith('/')) {
    return { ok: { kind: 'unix', path: word } };
  }
  return parseHostPort(rest, word, family, true);
}

/** A server address: host or IP with an optional port, +N/-N offset, or none (client's port). */
export function parseServerAddress(word: string): { host: string; port?: number; portOffset?: number; family: 'ipv4' | 'ipv6' | 'any' } | { unix: string } | { error: string } {
  let rest = word;
  let family: 'ipv4' | 'ipv6' | 'any' = 'any';
  const at = word.indexOf('@');
  if (at > 0) {
    const prefix = word.slice(0, at);
    rest = word.slice(at + 1);
    if (prefix === 'unix') return { unix: rest };
    if (prefix === 'ipv4') family = 'ipv4';
    else if (prefix === 'ipv6') family = 'ipv6';
    else return { error: `address family '${prefix}@' in '${word}' is not supported for servers` };
  } else if (word.startsWith('/')) {
    return { unix: word };
  }
  const { host, portText } = splitHostPort(rest);
  if (host === '') return { error: `missing address in '${word}'` };
  if (portText === undefined || portText === '') return { host, family };
  const m = /^([+-]?)(\d+)$/.exec(portText);
  if (!m) {
    const bad = [...portText].find((c) => !/[0-9+-]/.test(c)) ?? portText[0];
    return { error: `invalid character '${bad}' in port number '${portText}' in '${word}'` };
  }
  const n = Number(m[2]);
  if (m[1]) return { host, family, portOffset: m[1] === '-' ? -n : n };
  if (n > 65535) return { error: `invalid port '${portText}' in '${word}'` };
  return { host, family, port: n };
}

function splitHostPort(text: string): { host: string; portText?: string } {
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return { host: text };
    const host = text.slice(1, close);
    const after = text.slice(close + 1);
    return { host, portText: after.startsWith(':') ? after.slice(1) : after === '' ? undefined : after };
  }
  const colon = text.lastIndexOf(':');
  if (colon < 0) return { host: text };
  // "::1" without a port: more than one colon and the tail is part of an IPv6 address.
  if (text.indexOf(':') !== colon && isIP(text) === 6) return { host: text };
  return { host: text.slice(0, colon), portText: text.slice(colon + 1) };
}

function parseHostPort(text: string, word: string, family: 'ipv4' | 'ipv6' | 'any', allowRange: boolean): ParsedAddress {
  const { host: rawHost, portText } = splitHostPort(text);
  if (portText === undefined || portText === '') return { error: `missing port number: '${word}'` };
  const m = /^(\d+)(?:-(\d+))?$/.exec(portText);
  if (!m || (!allowRange && m[2])) {
    const bad = [...portText].find((c) => !/[0-9-]/.test(c)) ?? portText[0];
    return { error: `invalid character '${bad}' in port number '${portText}' in '${word}'` };
  }
  const port = Number(m[1]);
  const portEnd = m[2] !== undefined ? Number(m[2]) : undefined;
  if (port > 65535 || (portEnd !== undefined && (portEnd > 65535 || portEnd < port))) return { error: `invalid port range '${portText}' in '${word}'` };
  let host = rawHost === '*' ? '' : rawHost;
  const ipv = host === '' ? 0 : isIP(host);
  if (host !== '' && ipv === 0 && !/^[A-Za-z0-9.-]+$/.test(host)) return { error: `invalid address '${host}' in '${word}'` };
  if (family === 'any' && ipv === 6) family = 'ipv6';
  if (family === 'any' && ipv === 4) family = 'ipv4';
  if (host === '' && family === 'ipv6') host = '::';
  return { ok: { kind: 'inet', family, host, port, ...(portEnd !== undefined && portEnd !== port ? { portEnd } : {}) } };
}
