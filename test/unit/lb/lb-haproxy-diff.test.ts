/**
 * Differential test: the real haproxy (when installed) and portico's algorithms must pick the same
 * servers for the same requests. Backends are tiny node servers on loopback that answer their name.
 */
import { describe, expect, it } from 'vitest';
import { createLb, parseBalance, parseHashType, type LbRequest } from '../../../src/lb/index.js';
import { haproxyAvailable, startHarness } from './haproxy-harness.js';

const HAVE_HAPROXY = haproxyAvailable();

interface Case {
  label: string;
  balance: string[];
  hashType?: string[];
  weights: number[];
  /** extra server words, e.g. "id 12" */
  params?: string[];
  requests: Array<{ path?: string; src?: string; headers?: Record<string, string> }>;
}

const rrRequests = (n: number) => Array.from({ length: n }, () => ({}));
const sources = Array.from({ length: 24 }, (_, i) => ({ src: `127.0.${i % 3}.${i * 7 + 1}` }));
const uris = ['/', '/a', '/b/c', '/img/logo.png', '/api/v1/users?id=7', '/api/v1/users?id=8', '/x/y/z/w', '/index.html', '/q?user=alice', '/q?user=bob', '/q?x=1&user=carol', '/Z', '/static/app.js', '/static/app.css', '/deep/er/path/than/you/think', '/12345'].map((path) => ({ path }));

const CASES: Case[] = [
  ...[[1, 1, 1], [3, 1], [2, 3, 1], [10, 5, 1], [4, 0, 2, 7]].flatMap((weights): Case[] => [
    { label: `roundrobin ${weights.join('/')}`, balance: ['roundrobin'], weights, requests: rrRequests(weights.reduce((a, b) => a + b) * 2 + 3) },
    { label: `static-rr ${weights.join('/')}`, balance: ['static-rr'], weights, requests: rrRequests(weights.reduce((a, b) => a + b) * 2 + 3) },
  ]),
  { label: 'source map-based', balance: ['source'], weights: [1, 2, 3], requests: sources },
  { label: 'source map-based avalanche', balance: ['source'], hashType: ['map-based', 'sdbm', 'avalanche'], weights: [2, 2, 1, 1], requests: sources },
  { label: 'source consistent', balance: ['source'], hashType: ['consistent'], weights: [1, 1, 1], requests: sources },
  { label: 'source consistent ids', balance: ['source'], hashType: ['consistent'], weights: [1, 3, 1], params: ['id 7', 'id 3', 'id 20'], requests: sources },
  { label: 'uri map-based', balance: ['uri'], weights: [1, 1, 1, 1, 1], requests: uris },
  { label: 'uri whole djb2', balance: ['uri', 'whole'], hashType: ['map-based', 'djb2'], weights: [1, 2, 3], requests: uris },
  { label: 'uri depth 2 len 9 wt6', balance: ['uri', 'depth', '2', 'len', '9'], hashType: ['map-based', 'wt6'], weights: [3, 1, 1], requests: uris },
  { label: 'uri consistent', balance: ['uri'], hashType: ['consistent'], weights: [1, 1, 1, 1], requests: uris },
  { label: 'uri consistent crc32', balance: ['uri', 'whole'], hashType: ['consistent', 'crc32'], weights: [1, 2, 1], requests: uris },
  { label: 'url_param', balance: ['url_param', 'user'], hashType: ['map-based', 'sdbm', 'avalanche'], weights: [1, 1, 1, 1], requests: uris },
  {
    label: 'hdr(host) use_domain_only',
    balance: ['hdr(Host)', 'use_domain_only'],
    weights: [1, 1, 1],
    requests: ['www.example.com', 'example.com', 'a.b.portico.org', 'haproxy.1wt.eu', 'localhost', 'shop.example.net', 'x.y'].map((h) => ({ headers: { host: h } })),
  },
];

describe.skipIf(!HAVE_HAPROXY)('portico picks the same servers as haproxy 2.6', () => {
  for (const c of CASES) {
    it(c.label, async () => {
      const names = c.weights.map((_, i) => `s${i + 1}`);
      const lines = [`balance ${c.balance.join(' ')}`];
      if (c.hashType) lines.push(`hash-type ${c.hashType.join(' ')}`);
      const h = await startHarness(
        lines,
        names.map((name, i) => ({ name, params: `weight ${c.weights[i]} ${c.params?.[i] ?? ''}` })),
      );
      const theirs: string[] = [];
      try {
        for (const r of c.requests) {
          theirs.push(await h.get(r.path ?? '/', { headers: r.headers, localAddress: r.src }));
        }
      } finally {
        await h.close();
      }

      const balance = parseBalance(c.balance);
      const hashType = parseHashType(c.hashType ?? ['map-based']);
      if (!('ok' in balance) || !('ok' in hashType)) throw new Error('bad test case');
      const lb = createLb(
        balance.ok,
        hashType.ok,
        names.map((name, i) => ({ name, weight: c.weights[i], id: idOf(c.params?.[i]) })),
      );
      const ours = c.requests.map((r) => {
        const headers = Object.entries({ host: '127.0.0.1', ...r.headers }).flat();
        const req: LbRequest = { src: r.src ?? '127.0.0.1', head: { method: 'GET', uri: r.path ?? '/', version: 'HTTP/1.1', headers } };
        return lb.pick(req)?.name ?? 'none';
      });
      expect(ours).toEqual(theirs);
    });
  }
});

function idOf(params: string | undefined): number | undefined {
  const m = params && /\bid (\d+)/.exec(params);
  return m ? Number(m[1]) : undefined;
}
