/** A loopback TCP server for check tests: records what each connection sent, answers by script. */
import net from 'node:net';

export interface FakeStep {
  /** Reply once the bytes received since the last reply contain this (undefined: on connect). */
  after?: string | Buffer;
  reply: string | Buffer;
}

export interface FakeServer {
  port: number;
  /** Bytes received on each connection, in order of connection. */
  received: Buffer[];
  close(): Promise<void>;
}

export async function fakeServer(script: FakeStep[] | ((conn: number) => FakeStep[]), opts: { closeAfter?: boolean } = {}): Promise<FakeServer> {
  const received: Buffer[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    const idx = received.length;
    received.push(Buffer.alloc(0));
    const steps = typeof script === 'function' ? script(idx) : script;
    let step = 0;
    let mark = 0;
    const advance = (): void => {
      while (step < steps.length) {
        const st = steps[step]!;
        const got = received[idx]!.subarray(mark);
        if (st.after !== undefined && !got.includes(st.after)) return;
        s.write(st.reply);
        mark = received[idx]!.length;
        step++;
        if (step === steps.length && opts.closeAfter !== false) s.end();
      }
    };
    s.on('data', (d) => {
      received[idx] = Buffer.concat([received[idx]!, d]);
      advance();
    });
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
    advance();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port with nothing listening (bound then released). */
export async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
