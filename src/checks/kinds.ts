/**
 * Each HAProxy check kind compiled to a rule list, with the bytes HAProxy 2.6 sends
 * (captured from Debian's haproxy 2.6.12 against fake servers; see test/unit/checks).
 */
import type { ConnectRule, ExpectRule, HttpRequestSpec, InfoSource, Rule, Ruleset } from './rules.js';

const implicitConnect = (): ConnectRule => ({ type: 'connect', implicit: true, useServerDefaults: true });
const defaultConnect = (): ConnectRule => ({ type: 'connect', useServerDefaults: true, linger: true });

function expect(match: ExpectRule['match'], extra: Partial<ExpectRule> = {}): ExpectRule {
  return { type: 'expect', match, inverse: false, minRecv: -1, ...extra };
}

/** res.payload(from,0) as a C string: stops at the first NUL, like HAProxy's log-format output. */
function payload(buf: Buffer, from: number): string {
  const part = buf.subarray(Math.min(from, buf.length));
  const nul = part.indexOf(0);
  return (nul >= 0 ? part.subarray(0, nul) : part).toString('latin1');
}
const cutCrlf = (s: string): string => s.split(/[\r\n]/, 1)[0] ?? '';
/** `%[res.payload(0,0),cut_crlf]` */
const firstLine: InfoSource = (b) => cutCrlf(payload(b, 0));
/** `%[res.payload(4,0),ltrim(' '),cut_crlf]`: the text after an SMTP code. */
const smtpText: InfoSource = (b) => cutCrlf(payload(b, 4).replace(/^ +/, ''));
/** `res.payload(0,3)` as an integer, the SMTP reply code. */
const smtpCode = (b: Buffer): number | undefined => {
  const n = Number.parseInt(b.subarray(0, 3).toString('latin1'), 10);
  return Number.isNaN(n) ? undefined : n;
};

/** Plain `check` without any check option: a TCP connect. */
export function defaultCheck(): Ruleset {
  return { kind: 'default', name: 'tcp', rules: [implicitConnect()] };
}

/** `option tcp-check` with the user's `tcp-check` rules; an implicit connect starts the list unless the user wrote one. */
export function tcpCheck(userRules: Rule[]): Ruleset {
  const first = userRules.find((r) => r.type !== 'comment');
  const rules = first?.type === 'connect' ? [...userRules] : [implicitConnect(), ...userRules];
  return { kind: 'tcp-check', name: 'tcp-check', rules };
}

export interface HttpchkOption {
  method?: string;
  uri?: string;
  version?: string;
}

