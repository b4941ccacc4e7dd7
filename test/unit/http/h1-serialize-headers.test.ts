import { describe, expect, it } from 'vitest';
import { serializeRequestHead, serializeResponseHead } from '../../../src/http/h1/serialize.js';
import {
  addHeader,
  deleteHeader,
  getHeader,
  getHeaders,
  hasToken,
  removeHopByHop,
  setHeader,
  splitList,
  stripConnectionOptions,
} from '../../../src/http/h1/headers.js';

describe('serializers', () => {
  it('writes a request head', () => {
    const out = serializeRequestHead({ method: 'GET', uri: '/x', version: 'HTTP/1.1', headers: ['host', 'a', 'x', ''] });
    expect(out.toString('latin1')).toBe('GET /x HTTP/1.1\r\nhost: a\r\nx: \r\n\r\n');
  });

  it('writes a response head, keeping the space of an empty reason', () => {
    expect(serializeResponseHead({ version: 'HTTP/1.1', status: 200, reason: '', headers: [] }).toString()).toBe('HTTP/1.1 200 \r\n\r\n');
    const out = serializeResponseHead({ version: 'HTTP/1.1', status: 404, reason: 'Not Found', headers: ['content-length', '0'] });
    expect(out.toString()).toBe('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
  });

  it('keeps latin1 bytes intact', () => {
    const out = serializeRequestHead({ method: 'GET', uri: '/', version: 'HTTP/1.1', headers: ['x', 'caf\u00e9\u0000'] });
    expect([...out.subarray(out.length - 9, out.length - 4)]).toEqual([0x63, 0x61, 0x66, 0xe9, 0x00]);
  });
});

describe('header list helpers', () => {
  it('gets, adds, sets and deletes case-insensitively', () => {
    const h = ['host', 'a', 'x-a', '1', 'x-a', '2'];
    expect(getHeader(h, 'X-A')).toBe('1');
    expect(getHeaders(h, 'x-a')).toEqual(['1', '2']);
    expect(getHeader(h, 'nope')).toBeUndefined();
    addHeader(h, 'X-B', '3');
    expect(h).toEqual(['host', 'a', 'x-a', '1', 'x-a', '2', 'x-b', '3']);
    setHeader(h, 'X-A', 'z');
    expect(h).toEqual(['host', 'a', 'x-a', 'z', 'x-b', '3']);
    setHeader(h, 'new', 'n');
    expect(h.slice(-2)).toEqual(['new', 'n']);
    expect(deleteHeader(h, 'HOST')).toBe(1);
    expect(deleteHeader(h, 'host')).toBe(0);
    expect(h).toEqual(['x-a', 'z', 'x-b', '3', 'new', 'n']);
  });

  it('splits lists and finds tokens', () => {
    expect(splitList(' a ,b,, \tc ')).toEqual(['a', 'b', 'c']);
    expect(hasToken(['connection', 'keep-alive, Upgrade'], 'Connection', 'upgrade')).toBe(true);
    expect(hasToken(['connection', 'keep-alive'], 'connection', 'close')).toBe(false);
  });

  it('removes hop-by-hop headers and the ones Connection names', () => {
    const h = ['host', 'a', 'connection', 'close, x-foo', 'x-foo', '1', 'keep-alive', '5', 'proxy-connection', 'x',
      'te', 'trailers', 'upgrade', 'websocket', 'transfer-encoding', 'chunked', 'x-keep', 'y'];
    expect(removeHopByHop(h)).toEqual(['host', 'a', 'x-keep', 'y']);
    expect(removeHopByHop(h, true)).toEqual(['host', 'a', 'upgrade', 'websocket', 'x-keep', 'y']);
  });

  it('strips close/keep-alive options as HAProxy forwards Connection', () => {
    const h = ['host', 'a', 'connection', 'close, foo', 'foo', 'bar'];
    stripConnectionOptions(h);
    expect(h).toEqual(['host', 'a', 'connection', 'foo', 'foo', 'bar']);
    const k = ['connection', 'Keep-Alive', 'x', 'y'];
    stripConnectionOptions(k);
    expect(k).toEqual(['x', 'y']);
  });
});
