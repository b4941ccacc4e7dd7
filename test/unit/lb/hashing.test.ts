import { describe, expect, it } from 'vitest';
import { createLb, parseBalance, parseHashType, type LbAlgorithm, type LbRequest } from '../../../src/lb/index.js';

function lbFor(balance: string[], hashType: string[], weights: number[]): LbAlgorithm {
  const b = parseBalance(balance);
  const h = parseHashType(hashType);
  if (!('ok' in b) || !('ok' in h)) throw new Error('bad config');
  return createLb(b.ok, h.ok, weights.map((weight, i) => ({ name: `s${i + 1}`, weight })));
}
const get = (uri: string, headers: string[] = []): LbRequest => ({ head: { method: 'GET', uri, version: 'HTTP/1.1', headers } });
const picks = (lb: LbAlgorithm, reqs: LbRequest[]) => reqs.map((r) => lb.pick(r)?.name.slice(1) ?? '-').join('');

const sources = Array.from({ length: 12 }, (_, i) => ({ src: `127.0.${i % 3}.${i * 7 + 1}` }));
const uris = ['/', '/a', '/b/c', '/img/logo.png', '/api/v1/users?id=7', '/x/y/z/w', '/index.html', '/static/app.js'].map((u) => get(u));

describe('hash-based algorithms against recorded HAProxy 2.6 picks (4 servers of weight 1)', () => {
  it('source, map-based', () => expect(picks(lbFor(['source'], ['map-based'], [1, 1, 1, 1]), sources)).toBe('214321432143'));
  it('source, consistent', () => expect(picks(lbFor(['source'], ['consistent'], [1, 1, 1, 1]), sources)).toBe('444412312314'));
  it('uri, consistent', () => expect(picks(lbFor(['uri'], ['consistent'], [1, 1, 1, 1]), uris)).toBe('24323441'));
  it('uri, map-based wt6 avalanche', () => expect(picks(lbFor(['uri'], ['map-based', 'wt6', 'avalanche'], [1, 1, 1, 1]), uris)).toBe('13242323'));
});

describe('consistent hashing', () => {
  const keys = Array.from({ length: 2000 }, (_, i) => get(`/object/${i}`));

  it('moves only the keys of a server that goes down, and moves them back when it returns', () => {
    const lb = lbFor(['uri'], ['consistent'], [1, 1, 1, 1]);
    const before = keys.map((k) => lb.pick(k)!.name);
    lb.serverDown(lb.servers[1]!);
    const during = keys.map((k) => lb.pick(k)!.name);
    let moved = 0;
    for (let i = 0; i < keys.length; i++) {
      if (before[i] === 's2') expect(during[i]).not.toBe('s2');
      else expect(during[i]).toBe(before[i]);
      if (before[i] !== during[i]) moved++;
    }
    // s2 owned roughly a quarter of the keys; only those moved.
    expect(moved).toBeGreaterThan(300);
    expect(moved).toBeLessThan(700);
    lb.serverUp(lb.servers[1]!);
    expect(keys.map((k) => lb.pick(k)!.name)).toEqual(before);
  });

  it('follows weights and accepts weight changes', () => {
    const lb = lbFor(['uri'], ['consistent'], [1, 3]);
    const share = () => keys.filter((k) => lb.pick(k)!.name === 's2').length / keys.length;
    expect(share()).toBeGreaterThan(0.65);
    expect(share()).toBeLessThan(0.85);
    expect(lb.setWeight(lb.servers[1]!, 1)).toBeUndefined();
    expect(share()).toBeGreaterThan(0.35);
    expect(share()).toBeLessThan(0.65);
  });

  it('map-based hashing moves most keys when a server goes down and refuses arbitrary weights', () => {
    const lb = lbFor(['uri'], ['map-based'], [1, 1, 1, 1]);
    const before = keys.map((k) => lb.pick(k)!.name);
    lb.serverDown(lb.servers[1]!);
    const moved = keys.filter((k, i) => lb.pick(k)!.name !== before[i]).length;
    expect(moved).toBeGreaterThan(1000);
    expect(lb.setWeight(lb.servers[0]!, 2)).toMatch(/static LB algorithm/);
  });
});

describe('keys and fallbacks', () => {
  it('falls back to round robin when the request carries no key', () => {
    for (const ht of [['map-based'], ['consistent']]) {
      const lb = lbFor(['url_param', 'user'], ht, [1, 1, 1]);
      const seen = new Set(Array.from({ length: 6 }, () => lb.pick(get('/no/param'))!.name));
      expect(seen.size).toBe(3);
      const alice = lb.pick(get('/q?user=alice'))!.name;
      for (let i = 0; i < 5; i++) expect(lb.pick(get(`/r${i}?a=1&user=alice`))!.name).toBe(alice);
    }
  });
  it('url_param check_post reads the body of a POST', () => {
    const lb = lbFor(['url_param', 'user', 'check_post'], ['map-based'], [1, 1, 1, 1, 1]);
    const byQuery = lb.pick(get('/?user=zed'))!.name;
    const post: LbRequest = { head: { method: 'POST', uri: '/form', version: 'HTTP/1.1', headers: [] }, body: () => 'a=1&user=zed' };
    for (let i = 0; i < 5; i++) expect(lb.pick(post)!.name).toBe(byQuery);
  });
  it('hdr hashes the header and use_domain_only the main domain', () => {
    const lb = lbFor(['hdr(Host)', 'use_domain_only'], ['map-based'], [1, 1, 1, 1, 1, 1, 1]);
    const a = lb.pick(get('/', ['host', 'www.example.com']))!.name;
    expect(lb.pick(get('/', ['host', 'shop.example.org']))!.name).toBe(a);
    expect(lb.pick(get('/', ['host', 'example.net']))!.name).toBe(a);
  });
  it('rdp-cookie and hash use the values the engine hands over', () => {
    const rdp = lbFor(['rdp-cookie'], ['map-based'], [1, 1, 1]);
    const asked: string[] = [];
    const req: LbRequest = { rdpCookie: (n) => (asked.push(n), 'user1') };
    const first = rdp.pick(req)!.name;
    for (let i = 0; i < 4; i++) expect(rdp.pick(req)!.name).toBe(first);
    expect(asked[0]).toBe('mstshash');
    const h = lbFor(['hash', 'req.cookie(id)'], ['consistent'], [1, 1, 1]);
    const k = h.pick({ hashKey: () => 'abc' })!.name;
    expect(h.pick({ hashKey: () => new TextEncoder().encode('abc') })!.name).toBe(k);
  });
  it('does not compute hashing inputs for algorithms that do not need them', () => {
    const lb = lbFor(['roundrobin'], ['map-based'], [1, 1]);
    const req: LbRequest = {
      body: () => {
        throw new Error('body read');
      },
      rdpCookie: () => {
        throw new Error('cookie read');
      },
      hashKey: () => {
        throw new Error('key computed');
      },
    };
    expect(lb.pick(req)?.name).toBe('s1');
  });
});