/** Headers a legacy `option httpchk METH URI VERSION\r\nName: value` line carries after the version. */
function splitLegacyVersion(version: string): { version: string; headers: Array<[string, string]> } {
  const parts = version.split('\r\n');
  const headers: Array<[string, string]> = [];
  for (const line of parts.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return { version: parts[0] ?? 'HTTP/1.0', headers };
}

/**
 * `option httpchk` plus the `http-check` rules in order. The option's request line and
 * the first `http-check send` make one request; an implicit connect starts the list and
 * an implicit `expect status 200-399` ends it when no expect follows the last send.
 */
export function httpCheck(option: HttpchkOption, userRules: Rule[], disableOn404 = false): Ruleset {
  const legacy = splitLegacyVersion(option.version ?? 'HTTP/1.0');
  const base: HttpRequestSpec = { method: option.method ?? 'OPTIONS', uri: option.uri ?? '/', version: legacy.version, headers: legacy.headers };
  const rules: Rule[] = userRules.map((r) => ({ ...r }));
  const firstSend = rules.findIndex((r) => r.type === 'send');
  if (firstSend >= 0) {
    const send = rules[firstSend] as { type: 'send'; data: HttpRequestSpec };
    const user = send.data;
    send.data = {
      method: user.method || base.method,
      uri: user.uri || base.uri,
      version: user.version || base.version,
      headers: [...base.headers, ...user.headers],
      ...(user.body !== undefined ? { body: user.body } : {}),
    };
  } else {
    const at = rules.findIndex((r) => r.type === 'connect');
    rules.splice(at + 1, 0, { type: 'send', data: base });
  }
  const first = rules.find((r) => r.type !== 'comment');
  if (first?.type !== 'connect') rules.unshift(implicitConnect());
  let lastSend = -1;
  let lastExpect = -1;
  rules.forEach((r, i) => {
    if (r.type === 'send') lastSend = i;
    if (r.type === 'expect') lastExpect = i;
  });
  if (lastExpect < lastSend) rules.push(expect({ kind: 'status', ranges: [[200, 399]] }));
  return { kind: 'http', name: 'httpchk', rules, disableOn404 };
}

/** The exact bytes of an HTTP check request as HAProxy's H1 mux writes them (lower-case names). */
export function serializeHttpRequest(req: HttpRequestSpec): Buffer {
  let head = `${req.method} ${req.uri} ${req.version}\r\n`;
  let hasConnection = false;
  for (const [name, value] of req.headers) {
    const lower = name.toLowerCase();
    // Framing headers are HAProxy's to write, never the user's.
    if (lower === 'content-length' || lower === 'transfer-encoding') continue;
    if (lower === 'connection') hasConnection = true;
    head += `${lower}: ${value}\r\n`;
  }
  const body = Buffer.from(req.body ?? '', 'latin1');
  if (body.length > 0) head += `content-length: ${body.length}\r\n`;
  // HTTP/1.0 closes by default, so the mux drops the `Connection: close` HAProxy adds.
  const v11 = /^HTTP\/(1\.[1-9]|[2-9])/.test(req.version);
  if (!hasConnection && v11) head += 'connection: close\r\n';
  head += '\r\n';
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

/** `option mysql-check [user U [post-41|pre-41]]`. */
export function mysqlCheck(user?: string, variant: 'post-41' | 'pre-41' = 'post-41'): Ruleset {
  const rules: Rule[] = [defaultConnect()];
  if (user !== undefined) {
    const name = Buffer.from(user, 'latin1');
    const post41 = variant === 'post-41';
    const len = name.length + 7 + (post41 ? 27 : 0);
    const header = Buffer.from([len & 0xff, (len >> 8) & 0xff, (len >> 16) & 0xff, 1]);
    const fixed = post41
      ? Buffer.concat([Buffer.from('0082000000800001' + '21', 'hex'), Buffer.alloc(23)])
      : Buffer.from('0080000001', 'hex');
    const quit = Buffer.from('0100000001', 'hex');
    rules.push({ type: 'send', data: Buffer.concat([header, fixed, name, Buffer.from([0, 0]), quit]) });
  }
  rules.push(expect({ kind: 'custom', fn: 'mysql-iniths' }));
  if (user !== undefined) rules.push(expect({ kind: 'custom', fn: 'mysql-ok' }));
  return { kind: 'protocol', name: 'mysql-check', rules };
}

/** `option pgsql-check user U`: a StartupMessage, then AuthenticationOk/any supported auth request. */
export function pgsqlCheck(user: string): Ruleset {
  const name = Buffer.from(user, 'latin1');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(15 + name.length);
  const startup = Buffer.concat([len, Buffer.from('00030000', 'hex'), Buffer.from('user\0', 'latin1'), name, Buffer.from([0, 0])]);
  return {
    kind: 'protocol',
    name: 'pgsql-check',
    rules: [
      defaultConnect(),
      { type: 'send', data: startup },
      expect({ kind: 'rstring', re: /^E/ }, { inverse: true, minRecv: 5, errorStatus: 'L7RSP', onError: (b) => payload(b, 6) }),
      expect(
        { kind: 'rbinary', re: /^52000000(08|0A|0C)000000(00|02|03|04|05|06)/ },
        { minRecv: 9, errorStatus: 'L7STS', onSuccess: 'PostgreSQL server is ok', onError: 'PostgreSQL unknown error' },
      ),
    ],
  };
}

/** `option redis-check`: PING, expect +PONG. */
export function redisCheck(): Ruleset {
  return {
    kind: 'protocol',
    name: 'redis-check',
    rules: [
      implicitConnect(),
      { type: 'send', data: Buffer.from('*1\r\n$4\r\nPING\r\n', 'latin1') },
      expect({ kind: 'string', value: Buffer.from('+PONG\r\n') }, { errorStatus: 'L7STS', onError: firstLine, onSuccess: 'Redis server is ok' }),
    ],
  };
}

/** `option smtpchk [HELO|EHLO domain]`: banner, greeting, QUIT; the QUIT reply gives code and info. */
export function smtpCheck(hello?: string, domain?: string): Ruleset {
  const cmd = hello !== undefined && domain !== undefined && /^(HELO|EHLO)/.test(hello) ? `${hello} ${domain}` : 'HELO localhost';
  const ok2xx = (re: RegExp, onSuccess?: InfoSource): ExpectRule =>
    expect({ kind: 'rstring', re }, { minRecv: 4, errorStatus: 'L7STS', onError: smtpText, statusCode: smtpCode, ...(onSuccess ? { onSuccess } : {}) });
  return {
    kind: 'protocol',
    name: 'smtp-check',
    rules: [
      defaultConnect(),
      expect({ kind: 'rstring', re: /^[0-9]{3}[ \r]/ }, { minRecv: 4, errorStatus: 'L7RSP', onError: firstLine }),
      ok2xx(/^2[0-9]{2}[ \r]/),
      { type: 'send', data: Buffer.from(`${cmd}\r\n`, 'latin1') },
      ok2xx(/^2[0-9]{2}[- \r]/),
      { type: 'send', data: Buffer.from('QUIT\r\n', 'latin1') },
      ok2xx(/^2[0-9]{2}[- \r]/, smtpText),
    ],
  };
}

/** `option ldap-check`: an anonymous LDAPv3 bind request. */
export function ldapCheck(): Ruleset {
  return {
    kind: 'protocol',
    name: 'ldap-check',
    rules: [
      implicitConnect(),
      { type: 'send', data: Buffer.from('300C020101600702010304008000', 'hex') },
      expect({ kind: 'rbinary', re: /^30/ }, { minRecv: 14, onError: 'Not LDAPv3 protocol' }),
      expect({ kind: 'custom', fn: 'ldap-bindrsp' }),
    ],
  };
}

/** The SSLv3 ClientHello of `option ssl-hello-chk`; `unixSeconds` fills the gmt_unix_time field. */
export function sslHelloBytes(unixSeconds: number): Buffer {
  const ciphers: number[] = [];
  for (let c = 0x0001; c <= 0x001b; c++) ciphers.push(c);
  for (let c = 0x002f; c <= 0x003a; c++) ciphers.push(c);
  const cipherBytes = Buffer.alloc(ciphers.length * 2);
  ciphers.forEach((c, i) => cipherBytes.writeUInt16BE(c, i * 2));
  const time = Buffer.alloc(4);
  time.writeUInt32BE(unixSeconds >>> 0);
  const body = Buffer.concat([
    Buffer.from('0300', 'hex'), // client version SSLv3
    time,
    Buffer.from('HAPROXYSSLCHK\nHAPROXYSSLCHK\n', 'latin1'), // rest of the 32 random bytes
    Buffer.from([0]), // session id length
    Buffer.from([0, cipherBytes.length]),
    cipherBytes,
    Buffer.from('0100', 'hex'), // one compression method: null
  ]);
  const hs = Buffer.concat([Buffer.from([1, 0, body.length >> 8, body.length & 0xff]), body]);
  return Buffer.concat([Buffer.from([0x16, 0x03, 0x00, hs.length >> 8, hs.length & 0xff]), hs]);
}

/** `option ssl-hello-chk`: any TLS record type 0x15/0x16 in reply passes at layer 6. */
export function sslHelloCheck(clock: () => number = Date.now): Ruleset {
  return {
    kind: 'protocol',
    name: 'ssl-hello-check',
    rules: [
      implicitConnect(),
      { type: 'send', data: () => sslHelloBytes(Math.floor(clock() / 1000)) },
      expect({ kind: 'rbinary', re: /^1[56]/ }, { minRecv: 5, okStatus: 'L6OK', errorStatus: 'L6RSP', toutStatus: 'L6TOUT' }),
    ],
  };
}

/** The agent check: connect to agent-addr/agent-port, send agent-send, read one line. */
export function agentCheck(send?: string): Ruleset {
  const rules: Rule[] = [{ type: 'connect', implicit: true }];
  if (send !== undefined && send !== '') rules.push({ type: 'send', data: Buffer.from(send, 'latin1') });
  rules.push(expect({ kind: 'custom', fn: 'agent' }));
  return { kind: 'protocol', name: 'agent-check', rules };
}
