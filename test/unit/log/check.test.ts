import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../../../src/config/load.js';
import { Diagnostics } from '../../../src/core/diag.js';
import { checkLogAndTcpConfig } from '../../../src/log/check.js';

function check(text: string): string[] {
  const { config } = loadConfigText(text, 't.cfg');
  const d = new Diagnostics();
  checkLogAndTcpConfig(config, d);
  return d.list.map((x) => `${x.level} ${x.line}: ${x.message}`);
}

describe('log and tcp config checks', () => {
  it('reports a bad log target and a bad log-format with their lines', () => {
    const out = check(`global
    log logs.example.com:514 local0
defaults
    mode http
    timeout client 1s
    timeout server 1s
    timeout connect 1s
frontend fe
    bind :8080
    log-format "%ci %Zz"
    default_backend be
backend be
    server s 127.0.0.1:1
`);
    expect(out).toContainEqual(expect.stringMatching(/^alert 2: log: invalid address: 'logs\.example\.com' is not an IP address\.$/));
    expect(out).toContainEqual(expect.stringMatching(/^alert 10: .*no such format variable 'Zz'/));
  });
  it('falls back from httplog to tcplog in tcp mode, warns about tcp actions portico does not run', () => {
    const out = check(`defaults
    mode tcp
    timeout client 1s
    timeout server 1s
    timeout connect 1s
frontend fe
    bind :8080
    option httplog
    tcp-request content do-resolve(txn.ip,dns) src
    default_backend be
backend be
    server s 127.0.0.1:1
`);
    expect(out).toContainEqual(expect.stringMatching(/^warning \d+: 'option httplog' not usable with frontend 'fe' \(needs 'mode http'\)\. Falling back to 'option tcplog'\.$/));
    expect(out).toContainEqual(expect.stringMatching(/^warning 9: 'tcp-request content do-resolve' is not supported by portico yet/));
  });
  it('accepts the tcp rules and routing it runs', () => {
    const out = check(`defaults
    mode tcp
    timeout client 1s
    timeout server 1s
    timeout connect 1s
frontend fe
    bind :8443
    tcp-request inspect-delay 5s
    tcp-request content accept if { req.ssl_hello_type 1 }
    tcp-request content capture req.ssl_sni len 32
    tcp-request connection expect-proxy layer4 if { src 10.0.0.0/8 }
    use_backend a if { req.ssl_sni -i a.example }
    default_backend a
backend a
    server s 127.0.0.1:1
`);
    expect(out).toEqual([]);
  });
});
