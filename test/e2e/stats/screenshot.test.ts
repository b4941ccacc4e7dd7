/**
 * Renders the stats page in headless Chromium and checks that the screenshot exists and is not
 * blank (many distinct colours: the state colours of the rows). Skipped without chromium.
 * The page comes from the real stats service of a running Runtime, served over loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { loadConfigText } from '../../../src/config/load.js';
import { Runtime } from '../../../src/runtime/runtime.js';
import { setServerState, setServerHealth } from '../../../src/runtime/admin.js';
import { serveStats } from '../../../src/stats/service.js';
import { freePorts } from '../harness.js';

function findChromium(): string | undefined {
  for (const bin of ['chromium', 'chromium-browser', 'google-chrome']) {
    if (spawnSync(bin, ['--version'], { encoding: 'utf8' }).status === 0) return bin;
  }
  return undefined;
}
const CHROMIUM = findChromium();

/** Distinct RGB colours of a PNG (8-bit RGB or RGBA, non-interlaced), sampled on every 4th row. */
export function pngColours(buf: Buffer): number {
  const width = buf.readUInt32BE(16);
  const height = buf.readUInt32BE(20);
  const colourType = buf[25]!;
  const bpp = colourType === 6 ? 4 : 3;
  const idat: Buffer[] = [];
  for (let off = 8; off < buf.length; ) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString('latin1', off + 4, off + 8);
    if (type === 'IDAT') idat.push(buf.subarray(off + 8, off + 8 + len));
    off += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * bpp;
  const prev = Buffer.alloc(stride);
  const cur = Buffer.alloc(stride);
  const colours = new Set<number>();
  for (let y = 0; y < height; y++) {
    const base = y * (stride + 1);
    const filter = raw[base]!;
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? cur[x - bpp]! : 0;
      const b = prev[x]!;
      const c = x >= bpp ? prev[x - bpp]! : 0;
      const v = raw[base + 1 + x]!;
      let out: number;
      if (filter === 0) out = v;
      else if (filter === 1) out = v + a;
      else if (filter === 2) out = v + b;
      else if (filter === 3) out = v + ((a + b) >> 1);
      else {
        const p = a + b - c;
        const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        out = v + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
      }
      cur[x] = out & 0xff;
    }
    if (y % 4 === 0) for (let x = 0; x < width; x++) colours.add((cur[x * bpp]! << 16) | (cur[x * bpp + 1]! << 8) | cur[x * bpp + 2]!);
    cur.copy(prev);
  }
  return colours.size;
}

let rt: Runtime | undefined;
let server: Server | undefined;
let url = '';

beforeAll(async () => {
  if (!CHROMIUM) return;
  const [fe, web] = await freePorts(2);
  const loaded = loadConfigText(`
global
  node demo-node
defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
frontend fe
  bind 127.0.0.1:${fe}
  default_backend app
backend app
  balance roundrobin
  server web1 127.0.0.1:1 weight 10
  server web2 127.0.0.1:2
  server web3 127.0.0.1:3
  server web4 127.0.0.1:4
  server spare 127.0.0.1:5 backup
listen stats
  bind 127.0.0.1:${web}
  stats uri /stats
  stats show-legends
  stats show-node
  stats refresh 10s
`);
  rt = new Runtime(loaded.config);
  expect(await rt.start()).toEqual([]);
  const be = rt.backends.get('app')!;
  setServerState(rt, be, be.findServer('web2')!, 'drain');
  setServerState(rt, be, be.findServer('web3')!, 'maint');
  setServerHealth(rt, be, be.findServer('web4')!, 'down');
  be.servers[0]!.counters.cumSess = 1234;
  const st = loaded.config.proxies.find((p) => p.name === 'stats')!;
  const port = (await freePorts(1))[0]!;
  server = createServer((req, res) => {
    const r = serveStats(rt!, st, { method: req.method ?? 'GET', uri: req.url ?? '/', headers: [], body: Buffer.alloc(0), src: '127.0.0.1', secure: false, admin: true });
    for (let i = 0; i < r.headers.length; i += 2) res.setHeader(r.headers[i]!, r.headers[i + 1]!);
    res.writeHead(r.status, r.reason);
    res.end(r.body);
  });
  await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${port}/stats;norefresh`;
}, 20_000);

afterAll(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await rt?.stop(true);
});

describe.skipIf(!CHROMIUM)('stats page in a browser', () => {
  it('renders a non-blank screenshot', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portico-shot-'));
    const file = process.env['PORTICO_SCREENSHOT'] ?? join(dir, 'stats.png');
    // Asynchronous: the page is served by this very process.
    const stderr = await new Promise<string>((resolve) => {
      const p = spawn(CHROMIUM!, [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--no-first-run', `--user-data-dir=${join(dir, 'profile')}`, `--screenshot=${file}`,
        '--window-size=1400,900', url,
      ], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      p.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      const timer = setTimeout(() => p.kill('SIGKILL'), 60_000);
      p.on('exit', () => {
        clearTimeout(timer);
        resolve(err);
      });
    });
    expect(existsSync(file), stderr).toBe(true);
    expect(statSync(file).size).toBeGreaterThan(10_000);
    // A blank page has one or two colours; the page has the legend and row colours, text and borders.
    expect(pngColours(readFileSync(file))).toBeGreaterThan(20);
  }, 90_000);
});
