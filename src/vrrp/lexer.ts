/**
 * keepalived.conf lexer: turns text into a tree of statements, each word carrying its file and line.
 *
 * keepalived's syntax is line-oriented: a statement is the words of one line, `{` opens a block that
 * belongs to the statement before it (on the same line or the previous one), `}` closes it, `!` and
 * `#` start comments, double quotes group words, and `include GLOB` splices other files in place.
 * Like the HAProxy lexer it never throws: problems become diagnostics and lexing goes on.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import picomatch from 'picomatch';
import type { Diagnostics } from '../core/diag.js';

export interface Word {
  text: string;
  file: string;
  line: number;
  /** True when the word was written in quotes (so `"{"` is text, not a brace). */
  quoted: boolean;
}

export interface Statement {
  words: Word[];
  file: string;
  line: number;
  /** The contents of the `{ ... }` block that follows the statement, if any. */
  block?: Statement[];
}

const MAX_INCLUDE_DEPTH = 16;

/** Splits one line into words; `unterminated` tells that a quote was left open (the rest of the line is one word). */
export function splitLine(text: string, file: string, line: number): { words: Word[]; unterminated: boolean } {
  const words: Word[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '#' || c === '!') break;
    if (c === '{' || c === '}') {
      words.push({ text: c, file, line, quoted: false });
      i++;
      continue;
    }
    if (c === '"') {
      const end = text.indexOf('"', i + 1);
      if (end === -1) {
        words.push({ text: text.slice(i + 1), file, line, quoted: true });
        return { words, unterminated: true };
      }
      words.push({ text: text.slice(i + 1, end), file, line, quoted: true });
      i = end + 1;
      continue;
    }
    let j = i;
    while (j < text.length && !' \t\r{}"'.includes(text[j]!)) j++;
    words.push({ text: text.slice(i, j), file, line, quoted: false });
    i = j;
  }
  return { words, unterminated: false };
}

const GLOB_CHARS = /[*?[\]{}]/;

/** Expands an include pattern one path segment at a time, matching glob segments with picomatch. */
export function expandInclude(pattern: string, baseDir: string): string[] {
  const abs = isAbsolute(pattern) ? pattern : resolve(baseDir, pattern);
  if (!GLOB_CHARS.test(abs)) return [abs];
  const segments = abs.split('/').filter((s) => s !== '');
  let paths = ['/'];
  for (const seg of segments) {
    const next: string[] = [];
    if (!GLOB_CHARS.test(seg)) {
      for (const p of paths) next.push(join(p, seg));
    } else {
      const isMatch = picomatch(seg, { dot: false });
      for (const p of paths) {
        let names: string[];
        try {
          names = readdirSync(p);
        } catch {
          continue;
        }
        for (const name of names.sort()) if (isMatch(name)) next.push(join(p, name));
      }
    }
    paths = next;
  }
  return paths.filter((p) => {
    try {
      return statSync(p).isFile();
    } catch {
      return false;
    }
  });
}

/** Reads a file (following includes) into a flat list of word lines. */
function readFile(file: string, diag: Diagnostics, depth: number, out: Word[][], where?: { file: string; line: number }): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    diag.alert(`cannot open configuration file '${file}': ${(e as NodeJS.ErrnoException).code ?? String(e)}`, where);
    return;
  }
  readText(text, file, diag, depth, out);
}

function readText(text: string, file: string, diag: Diagnostics, depth: number, out: Word[][]): void {
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const at = { file, line: n + 1 };
    const { words, unterminated } = splitLine(lines[n]!, file, n + 1);
    if (unterminated) diag.alert('unterminated quote', at);
    if (words.length === 0) continue;
    if (words[0]!.text !== 'include' || words[0]!.quoted) {
      out.push(words);
      continue;
    }
    if (words.length !== 2) {
      diag.alert(`'include' expects exactly one file name or pattern`, at);
      continue;
    }
    if (depth >= MAX_INCLUDE_DEPTH) {
      diag.alert(`includes nested more than ${MAX_INCLUDE_DEPTH} deep (a loop?)`, at);
      continue;
    }
    const pattern = words[1]!.text;
    const files = expandInclude(pattern, dirname(resolve(file)));
    if (files.length === 0) diag.warning(`include '${pattern}' matches no file`, at);
    for (const f of files) readFile(f, diag, depth + 1, out, at);
  }
}

/** Builds the statement tree from lines of words. */
export function buildTree(lines: Word[][], diag: Diagnostics): Statement[] {
  const root: Statement[] = [];
  const stack: { list: Statement[]; owner?: Statement }[] = [{ list: root }];
  for (const words of lines) {
    let current: Word[] = [];
    const flush = (): void => {
      if (current.length === 0) return;
      const top = stack[stack.length - 1]!;
      top.list.push({ words: current, file: current[0]!.file, line: current[0]!.line });
      current = [];
    };
    for (const w of words) {
      if (!w.quoted && w.text === '{') {
        flush();
        const top = stack[stack.length - 1]!;
        const owner = top.list[top.list.length - 1];
        if (!owner || owner.block) {
          diag.alert(`'{' without a keyword before it`, w);
          // Still open a block so that the matching '}' balances.
          const orphan: Statement = { words: [], file: w.file, line: w.line, block: [] };
          stack.push({ list: orphan.block!, owner: orphan });
          continue;
        }
        owner.block = [];
        stack.push({ list: owner.block, owner });
      } else if (!w.quoted && w.text === '}') {
        flush();
        if (stack.length === 1) diag.alert(`'}' without a matching '{'`, w);
        else stack.pop();
      } else {
        current.push(w);
      }
    }
    flush();
  }
  for (let i = stack.length - 1; i >= 1; i--) {
    const owner = stack[i]!.owner!;
    const name = owner.words[0]?.text ?? '{';
    diag.alert(`block '${name}' opened here is never closed`, { file: owner.file, line: owner.line });
  }
  return root;
}

/** Lexes a keepalived configuration file and its includes into a statement tree. */
export function lexFile(file: string, diag: Diagnostics): Statement[] {
  const lines: Word[][] = [];
  readFile(file, diag, 0, lines);
  return buildTree(lines, diag);
}

/** Lexes text held in memory (tests, stdin); includes resolve relative to the directory of `file`. */
export function lexText(text: string, file: string, diag: Diagnostics): Statement[] {
  const lines: Word[][] = [];
  readText(text, file, diag, 0, lines);
  return buildTree(lines, diag);
}
