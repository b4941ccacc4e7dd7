/** The Runtime API's command table entries and the state a command sees. */
import type { Runtime } from '../runtime/runtime.js';

export type Level = 'user' | 'operator' | 'admin';

export const LEVEL_RANK: Readonly<Record<Level, number>> = { user: 0, operator: 1, admin: 2 };

export function levelAtLeast(have: Level, need: Level): boolean {
  return LEVEL_RANK[have] >= LEVEL_RANK[need];
}

/** One CLI connection's state, changed by `prompt`, `quit`, `user`, `operator`, `set timeout cli`. */
export interface CliState {
  level: Level;
  prompt: boolean;
  quit: boolean;
  /** Idle timeout of this connection, ms. */
  timeoutMs: number;
}

export interface CliContext {
  rt: Runtime;
  state: CliState;
  /** The command table, for `help`. */
  commands: readonly Command[];
}

/**
 * A Runtime API command. `run` gets every word of the command line (`args[0]` is the first
 * keyword) and returns the text to print, with the final newline HAProxy writes (or not);
 * the session adds the empty line (or the prompt) that ends each answer.
 */
export interface Command {
  words: readonly string[];
  /** Lowest level allowed to run it. */
  level: Level;
  /** Left part of the help line ("show stat [desc|json|no-maint|typed|up]*"); no usage = not listed. */
  usage?: string;
  /** Right part of the help line. */
  desc?: string;
  /** help/prompt/quit: always listed last, in this order, not sorted with the others. */
  trailer?: boolean;
  /** `payload`: the lines after a command ending in `<<` (see parse.ts), for the commands that take one. */
  run(args: string[], ctx: CliContext, payload?: string): string | Promise<string>;
}

export const PERMISSION_DENIED = 'Permission denied\n';
