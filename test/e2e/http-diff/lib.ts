/**
 * Shared pieces of the HTTP differential suite: a raw TCP backend whose behaviour is chosen by
 * the request path and that records every request head and body it receives exactly as sent,
 * a raw client that reports whether the proxy closed the connection, and the normalisation that
 * turns what a client and a backend saw into comparable data.
 */
import { createHash } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface SeenRequest {
  /** The request head exactly as the backend received it (latin1), without the final empty line. */
  head: string;
  body: string;
  /** The body bytes as framed on the wire (chunk sizes, extensions, trailers). */
  wire: string;
}

/** Canned raw responses for /resp/NAME: how the proxy treats what a server says. The server closes after. */
export const RAW_RESPONSES: Record<string, string> = {
  noreason: 'HTTP/1.1 200\r\ncontent-length: 2\r\n\r\nok',
  mixedcase: 'HTTP/1.1 200 OK\r\nX-Mixed-Case: A\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok',
  clte: 'HTTP/1.1 200 OK\r\ncontent-length: 100\r\ntransfer-encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n',
  twocl: 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-length: 3\r\n\r\nok',
  samecl: 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-length: 2\r\n\r\nok',
  badcl: 'HTTP/1.1 200 OK\r\ncontent-length: abc\r\n\r\nok',
  fold: 'HTTP/1.1 200 OK\r\nx-a: 1\r\n 2\r\ncontent-length: 2\r\n\r\nok',
  early: 'HTTP/1.1 103 Early Hints\r\nlink: </a>; rel=preload\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok',
  continue: 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok',
  barelf: 'HTTP/1.1 200 OK\nx-a: 1\ncontent-length: 2\n\nok',
  truncated: 'HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nok',
  spacecolon: 'HTTP/1.1 200 OK\r\nx-a : 1\r\ncontent-length: 2\r\n\r\nok',
  status999: 'HTTP/1.1 999 Weird\r\ncontent-length: 2\r\n\r\nok',
  bigheader: `HTTP/1.1 200 OK\r\nx-big: ${'b'.repeat(17000)}\r\ncontent-length: 2\r\n\r\nok`,
  http10close: 'HTTP/1.0 200 OK\r\n\r\nuntil close',
  teidentity: 'HTTP/1.1 200 OK\r\ntransfer-encoding: identity\r\n\r\nuntil close',
  tegzip: 'HTTP/1.1 200 OK\r\nx-before: 1\r\ntransfer-encoding: gzip, chunked\r\nx-after: 1\r\n\r\n2\r\nok\r\n0\r\n\r\n',
  chunktrailer: 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2;x=y\r\nok\r\n0\r\nx-t: 1\r\n\r\n',
  te304: 'HTTP/1.1 304 Not Modified\r\ntransfer-encoding: chunked\r\n\r\n',
  badchunk: 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\n',
  chunkodd: 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n002 \nok\n00a;a="b"\r\n0123456789\r\n1\r\nx\r\n0\nX-Up: A\n\n',
  setcookies: 'HTTP/1.1 200 OK\r\nset-cookie: a=1\r\nset-cookie: b=2\r\nvary: a\r\nvary: b\r\ncontent-length: 2\r\n\r\nok',
};

export interface RawBackend {
  name: string;
  port: number;
  seen: SeenRequest[];
  /** TCP connections accepted so far. */
  connections: number;
  /** Connections currently open. */
  open: number;
  close(): Promise<void>;
}

