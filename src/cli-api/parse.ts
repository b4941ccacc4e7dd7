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

/** Splits one command into words, removing escaping backslashes. */
export function splitWords(command: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < command.length; i++) {
    const ch = command[i]!;
    if (ch === '\\' && i + 1 < command.length) {
      cur += command[i + 1];
      inWord = true;
      i++;
    } else if (ch === ' ' || ch === '\t') {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words.slice(0, MAX_ARGS);
}
