/**
 * The command table at work: finding the command for a line, checking the level, and the
 * generated texts — `help`, and the list of close matches after an unknown command.
 */
import { closest } from './suggest.js';
import { PERMISSION_DENIED, levelAtLeast, type CliContext, type Command } from './types.js';

/** The command whose keywords start `args`, the longest one when several do. */
export function findCommand(commands: readonly Command[], args: readonly string[]): Command | undefined {
  let best: Command | undefined;
  for (const c of commands) {
    if (c.words.length > args.length) continue;
    if (!c.words.every((w, i) => args[i] === w)) continue;
    if (!best || c.words.length > best.words.length) best = c;
  }
  return best;
}

/** The help line of one command: usage padded to 40 columns, then its description. */
export function helpLine(c: Command): string {
  return `  ${(c.usage ?? '').padEnd(40)}: ${c.desc ?? ''}\n`;
}

const byWords = (a: Command, b: Command) => {
  const x = a.words.join(' ');
  const y = b.words.join(' ');
  return x < y ? -1 : x > y ? 1 : 0;
};

/**
 * The text after an unknown command (`isHelp` false) or for `help [words]` (`args` are the words
 * after `help`): the commands sharing the most leading keywords with `args`, narrowed to the
 * closest spellings of the next word when there is one; help, prompt and quit always close it.
 */
export function usageMessage(commands: readonly Command[], args: readonly string[], isHelp: boolean): string {
  const listed = commands.filter((c) => c.usage !== undefined && !c.trailer);
  let length = 0;
  for (const c of listed) {
    let i = 0;
    while (i < c.words.length && i < args.length && args[i] && c.words[i] === args[i]) i++;
    if (i > length) length = i;
  }
  let out: string;
  if (isHelp) out = 'The following commands are valid at this level:\n';
  else if (length === 0 && !args[0]) out = 'Unknown command. Please enter one of the following commands only:\n';
  else out = 'Unknown command, but maybe one of the following ones is a better match:\n';
  const prefixed = listed.filter((c) => c.words.length >= length && args.slice(0, length).every((w, i) => c.words[i] === w));
  let shown: Command[] = prefixed;
  if (args[length]) {
    // help, prompt and quit compete too (`help quit` matches quit alone), but are printed last.
    const candidates = commands.filter((c) => c.usage !== undefined && c.words.length >= length && args.slice(0, length).every((w, i) => c.words[i] === w));
    const matches = closest(args, length, candidates.map((c) => ({ item: c, words: c.words })));
    if (matches.length > 0) shown = matches.filter((c) => !c.trailer);
  }
  for (const c of [...shown].sort(byWords)) out += helpLine(c);
  for (const c of commands.filter((x) => x.trailer)) out += helpLine(c);
  return out;
}

/** Runs one command (already split into words) and returns its answer, without the closing empty line. */
export async function runCommand(args: string[], ctx: CliContext, payload?: string): Promise<string> {
  const cmd = args.length > 0 ? findCommand(ctx.commands, args) : undefined;
  if (!cmd) return usageMessage(ctx.commands, args, false);
  if (!levelAtLeast(ctx.state.level, cmd.level)) return PERMISSION_DENIED;
  return cmd.run(args, ctx, payload);
}
