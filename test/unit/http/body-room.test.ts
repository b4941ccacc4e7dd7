import { describe, expect, it } from 'vitest';
import { bodyRoom } from '../../../src/http/body-room.js';
import { DEFAULT_H1_LIMITS } from '../../../src/http/h1/limits.js';

describe('bodyRoom', () => {
  it('matches what haproxy 2.6 buffers with the default 16k buffer (measured: 15211 bytes)', () => {
    const head = { method: 'POST', uri: '/big', version: 'HTTP/1.1', headers: ['host', 'x', 'content-length', '30000'] };
    expect(bodyRoom(head, DEFAULT_H1_LIMITS)).toBe(15211);
  });

  it('does not count a Connection header that only says close (measured: 15183 with x-before)', () => {
    const head = { method: 'POST', uri: '/big', version: 'HTTP/1.1', headers: ['host', 'example.test', 'content-length', '30000', 'connection', 'close', 'x-before', '0'] };
    expect(bodyRoom(head, DEFAULT_H1_LIMITS)).toBe(15183);
  });

  it('shrinks with tune.bufsize and tune.maxrewrite', () => {
    const head = { method: 'POST', uri: '/', version: 'HTTP/1.1', headers: [] };
    expect(bodyRoom(head, { ...DEFAULT_H1_LIMITS, bufsize: 4096, maxrewrite: 1024 })).toBe(4096 - 1024 - (48 + 8 + 20 + 4 + 1 + 8 + 9 + 8));
  });
});
