// TLS handshake load: CONNS loops, each opening a new TLS connection (full handshake: no session
// is offered for resumption), sending one GET with "Connection: close", reading the response to
// its end, and starting over, for SECONDS. wrk cannot do this: it resumes TLS sessions on its
// reconnections, so its "Connection: close" over https measures resumed handshakes.
// Usage: node handshake-client.mjs PORT CONNS SECONDS
// Prints one JSON line: {handshakes, perSec, resumed, errors, firstError, seconds}.
import tls from 'node:tls';

const port = Number(process.argv[2]);
const conns = Number(process.argv[3] ?? 50);
const seconds = Number(process.argv[4] ?? 5);
const REQUEST = 'GET / HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n';
const PER_CONNECTION_TIMEOUT_MS = 5000;

let handshakes = 0;
let resumed = 0;
let errors = 0;
let firstError = null;
const started = process.hrtime.bigint();
const deadline = Date.now() + seconds * 1000;

/** One connection: resolves true when a 200 response was read to its end. */
function once() {
  return new Promise((resolve) => {
    let head = '';
    let done = false;
    const finish = (ok, err) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (!ok) {
        errors++;
        firstError ??= err ?? 'unknown error';
      }
      s.destroy();
      resolve(ok);
    };
    const s = tls.connect({ host: '127.0.0.1', port, servername: 'bench.test', rejectUnauthorized: false }, () => {
      if (s.isSessionReused()) resumed++;
      s.write(REQUEST);
    });
    const timer = setTimeout(() => finish(false, 'timeout'), PER_CONNECTION_TIMEOUT_MS);
    s.on('data', (d) => {
      if (head.length < 16) head += d.toString('latin1');
    });
    s.on('end', () => finish(head.startsWith('HTTP/1.1 200'), `response: ${JSON.stringify(head.slice(0, 16))}`));
    s.on('error', (e) => finish(false, e.message));
  });
}

async function loop() {
  while (Date.now() < deadline) {
    if (await once()) handshakes++;
  }
}

await Promise.all(Array.from({ length: conns }, loop));
const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
process.stdout.write(`${JSON.stringify({ handshakes, perSec: handshakes / elapsed, resumed, errors, firstError, seconds: elapsed })}\n`);
