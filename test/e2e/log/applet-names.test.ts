/**
 * What the log says of requests no server answers, against Debian's haproxy 2.6: the stats page
 * is served by an applet that HAProxy names in the server field (`fe/<STATS>`) and whose
 * "connection" takes no time (0/0/0/0/0); an `http-request return` has no server (`<NOSRV>`,
 * timers -1); a request that cannot be parsed shows `<BADREQ>` in each of its parts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasHaproxy, type Proc } from '../harness.js';
import { logBothSides, stderrLogPreamble } from './stderr-logs.js';

const HAVE = hasHaproxy();

function config(port: number): string {
  return `${stderrLogPreamble('%b/%s %TR/%Tw/%Tc/%Tr %ST %{+Q}r HM=%HM HU=%HU HP=%HP HQ=%HQ HV=%HV')}
frontend fe
    bind 127.0.0.1:${port}
    stats enable
    stats uri /stats
    http-request return status 200 content-type text/plain string ok if { path /ret }
`;
}

const EXCHANGES = [
  'GET /stats HTTP/1.1\r\nhost: a\r\n\r\n',
  'GET /stats;csv HTTP/1.1\r\nhost: a\r\n\r\n',
  'GET /ret?x=1 HTTP/1.1\r\nhost: a\r\n\r\n',
  'GET / HTTP/1.1\r\nhost: a\r\nbad header: x\r\n\r\n',
];

describe.skipIf(!HAVE)('log fields of applets and unparsable requests, against haproxy 2.6', () => {
  let lines = new Map<string, string[]>();
  let procs: Proc[] = [];

  beforeAll(async () => {
    ({ lines, procs } = await logBothSides(config, EXCHANGES, (l) => l.includes(' HM=')));
  }, 30_000);

  afterAll(async () => {
    for (const p of procs) await p.stop();
  });

  it('names the stats applet, leaves the rest without a server, and marks the bad request', () => {
    const p = lines.get('portico')!;
    expect(p).toEqual([
      'fe/<STATS> 0/0/0/0 200 "GET /stats HTTP/1.1" HM=GET HU=/stats HP=/stats HQ= HV=HTTP/1.1',
      'fe/<STATS> 0/0/0/0 200 "GET /stats;csv HTTP/1.1" HM=GET HU=/stats;csv HP=/stats;csv HQ= HV=HTTP/1.1',
      'fe/<NOSRV> 0/-1/-1/-1 200 "GET /ret?x=1 HTTP/1.1" HM=GET HU=/ret?x=1 HP=/ret HQ=?x=1 HV=HTTP/1.1',
      'fe/<NOSRV> -1/-1/-1/-1 400 "<BADREQ>" HM=<BADREQ> HU=<BADREQ> HP=<BADREQ> HQ=<BADREQ> HV=<BADREQ>',
    ]);
  });

  it('says the same as haproxy', () => {
    expect(lines.get('portico')).toEqual(lines.get('haproxy'));
  });
});
