import { describe, expect, it } from 'vitest';
import { backendLb, backendStatus, promServerState, serverStatus } from '../../../src/stats/status.js';
import { check, fixtureSnapshot, server } from './snapshot.js';

describe('server status strings', () => {
  const cases: [string, Parameters<typeof server>[2], string][] = [
    ['fully up', { check: check() }, 'UP'],
    ['up after one failure (fall 3): 2 more to go down', { check: check({ health: 3 }) }, 'UP 2/3'],
    ['up after two failures (fall 3): 1 more to go down', { check: check({ health: 2 }) }, 'UP 1/3'],
    ['down', { state: 'stopped', check: check({ health: 0 }) }, 'DOWN'],
    ['down, one success of rise 2', { state: 'stopped', check: check({ health: 1 }) }, 'DOWN 1/2'],
    ['no check', {}, 'no check'],
    ['unchecked and stopped', { state: 'stopped' }, 'DOWN'],
    ['drain', { admin: { drain: true }, check: check() }, 'DRAIN'],
    ['drain without check', { admin: { drain: true } }, 'DRAIN'],
    ['drain going down', { admin: { drain: true }, check: check({ health: 2 }) }, 'DRAIN 1/3'],
    ['drain by agent', { admin: { drain: true }, agent: check({ rise: 1, fall: 1, health: 1 }) }, 'DRAIN (agent)'],
    ['nolb', { state: 'stopping', check: check() }, 'NOLB'],
    ['nolb unchecked', { state: 'stopping' }, 'NOLB'],
    ['nolb going down', { state: 'stopping', check: check({ health: 3 }) }, 'NOLB 2/3'],
    ['down by agent', { state: 'stopped', check: check(), agent: check({ health: 0, rise: 1, fall: 1 }) }, 'DOWN (agent)'],
    ['maint', { admin: { maint: true }, check: check() }, 'MAINT'],
    ['maint by resolution', { admin: { resolutionMaint: true } }, 'MAINT (resolution)'],
    ['starting (slowstart) counts as up', { state: 'starting', check: check() }, 'UP'],
  ];
  for (const [what, partial, expected] of cases) {
    it(`${what}: ${expected}`, () => expect(serverStatus(server('s', 1, partial))).toBe(expected));
  }

  it('a tracking server takes the state of the tracked one', () => {
    const ref = server('ref', 1, { check: check({ health: 2 }) });
    const tracker = server('t', 2, { track: { proxy: 'be', server: ref } });
    expect(serverStatus(tracker)).toBe('UP 1/3');
    const viaMaint = server('t', 2, { admin: { inheritedMaint: true }, track: { proxy: 'be', server: ref } });
    expect(serverStatus(viaMaint)).toBe('MAINT (via be/ref)');
  });

  it('maps to the promex states', () => {
    expect(promServerState(server('s', 1, { admin: { drain: true } }))).toBe('DRAIN');
    expect(promServerState(server('s', 1, { state: 'stopping' }))).toBe('NOLB');
    expect(promServerState(server('s', 1, { state: 'stopped', admin: { maint: true } }))).toBe('MAINT');
    expect(promServerState(server('s', 1, { state: 'stopped' }))).toBe('DOWN');
  });
});

describe('backend state', () => {
  it('sums the weights of usable active servers, or of backups when no active one is usable', () => {
    const snap = fixtureSnapshot();
    const be = snap.proxies[2]!;
    expect(backendLb(be)).toEqual({ weight: 12, uweight: 12, act: 3, bck: 1 });
    for (const s of be.servers!) if (!s.backup) s.state = 'stopped';
    expect(backendLb(be)).toEqual({ weight: 1, uweight: 1, act: 0, bck: 1 });
    expect(backendStatus(be)).toBe('UP');
    be.servers!.find((s) => s.backup)!.state = 'stopped';
    expect(backendStatus(be)).toBe('DOWN');
  });

  it('is UP without servers', () => {
    expect(backendStatus(fixtureSnapshot().proxies[0]!)).toBe('UP');
  });
});
