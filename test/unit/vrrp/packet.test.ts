import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  AUTH_PASS,
  buildIpv4Header,
  compareIp,
  decodeAdvertisement,
  encodeAdvertisement,
  internetChecksum,
  parseIpv4Header,
} from '../../../src/vrrp/packet.js';

// The v2 advertisement keepalived 2.2 sends for VRID 77, priority 150, VIP 10.77.0.100, PASS "secret12".
const KEEPALIVED_V2 = Buffer.from('214d96010101cf800a4d00647365637265743132', 'hex');

describe('VRRP packets', () => {
  it('encodes v2 exactly as keepalived does', () => {
    const buf = encodeAdvertisement({ version: 2, vrid: 77, priority: 150, intervalMs: 1000, addresses: ['10.77.0.100'], authType: AUTH_PASS, authData: 'secret12' });
    expect(buf.toString('hex')).toBe(KEEPALIVED_V2.toString('hex'));
  });

  it('decodes keepalived v2 bytes', () => {
    const r = decodeAdvertisement(KEEPALIVED_V2, '10.77.0.1', '224.0.0.18');
    expect(r).toEqual({ ok: true, adv: { version: 2, vrid: 77, priority: 150, intervalMs: 1000, addresses: ['10.77.0.100'], authType: 1, authData: 'secret12' } });
  });

  it('keeps only 8 password characters and pads shorter ones with NULs', () => {
    const long = encodeAdvertisement({ version: 2, vrid: 77, priority: 150, intervalMs: 1000, addresses: ['10.77.0.100'], authType: AUTH_PASS, authData: 'secret12345' });
    expect(long.equals(KEEPALIVED_V2)).toBe(true);
    const short = encodeAdvertisement({ version: 2, vrid: 1, priority: 100, intervalMs: 1000, addresses: ['10.0.0.1'], authType: AUTH_PASS, authData: 'abc' });
    expect(short.subarray(12).toString('hex')).toBe('6162630000000000');
    const r = decodeAdvertisement(short, '1.1.1.1', '224.0.0.18');
    expect(r.ok && r.adv.authData).toBe('abc');
  });

  it('rejects a corrupted checksum, short packets and unknown versions', () => {
    const bad = Buffer.from(KEEPALIVED_V2);
    bad[2] = 151;
    expect(decodeAdvertisement(bad, '10.77.0.1', '224.0.0.18')).toMatchObject({ ok: false, reason: 'checksum' });
    expect(decodeAdvertisement(KEEPALIVED_V2.subarray(0, 15), '10.77.0.1', '224.0.0.18')).toMatchObject({ ok: false, reason: 'short' });
    const v4 = Buffer.from(KEEPALIVED_V2);
    v4[0] = 0x41;
    expect(decodeAdvertisement(v4, '10.77.0.1', '224.0.0.18')).toMatchObject({ ok: false, reason: 'version' });
    const t2 = Buffer.from(KEEPALIVED_V2);
    t2[0] = 0x22;
    expect(decodeAdvertisement(t2, '10.77.0.1', '224.0.0.18')).toMatchObject({ ok: false, reason: 'type' });
  });

  it('encodes v3 with a centisecond interval and a pseudo-header checksum', () => {
    const adv = { version: 3 as const, vrid: 51, priority: 100, intervalMs: 1000, addresses: ['192.168.1.100', '192.168.1.101'], authType: 0, authData: '' };
    const buf = encodeAdvertisement(adv, '192.168.1.10', '224.0.0.18');
    expect(buf.length).toBe(16);
    expect(buf[0]).toBe(0x31);
    expect(buf.readUInt16BE(4)).toBe(100);
    // The checksum covers the pseudo-header: the same bytes from another source do not verify.
    expect(decodeAdvertisement(buf, '192.168.1.10', '224.0.0.18')).toEqual({ ok: true, adv });
    expect(decodeAdvertisement(buf, '192.168.1.11', '224.0.0.18')).toMatchObject({ ok: false, reason: 'checksum' });
    // Independently computed: sum of pseudo-header and message words, folded and inverted.
    const pseudo = Buffer.from([192, 168, 1, 10, 224, 0, 0, 18, 0, 112, 0, 16]);
    const zeroed = Buffer.from(buf);
    zeroed.writeUInt16BE(0, 6);
    expect(buf.readUInt16BE(6)).toBe(internetChecksum(Buffer.concat([pseudo, zeroed])));
  });

  it('round-trips any advertisement (property)', () => {
    const ip = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join('.'));
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 3 }), fc.integer({ min: 1, max: 255 }), fc.nat(255), fc.array(ip, { maxLength: 20 }), fc.integer({ min: 1, max: 40 }), ip, (version, vrid, priority, addresses, tenths, src) => {
        const v = version as 2 | 3;
        const intervalMs = v === 2 ? Math.max(1, Math.round(tenths / 10)) * 1000 : tenths * 100;
        const adv = { version: v, vrid, priority, intervalMs, addresses, authType: v === 2 ? AUTH_PASS : 0, authData: v === 2 ? 'pw' : '' };
        const r = decodeAdvertisement(encodeAdvertisement(adv, src, '224.0.0.18'), src, '224.0.0.18');
        expect(r).toEqual({ ok: true, adv });
      }),
      { numRuns: 200 },
    );
  });

  it('never throws on arbitrary bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        const r = decodeAdvertisement(Buffer.from(bytes), '1.2.3.4', '224.0.0.18');
        expect(typeof r.ok).toBe('boolean');
        expect(parseIpv4Header(Buffer.from(bytes)) === undefined || bytes.length >= 20).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('builds and parses IPv4 headers with TTL 255 and TOS 0xc0', () => {
    const h = buildIpv4Header('10.0.0.1', '224.0.0.18', 20);
    expect(internetChecksum(h)).toBe(0);
    expect(parseIpv4Header(h)).toEqual({ headerLength: 20, tos: 0xc0, totalLength: 40, ttl: 255, protocol: 112, src: '10.0.0.1', dst: '224.0.0.18' });
  });

  it('orders addresses numerically, not as text', () => {
    expect(compareIp('10.0.0.9', '10.0.0.10')).toBeLessThan(0);
    expect(compareIp('192.168.1.2', '192.168.1.2')).toBe(0);
    expect(compareIp('11.0.0.1', '10.255.255.255')).toBeGreaterThan(0);
  });
});
