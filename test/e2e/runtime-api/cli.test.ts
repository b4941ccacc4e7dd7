/**
 * The Runtime API of the real portico process: `stats socket` lines open the sockets, commands
 * change the running proxies and the traffic follows (maintenance, weights, dynamic servers).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS, freePorts, httpRequest, startBackend, startPortico, type Backend, type Proc } from '../harness.js';
import { exchange } from '../../unit/cli-api/helpers.js';

let p: Proc;
let b1: Backend, b2: Backend, b3: Backend;
let api = 0, user = 0, fe = 0;

beforeAll(async () => {
  [b1, b2, b3] = await Promise.all([startBackend('b1'), startBackend('b2'), startBackend('b3')]);
  [api, user, fe] = await freePorts(3);
  p = await startPortico(`
global
  stats socket ipv4@127.0.0.1:${api} level admin
  stats socket ipv4@127.0.0.1:${user} level user
${DEFAULTS}
frontend fe
  bind 127.0.0.1:${fe}
  default_backend app
backend app
  balance roundrobin
  server s1 127.0.0.1:${b1!.port}
  server s2 127.0.0.1:${b2!.port}
`, [api!, user!, fe!]);
}, 20_000);

afterAll(async () => {
  await p?.stop();
  await Promise.all([b1, b2, b3].map((b) => b?.close()));
});

const run = (cmd: string, port = api) => exchange(port, cmd + '\n');
async function backendsSeen(n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push((await httpRequest(fe, '/')).headers['x-backend'] as string);
  return out;
}

describe('Runtime API of the portico process', () => {
  it('answers show info / show stat / help', async () => {
    expect(await run('show info')).toMatch(/^Name: .*\nVersion: /);
    expect((await run('show stat')).split('\n')[0]).toMatch(/^# pxname,svname,/);
    expect((await run('help')).split('\n')[0]).toBe('The following commands are valid at this level:');
    expect(await run('set server app/s1 state maint', user)).toBe('Permission denied\n\n');
  });

  it('maintenance takes a server out of the rotation and back', async () => {
    expect(await run('set server app/s2 state maint')).toBe('\n');
    expect(new Set(await backendsSeen(4))).toEqual(new Set(['b1']));
    expect(await run('set server app/s2 state ready')).toBe('\n');
    expect(new Set(await backendsSeen(4))).toEqual(new Set(['b1', 'b2']));
  });

  it('weights change the share of each server', async () => {
    expect(await run('set weight app/s1 3')).toBe('\n');
    const seen = await backendsSeen(8);
    expect(seen.filter((b) => b === 'b1').length).toBe(6);
    expect(await run('set weight app/s1 1')).toBe('\n');
  });

  it('a dynamic server takes traffic once ready and leaves after del server', async () => {
    expect(await run(`add server app/s3 127.0.0.1:${b3.port}`)).toBe('New server registered.\n\n');
    expect(await backendsSeen(4)).not.toContain('b3');
    expect(await run('set server app/s3 state ready')).toBe('\n');
    expect(await backendsSeen(6)).toContain('b3');
    expect(await run('set server app/s3 state maint;del server app/s3')).toBe('\nServer deleted.\n');
    expect(await backendsSeen(4)).not.toContain('b3');
    expect(p.stderr.join('\n')).toContain("'server app/s3' : New server registered.");
  });

  it('disable frontend refuses connections until enable frontend', async () => {
    expect(await run('disable frontend fe')).toBe('\n');
    await expect(httpRequest(fe, '/', { ms: 1000 })).rejects.toThrow();
    expect(await run('enable frontend fe')).toBe('\n');
    expect((await httpRequest(fe, '/')).status).toBe(200);
  });
});
