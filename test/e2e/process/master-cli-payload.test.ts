/**
 * Payloads through the master CLI (`@1 set ssl cert <file> <<`, the PEM, an empty line), side by
 * side with Debian's haproxy 2.6 in master-worker mode with the same configuration and the same
 * PEM files: the answers to set / show / commit / abort routed to the worker are the same text,
 * and in prompt mode both print one "+ " per payload line. (portico alone when haproxy is absent.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { DEFAULTS, freePorts, hasHaproxy, startPortico, type Proc } from '../harness.js';
import { masterRaw, porticoCmd, waitForLine } from './proc.js';
import { TestPki, type CertFiles } from '../tls/certs.js';


const setCert = (file: string, pem: string) => `@1 set ssl cert ${file} <<\n${pem.split('\n').filter(Boolean).join('\n')}\n\n`;

let pki: TestPki;
let a: CertFiles, b: CertFiles;

interface Target {
  name: string;
  proc: Proc;
  sock: string;
}
const targets: Target[] = [];

async function start(name: 'portico' | 'haproxy'): Promise<Target> {
  const [port] = await freePorts(1);
  const sock = join(tmpdir(), `${name}-mcli-payload-${process.pid}-${port}.sock`);
  const cfg = `${DEFAULTS}
frontend fe
    bind 127.0.0.1:${port} ssl crt ${a.pem}
    http-request return status 200
`;
  const cmd = name === 'portico' ? porticoCmd('-W', '-db', '-S', sock) : { bin: 'haproxy', args: ['-W', '-db', '-S', sock] };
  const proc = await startPortico(cfg, [port!], [], cmd);
  if (name === 'portico') await waitForLine(proc.stderr, /Loading success\./, 20_000);
  return { name, proc, sock };
}

beforeAll(async () => {
  pki = new TestPki('portico-mcli-payload-');
  a = pki.cert('a', '/CN=a.test', { san: 'DNS:a.test' });
  b = pki.cert('b', '/CN=b.test', { san: 'DNS:b.test' });
  targets.push(await start('portico'));
  if (hasHaproxy()) targets.push(await start('haproxy'));
}, 60_000);

afterAll(async () => {
  for (const t of targets) await t.proc.stop();
});

/** Runs the same exchange on every target; returns the answers by target name. */
async function each(text: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const t of targets) out[t.name] = await masterRaw(t.sock, text);
  return out;
}

describe('master CLI payloads', () => {
  it('set, show, commit through @1 answer as haproxy does', async () => {
    const steps = [setCert(a.pem, pki.read(b.pem)), '@1 show ssl cert\n', `@1 commit ssl cert ${a.pem}\n`, '@1 show ssl cert\n'];
    const expected = [`Transaction created for certificate ${a.pem}!\n\n`, `# transaction\n*${a.pem}\n# filename\n${a.pem}\n\n`, `Committing ${a.pem}.\nSuccess!\n\n`, `# filename\n${a.pem}\n\n`];
    for (const [i, step] of steps.entries()) {
      const got = await each(step);
      for (const t of targets) expect(got[t.name], `${t.name}, step ${i + 1}`).toBe(expected[i]);
    }
    const details = await each(`@1 show ssl cert ${a.pem}\n`);
    for (const t of targets) expect(details[t.name], t.name).toMatch(/^Subject: \/CN=b\.test$/m);
  });

  it('prompt mode: one "+ " per payload line, then the answer', async () => {
    const pemLines = pki.read(a.pem).split('\n').filter(Boolean).length;
    const got = await each(`prompt\n${setCert(a.pem, pki.read(a.pem))}@1 abort ssl cert ${a.pem}\nquit\n`);
    for (const t of targets) {
      const out = got[t.name]!;
      expect(out.match(/\+ /g), `${t.name}:\n${out}`).toHaveLength(pemLines + 1);
      expect(out, t.name).toContain(`+ Transaction created for certificate ${a.pem}!\n\nmaster> Transaction aborted for certificate '${a.pem}'!\n\nmaster> `);
    }
  });

  it('a payload for a command the worker does not know gets its answer once the payload ends', async () => {
    const got = await each('@1 frobnicate <<\nline one\nline two\n\n');
    for (const t of targets) expect(got[t.name], t.name).toMatch(/^Unknown command/);
  });
});