function dechunk(buf: string, from: number): { body: string; end: number } | undefined {
  let body = '';
  let pos = from;
  for (;;) {
    const le = buf.indexOf('\r\n', pos);
    if (le < 0) return undefined;
    const size = parseInt(buf.slice(pos, le).split(';')[0]!.trim(), 16);
    if (Number.isNaN(size)) return { body, end: buf.length };
    if (size === 0) {
      // trailers up to an empty line
      const te = buf.indexOf('\r\n\r\n', le);
      if (te >= 0 && te === le) return { body, end: le + 4 };
      if (buf.startsWith('\r\n', le + 2)) return { body, end: le + 4 };
      const t = buf.indexOf('\r\n\r\n', le + 2);
      return t < 0 ? undefined : { body, end: t + 4 };
    }
    if (buf.length < le + 2 + size + 2) return undefined;
    body += buf.slice(le + 2, le + 2 + size);
    // Decoded as HAProxy would: a bare LF may end the chunk data (both proxies re-frame bodies
    // they forward; the `wire` bytes show how).
    pos = buf[le + 2 + size] === '\n' ? le + 2 + size + 1 : le + 2 + size + 2;
  }
}

/**
 * Answers by path: /status/N, /slow/MS, /garbage, /empty, /close, /chunked, /size/N, /eof
 * (close-delimited body), /http10 (HTTP/1.0 response), /head (content-length without body for
 * HEAD), /server-close (Connection: close response), /hop (hop-by-hop response headers),
 * /upgrade (101, then echoes raw bytes), /resp/NAME (RAW_RESPONSES);
 * anything else: 200 with a short description of the request body. Every response carries `x-server: NAME`.
 */
