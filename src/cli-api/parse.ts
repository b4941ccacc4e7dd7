/**
 * Splits Runtime API input the way HAProxy's CLI does: one request per line, several commands
 * separated by `;`, words separated by spaces or tabs, a backslash escaping the next character
 * (so `\;` and `\ ` stay inside a word).
 */

/** Splits one line into commands at each `;` that is not escaped. */
export function splitCommands(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === '\\' && i + 1 < line.length) {
      cur += ch + line[i + 1];
      i++;
    } else if (ch === ';') {
      out.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  out.push(cur);
  return out;
}

/** HAProxy keeps at most this many words per command. */
export const MAX_ARGS = 64;

/** One word of a command: its text, and how it was written (with its escaping backslashes). */
interface RawWord {
  word: string;
  raw: string;
}

function wordsOf(command: string): RawWord[] {
  const words: RawWord[] = [];
  let cur = '';
  let raw = '';
  let inWord = false;
  for (let i = 0; i < command.length; i++) {
    const ch = command[i]!;
    if (ch === '\\' && i + 1 < command.length) {
      cur += command[i + 1];
      raw += ch + command[i + 1];
      inWord = true;
      i++;
    } else if (ch === ' ' || ch === '\t') {
      if (inWord) words.push({ word: cur, raw });
      cur = '';
      raw = '';
      inWord = false;
    } else {
      cur += ch;
      raw += ch;
      inWord = true;
    }
  }
  if (inWord) words.push({ word: cur, raw });
  return words;
}

/** Splits one command into words, removing escaping backslashes. */
export function splitWords(command: string): string[] {
  return wordsOf(command)
    .map((w) => w.word)
    .slice(0, MAX_ARGS);
}

/**
 * A line ending with this pattern announces a payload: the lines after it, up to an empty line,
 * belong to the command (`set ssl cert <file> <<`).
 */
export const PAYLOAD_PATTERN = '<<';

/**
 * The words of a command that may end with the payload pattern: as in HAProxy, the pattern must be
 * a word of its own (not escaped, not glued to the previous word) at the very end of the command.
 */
export function splitPayloadCommand(command: string): { words: string[]; payload: boolean } {
  const words = wordsOf(command);
  const last = words.at(-1);
  const payload = last !== undefined && last.raw === PAYLOAD_PATTERN && command.endsWith(PAYLOAD_PATTERN);
  return { words: (payload ? words.slice(0, -1) : words).map((w) => w.word).slice(0, MAX_ARGS), payload };
}

/** A complete request: its command line and, when the line opened one, the payload (lines joined by "\n"). */
export interface CliRequest {
  line: string;
  payload?: string;
}

/**
 * Gathers request lines into requests: a line ending with "<<" opens a payload and the lines that
 * follow belong to it up to an empty line, which completes the request.
 */
export class RequestAssembler {
  private head: string | undefined;
  private lines: string[] = [];
  private chars = 0;

  /** Takes one line (without its newline); returns the request it completes, if any. */
  push(line: string): CliRequest | undefined {
    if (this.head === undefined) {
      if (!line.endsWith(PAYLOAD_PATTERN)) return { line };
      this.head = line;
      this.chars = line.length + 1;
      return undefined;
    }
    if (line !== '') {
      this.lines.push(line);
      this.chars += line.length + 1;
      return undefined;
    }
    const request = { line: this.head, payload: this.lines.join('\n') };
    this.head = undefined;
    this.lines = [];
    this.chars = 0;
    return request;
  }

  /** Whether a payload is being read (the interactive prompt is then "+ "). */
  get inPayload(): boolean {
    return this.head !== undefined;
  }

  /** Characters gathered for the request in progress (a bound for the session). */
  get size(): number {
    return this.chars;
  }
}
