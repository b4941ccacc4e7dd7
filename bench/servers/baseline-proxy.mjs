// Baseline: the plain Node forwarder people would write instead of portico,
// node:http server + http-proxy-3 with a keep-alive agent to the origin.
// Usage: node baseline-proxy.mjs LISTEN_PORT TARGET_URL
import http from 'node:http';
import { createProxyServer } from 'http-proxy-3';

const port = Number(process.argv[2]);
const target = process.argv[3];
const agent = new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 256 });
const proxy = createProxyServer({ target, agent, xfwd: false });

proxy.on('error', (err, req, res) => {
  if (res && !res.headersSent && typeof res.writeHead === 'function') {
    res.writeHead(502, { 'content-type': 'text/plain' });
    res.end('bad gateway\n');
  } else {
    res?.destroy?.();
  }
});

const server = http.createServer((req, res) => proxy.web(req, res));
server.keepAliveTimeout = 60000;
server.headersTimeout = 61000;
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
