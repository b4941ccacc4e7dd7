// Server connections opened with directReads(): reads reach the owner as fresh buffers, in order,
// including those that came before the first owner adopted the socket; 'end' still comes.
import { describe, expect, it } from 'vitest';
import net from 'node:net';
import { once } from 'node:events';
import { adopt, directReads, type ServerConnHandler } from '../../../src/runtime/server-conn.js';

function listen(onConn: (c: net.Socket) => void): Promise<net.Server> {
  const srv = net.createServer(onConn);
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve(srv)));
}

function connect(port: number): net.Socket {
  const sock: net.Socket = net.connect({ host: '127.0.0.1', port, onread: directReads(() => sock) });
  return sock;
}

function recorder(): { handler: ServerConnHandler; chunks: Buffer[]; ended: Promise<void> } {
  const chunks: Buffer[] = [];
  let ended!: () => void;
  const done = new Promise<void>((r) => (ended = r));
  return {
    chunks,
    ended: done,
    handler: { data: (d) => chunks.push(d), end: () => ended(), error() {}, close() {}, drain() {}, timeout() {} },
  };
}

describe('server connections with direct reads', () => {
  it('hands reads made before adoption to the first owner, in order, then the rest and the end', async () => {
    const srv = await listen((c) => {
      c.write('early-1;');
      setTimeout(() => c.write('early-2;'), 20);
      c.once('data', () => c.end('late;'));
    });
    const port = (srv.address() as net.AddressInfo).port;
    const sock = connect(port);
    await once(sock, 'connect');
    await new Promise((r) => setTimeout(r, 150)); // both early writes are read with no owner yet
    const rec = recorder();
    adopt(sock, rec.handler);
    expect(Buffer.concat(rec.chunks).toString()).toBe('early-1;early-2;');
    sock.write('go');
    await rec.ended;
    expect(Buffer.concat(rec.chunks).toString()).toBe('early-1;early-2;late;');
    expect(sock.bytesRead).toBe('early-1;early-2;late;'.length);
    sock.destroy();
    srv.close();
  });

  it('gives each read its own buffer: what an owner keeps is not overwritten by later reads of any connection', async () => {
    const payloads = ['a'.repeat(3000), 'b'.repeat(70_000), 'c'.repeat(10)];
    const srv = await listen((c) => c.once('data', (d) => c.end(payloads[Number(d.toString())])));
    const port = (srv.address() as net.AddressInfo).port;
    const recs = payloads.map(() => recorder());
    const socks = payloads.map((_, i) => {
      const s = connect(port);
      adopt(s, recs[i]!.handler);
      s.write(String(i));
      return s;
    });
    await Promise.all(recs.map((r) => r.ended));
    payloads.forEach((p, i) => expect(Buffer.concat(recs[i]!.chunks).toString()).toBe(p));
    for (const s of socks) s.destroy();
    srv.close();
  });

  it('pauses and resumes: nothing is delivered while paused', async () => {
    let client!: net.Socket;
    const srv = await listen((c) => (client = c));
    const port = (srv.address() as net.AddressInfo).port;
    const sock = connect(port);
    const rec = recorder();
    adopt(sock, rec.handler);
    await once(sock, 'connect');
    sock.pause();
    client.write('while paused');
    await new Promise((r) => setTimeout(r, 100));
    expect(rec.chunks.length).toBe(0);
    sock.resume();
    client.end();
    await rec.ended;
    expect(Buffer.concat(rec.chunks).toString()).toBe('while paused');
    sock.destroy();
    srv.close();
  });
});
