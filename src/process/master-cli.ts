/**
 * The master CLI (`-S <socket>[,options]`), HAProxy's section 9.4: `show proc`, `reload`,
 * `show version`, `help`, `prompt`, `quit`, and routing of any other command to a worker with a
 * prefix: `@<n>` (the n-th current worker), `@!<pid>`, `@master`. A routed command runs on the
 * worker's Runtime API (src/cli-api) through the IPC channel, with its payload when the line ends
 * in `<<` (`@1 set ssl cert <file> <<`, then the PEM, then an empty line).
 */
import { createServer, type Server, type Socket } from 'node:net';
import { chmodSync, statSync, unlinkSync } from 'node:fs';
import type { Master } from './master.js';
import { uptime } from './messages.js';
import { VERSION } from '../version.js';
import { RequestAssembler } from '../cli-api/parse.js';

/** A request (command line and payload) larger than this closes the connection. */
const MAX_REQUEST = 1 << 20;

const HELP: [string, string][] = [
  ['@!<pid>', 'send a command to the <pid> process'],
  ['@<relative pid>', 'send a command to the <relative pid> process'],
  ['@master', 'send a command to the master process'],
  ['operator', 'lower the level of the current CLI session to operator'],
  ['reload', 'reload haproxy'],
  ['show cli level', 'display the level of the current CLI session'],
  ['show proc', 'show processes status'],
  ['show version', 'show version of the current process'],
  ['user', 'lower the level of the current CLI session to user'],
  ['help [<command>]', 'list matching or all commands'],
  ['prompt', 'toggle interactive mode with prompt'],
  ['quit', 'disconnect'],
];

const helpLines = (rows: [string, string][]) => rows.map(([u, d]) => `  ${u.padEnd(40)}: ${d}\n`).join('');

/** `show proc`, in HAProxy's columns. */
export function showProc(master: Master): string {
  const col = (s: string | number) => String(s).padEnd(15);
  let out = `#${'<PID>'.padEnd(14)} ${col('<type>')} ${col('<reloads>')} ${col('<uptime>')} ${col('<version>')}\n`;
  const now = Date.now();
  out += `${col(process.pid)} ${col('master')} ${col(`${master.reloads} [failed: ${master.failedReloads}]`)} ${col(uptime(now - master.startedAt))} ${col(VERSION)}\n`;
  const workers = master.list;
  out += '# workers\n';
  for (const w of workers.filter((x) => x.state === 'current')) {
    out += `${col(w.pid)} ${col('worker')} ${col(w.reloads)} ${col(uptime(now - w.startedAt))} ${col(VERSION)}\n`;
  }
  const old = workers.filter((x) => x.state === 'leaving');
  if (old.length) {
    out += '# old workers\n';
    for (const w of old) out += `${col(w.pid)} ${col('worker')} ${col(w.reloads)} ${col(uptime(now - w.startedAt))} ${col(VERSION)}\n`;
  }
  out += '# programs\n';
  return out;
}

interface Session {
  prompt: boolean;
  level: 'admin' | 'operator' | 'user';
}

/**
 * Answers one command (without `;`), or undefined to close the connection (`quit`, `reload`).
 * `payload` is set for the command that ends with `<<` (the lines after it, see cli-api/parse.ts):
 * it goes to the worker with the command (`@1 set ssl cert <file> <<`).
 */
export async function masterCommand(master: Master, cmd: string, s: Session, payload?: string): Promise<string | undefined> {
  const words = cmd.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '';
  const first = words[0]!;
  if (first.startsWith('@')) {
    const rest = words.slice(1).join(' ');
    if (first === '@master') return rest ? masterCommand(master, rest, s, payload) : '';
    const current = master.list.filter((w) => w.state === 'current').sort((a, b) => a.relPid - b.relPid);
    const m = /^@(!)?(\d+)$/.exec(first);
    const target = m ? (m[1] ? master.list.find((w) => w.pid === Number(m[2])) : current[Number(m[2]) - 1]) : undefined;
    if (!target) return `Can't find the target PID matching the prefix '${first}'\n`;
    if (!rest) return '';
    const text = await master.ask(target.pid, rest, payload);
    // The worker's answer ends with the empty line of its session; the master adds its own.
    return text.endsWith('\n\n') ? text.slice(0, -1) : text;
  }
  const line = words.join(' ');
  switch (line) {
    case 'show proc':
      return showProc(master);
    case 'show version':
      return `${VERSION}\n`;
    case 'show cli level':
      return `${s.level}\n`;
    case 'operator':
    case 'user':
      s.level = first as Session['level'];
      return '';
    case 'reload':
      master.reload();
      return undefined;
    case 'prompt':
      s.prompt = !s.prompt;
      return '';
    case 'quit':
      return undefined;
    case 'help':
      return `The following commands are valid at this level:\n${helpLines(HELP)}`;
    default:
      return `Unknown command, but maybe one of the following ones is a better match:\n${helpLines(HELP.filter(([u]) => !u.startsWith('show ') && u !== '@<relative pid>'))}`;
  }
}

