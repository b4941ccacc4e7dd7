/**
 * Bad HTTP/2 input must never take portico down: a seeded generator sends mutated frame
 * sequences (flipped bytes, truncations, wrong lengths and types, frames on odd streams, resets
 * in the middle of bodies, bad HPACK) on fresh connections, then a well-formed request must
 * still be served and the process still be running. Bounded: a fixed number of cases, each a
 * few hundred milliseconds at most.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect as netConnect } from 'node:net';
import { DEFAULTS, freePorts, startBackend, startPortico, type Backend, type Proc } from '../harness.js';
import { h2Request, openH2 } from './h2-helpers.js';

const CASES = 240;
const PARALLEL = 12;

let backend: Backend;
let portico: Proc;
let port: number, api: number;

/** Runtime API command over TCP; resolves with the answer. */
function cli(cmd: string): Promise<string> {
  return new Promise((resolve) => {
    let out = '';
    const s = netConnect(api, '127.0.0.1', () => s.write(`${cmd}\n`));
    const t = setTimeout(() => s.destroy(), 2000);
    s.on('data', (d) => (out += d));
    s.on('error', () => {});
    s.on('close', () => {
      clearTimeout(t);
      resolve(out);
    });
  });
}

beforeAll(async () => {
  backend = await startBackend('be');
  [port, api] = await freePorts(2);
  portico = await startPortico(
    `global
    stats socket ipv4@127.0.0.1:${api} level admin
${DEFAULTS}    timeout http-request 1s
frontend fe
    timeout client 1s
    bind 127.0.0.1:${port} proto h2
    default_backend be
backend be
    server s1 127.0.0.1:${backend.port}
`,
    [port, api],
  );
});

afterAll(async () => {
  await portico?.stop();
  await backend?.close();
});

/** xorshift32: the same cases on every run. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
function frame(type: number, flags: number, stream: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(9);
  h.writeUIntBE(payload.length, 0, 3);
  h[3] = type;
  h[4] = flags;
  h.writeUInt32BE(stream >>> 0, 5);
  return Buffer.concat([h, payload]);
}
function literal(name: string, value: string): Buffer {
  return Buffer.concat([Buffer.from([0x00, name.length]), Buffer.from(name, 'latin1'), Buffer.from([value.length]), Buffer.from(value, 'latin1')]);
}
const REQUEST = Buffer.concat([
  literal(':method', 'POST'),
  literal(':scheme', 'http'),
  literal(':path', '/fuzz'),
  literal(':authority', 'f.test'),
  literal('content-type', 'text/plain'),
]);

/** A plausible client conversation: preface, settings, a request with a body in two DATA frames. */
function conversation(r: () => number): Buffer[] {
  const stream = 1 + 2 * Math.floor(r() * 3);
  return [
    PREFACE,
    frame(0x4, 0, 0, Buffer.from([0, 3, 0, 0, 0, 100])),
    frame(0x1, 0x4, stream, REQUEST),
    frame(0x0, 0, stream, Buffer.from('hello ')),
    frame(0x0, 0x1, stream, Buffer.from('world')),
  ];
}

function mutate(r: () => number, parts: Buffer[]): Buffer {
  const pick = Math.floor(r() * 9);
  const out = parts.map((p) => Buffer.from(p));
  const i = 1 + Math.floor(r() * (out.length - 1));
  const target = out[i]!;
  switch (pick) {
    case 0: // flip a few bytes anywhere after the preface
      for (let k = 0; k < 1 + Math.floor(r() * 4); k++) target[Math.floor(r() * target.length)] = Math.floor(r() * 256);
      break;
    case 1: // wrong length field
      target.writeUIntBE(Math.floor(r() * 0x4000), 0, 3);
      break;
    case 2: // truncate the conversation
      return Buffer.concat(out).subarray(0, PREFACE.length + Math.floor(r() * 60));
    case 3: // unknown or misplaced frame type
      target[3] = Math.floor(r() * 16);
      break;
    case 4: // odd stream ids (0, even, huge)
      target.writeUInt32BE([0, 2, 0x7fffffff, 0x80000001][Math.floor(r() * 4)]!, 5);
      break;
    case 5: // reset the stream in the middle of its body
      out.splice(4, 0, frame(0x3, 0, 1, Buffer.from([0, 0, 0, 8])));
      break;
    case 6: // HPACK garbage: indexed fields out of the table, bad lengths
      out[2] = frame(0x1, 0x5, 1, Buffer.from(Array.from({ length: 4 + Math.floor(r() * 40) }, () => Math.floor(r() * 256))));
      break;
    case 7: // a window update of 0, a ping with a bad size, a priority on itself
      out.splice(3, 0, frame(0x8, 0, 1, Buffer.from([0, 0, 0, 0])), frame(0x6, 0, 0, Buffer.alloc(3)), frame(0x2, 0, 1, Buffer.from([0, 0, 0, 1, 16])));
      break;
    default: // many CONTINUATION frames that never end the headers (bounded)
      out[2] = frame(0x1, 0, 1, REQUEST.subarray(0, 10));
      for (let k = 0; k < 50; k++) out.splice(3, 0, frame(0x9, 0, 1, Buffer.alloc(100, 0x41)));
      break;
  }
  return Buffer.concat(out);
}

function send(bytes: Buffer, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const s = netConnect(port, '127.0.0.1', () => s.write(bytes));
    const t = setTimeout(() => s.destroy(), ms);
    s.on('data', () => {});
    s.on('error', () => {});
    s.on('close', () => {
      clearTimeout(t);
      resolve();
    });
  });
}

describe('HTTP/2 input fuzzing', () => {
  it(`survives ${CASES} mutated conversations and keeps serving`, async () => {
    const r = rng(0x5eed2);
    const inputs = Array.from({ length: CASES }, () => mutate(r, conversation(r)));
    for (let i = 0; i < inputs.length; i += PARALLEL) {
      await Promise.all(inputs.slice(i, i + PARALLEL).map((b) => send(b, 300)));
      expect(portico.proc.exitCode).toBeNull();
    }
    const s = await openH2(`http://127.0.0.1:${port}`);
    s.on('error', () => {});
    try {
      const ok = await h2Request(s, { ':path': '/after-fuzz', ':method': 'POST' }, { body: 'still here' });
      expect(ok.status).toBe(200);
      expect(JSON.parse(ok.body.toString()).body).toBe('still here');
    } finally {
      s.close();
    }
    expect(portico.stderr.filter((l) => /Uncaught|TypeError|RangeError|ERR_/.test(l))).toEqual([]);
    // Every fuzzed connection was closed and released its maxconn slot: at once when the client
    // left, at worst after timeout client / http-request when node:http2 stopped reading a
    // connection it had refused (it reports nothing then).
    let conns = -1;
    for (let i = 0; i < 40 && conns !== 0; i++) {
      conns = Number(/^CurrConns: (\d+)/m.exec(await cli('show info'))?.[1] ?? -1);
      if (conns !== 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(conns).toBe(0);
  }, 60_000);
});
