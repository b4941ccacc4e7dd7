/** `balance hash <expr>`: the expression is checked when the configuration loads, as HAProxy does. */
import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../../../src/config/load.js';

const cfg = (expr: string) =>
  `defaults\n  mode http\n  timeout client 1s\n  timeout server 1s\n  timeout connect 1s\nlisten l\n  bind 127.0.0.1:18998\n  balance hash ${expr}\n  server s 127.0.0.1:1\n`;
const alerts = (expr: string) => loadConfigText(cfg(expr), 'h.cfg').diags.list.filter((d) => d.level === 'alert').map((d) => `${d.line} ${d.message}`);

describe('balance hash <expr> at load time', () => {
  it('an unknown fetch is an alert on the balance line', () => {
    expect(alerts('nosuch(x)')).toEqual(["8 proxy 'l': failed to parse 'balance hash' expression 'nosuch(x)' : unknown fetch method 'nosuch'."]);
  });
  it('an unknown converter too', () => {
    expect(alerts('req.hdr(host),nosuchconv')[0]).toMatch(/^8 .*'balance hash' expression.*nosuchconv/);
  });
  it('a valid expression loads', () => {
    expect(alerts('req.hdr(host),lower')).toEqual([]);
  });
});
