// Origin for the large-object scenario: answers every request with the same
// preallocated body. Usage: node big-origin.mjs PORT BYTES
import http from 'node:http';

const port = Number(process.argv[2]);
const size = Number(process.argv[3] ?? 1048576);
const body = Buffer.alloc(size, 'x');
const headers = { 'content-type': 'application/octet-stream', 'content-length': String(size) };

const server = http.createServer((req, res) => {
  req.resume();
  res.writeHead(200, headers);
  res.end(body);
});
server.keepAliveTimeout = 60000;
server.headersTimeout = 61000;
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
