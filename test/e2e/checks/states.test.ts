/**
 * Server states and their log lines, portico against haproxy 2.6 running side by side on the same
 * backends: Runtime API admin changes (drain, maint, ready, health), agent replies (weights, drain,
 * maint, ready, down, up), tracking (`track`, "via"), `http-check disable-on-404` (NOLB, "is
 * stopping"), backup servers and the end of slow start. Each server's lines must be the same
 * sequence (durations aside); lines of different servers may interleave differently.
 */
import { createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { hasHaproxy, sleep, type Proc } from '../harness.js';
import { cli, ctlBackend, startOn, type CtlBackend, type Target } from './lib.js';

const TARGETS: Target[] = hasHaproxy() ? ['portico', 'haproxy'] : ['portico'];

const head = (fe: number, api: number) => `global
    log stdout format raw local0
    stats socket ipv4@127.0.0.1:${api} level admin
defaults
    mode http
    log global
    timeout connect 1s
    timeout client 5s
    timeout server 5s
    # Short intervals under a loaded machine: a check must not time out after \`inter\`.
    timeout check 2s
frontend fe
    bind 127.0.0.1:${fe}
    default_backend app
`;

type Step = { cli: string } | { wait: number } | { run: () => void } | { stat: string[] };

/** Runs `steps` on a fresh process; answers the log lines about servers and the stats rows asked for. */
async function scenario(target: Target, backend: string, steps: Step[]): Promise<{ lines: string[]; stats: string[] }> {
  const { p, ports } = await startOn(target, 2, ([fe, api]) => head(fe!, api!) + backend);
  const api = ports[1]!;
  const stats: string[] = [];
  try {
    await sleep(300);
    for (const step of steps) {
      if ('cli' in step) await cli(api, step.cli);
      else if ('wait' in step) await sleep(step.wait);
      else if ('run' in step) step.run();
      else stats.push(...(await statRows(api, step.stat)));
    }
  } finally {
    await p.stop();
  }
  return { lines: serverLines(p), stats };
}

/** `show stat` rows of the servers: "app/s1 status=... weight=...". */
async function statRows(api: number, fields: string[]): Promise<string[]> {
  const out = (await cli(api, 'show stat')).split('\n');
  const names = out[0]!.replace(/^# /, '').split(',');
  return out
    .slice(1)
    .filter((l) => l && !/,(FRONTEND|BACKEND),/.test(l))
    .map((l) => {
      const f = l.split(',');
      return `${f[0]}/${f[1]} ${fields.map((k) => `${k}=${f[names.indexOf(k)]}`).join(' ')}`;
    });
}

/** The `log stdout` lines about servers, durations blanked. */
function serverLines(p: Proc): string[] {
  return p.stdout.filter((l) => /^(Backup )?Server \w+\/\w+ /.test(l)).map((l) => l.replace(/check duration: \d+ms/, 'check duration: Nms'));
}

/** Groups lines by the server they are about, keeping each server's order. */
function byServer(lines: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const l of lines) (out[/Server (\w+\/\w+)/.exec(l)![1]!] ??= []).push(l);
  return out;
}

/** Backends of one run: three HTTP servers and an agent whose reply the steps set. */
interface Env {
  a: CtlBackend;
  b: CtlBackend;
  c: CtlBackend;
  agentPort: number;
  reply(text: string): void;
  close(): Promise<void>;
}

async function env(): Promise<Env> {
  const [a, b, c] = await Promise.all([ctlBackend('a'), ctlBackend('b'), ctlBackend('c')]);
  let reply = 'up\n';
  const agent: Server = createServer((s) => {
    s.on('error', () => {});
    s.end(reply);
  });
  await new Promise<void>((resolve) => agent.listen(0, '127.0.0.1', resolve));
  return {
    a,
    b,
    c,
    agentPort: (agent.address() as { port: number }).port,
    reply: (text) => void (reply = `${text}\n`),
    close: async () => {
      await Promise.all([a.close(), b.close(), c.close(), new Promise((r) => agent.close(r))]);
    },
  };
}

/**
 * Runs the scenario on every target, in parallel, each with its own backends (their state changes
 * with the steps), and compares the lines server by server, and the stats rows.
 */
async function compare(backend: (e: Env) => string, steps: (e: Env) => Step[]): Promise<Record<string, string[]>> {
  const envs = await Promise.all(TARGETS.map(() => env()));
  let results: { lines: string[]; stats: string[] }[];
  try {
    results = await Promise.all(TARGETS.map((t, i) => scenario(t, backend(envs[i]!), steps(envs[i]!))));
  } finally {
    await Promise.all(envs.map((e) => e.close()));
  }
  const [portico, haproxy] = results;
  if (haproxy) {
    expect(byServer(portico!.lines)).toEqual(byServer(haproxy.lines));
    expect(portico!.stats).toEqual(haproxy.stats);
  }
  return byServer(portico!.lines);
}

describe('server states: portico and haproxy 2.6 say the same', () => {
  it('Runtime API: drain, maint, ready, health down (with a check), backup', async () => {
    const got = await compare(
      ({ a, b, c }) => `backend app
    balance roundrobin
    option httpchk GET /health
    server s1 127.0.0.1:${a.port} check inter 300
    server s2 127.0.0.1:${b.port}
    server s3 127.0.0.1:${c.port} backup
`,
      () =>
        [
          'set server app/s1 state drain',
          'set server app/s1 state ready',
          'set server app/s2 state maint',
          'set server app/s2 state drain',
          'set server app/s2 state ready',
          'set server app/s1 state maint',
          'set server app/s1 state ready',
          'set server app/s3 state maint',
          'set server app/s3 state ready',
        ].flatMap((cmd): Step[] => [{ cli: cmd }, { wait: 150 }]),
    );
    expect(got['app/s2']).toEqual([
      'Server app/s2 is going DOWN for maintenance. 1 active and 1 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.',
      'Server app/s2 is UP/DRAIN (leaving forced maintenance).',
      'Server app/s2 remains in forced drain mode.',
      'Server app/s2 is UP (leaving forced drain).',
    ]);
  }, 30_000);

  it('a DOWN server: health down from the CLI, drain says "left", leaving maintenance brings it UP until its check fails', async () => {
    const got = await compare(
      ({ a, b }) => `backend app
    option httpchk GET /health
    server s1 127.0.0.1:${a.port} check inter 400
    server s2 127.0.0.1:${b.port}
`,
      ({ a }) => [
        { cli: 'set server app/s1 health down' },
        { wait: 100 },
        { cli: 'set server app/s1 state drain' },
        { wait: 100 },
        { cli: 'set server app/s1 state ready' },
        { wait: 700 },
        { run: () => (a.healthStatus = 503) },
        // fall 3 checks every 400 ms: DOWN within 1.2 s.
        { wait: 1600 },
        { cli: 'set server app/s1 state maint' },
        { wait: 100 },
        { cli: 'set server app/s1 state ready' },
        { wait: 50 },
        { stat: ['status', 'check_health'] },
      ],
    );
    expect(got['app/s1']!.slice(0, 3)).toEqual([
      'Server app/s1 is DOWN, changed from CLI. 1 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.',
      'Server app/s1 enters drain state. 1 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.',
      'Server app/s1 is DOWN (leaving forced drain).',
    ]);
  }, 30_000);

  it('agent replies: NN%, drain, ready, maint, down, up NN%, stopped #text', async () => {
    const got = await compare(
      ({ a, b, agentPort }) => `backend app
    balance roundrobin
    server s1 127.0.0.1:${a.port} weight 10 agent-check agent-port ${agentPort} agent-inter 150
    server s2 127.0.0.1:${b.port}
`,
      (e) => ['50%', 'drain', 'ready', 'maint', 'ready up', 'down', 'up 75%', 'stopped #bye', 'up 100%'].flatMap((text): Step[] => [{ run: () => e.reply(text) }, { wait: 450 }, { stat: ['status', 'weight'] }]),
    );
    expect(got['app/s1']).toContain('Server app/s1 is DOWN, reason: Layer7 wrong status, code: 0, info: "via agent : stopped (bye)", check duration: Nms. 1 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.');
  }, 40_000);

  it('track, disable-on-404 (NOLB), backups tracking backups, and the end of slow start', async () => {
    const got = await compare(
      ({ a, b, c }) => `backend app
    balance roundrobin
    option httpchk GET /health
    http-check disable-on-404
    option allbackups
    server s1 127.0.0.1:${a.port} check inter 300 fall 2 rise 2 slowstart 1s
    server s2 127.0.0.1:${b.port} track app/s1
    server s3 127.0.0.1:${c.port} check inter 200 backup
    server s4 127.0.0.1:${b.port} backup track app/s3
`,
      ({ a, c }) => [
        { run: () => (a.healthStatus = 404) },
        { wait: 700 },
        { stat: ['status'] },
        { run: () => (a.healthStatus = 500) },
        { wait: 800 },
        { run: () => (a.healthStatus = 200) },
        { wait: 2600 },
        { run: () => (c.healthStatus = 503) },
        { wait: 700 },
        { run: () => (c.healthStatus = 200) },
        { wait: 1000 },
        { stat: ['status'] },
      ],
    );
    expect(got['app/s2']).toEqual([
      'Server app/s2 is stopping via app/s1. 0 active and 2 backup servers online. Running on backup. 0 sessions requeued, 0 total in queue.',
      'Server app/s2 is DOWN via app/s1. 0 active and 2 backup servers left. Running on backup. 0 sessions active, 0 requeued, 0 remaining in queue.',
      'Server app/s2 is UP via app/s1. 2 active and 2 backup servers online. 0 sessions requeued, 0 total in queue.',
    ]);
    expect(got['app/s1']!.at(-1)).toBe('Server app/s1 is UP. 2 active and 2 backup servers online. 0 sessions requeued, 0 total in queue.');
  }, 40_000);
});
