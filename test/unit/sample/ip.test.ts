import { describe, expect, it } from 'vitest';
import { formatIp, networkContains, parseIp, parseIpv4, parseNetwork } from '../../../src/sample/ip.js';

describe('ip', () => {
  it('parses and formats IPv4, including abbreviated forms', () => {
    expect(formatIp(parseIp('10.1.2.3')!)).toBe('10.1.2.3');
    expect(parseIpv4('127.1')).toBe(parseIpv4('127.0.0.1'));
    expect(parseIpv4('10.12')).toBe(parseIpv4('10.0.0.12'));
    expect(parseIp('1.2.3.256')).toBeUndefined();
    expect(parseIp('1.2.3')).toBeUndefined(); // abbreviated forms are for patterns only
  });
  it('parses and formats IPv6 like inet_ntop', () => {
    expect(formatIp(parseIp('2001:0db8:0:0:0:0:0:1')!)).toBe('2001:db8::1');
    expect(formatIp(parseIp('::1')!)).toBe('::1');
    expect(formatIp(parseIp('::ffff:1.2.3.4')!)).toBe('::ffff:1.2.3.4');
    expect(formatIp(parseIp('fe80::1%eth0')!)).toBe('fe80::1');
    expect(formatIp(parseIp('1:0:0:2:0:0:0:3')!)).toBe('1:0:0:2::3');
    expect(parseIp('1::2::3')).toBeUndefined();
    expect(parseIp(':::')).toBeUndefined();
  });
  it('matches networks across families as HAProxy does', () => {
    const v4net = parseNetwork('10.0.0.0/8')!;
    expect(networkContains(v4net, parseIp('10.9.9.9')!)).toBe(true);
    expect(networkContains(v4net, parseIp('11.0.0.1')!)).toBe(false);
    expect(networkContains(v4net, parseIp('::ffff:10.1.1.1')!)).toBe(true);
    expect(networkContains(v4net, parseIp('2002:0a01:0101::')!)).toBe(true);
    expect(networkContains(v4net, parseIp('2001:db8::1')!)).toBe(false);
    const v6net = parseNetwork('::ffff:0:0/96')!;
    expect(networkContains(v6net, parseIp('1.2.3.4')!)).toBe(true);
    expect(networkContains(parseNetwork('2001:db8::/32')!, parseIp('2001:db8:ffff::1')!)).toBe(true);
    expect(parseNetwork('1.2.3.4/33')).toBeUndefined();
    expect(parseNetwork('1.2.3.4/255.255.0.0')).toEqual({ family: 4, net: 0x01020000, mask: 0xffff0000 });
    expect(parseNetwork('1.2.3.4/255.0.255.0')).toBeUndefined();
  });
});