function handle(master: Master, socket: Socket): void {
  const s: Session = { prompt: false, level: 'admin' };
  let buf = '';
  let busy = false;
  // A line ending in `<<` opens a payload that ends at an empty line, as on the stats socket.
  const requests = new RequestAssembler();
  socket.setEncoding('utf8');
  socket.on('error', () => socket.destroy());
  socket.setTimeout(60_000, () => socket.destroy());
  const pump = async () => {
    if (busy) return;
    busy = true;
    for (let nl = buf.indexOf('\n'); nl >= 0 && !socket.destroyed; nl = buf.indexOf('\n')) {
      const line = buf.slice(0, nl).replace(/\r$/, '');
      buf = buf.slice(nl + 1);
      if (requests.size + line.length > MAX_REQUEST) {
        socket.end('Payload too large: the request exceeds 1 MB.\n');
        break;
      }
      const request = requests.push(line);
      if (!request) {
        // HAProxy prompts "+ " for each payload line in interactive mode.
        if (s.prompt) socket.write('+ ');
        continue;
      }
      let out = '';
      let close = false;
      const commands = request.line.split(';');
      for (const [i, cmd] of commands.entries()) {
        const last = i === commands.length - 1 && request.payload !== undefined;
        // The worker's session reads the `<<` itself: the command goes with it, the payload beside it.
        const r = await masterCommand(master, cmd, s, last ? request.payload : undefined);
        if (r === undefined) {
          close = true;
          break;
        }
        out += r + (s.prompt ? '' : '\n');
      }
      if (s.prompt && !close) out += '\nmaster> ';
      if (out) socket.write(out);
      if (close || !s.prompt) {
        socket.end();
        break;
      }
    }
    busy = false;
  };
  socket.on('data', (d: string) => {
    buf += d;
    void pump();
  });
  // A client that sent its line and closed its side still gets the answer, then the close.
  socket.on('end', () => {
    if (!busy && buf.indexOf('\n') < 0) socket.end();
  });
}

/** Parses `-S` values: "/path", "unix@/path", "ipv4@host:port", "host:port", with ",mode,600"-style options. */
export function parseMasterCliSpec(spec: string): { path: string; mode?: number } | { host: string; port: number } | { error: string } {
  const [addr = '', ...opts] = spec.split(',');
  let mode: number | undefined;
  for (let i = 0; i < opts.length; i++) if (opts[i] === 'mode' && opts[i + 1]) mode = parseInt(opts[++i]!, 8);
  const a = addr.replace(/^(unix|ipv4|ipv6)@/, '');
  const m = /^\[?([^\]]*)\]?:(\d+)$/.exec(a);
  if (m && !a.startsWith('/')) return { host: m[1] || '0.0.0.0', port: Number(m[2]) };
  if (!a) return { error: `invalid master CLI address '${spec}'` };
  return mode === undefined ? { path: a } : { path: a, mode };
}

/** Opens every `-S` socket; resolves with a close function or an error text. */
export async function startMasterCli(master: Master, specs: string[]): Promise<{ close: () => void } | { error: string }> {
  const servers: Server[] = [];
  const close = () => {
    for (const srv of servers) srv.close();
  };
  for (const spec of specs) {
    const p = parseMasterCliSpec(spec);
    if ('error' in p) {
      close();
      return p;
    }
    const srv = createServer({ allowHalfOpen: true }, (sock) => handle(master, sock));
    try {
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        if ('path' in p) {
          try {
            if (statSync(p.path).isSocket()) unlinkSync(p.path);
          } catch {
            /* absent */
          }
          srv.listen(p.path, () => resolve());
        } else srv.listen(p.port, p.host, () => resolve());
      });
      if ('path' in p && p.mode !== undefined) chmodSync(p.path, p.mode);
    } catch (e) {
      close();
      return { error: `Cannot create master CLI socket '${spec}': ${(e as Error).message}` };
    }
    servers.push(srv);
  }
  return { close };
}
