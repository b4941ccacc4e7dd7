/**
 * Fuzz from the other side: a misbehaving server answers portico's requests with generated and
 * mutated responses (bad framing, bodies on 204/304/HEAD, bytes after the end of a response,
 * CL+TE, interim responses, truncation). Clients send a few keep-alive requests each and check
 * that portico stays up and that every response they get belongs to their own request: bytes a
 * server sent beyond one response must never become the response of another request (response
 * desynchronisation through the pooled server connections).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { freePorts, httpRequest, startPortico, type Proc } from '../harness.js';
import { rng, type Rng } from './generate.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261121);
const CASES = Number(process.env.FUZZ_RESPONSE_CASES ?? 1500);
const PARALLEL = 12;
const BUDGET_MS = 50_000;

const pick = <T>(r: Rng, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;

/** The response the server sends for request `tag` ("case-k"); `evil` bytes must never reach a client as a response. */
function response(r: Rng, tag: string, method: string): { bytes: string; close: boolean } {
  const body = `body-${tag}`;
  const evilBody = `EVIL-${tag}`;
  const evil = `HTTP/1.1 200 OK\r\nx-resp: EVIL-${tag}\r\ncontent-length: ${evilBody.length}\r\n\r\n${evilBody}`;
  const head = (status: string, headers: string[]) => `HTTP/1.1 ${status}\r\nx-resp: ${tag}\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n`;
  const chunk = (s: string) => `${s.length.toString(16)}\r\n${s}\r\n`;
  const isHead = method === 'HEAD';
  let bytes: string;
  let close = false;
  switch (Math.floor(r() * 16)) {
    case 0:
    case 1:
      bytes = head('200 OK', [`content-length: ${body.length}`]) + (isHead ? '' : body);
      break;
    case 2:
      bytes = head('200 OK', ['transfer-encoding: chunked']) + (isHead ? '' : `${chunk(body.slice(0, 3))}${chunk(body.slice(3))}0\r\n\r\n`);
      break;
    case 3:
      // A whole second response after the first one.
      bytes = head('200 OK', [`content-length: ${body.length}`]) + (isHead ? '' : body) + evil;
      break;
    case 4:
      // Chunked, then bytes after the last chunk.
      bytes = head('200 OK', ['transfer-encoding: chunked']) + (isHead ? '' : `${chunk(body)}0\r\n\r\n`) + evil;
      break;
    case 5:
      // A body on a 204 or a 304.
      bytes = head(pick(r, ['204 No Content', '304 Not Modified']), [`content-length: ${evil.length}`]) + evil;
      break;
    case 6:
      // HEAD answered with a body anyway (or GET: a plain CL response).
      bytes = head('200 OK', [`content-length: ${evil.length}`]) + evil;
      break;
    case 7:
      bytes = head('200 OK', [`content-length: ${body.length + 50}`, 'transfer-encoding: chunked']) + (isHead ? '' : `${chunk(body)}0\r\n\r\n`) + evil;
      break;
    case 8:
      bytes = head('200 OK', [`content-length: ${body.length}`, `content-length: ${body.length + 1}`]) + body + 'x';
      break;
    case 9:
      bytes = `HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nlink: </x>\r\n\r\n${head('200 OK', [`content-length: ${body.length}`])}${isHead ? '' : body}`;
      break;
    case 10:
      // Close-delimited.
      bytes = head('200 OK', []) + (isHead ? '' : body);
      close = true;
      break;
    case 11:
      // Truncated, then close.
      bytes = head('200 OK', [`content-length: ${body.length + 20}`]) + body;
      close = true;
      break;
    case 12:
      bytes = head('200 OK', ['transfer-encoding: chunked']) + `zz\r\n${body}\r\n0\r\n\r\n` + evil;
      break;
    case 13:
      bytes = head('200 OK', [`content-length: ${body.length}`, 'connection: close']) + (isHead ? '' : body) + evil;
      break;
    case 14:
      // Smaller content-length than the body sent: the rest is a response-looking leftover.
      bytes = head('200 OK', ['content-length: 0']) + evil;
      break;
    default: {
      bytes = head('200 OK', [`content-length: ${body.length}`]) + (isHead ? '' : body) + (r() < 0.5 ? evil : '');
      // Byte-level mutations.
      for (let m = 1 + Math.floor(r() * 3); m > 0; m--) {
        // Never inside the x-resp line: the tag tells whose response this is.
        const a = bytes.indexOf('x-resp:');
        const b = bytes.indexOf('\r\n', a) + 2;
        let i = Math.floor(r() * bytes.length);
        if (i >= a - 2 && i < b) i = b;
        bytes = r() < 0.5 ? bytes.slice(0, i) + String.fromCharCode(Math.floor(r() * 256)) + bytes.slice(i + 1) : bytes.slice(0, i) + pick(r, ['\r', '\n', '\r\n', ' ', ':', '\0']) + bytes.slice(i);
      }
    }
  }
  return { bytes, close };
}

