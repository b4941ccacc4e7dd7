/** Commands about the CLI session itself: help, prompt, quit, user, operator, set timeout cli. */
import { parseTime } from '../core/time.js';
import { usageMessage } from './table.js';
import { PERMISSION_DENIED, levelAtLeast, type Command } from './types.js';

export const CLI_COMMANDS: readonly Command[] = [
  {
    words: ['help'], level: 'user', usage: 'help [<command>]', desc: 'list matching or all commands', trailer: true,
    run: (args, ctx) => usageMessage(ctx.commands, args.slice(1), true),
  },
  {
    words: ['prompt'], level: 'user', usage: 'prompt', desc: 'toggle interactive mode with prompt', trailer: true,
    run: (_args, ctx) => {
      ctx.state.prompt = !ctx.state.prompt;
      return '';
    },
  },
  {
    words: ['quit'], level: 'user', usage: 'quit', desc: 'disconnect', trailer: true,
    run: (_args, ctx) => {
      ctx.state.quit = true;
      return '';
    },
  },
  {
    words: ['user'], level: 'user', usage: 'user', desc: 'lower the level of the current CLI session to user',
    run: (_args, ctx) => {
      ctx.state.level = 'user';
      return '';
    },
  },
  {
    words: ['operator'], level: 'operator', usage: 'operator', desc: 'lower the level of the current CLI session to operator',
    run: (_args, ctx) => {
      if (!levelAtLeast(ctx.state.level, 'operator')) return PERMISSION_DENIED;
      ctx.state.level = 'operator';
      return '';
    },
  },
  {
    words: ['set', 'timeout'], level: 'user', usage: 'set timeout [cli] <delay>', desc: 'change a timeout setting',
    run: (args, ctx) => {
      if (args[2] !== 'cli') return "'set timeout' only supports 'cli'.\n";
      if (!args[3]) return 'Expects an integer value.\n';
      // A plain number is in seconds here; units are accepted too.
      const t = /^\d+$/.test(args[3]) ? Number(args[3]) * 1000 : parseTime(args[3]);
      if (typeof t !== 'number') return 'Invalid timeout value.\n';
      ctx.state.timeoutMs = t;
      return '';
    },
  },
];
