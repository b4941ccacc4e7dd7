import { describe, expect, it } from 'vitest';
import { BALANCE_ALGORITHMS, parseBalance, parseHashType } from '../../../src/lb/config.js';

describe('parseBalance', () => {
  it('parses every algorithm and its options', () => {
    expect(parseBalance([])).toEqual({ ok: { algorithm: 'roundrobin' } });
    expect(parseBalance(['leastconn'])).toEqual({ ok: { algorithm: 'leastconn' } });
    expect(parseBalance(['uri', 'whole', 'len', '10', 'depth', '3', 'path-only'])).toEqual({
      ok: { algorithm: 'uri', whole: true, len: 10, depth: 3, pathOnly: true },
    });
    expect(parseBalance(['url_param', 'userid', 'check_post', '64'])).toEqual({ ok: { algorithm: 'url_param', param: 'userid', checkPost: true } });
    expect(parseBalance(['hdr(Host)', 'use_domain_only'])).toEqual({ ok: { algorithm: 'hdr', header: 'host', useDomainOnly: true } });
    expect(parseBalance(['random'])).toEqual({ ok: { algorithm: 'random', draws: 2 } });
    expect(parseBalance(['random(3)'])).toEqual({ ok: { algorithm: 'random', draws: 3 } });
    expect(parseBalance(['random()'])).toEqual({ ok: { algorithm: 'random', draws: 2 } });
    expect(parseBalance(['rdp-cookie'])).toEqual({ ok: { algorithm: 'rdp-cookie', cookie: 'mstshash' } });
    expect(parseBalance(['rdp-cookie(user)'])).toEqual({ ok: { algorithm: 'rdp-cookie', cookie: 'user' } });
    expect(parseBalance(['hash', 'req.cookie(id)'])).toEqual({ ok: { algorithm: 'hash', expr: ['req.cookie(id)'] } });
    expect(parseBalance(['nq'])).toEqual({ ok: { algorithm: 'nq' } });
  });
  it("rejects bad input with HAProxy 2.6's messages", () => {
    const err = (args: string[]) => ('error' in parseBalance(args) ? (parseBalance(args) as { error: string }).error : 'accepted');
    expect(err(['foo'])).toBe(
      "balance only supports 'roundrobin', 'static-rr', 'leastconn', 'source', 'uri', 'url_param', 'hdr(name)' and 'rdp-cookie(name)' options.",
    );
    expect(err(['hdr'])).toMatch(/^balance only supports/);
    expect(err(['uri', 'len'])).toBe("balance uri : 'len' expects a positive integer (got '').");
    expect(err(['uri', 'depth', '0'])).toBe("balance uri : 'depth' expects a positive integer (got '0').");
    expect(err(['uri', 'bogus'])).toBe("balance uri only accepts parameters 'len', 'depth', 'path-only', and 'whole' (got 'bogus').");
    expect(err(['url_param'])).toBe('balance url_param requires an URL parameter name.');
    expect(err(['url_param', 'id', 'foo'])).toBe("balance url_param only accepts 'check_post' modifier (got 'foo').");
    expect(err(['hdr()'])).toBe('balance hdr requires an http header field name.');
    expect(err(['hdr(Host)', 'foo'])).toBe("balance hdr(Host) only accepts 'use_domain_only' modifier (got 'foo').");
    expect(err(['random(0)'])).toBe('balance random : number of draws must be at least 1.');
    expect(err(['random(x)'])).toBe("balance random : unexpected character 'x' after argument.");
    expect(err(['random(3'])).toBe('balance random : missing closing parenthesis.');
    expect(err(['rdp-cookie()'])).toBe('balance rdp-cookie : missing cookie name.');
    expect(err(['hash'])).toBe('balance hash requires a sample expression.');
  });
  it('lists the algorithm names, LVS extensions last', () => {
    expect(BALANCE_ALGORITHMS.slice(0, 3)).toEqual(['roundrobin', 'static-rr', 'leastconn']);
    expect(BALANCE_ALGORITHMS.slice(-3)).toEqual(['wlc', 'sed', 'nq']);
  });
});

describe('parseHashType', () => {
  it('defaults like HAProxy', () => {
    expect(parseHashType(['map-based'])).toEqual({ ok: { method: 'map-based', fn: 'sdbm', avalanche: false } });
    expect(parseHashType(['consistent'])).toEqual({ ok: { method: 'consistent', fn: 'sdbm', avalanche: true } });
    expect(parseHashType(['consistent', 'djb2'])).toEqual({ ok: { method: 'consistent', fn: 'djb2', avalanche: false } });
    expect(parseHashType(['map-based', 'wt6', 'avalanche'])).toEqual({ ok: { method: 'map-based', fn: 'wt6', avalanche: true } });
  });
  it('rejects bad input with HAProxy 2.6 messages', () => {
    expect(parseHashType([])).toEqual({ error: "'hash-type' only supports 'consistent' and 'map-based'." });
    expect(parseHashType(['consistent', 'md5'])).toEqual({ error: "'hash-type' only supports 'sdbm', 'djb2', 'crc32', or 'wt6' hash functions." });
    expect(parseHashType(['consistent', 'sdbm', 'x'])).toEqual({ error: "'hash-type' only supports 'avalanche' as a modifier for hash functions." });
    expect(parseHashType(['avalanche'])).toEqual({
      error: "experimental feature 'hash-type avalanche' is not supported anymore, please use 'hash-type map-based sdbm avalanche' instead.",
    });
  });
});
