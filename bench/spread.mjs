#!/usr/bin/env node
// How evenly do two Node worker processes share one listening socket?
// Compares the three ways Node 20 can spread connections over processes, with a
// trivial HTTP handler so that only the accept path differs:
//   handle  master binds (no accept), forks 2 children, passes the listening handle
//           (child_process.fork + send(msg, handle)); the kernel picks the acceptor.
//           This is portico's master-worker model.
//   none    cluster with SCHED_NONE (the same kernel-side sharing, via cluster).
//   rr      cluster with SCHED_RR (the primary accepts every connection and sends it
//           to a worker over IPC).
// Each is loaded with wrk (keep-alive, then Connection: close) for BENCH_SECONDS
// (default 5) and reports req/s and each worker's share of the requests.
//
//   node bench/spread.mjs            (needs wrk; loopback only; stops by itself)
import { fork, spawnSync } from 'node:child_process';
import cluster from 'node:cluster';
import http from 'node:http';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const BODY = 'x'.repeat(100);

function serve(listenArg, report) {
  let n = 0;
  const server = http.createServer({ keepAliveTimeout: 30_000 }, (_req, res) => {
    n++;
    res.end(BODY);
  });
  server.listen(listenArg);
  process.on('disconnect', () => process.exit(0));
  process.on('message', (m) => {
    if (m === 'count') report(n);
    if (m === 'exit') process.exit(0);
  });
}


function wrk(port, close) {
  const args = ['-t2', '-c64', `-d${SECONDS}s`, ...(close ? ['-H', 'Connection: close'] : []), `http://127.0.0.1:${port}/`];
  const r = spawnSync('wrk', args, { encoding: 'utf8', timeout: (SECONDS + 20) * 1000 });
  const m = /Requests\/sec:\s+([\d.]+)/.exec(r.stdout ?? '');
  return m ? Number(m[1]) : NaN;
}

async function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const counts = (workers) =>
  Promise.all(workers.map((w) => new Promise((resolve) => {
    w.once('message', (m) => resolve(m.count));
    w.send('count');
  })));

async function startHandle(port) {
  const handle = net._createServerHandle('127.0.0.1', port, 4);
  if (typeof handle === 'number') throw new Error(`bind failed: ${handle}`);
  const workers = [0, 1].map(() => fork(fileURLToPath(import.meta.url), [], { env: { ...process.env, SPREAD_CHILD: 'handle' } }));
  for (const w of workers) w.send('listen', handle);
  return { workers, stop: () => { for (const w of workers) w.send('exit'); handle.close(); } };
}

async function startCluster(port, policy) {
  cluster.schedulingPolicy = policy;
  cluster.setupPrimary({ exec: fileURLToPath(import.meta.url) });
  const workers = [0, 1].map(() => cluster.fork({ SPREAD_PORT: String(port) }));
  await Promise.all(workers.map((w) => new Promise((r) => w.once('listening', r))));
  return { workers, stop: () => { for (const w of workers) w.send('exit'); } };
}

async function main() {
  if (spawnSync('wrk', ['-v']).error) {
    console.error('wrk not found');
    process.exit(2);
  }
  const rows = [];
  for (const mode of ['handle', 'none', 'rr']) {
    for (const close of [false, true]) {
      const port = await freePort();
      const setup = mode === 'handle' ? await startHandle(port) : await startCluster(port, mode === 'rr' ? cluster.SCHED_RR : cluster.SCHED_NONE);
      await new Promise((r) => setTimeout(r, 500));
      const before = await counts(setup.workers);
      const rps = wrk(port, close);
      const after = await counts(setup.workers);
      const per = after.map((a, i) => a - before[i]);
      const total = per.reduce((a, b) => a + b, 0) || 1;
      rows.push({ mode, load: close ? 'close' : 'keep-alive', rps: Math.round(rps), shares: per.map((p) => `${Math.round((100 * p) / total)}%`).join(' / ') });
      setup.stop();
      await new Promise((r) => setTimeout(r, 300));
      if (mode === 'rr' || mode === 'none') for (const w of setup.workers) w.kill();
    }
  }
  console.log('| model | load | req/s | worker shares |\n| --- | --- | --- | --- |');
  for (const r of rows) console.log(`| ${r.mode} | ${r.load} | ${r.rps} | ${r.shares} |`);
  process.exit(0);
}

if (process.env.SPREAD_CHILD === 'handle') {
  process.on('message', (m, handle) => {
    if (m === 'listen') serve(handle, (n) => process.send({ count: n }));
  });
} else if (cluster.isWorker) {
  serve(Number(process.env.SPREAD_PORT), (n) => process.send({ count: n }));
} else {
  await main();
}
