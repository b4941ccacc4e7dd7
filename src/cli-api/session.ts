/**
 * One Runtime API connection: reads request lines, runs each `;`-separated command in order and
 * writes its answer followed by an empty line, or by the `> ` prompt in interactive mode. Without
 * `prompt`, the connection closes once the lines received so far are answered; `quit` closes it
 * at once; an idle connection closes after the stats timeout.
 */
import type { Socket } from 'node:net';
import type { Runtime } from '../runtime/runtime.js';
import { COMMANDS } from './commands.js';
import { RequestAssembler, splitCommands, splitPayloadCommand, splitWords } from './parse.js';
import { cliConnections } from './show-sess.js';
import { runCommand } from './table.js';
import type { CliContext, Command, Level } from './types.js';

/** A request line longer than this (HAProxy's buffer size) closes the connection. */
export const MAX_LINE = 16384;

export interface CliSessionOptions {
  level: Level;
  timeoutMs: number;
  commands?: readonly Command[];
}

/** Answers one complete request line (without its newline); a payload goes to its last command. */
export async function answerLine(line: string, ctx: CliContext, payload?: string): Promise<string> {
  let out = '';
  const commands = splitCommands(line);
  for (const [i, cmd] of commands.entries()) {
    if (ctx.state.quit) break;
    let text: string;
    try {
      const last = i === commands.length - 1 ? splitPayloadCommand(cmd) : undefined;
      text = last?.payload ? await runCommand(last.words, ctx, payload ?? '') : await runCommand(splitWords(cmd), ctx);
    } catch (e) {
      text = `Internal error: ${e instanceof Error ? e.message : String(e)}\n`;
    }
    if (ctx.state.quit) break;
    out += text + (ctx.state.prompt ? '\n> ' : '\n');
  }
  return out;
}

export function handleCliConnection(rt: Runtime, socket: Socket, o: CliSessionOptions): void {
  const ctx: CliContext = {
    rt,
    state: { level: o.level, prompt: false, quit: false, timeoutMs: o.timeoutMs },
    commands: o.commands ?? COMMANDS,
  };
  cliConnections.add(socket);
  socket.on('close', () => cliConnections.delete(socket));
  socket.on('error', () => socket.destroy());
  socket.setTimeout(o.timeoutMs, () => socket.destroy());
  let buf = '';
  const requests = new RequestAssembler();
  let busy = false;
  let ended = false;

  const pump = async (): Promise<void> => {
    if (busy) return;
    busy = true;
    let answered = false;
    for (let nl = buf.indexOf('\n'); nl >= 0 && !socket.destroyed; nl = buf.indexOf('\n')) {
      let line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line.endsWith('\r')) line = line.slice(0, -1);
      const request = requests.push(line);
      if (!request) {
        // A payload in progress: bounded like a request line; "+ " prompts for its next line.
        if (requests.size > MAX_LINE) socket.destroy();
        else if (ctx.state.prompt) socket.write('+ ');
        continue;
      }
      const out = await answerLine(request.line, ctx, request.payload);
      if (!socket.destroyed && out) socket.write(out);
      answered = true;
      socket.setTimeout(ctx.state.timeoutMs);
      if (ctx.state.quit) break;
    }
    busy = false;
    if (socket.destroyed) return;
    if (ctx.state.quit || (answered && !ctx.state.prompt && !requests.inPayload) || ended) socket.end();
  };

  socket.on('data', (chunk: Buffer) => {
    buf += chunk.toString('utf8');
    if (buf.length > MAX_LINE && buf.indexOf('\n') < 0) {
      socket.destroy();
      return;
    }
    void pump();
  });
  socket.on('end', () => {
    ended = true;
    void pump();
  });
}
