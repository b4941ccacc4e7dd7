/**
 * The CLI payload syntax: a line ending with "<<" opens a payload, the next lines up to an empty
 * line belong to it; "<<" must be a word of its own at the end of the command.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestAssembler, splitPayloadCommand } from '../../../src/cli-api/parse.js';
import { answerLine } from '../../../src/cli-api/session.js';
import { COMMANDS } from '../../../src/cli-api/commands.js';
import type { Command, CliContext } from '../../../src/cli-api/types.js';
import { exchange, startWithApi, type Harness } from './helpers.js';
import { freePorts } from '../../e2e/harness.js';

describe('payload requests', () => {
  it('passes lines through until one ends with <<, then gathers up to the empty line', () => {
    const r = new RequestAssembler();
    expect(r.push('show info')).toEqual({ line: 'show info' });
    expect(r.inPayload).toBe(false);
    expect(r.push('set ssl cert a.pem <<')).toBeUndefined();
    expect(r.inPayload).toBe(true);
    expect(r.push('-----BEGIN CERTIFICATE-----')).toBeUndefined();
    expect(r.push('MIIB')).toBeUndefined();
    expect(r.size).toBe('set ssl cert a.pem <<\n-----BEGIN CERTIFICATE-----\nMIIB\n'.length);
    expect(r.push('')).toEqual({ line: 'set ssl cert a.pem <<', payload: '-----BEGIN CERTIFICATE-----\nMIIB' });
    expect(r.inPayload).toBe(false);
    expect(r.size).toBe(0);
    // An empty payload is a payload too.
    expect(r.push('x <<')).toBeUndefined();
    expect(r.push('')).toEqual({ line: 'x <<', payload: '' });
    // A line ending with "<< " (trailing space) is not a payload line.
    expect(r.push('x << ')).toEqual({ line: 'x << ' });
  });

  it('recognizes << only as a last word of its own', () => {
    expect(splitPayloadCommand('set ssl cert a.pem <<')).toEqual({ words: ['set', 'ssl', 'cert', 'a.pem'], payload: true });
    expect(splitPayloadCommand(' set\tssl cert a.pem\t<<')).toEqual({ words: ['set', 'ssl', 'cert', 'a.pem'], payload: true });
    expect(splitPayloadCommand('set ssl cert a.pem<<')).toEqual({ words: ['set', 'ssl', 'cert', 'a.pem<<'], payload: false });
    expect(splitPayloadCommand('set ssl cert a.pem \\<<')).toEqual({ words: ['set', 'ssl', 'cert', 'a.pem', '<<'], payload: false });
    expect(splitPayloadCommand('set ssl cert a\\ <<')).toEqual({ words: ['set', 'ssl', 'cert', 'a <<'], payload: false });
    expect(splitPayloadCommand('a << b')).toEqual({ words: ['a', '<<', 'b'], payload: false });
    expect(splitPayloadCommand('<<')).toEqual({ words: [], payload: true });
  });

  it('gives the payload to the last command of the line only', async () => {
    const seen: [string[], string | undefined][] = [];
    const echo: Command = { words: ['echo'], level: 'user', run: (args, _ctx, payload) => (seen.push([args, payload]), `${payload ?? '-'}\n`) };
    const ctx = { rt: undefined, state: { level: 'admin', prompt: false, quit: false, timeoutMs: 1000 }, commands: [echo] } as unknown as CliContext;
    expect(await answerLine('echo a <<;echo b <<', ctx, 'P1\nP2')).toBe('-\n\nP1\nP2\n\n');
    expect(seen).toEqual([[['echo', 'a', '<<'], undefined], [['echo', 'b'], 'P1\nP2']]);
  });
});

describe('payloads on a Runtime API socket', () => {
  let h: Harness;
  let api = 0;

  beforeAll(async () => {
    [api] = await freePorts(1);
    h = await startWithApi(`global\n  stats socket ipv4@127.0.0.1:${api} level admin\n`);
  });
  afterAll(async () => h?.stop());

  it('reads the payload lines before answering, then goes on with the next line', async () => {
    const out = await exchange(api, 'set ssl cert /nowhere.pem <<\nline 1\nline 2\n\nshow ssl cert\n');
    expect(out).toBe("Can't replace a certificate which is not referenced by the configuration!\nCan't update /nowhere.pem!\n\n# filename\n\n");
  });

  it('prompts "+ " for payload lines in interactive mode', async () => {
    const out = await exchange(api, 'prompt\nset ssl cert /nowhere.pem <<\na\nb\n\nquit\n');
    expect(out).toBe("\n> + + + Can't replace a certificate which is not referenced by the configuration!\nCan't update /nowhere.pem!\n\n> ");
  });

  it('keeps a non-interactive connection open while the payload is incomplete', async () => {
    const { connect } = await import('node:net');
    const out = await new Promise<string>((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port: api });
      let text = '';
      const timer = setTimeout(() => (s.destroy(), reject(new Error(`no close; got ${JSON.stringify(text)}`))), 3000);
      s.on('data', (d) => (text += d.toString()));
      s.on('close', () => (clearTimeout(timer), resolve(text)));
      s.write('show ssl cert\nset ssl cert /nowhere.pem <<\nfirst\n');
      setTimeout(() => s.write('second\n\n'), 200);
    });
    expect(out).toBe("# filename\n\nCan't replace a certificate which is not referenced by the configuration!\nCan't update /nowhere.pem!\n\n");
  });

  it('closes the connection on a payload larger than the request buffer', async () => {
    const line = 'A'.repeat(70);
    const big = `set ssl cert /nowhere.pem <<\n${`${line}\n`.repeat(300)}\n`;
    expect(await exchange(api, big)).toBe('');
  });

  it('lists the ssl cert commands in help with HAProxy\'s lines', () => {
    const usage = COMMANDS.filter((c) => c.words.includes('ssl')).map((c) => c.usage);
    expect(usage).toEqual(['show ssl cert [<certfile>]', 'set ssl cert <certfile> <payload>', 'commit ssl cert <certfile>', 'abort ssl cert <certfile>']);
  });
});
