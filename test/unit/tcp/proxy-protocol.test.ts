import { describe, expect, it } from 'vitest';
import { buildProxyV1, buildProxyV2, parseProxyHeader, PROXY_ERRORS, V2_SIGNATURE } from '../../../src/tcp/proxy-protocol.js';

describe('PROXY protocol v1', () => {
  it('parses TCP4 and TCP6 headers and says how many bytes they took', () => {
    const b = Buffer.from('PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\nGET /');
    expect(parseProxyHeader(b)).toEqual({ kind: 'ok', consumed: 47, version: 1, addresses: { family: 'IPv4', src: '192.168.0.1', srcPort: 56324, dst: '192.168.0.11', dstPort: 443 } });
    const r = parseProxyHeader(Buffer.from('PROXY TCP6 2001:db8::1 ::1 1 2\r\n'));
    expect(r).toMatchObject({ kind: 'ok', addresses: { family: 'IPv6', src: '2001:db8::1', dst: '::1', srcPort: 1, dstPort: 2 } });
  });
  it('UNKNOWN keeps the connection addresses', () => {
    expect(parseProxyHeader(Buffer.from('PROXY UNKNOWN ffff::1 ffff::2 1 2\r\n'))).toEqual({ kind: 'ok', consumed: 35, version: 1 });
  });
  it('waits for more bytes, then fails like haproxy', () => {
    expect(parseProxyHeader(Buffer.from('PROX'))).toEqual({ kind: 'incomplete' });
    expect(parseProxyHeader(Buffer.from('PROXY TCP4 1.2.3.4'))).toEqual({ kind: 'incomplete' });
    expect(parseProxyHeader(Buffer.from('GET / HTTP/1.0\r\n'))).toEqual({ kind: 'error', message: PROXY_ERRORS.notHeader });
    expect(parseProxyHeader(Buffer.from('PROXY TCP4 1.2.3.4 5.6.7.8 1111\r\n'))).toEqual({ kind: 'error', message: PROXY_ERRORS.badHeader });
    expect(parseProxyHeader(Buffer.from('PROXY UDP4 1.2.3.4 5.6.7.8 1 2\r\n'))).toEqual({ kind: 'error', message: PROXY_ERRORS.badProto });
    expect(parseProxyHeader(Buffer.from('PROXY TCP4 1.2.3.4 5.6.7.8 1 70000\r\n'))).toEqual({ kind: 'error', message: PROXY_ERRORS.badHeader });
    expect(parseProxyHeader(Buffer.from(`PROXY ${'x'.repeat(120)}`))).toEqual({ kind: 'error', message: PROXY_ERRORS.badHeader });
  });
  it('builds what it parses', () => {
    const h = buildProxyV1({ src: '::ffff:10.0.0.1', srcPort: 1234, dst: '::ffff:10.0.0.2', dstPort: 80 });
    expect(h.toString()).toBe('PROXY TCP4 10.0.0.1 10.0.0.2 1234 80\r\n');
    expect(buildProxyV1({}).toString()).toBe('PROXY UNKNOWN\r\n');
    expect(buildProxyV1({ src: '::1', srcPort: 5, dst: '::1', dstPort: 6 }).toString()).toBe('PROXY TCP6 ::1 ::1 5 6\r\n');
  });
});

describe('PROXY protocol v2', () => {
  it('round-trips IPv4 and IPv6 with the exact bytes of the spec', () => {
    const v4 = buildProxyV2({ src: '10.0.0.1', srcPort: 1234, dst: '10.0.0.2', dstPort: 443 });
    expect(v4.toString('hex')).toBe(`${V2_SIGNATURE.toString('hex')}2111000c0a0000010a00000204d201bb`);
    expect(parseProxyHeader(Buffer.concat([v4, Buffer.from('rest')]))).toEqual({ kind: 'ok', consumed: 28, version: 2, addresses: { family: 'IPv4', src: '10.0.0.1', srcPort: 1234, dst: '10.0.0.2', dstPort: 443 } });
    const v6 = buildProxyV2({ src: '2001:db8::1', srcPort: 1, dst: '::1', dstPort: 2 });
    expect(v6.length).toBe(52);
    expect(parseProxyHeader(v6)).toMatchObject({ kind: 'ok', addresses: { family: 'IPv6', src: '2001:db8::1', dst: '::1' } });
  });
  it('LOCAL and UNSPEC keep the connection addresses; TLVs are skipped', () => {
    expect(parseProxyHeader(buildProxyV2({}, true))).toEqual({ kind: 'ok', consumed: 16, version: 2 });
    const withTlv = Buffer.concat([V2_SIGNATURE, Buffer.from([0x21, 0x11, 0x00, 0x12, 1, 2, 3, 4, 5, 6, 7, 8, 0, 1, 0, 2, 0x04, 0x00, 0x03, 0, 0, 0]), Buffer.from('x')]);
    expect(parseProxyHeader(withTlv)).toMatchObject({ kind: 'ok', consumed: 34, addresses: { src: '1.2.3.4', dst: '5.6.7.8', srcPort: 1, dstPort: 2 } });
  });
  it('incomplete until the announced length, errors on a bad version', () => {
    const v4 = buildProxyV2({ src: '10.0.0.1', srcPort: 1, dst: '10.0.0.2', dstPort: 2 });
    expect(parseProxyHeader(v4.subarray(0, 20))).toEqual({ kind: 'incomplete' });
    expect(parseProxyHeader(v4.subarray(0, 5))).toEqual({ kind: 'incomplete' });
    const bad = Buffer.from(v4);
    bad[12] = 0x11;
    expect(parseProxyHeader(bad)).toEqual({ kind: 'error', message: PROXY_ERRORS.badHeader });
    const sig = Buffer.from(V2_SIGNATURE);
    sig[3] = 0;
    expect(parseProxyHeader(sig)).toEqual({ kind: 'error', message: PROXY_ERRORS.notHeader });
  });
});
