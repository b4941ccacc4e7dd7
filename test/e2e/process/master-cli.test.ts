/** The master CLI (-S): show proc, routing to a worker's Runtime API, reload. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { freePorts, startPortico, DEFAULTS, type Proc } from '../harness.js';
import { masterCli, porticoCmd, waitForLine } from './proc.js';

describe('master CLI', () => {
  let portico: Proc;
  let sock: string;
  beforeAll(async () => {
    const [port] = await freePorts(1);
    const cfg = `global\n    nbthread 2\n${DEFAULTS}\nfrontend fe\n    bind 127.0.0.1:${port}\n    http-request return status 200\n`;
    // startPortico writes the config into a fresh temp directory: the socket goes beside it.
    sock = join(tmpdir(), `portico-mcli-${process.pid}-${port}.sock`);
    portico = await startPortico(cfg, [port!], [], porticoCmd('-W', '-db', '-S', sock));
    await waitForLine(portico.stderr, /Loading success\./, 10_000);
  });
  afterAll(async () => {
    await portico?.stop();
  });

  it('show proc lists the master and its workers in HAProxy columns', async () => {
    const out = await masterCli(sock, 'show proc');
    expect(out).toMatch(/^#<PID> +<type> +<reloads> +<uptime> +<version>/);
    expect(out).toMatch(new RegExp(`^${portico.proc.pid} +master +0 \\[failed: 0\\] +\\d+d\\d\\dh\\d\\dm\\d\\ds`, 'm'));
    expect(out.match(/^\d+ +worker +0 /gm)).toHaveLength(2);
    expect(out).toMatch(/# workers\n[\s\S]*# programs\n/);
  });

  it('routes @1 and @!<pid> to a worker, and says when the target does not exist', async () => {
    const info = await masterCli(sock, '@1 show info');
    expect(info).toMatch(/^Name: /m);
    const pid = Number(/^Pid: (\d+)/m.exec(info)![1]);
    expect(pid).not.toBe(portico.proc.pid);
    expect(await masterCli(sock, `@!${pid} show info`)).toMatch(new RegExp(`^Pid: ${pid}$`, 'm'));
    expect(await masterCli(sock, '@9 show info')).toMatch(/Can't find the target PID matching the prefix '@9'/);
  });

  it('reload reloads', async () => {
    const from = portico.stderr.length;
    await masterCli(sock, 'reload');
    await waitForLine(portico.stderr, /Loading success\./, 10_000, from);
    const out = await masterCli(sock, 'show proc');
    expect(out).toMatch(/ master +1 \[failed: 0\]/);
  });
});