export function startRawBackend(name: string, port = 0): Promise<RawBackend> {
  const sockets = new Set<Socket>();
  const b: RawBackend = { name, port: 0, seen: [], connections: 0, open: 0, close: async () => {} };
  const server: Server = createServer((s) => {
    b.connections++;
    b.open++;
    sockets.add(s);
    s.on('close', () => {
      b.open--;
      sockets.delete(s);
    });
    s.on('error', () => {});
    let buf = '';
    let busy = false;
    const pump = (): void => {
      if (busy) return;
      const eoh = buf.indexOf('\r\n\r\n');
      if (eoh < 0) return;
      const head = buf.slice(0, eoh);
      const lines = head.split('\r\n');
      const [method, uri] = lines[0]!.split(' ') as [string, string];
      const hdr = (n: string) => lines.slice(1).find((l) => l.toLowerCase().startsWith(`${n}:`))?.slice(n.length + 1).trim();
      let body = '';
      let end = eoh + 4;
      if (hdr('transfer-encoding')?.toLowerCase().includes('chunked')) {
        const d = dechunk(buf, eoh + 4);
        if (!d) return;
        body = d.body;
        end = d.end;
      } else if (hdr('content-length') !== undefined) {
        const n = Number(hdr('content-length'));
        if (buf.length < eoh + 4 + n) return;
        body = buf.slice(eoh + 4, eoh + 4 + n);
        end = eoh + 4 + n;
      }
      b.seen.push({ head, body, wire: buf.slice(eoh + 4, end) });
      buf = buf.slice(end);
      const closeAfter = /^connection:.*close/im.test(head) || lines[0]!.endsWith('HTTP/1.0') && !/^connection:.*keep-alive/im.test(head);
      const path = uri.replace(/^https?:\/\/[^/]*/, '');
      const send = (status: number, headers: string[], payload: string, reason = 'OK') => {
        const isHead = method === 'HEAD';
        const noBody = isHead || status === 204 || status === 304;
        const h = [`HTTP/1.1 ${status} ${reason}`, `x-server: ${name}`, ...headers];
        if (!noBody || isHead) h.push(`content-length: ${Buffer.byteLength(payload, 'latin1')}`);
        if (closeAfter) h.push('connection: close');
        s.write(`${h.join('\r\n')}\r\n\r\n${noBody ? '' : payload}`, 'latin1');
        if (closeAfter) s.end();
        busy = false;
        if (!closeAfter) pump();
      };
      busy = true;
      let m: RegExpExecArray | null;
      if ((m = /^\/status\/(\d+)/.exec(path))) {
        const st = Number(m[1]);
        if (st === 204 || st === 304) {
          // No content-length on these: the framing must come from the status alone.
          s.write(`HTTP/1.1 ${st} X\r\nx-server: ${name}\r\n${closeAfter ? 'connection: close\r\n' : ''}\r\n`);
          if (closeAfter) s.end();
          busy = false;
          if (!closeAfter) pump();
          return;
        }
        return send(st, ['content-type: text/plain'], name, 'X');
      }
      if ((m = /^\/slow\/(\d+)/.exec(path))) {
        setTimeout(() => {
          if (!s.destroyed) send(200, [], name);
        }, Number(m[1]));
        return;
      }
      // /fail/KIND/N/...: the first N requests for this path on this backend fail (503, 500,
      // empty: close, junk: not HTTP, partial: half a head then close, silent: no answer); later ones get the default answer.
      if ((m = /^\/fail\/(\w+)\/(\d+)\//.exec(path)) && b.seen.filter((q) => q.head.split(' ')[1] === uri).length <= Number(m[2])) {
        const kind = m[1]!;
        if (/^\d+$/.test(kind)) return send(Number(kind), ['content-type: text/plain'], `${name} failed`, 'X');
        if (kind === 'empty') return void s.end();
        if (kind === 'junk') return void s.end('NOT HTTP AT ALL\r\n\r\n');
        if (kind === 'partial') return void s.end(`HTTP/1.1 200 OK\r\nx-server: ${name}\r\n`);
        if (kind === 'silent') return;
      }
      if ((m = /^\/resp\/(\w+)/.exec(path)) && RAW_RESPONSES[m[1]!] !== undefined) return void s.end(RAW_RESPONSES[m[1]!], 'latin1');
      if (path.startsWith('/garbage')) return void s.end('NOT HTTP AT ALL\r\n\r\n');
      if (path.startsWith('/empty')) return void s.end();
      if (path.startsWith('/close')) return void s.destroy();
      if ((m = /^\/size\/(\d+)/.exec(path))) return send(200, [], 'x'.repeat(Number(m[1])));
      if (path.startsWith('/chunked')) {
        s.write(`HTTP/1.1 200 OK\r\nx-server: ${name}\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n`);
        setTimeout(() => {
          s.write(`6\r\n world\r\n0\r\n\r\n`);
          busy = false;
          if (closeAfter) s.end();
          else pump();
        }, 20);
        return;
      }
      if (path.startsWith('/eof')) {
        s.write(`HTTP/1.1 200 OK\r\nx-server: ${name}\r\n\r\nuntil-`);
        setTimeout(() => s.end('close'), 20);
        return;
      }
      if (path.startsWith('/http10')) {
        s.end(`HTTP/1.0 200 OK\r\nx-server: ${name}\r\ncontent-length: 2\r\n\r\nok`);
        return;
      }
      if (path.startsWith('/server-close')) {
        s.end(`HTTP/1.1 200 OK\r\nx-server: ${name}\r\nconnection: close\r\ncontent-length: 2\r\n\r\nok`);
        return;
      }
      if (path.startsWith('/upgrade')) {
        // 101 then a raw echo of whatever comes next, prefixed.
        const key = hdr('sec-websocket-key');
        // /upgrade-noaccept: no sec-websocket-accept; /upgrade-badaccept: a wrong one; /upgrade-h2c: upgrade: h2c.
        const good = key === undefined ? undefined : createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
        const value = path.startsWith('/upgrade-badaccept') ? 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' : good;
        const accept = value === undefined || path.startsWith('/upgrade-noaccept') ? '' : `sec-websocket-accept: ${value}\r\n`;
        const proto = path.startsWith('/upgrade-h2c') ? 'h2c' : 'websocket';
        s.write(`HTTP/1.1 101 Switching Protocols\r\nx-server: ${name}\r\nupgrade: ${proto}\r\nconnection: Upgrade\r\n${accept}\r\n`);
        s.removeAllListeners('data');
        if (buf.length > 0) s.write(`echo:${buf}`);
        s.on('data', (d: Buffer) => s.write(`echo:${d.toString('latin1')}`));
        return;
      }
      if (path.startsWith('/hop')) {
        return send(200, ['connection: x-hop', 'x-hop: 1', 'keep-alive: timeout=9', 'x-end: 1'], 'hop');
      }
      // The head is in `seen`; echoing it here too would only repeat intended differences.
      send(200, ['content-type: text/plain'], `${name} got ${body.length} bytes: ${body.slice(0, 64)}`);
    };
    s.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      pump();
    });
  });
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      b.port = (server.address() as { port: number }).port;
      b.close = () =>
        new Promise<void>((r) => {
          for (const s of sockets) s.destroy();
          server.close(() => r());
        });
      resolve(b);
    });
  });
}

