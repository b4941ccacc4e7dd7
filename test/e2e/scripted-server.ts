/**
 * A raw HTTP/1 origin for end-to-end tests that need exact bytes on the wire: it frames each
 * request (head, then a content-length body), and hands its path, head and socket to `answer`,
 * which writes whatever the test wants (a response, garbage, nothing). Keep-alive and pipelined
 * requests arrive in order on the same socket. Connections are counted and tracked.
 */
import { createServer, type Server, type Socket } from 'node:net';

export interface ScriptedServer {
  server: Server;
  port: number;
  /** Connections open now. */
  sockets: Set<Socket>;
  /** Connections accepted so far. */
  opened(): number;
  /** Destroys the open connections and closes the listener. */
  close(): Promise<void>;
}

export type Answer = (path: string, s: Socket, head: string) => void;

export function startScriptedServer(answer: Answer): Promise<ScriptedServer> {
  const sockets = new Set<Socket>();
  let opened = 0;
  const server = createServer((s) => {
    opened++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    let buf = '';
    s.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      for (let eoh = buf.indexOf('\r\n\r\n'); eoh >= 0; eoh = buf.indexOf('\r\n\r\n')) {
        const head = buf.slice(0, eoh);
        const len = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (buf.length < eoh + 4 + len) return;
        buf = buf.slice(eoh + 4 + len);
        const lineEnd = head.indexOf('\r\n');
        const line = lineEnd < 0 ? head : head.slice(0, lineEnd);
        answer(line.split(' ')[1] ?? '/', s, head);
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        server,
        port: (server.address() as { port: number }).port,
        sockets,
        opened: () => opened,
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      }),
    ),
  );
}
