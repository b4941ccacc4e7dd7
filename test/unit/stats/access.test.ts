/** `stats http-request` rules: parsing with HAProxy's messages, config errors, first-match evaluation. */
import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../../../src/config/load.js';
import { parseStatsRule } from '../../../src/stats/access.js';

const cfg = (rules: string) => `
defaults
  mode http
  timeout connect 1s
  timeout client 1s
  timeout server 1s
backend st
  stats enable
${rules}
`;

const messages = (rules: string) => loadConfigText(cfg(rules)).diags.list.map((d) => `${d.level}: ${d.message}`);

describe('parseStatsRule', () => {
  it('reads the three actions and where the condition starts', () => {
    expect(parseStatsRule(['allow'])).toEqual({ action: { kind: 'allow' }, condAt: 1 });
    expect(parseStatsRule(['deny', 'if', 'x'])).toEqual({ action: { kind: 'deny', status: 403 }, condAt: 1 });
    expect(parseStatsRule(['deny', 'deny_status', '500', 'unless', 'x'])).toEqual({ action: { kind: 'deny', status: 500 }, condAt: 3 });
    expect(parseStatsRule(['auth', 'realm', 'R', 'if', 'x'])).toEqual({ action: { kind: 'auth', realm: 'R' }, condAt: 3 });
  });

  it("refuses what haproxy refuses, in haproxy's words", () => {
    expect(parseStatsRule(['auth', 'realm'])).toEqual({ inRule: 'http-request auth', error: 'missing realm value.' });
    expect(parseStatsRule(['deny', 'deny_status', '999'])).toEqual({ inRule: 'http-request deny', error: "Unexpected status code '999'." });
    expect(parseStatsRule(['deny', 'foo'])).toEqual({ error: "'http-request deny' expects either 'if' or 'unless' followed by a condition but found 'foo'." });
    expect(parseStatsRule(['tarpit'])).toEqual({ error: "'stats http-request' expects 'allow', 'deny' or 'auth' (got 'tarpit')." });
  });
});

describe('stats http-request in a configuration', () => {
  it('reports bad rules with the proxy and the line', () => {
    expect(messages('  stats http-request auth realm')).toContainEqual(
      "alert: error detected in backend 'st' while parsing 'http-request auth' rule : missing realm value.",
    );
  });

  it('warns that rules after an unconditional one are never reached', () => {
    expect(messages('  stats http-request allow\n  stats http-request deny')).toContainEqual(
      "warning: previous 'stats' action has no condition attached, further entries are NOOP.",
    );
  });

  it('checks conditions at load time (portico -c)', () => {
    expect(messages('  stats http-request auth if { nosuchfetch }').some((m) => m.startsWith('alert:') && m.includes("'nosuchfetch'"))).toBe(true);
  });

  it('refuses stats auth together with rules', () => {
    expect(messages('  stats auth a:b\n  stats http-request allow').some((m) => m.includes("can't be used at the same time"))).toBe(true);
  });
});