/** The misbehaving server: reads requests (portico's are well-formed), answers each with response(). */
function startEvil(): Promise<{ server: Server; port: number; requests: number }> {
  const st = { server: undefined as unknown as Server, port: 0, requests: 0 };
  const sockets = new Set<Socket>();
  st.server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    let buf = '';
    s.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      for (;;) {
        const eoh = buf.indexOf('\r\n\r\n');
        if (eoh < 0) return;
        const line = buf.slice(0, buf.indexOf('\r\n'));
        const cl = /\r\ncontent-length: *(\d+)/i.exec(buf.slice(0, eoh + 2));
        const len = cl ? Number(cl[1]) : 0;
        if (buf.length < eoh + 4 + len) return;
        buf = buf.slice(eoh + 4 + len);
        st.requests++;
        const [method, path] = line.split(' ') as [string, string];
        const m = /^\/r\/(\d+)\/(\d+)/.exec(path);
        const tag = m ? `${m[1]}-${m[2]}` : 'x-0';
        const r = rng(SEED * 7919 + (m ? Number(m[1]) * 8 + Number(m[2]) : 0));
        const { bytes, close } = path === '/ok' ? { bytes: 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok', close: false } : response(r, tag, method);
        s.write(bytes, 'latin1');
        if (close) return void s.end();
      }
    });
  });
  return new Promise((resolve) => {
    st.server.listen(0, '127.0.0.1', () => {
      st.port = (st.server.address() as { port: number }).port;
      const close = st.server.close.bind(st.server);
      st.server.close = ((cb?: (err?: Error) => void) => {
        for (const s of sockets) s.destroy();
        return close(cb);
      }) as typeof st.server.close;
      resolve(st);
    });
  });
}

interface ClientResult {
  /** Violations seen by this client. */
  wrong: string[];
  answered: number;
}

/**
 * Sends up to three requests one after the other on one connection; after each, reads one final
 * response (portico's output must be parseable) and checks its x-resp tag and body.
 */
