// Accepted connections switched to direct reads (readDirectly): every read reaches the callback
// as a buffer of its own, in order, after anything already in the stream's buffer; the end,
// back-pressure (pause/resume) and TLS sockets (left alone) behave as with 'data' events.
import { describe, expect, it } from 'vitest';
import net from 'node:net';
import tls from 'node:tls';
import { once } from 'node:events';
import { readDirectly, relay } from '../../../src/runtime/direct-reads.js';
import { readFileSync } from 'node:fs';
import { TestPki } from '../../e2e/tls/certs.js';

/** A server whose accepted sockets are handed to `onConn` paused, as portico's listeners do. */
function listen(onConn: (c: net.Socket) => void): Promise<net.Server> {
  const srv = net.createServer({ pauseOnConnect: true, allowHalfOpen: true }, onConn);
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve(srv)));
}

const portOf = (srv: net.Server) => (srv.address() as net.AddressInfo).port;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('direct reads on accepted sockets', () => {
  it('delivers every read in order, each in a buffer of its own, and still emits end', async () => {
    const chunks: Buffer[] = [];
    const dataEvents: Buffer[] = [];
    let switched = false;
    const ended = new Promise<void>((resolve) => {
      void listen((c) => {
        switched = readDirectly(c, (d) => chunks.push(d));
        c.on('data', (d: Buffer) => dataEvents.push(d));
        c.on('end', () => {
          c.end();
          resolve();
        });
        c.resume();
      }).then((srv) => {
        const s = net.connect(portOf(srv), '127.0.0.1', async () => {
          s.write('a'.repeat(3000));
          await sleep(30);
          s.write('b'.repeat(100_000));
          await sleep(30);
          s.end('c');
        });
        s.on('close', () => srv.close());
      });
    });
    await ended;
    expect(switched).toBe(true);
    expect(dataEvents).toEqual([]);
    const all = Buffer.concat(chunks).toString();
    expect(all).toBe('a'.repeat(3000) + 'b'.repeat(100_000) + 'c');
    // Kept buffers are not overwritten by later reads (each is a copy of the shared one).
    expect(chunks[0]!.toString()).toBe('a'.repeat(3000));
  });

  it('bytes unshifted before the switch come first, as data events', async () => {
    const order: string[] = [];
    const srv = await listen((c) => {
      c.once('data', (d: Buffer) => {
        // What an inspection step read and gave back.
        c.pause();
        c.unshift(d);
        readDirectly(c, (x) => order.push(`direct:${x.toString()}`));
        c.on('data', (x: Buffer) => order.push(`data:${x.toString()}`));
        c.on('end', () => c.end());
        c.resume();
      });
      c.resume();
    });
    const s = net.connect(portOf(srv), '127.0.0.1');
    await once(s, 'connect');
    s.write('first');
    await sleep(50);
    s.end('second');
    await once(s, 'close');
    srv.close();
    expect(order).toEqual(['data:first', 'direct:second']);
  });

  it('pause() stops the deliveries and resume() brings what was sent meanwhile', async () => {
    const chunks: string[] = [];
    let accepted!: net.Socket;
    const srv = await listen((c) => {
      accepted = c;
      readDirectly(c, (d) => chunks.push(d.toString()));
      c.resume();
    });
    const s = net.connect(portOf(srv), '127.0.0.1');
    await once(s, 'connect');
    s.write('one');
    for (let i = 0; i < 50 && chunks.length === 0; i++) await sleep(10);
    expect(chunks).toEqual(['one']);
    accepted.pause();
    s.write('two');
    await sleep(100);
    expect(chunks).toEqual(['one']);
    accepted.resume();
    for (let i = 0; i < 50 && chunks.length === 1; i++) await sleep(10);
    expect(chunks).toEqual(['one', 'two']);
    s.destroy();
    accepted.destroy();
    srv.close();
  });

  it('leaves TLS sockets alone', async () => {
    const files = new TestPki().cert('direct', '/CN=direct.test', { selfSigned: true, key: 'ec:prime256v1' });
    const srv = tls.createServer({ key: readFileSync(files.key), cert: readFileSync(files.crt) }, (c) => {
      expect(readDirectly(c, () => {})).toBe(false);
      c.end('hi');
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const s = tls.connect({ port: (srv.address() as net.AddressInfo).port, host: '127.0.0.1', rejectUnauthorized: false });
    const [d] = await once(s, 'data');
    expect(String(d)).toBe('hi');
    s.destroy();
    srv.close();
  });

  it('relay: bytes intact through a slow reader, the source paused meanwhile, the end passed on', async () => {
    const size = 4 * 1024 * 1024;
    const payload = Buffer.alloc(size, 'xyz');
    // The sink reads slowly at first: 64 KiB then a pause, so the relay's writes back up.
    const sunk: Buffer[] = [];
    let sinkEnded!: () => void;
    const sinkDone = new Promise<void>((r) => (sinkEnded = r));
    const sink = net.createServer((c) => {
      c.pause();
      setTimeout(() => c.resume(), 300);
      c.on('data', (d: Buffer) => sunk.push(d));
      c.on('end', () => {
        sinkEnded();
        c.end();
      });
    });
    await new Promise<void>((r) => sink.listen(0, '127.0.0.1', () => r()));
    let pausedSeen = false;
    const front = await listen((c) => {
      const out = net.connect(portOf(sink), '127.0.0.1', () => {
        relay(c, out);
        c.resume();
        const t = setInterval(() => (pausedSeen ||= c.isPaused()), 5);
        c.once('end', () => clearInterval(t));
      });
    });
    const client = net.connect(portOf(front), '127.0.0.1', () => client.end(payload));
    await sinkDone;
    expect(Buffer.concat(sunk).equals(payload)).toBe(true);
    expect(pausedSeen).toBe(true);
    client.destroy();
    front.close();
    sink.close();
  });
});