export interface Exchange {
  raw: string;
  /** The proxy closed (FIN or reset) before our deadline. */
  closed: boolean;
  /** ms from the first write to the close (or the deadline). */
  elapsed: number;
}

export type Step = string | Buffer | { wait: number } | { end: true };

/**
 * Writes each step in turn (strings/buffers, pauses, half-close), then collects everything until
 * the proxy closes or `ms` passes after the last step.
 */
export function exchange(port: number, steps: Step[] | string, ms = 1500, host = '127.0.0.1'): Promise<Exchange> {
  const list = typeof steps === 'string' ? [steps] : steps;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const started = Date.now();
    let done = false;
    const s = connect({ port, host });
    let timer: NodeJS.Timeout | undefined;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      s.destroy();
      resolve({ raw: Buffer.concat(chunks).toString('latin1'), closed, elapsed: Date.now() - started });
    };
    s.on('data', (d) => chunks.push(d));
    s.on('error', () => finish(true));
    s.on('end', () => finish(true));
    s.on('close', () => finish(true));
    s.once('connect', async () => {
      for (const st of list) {
        if (done) return;
        if (typeof st === 'string' || Buffer.isBuffer(st)) s.write(typeof st === 'string' ? Buffer.from(st, 'latin1') : st);
        else if ('wait' in st) await new Promise((r) => setTimeout(r, st.wait));
        else s.end();
      }
      timer = setTimeout(() => finish(false), ms);
    });
  });
}

export interface ParsedResponse {
  statusLine: string;
  /** "name: value" lines as received, without `date`. */
  headers: string[];
  body: string;
}

/** Splits raw bytes into responses (content-length, chunked, or until the end). HEAD-aware when told. */
export function splitResponses(raw: string, headFor: boolean[] = []): ParsedResponse[] {
  const out: ParsedResponse[] = [];
  let rest = raw;
  let i = 0;
  while (rest.length > 0) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) {
      out.push({ statusLine: `<partial ${JSON.stringify(rest.slice(0, 60))}>`, headers: [], body: '' });
      break;
    }
    const lines = rest.slice(0, end).split('\r\n');
    const statusLine = lines[0]!;
    const code = Number(statusLine.split(' ')[1]);
    const headers = lines.slice(1).filter((l) => !/^date:/i.test(l));
    const get = (n: string) => lines.slice(1).find((l) => l.toLowerCase().startsWith(`${n}:`))?.slice(n.length + 1).trim();
    let pos = end + 4;
    let body = '';
    const isHead = headFor[i] === true;
    if (code < 200 || code === 204 || code === 304 || isHead) {
      // no body
    } else if (get('transfer-encoding')?.toLowerCase() === 'chunked') {
      for (;;) {
        const le = rest.indexOf('\r\n', pos);
        if (le < 0) break;
        const size = parseInt(rest.slice(pos, le), 16);
        if (!(size > 0)) {
          pos = le + 4;
          break;
        }
        body += rest.slice(le + 2, le + 2 + size);
        pos = le + 2 + size + 2;
      }
    } else if (get('content-length') !== undefined) {
      const n = Number(get('content-length'));
      body = rest.slice(pos, pos + n);
      pos += n;
    } else {
      body = rest.slice(pos);
      pos = rest.length;
    }
    out.push({ statusLine, headers, body });
    rest = rest.slice(pos);
    if (code >= 200) i++;
  }
  return out;
}

/** A request head as the backend saw it, split into lines for readable diffs. */
export function headLines(h: SeenRequest): string[] {
  return h.head.split('\r\n');
}

/** Waits until `cond` holds or `ms` passes. */
export async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}