function runClient(port: number, id: number): Promise<ClientResult> {
  const r = rng(SEED + id * 31);
  const n = 1 + Math.floor(r() * 3);
  const methods = Array.from({ length: n }, () => (r() < 0.2 ? 'HEAD' : 'GET'));
  return new Promise((resolve) => {
    const res: ClientResult = { wrong: [], answered: 0 };
    const s = connect({ port, host: '127.0.0.1' });
    let buf = '';
    let k = 0;
    let closed = false;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.destroy();
      resolve(res);
    };
    const timer = setTimeout(finish, 2500);
    const send = () => {
      if (k >= n) return finish();
      s.write(`${methods[k]} /r/${id}/${k} HTTP/1.1\r\nhost: x\r\n${k === n - 1 ? 'connection: close\r\n' : ''}\r\n`);
    };
    /** Tries to take one final response off `buf`; true when one was consumed. */
    const takeResponse = (): boolean => {
      for (;;) {
        const eoh = buf.indexOf('\r\n\r\n');
        if (eoh < 0) return false;
        const lines = buf.slice(0, eoh).split('\r\n');
        // HAProxy 2.6 itself passes on status codes of fewer than three digits: digits are enough.
        const sm = /^HTTP\/1\.[01] (\d+) /.exec(`${lines[0]} `);
        if (!sm) {
          res.wrong.push(`unparseable status line ${JSON.stringify(lines[0]!.slice(0, 80))}`);
          finish();
          return false;
        }
        const status = Number(sm[1]);
        const get = (name: string) => lines.slice(1).find((l) => l.toLowerCase().startsWith(`${name}:`))?.slice(name.length + 1).trim();
        if (status < 200) {
          buf = buf.slice(eoh + 4);
          continue;
        }
        const tag = get('x-resp');
        let pos = eoh + 4;
        let body = '';
        const noBody = methods[k] === 'HEAD' || status === 204 || status === 304;
        if (!noBody) {
          if (get('transfer-encoding')?.toLowerCase() === 'chunked') {
            for (;;) {
              const le = buf.indexOf('\r\n', pos);
              if (le < 0) return false;
              // Re-framed as HAProxy does: upper-case hex, no leading zeros, no extension.
              const size = /^(0|[1-9A-F][0-9A-F]*)$/.test(buf.slice(pos, le)) ? parseInt(buf.slice(pos, le), 16) : NaN;
              if (Number.isNaN(size)) {
                res.wrong.push(`portico sent a bad chunk size ${JSON.stringify(buf.slice(pos, le))}`);
                finish();
                return false;
              }
              if (size === 0) {
                const end = buf.indexOf('\r\n\r\n', le);
                if (end < 0) return false;
                pos = end + 4;
                break;
              }
              if (buf.length < le + 4 + size) return false;
              body += buf.slice(le + 2, le + 2 + size);
              pos = le + 4 + size;
            }
          } else if (get('content-length') !== undefined) {
            const len = Number(get('content-length'));
            if (buf.length < pos + len) return false;
            body = buf.slice(pos, pos + len);
            pos += len;
          } else {
            if (!closed) return false;
            body = buf.slice(pos);
            pos = buf.length;
          }
        }
        const mine = `${id}-${k}`;
        // The first word only: a mutation may fold the next header line into the value.
        const owner = tag?.split(/[\s,]/)[0];
        if (owner !== undefined && owner !== mine) res.wrong.push(`request ${mine} got the response tagged ${owner}`);
        void body;
        res.answered++;
        buf = buf.slice(pos);
        return true;
      }
    };
    s.on('data', (d) => {
      buf += d.toString('latin1');
      while (!done && takeResponse()) {
        k++;
        send();
      }
    });
    s.on('error', () => {});
    s.on('end', () => {
      closed = true;
      while (!done && takeResponse()) {
        k++;
        if (k >= n) break;
      }
      finish();
    });
    s.on('close', finish);
    s.once('connect', send);
  });
}

describe('response fuzz checks can fail', () => {
  it('clients talking to the misbehaving server directly do get responses that are not theirs', async () => {
    const direct = await startEvil();
    try {
      const wrong: string[] = [];
      let next = 0;
      const worker = async () => {
        while (next < 200) wrong.push(...(await runClient(direct.port, next++)).wrong);
      };
      await Promise.all(Array.from({ length: PARALLEL }, worker));
      expect(wrong.filter((w) => /tagged EVIL/.test(w)).length).toBeGreaterThan(0);
    } finally {
      await new Promise((r) => direct.server.close(r));
    }
  });
});

describe('fuzz: misbehaving server responses through portico', () => {
  let evil: { server: Server; port: number; requests: number };
  let portico: Proc;
  let port: number;

  beforeAll(async () => {
    evil = await startEvil();
    [port] = await freePorts(1);
    portico = await startPortico(
      `defaults
    mode http
    timeout connect 1s
    timeout client 2s
    timeout server 500ms
listen fuzz
    bind 127.0.0.1:${port}
    server s1 127.0.0.1:${evil.port}
`,
      [port!],
    );
  });
  afterAll(async () => {
    await portico?.stop();
    await new Promise((r) => evil?.server.close(r));
  });

  it(`${CASES} clients (seed ${SEED}): no crash, no response delivered to the wrong request`, { timeout: BUDGET_MS + 20_000 }, async () => {
    const started = Date.now();
    let next = 0;
    let ran = 0;
    let answered = 0;
    const wrong: string[] = [];
    const worker = async () => {
      while (next < CASES && Date.now() - started < BUDGET_MS && portico.proc.exitCode === null) {
        const r = await runClient(port, next++);
        ran++;
        answered += r.answered;
        wrong.push(...r.wrong);
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    console.log(`response fuzz seed ${SEED}: ${ran} clients in ${Date.now() - started} ms, ${answered} responses, server saw ${evil.requests} requests, ${wrong.length} wrong`);
    expect({ exitCode: portico.proc.exitCode, ran, wrong: wrong.slice(0, 10) }, portico.stderr.slice(-20).join('\n')).toEqual({ exitCode: null, ran: CASES, wrong: [] });
    // Still serving afterwards (the server answers /ok properly).
    const after = await httpRequest(port, '/ok');
    expect(after.status).toBe(200);
    expect(after.body).toBe('ok');
  });
});
