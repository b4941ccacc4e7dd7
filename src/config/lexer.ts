/**
 * The configuration lexer: text → lines of words, the way HAProxy 2.6's readcfgfile() and
 * parse_line() read them (manual sections 2.2 to 2.4): quoting, escapes, environment
 * variables, `.if` blocks and the `.notice`/`.warning`/`.alert`/`.diag` directives.
 *
 * Behaviour checked against Debian's haproxy 2.6.12 that is easy to get wrong:
 * - variables expand only inside double quotes; `$X` unquoted and `\$` outside quotes stay as written;
 * - an unknown escape keeps its backslash (`\q` is `\q`); in single quotes nothing is special;
 * - a CR ends the line wherever it is (so CRLF works), vertical tab and form feed separate words;
 * - a trailing empty word is dropped, one in the middle is kept, a line whose first word is empty is skipped;
 * - every line is tokenised, even in a false `.if` block, so a bad quote there is still an error;
 * - errors in conditional blocks, `.alert` and unknown directives stop reading the file;
 * - a last line without LF is an error.
 * Never throws: everything goes to the Diagnostics.
 */
import type { Diagnostics } from '../core/diag.js';
import { evaluateCondition, type ConditionOptions } from './condition.js';

export interface ConfigLine {
  file: string;
  line: number;
  args: string[];
}

export interface LexOptions {
  env: Record<string, string | undefined>;
  diags: Diagnostics;
  features: string[];
  version: string;
  /** Value of `${.SECTION}` at the top of the file: HAProxy keeps the section open across files. */
  section?: string;
  /** Diagnostic mode (-dD): `.diag` messages are reported as warnings. */
  diag?: boolean;
}

/** Keywords that open a section in HAProxy 2.6 (crt-store only exists from 3.0). */
export const SECTION_KEYWORDS: ReadonlySet<string> = new Set([
  'global', 'defaults', 'frontend', 'backend', 'listen', 'userlist', 'peers', 'resolvers',
  'mailers', 'program', 'http-errors', 'ring', 'cache', 'fcgi-app', 'log-forward',
]);

/** HAProxy's MAX_LINE_ARGS. */
export const MAX_LINE_ARGS = 64;
const MAX_NESTED_CONDS = 100;
const MAX_FATAL = 50;

// ---------------------------------------------------------------------------
// One line → words (parse_line)

export type SplitErrorKind = 'quote' | 'brace' | 'varname' | 'hex' | 'expand' | 'toomany';

export interface SplitOptions {
  env: Record<string, string | undefined>;
  /** `#` starts a comment (true in files, false for -cc). */
  comments: boolean;
  pseudo?: { file: string; line: number; section: string };
}

export interface SplitResult {
  /** Words exactly as produced; a `\x00` escape leaves a NUL inside a word. */
  raw: string[];
  /** The line ended with an empty word (after a separator, `""`...): not a word, but `.if` and -cc glue it back as a space. */
  trailingEmpty?: boolean;
  error?: { kind: SplitErrorKind; index: number };
  /** For `.${NAME}` errors HAProxy shows the line cut after the name. */
  shownEnd?: number;
}

const isSpace = (c: string | undefined): boolean =>
  c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r';
const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9a-fA-F]$/.test(c);
const isAlnum = (c: string | undefined): boolean => c !== undefined && /^[A-Za-z0-9]$/.test(c);
const isAlpha = (c: string | undefined): boolean => c !== undefined && /^[A-Za-z]$/.test(c);

/** Splits one line into words. `input` must not contain the line's LF. */
export function splitLine(input: string, opts: SplitOptions): SplitResult {
  const raw: string[] = [];
  let word = '';
  let squote = false;
  let dquote = false;
  let quoteAt = -1;
  let toomany = false;
  let i = 0;

  const nextWord = () => {
    raw.push(word);
    word = '';
    // Word number MAX_LINE_ARGS (0-based) is one too many, even if it stays empty.
    if (raw.length >= MAX_LINE_ARGS) toomany = true;
  };
  const fail = (kind: SplitErrorKind, index: number, shownEnd?: number): SplitResult => {
    raw.push(word);
    return { raw, error: { kind, index }, ...(shownEnd !== undefined ? { shownEnd } : {}) };
  };

  for (;;) {
    const c = input[i];
    if (c === undefined || c === '\n' || c === '\r') break;
    if (c === '#' && opts.comments && !squote && !dquote) break;
    if (c === '"' && !squote) {
      dquote = !dquote;
      quoteAt = dquote ? i : -1;
      i++;
    } else if (c === "'" && !dquote) {
      squote = !squote;
      quoteAt = squote ? i : -1;
      i++;
    } else if (c === '\\' && !squote) {
      const n = input[i + 1];
      if (n === ' ' || n === '\\' || n === "'" || n === '"') (word += n), (i += 2);
      else if (n === 't') (word += '\t'), (i += 2);
      else if (n === 'n') (word += '\n'), (i += 2);
      else if (n === 'r') (word += '\r'), (i += 2);
      else if (n === '#' && opts.comments) (word += '#'), (i += 2);
      else if (n === '$' && dquote) (word += '$'), (i += 2);
      else if (n === 'x') {
        if (!isHex(input[i + 2]) || !isHex(input[i + 3])) return fail('hex', i);
        word += String.fromCharCode(parseInt(input.slice(i + 2, i + 4), 16));
        i += 4;
      } else {
        // Not an escape sequence: the backslash stays and the next character is read normally.
        word += '\\';
        i++;
      }
    } else if (isSpace(c) && !squote && !dquote) {
      while (isSpace(input[i])) i++;
      nextWord();
    } else if (c === '$' && dquote) {
      const r = expandVariable(input, i, opts);
      if ('error' in r) return fail(r.error, r.index, r.shownEnd);
      i = r.end;
      if (!r.split) word += r.value;
      else {
        // ${NAME[*]}: each run of spaces in the value separates words.
        for (let k = 0; k < r.value.length; ) {
          if (isSpace(r.value[k])) {
            nextWord();
            while (isSpace(r.value[k])) k++;
          } else word += r.value[k++];
        }
      }
    } else {
      word += c;
      i++;
    }
  }
  const trailingEmpty = word === '';
  if (!trailingEmpty) raw.push(word);
  if (quoteAt >= 0) return { raw, error: { kind: 'quote', index: quoteAt } };
  if (toomany) return { raw, error: { kind: 'toomany', index: i } };
  return trailingEmpty ? { raw, trailingEmpty } : { raw };
}

type Expansion =
  | { value: string; end: number; split: boolean }
  | { error: SplitErrorKind; index: number; shownEnd?: number };

/** `$NAME`, `${NAME}`, `${NAME-default}`, `${NAME[*]}`, `${.FILE}`/`${.LINE}`/`${.SECTION}`, starting at the '$'. */
function expandVariable(input: string, dollar: number, opts: SplitOptions): Expansion {
  let i = dollar + 1;
  let brace = -1;
  if (input[i] === '{') brace = i++;
  const first = input[i];
  if (!isAlpha(first) && first !== '_' && first !== '.') return { error: 'varname', index: i };
  const nameStart = i;
  if (first === '.') i++;
  while (isAlnum(input[i]) || input[i] === '_') i++;
  const name = input.slice(nameStart, i);

  let value: string | undefined;
  if (name.startsWith('.')) {
    const p = opts.pseudo ?? { file: '', line: 0, section: '' };
    if (name === '.LINE') value = String(p.line);
    else if (name === '.FILE') value = p.file;
    else if (name === '.SECTION') value = p.section;
    else return { error: 'varname', index: nameStart, shownEnd: i };
  } else {
    value = opts.env[name];
  }

  let split = false;
  if (input[i] === '[' && brace >= 0) {
    if (input[i + 1] !== '*' || input[i + 2] !== ']') return { error: 'expand', index: i };
    split = true;
    i += 3;
  }
  if (brace >= 0) {
    if (input[i] === '-') {
      // The default is raw text up to the next '}', used only when the variable is unset.
      // (Debian's 2.6.12 rejects any default with "unmatched brace": a bug fixed upstream;
      // portico follows the manual here.)
      const close = input.indexOf('}', i);
      if (close < 0) return { error: 'brace', index: brace };
      if (value === undefined) value = input.slice(i + 1, close);
      i = close;
    } else if (input[i] !== '}') {
      return { error: 'brace', index: brace };
    }
    i++;
  }
  return { value: value ?? '', end: i, split };
}

// ---------------------------------------------------------------------------
// Error rendering

/** Non-printable characters as '?', the way HAProxy shows a line under an error. */
function printable(s: string): string {
  return s.replace(/[\x00-\x1f\x7f]/g, '?');
}

/** "MSG at position N:\n  LINE\n  ^" with N counted in the raw line (1-based). */
function withCaret(message: string, raw: string, lineStart: number, index: number, shownEnd?: number): string {
  const shown = printable(raw.slice(lineStart, shownEnd));
  const col = index - lineStart;
  return `${message} at position ${index + 1}:\n  ${shown}\n  ${' '.repeat(Math.max(0, col))}^`;
}

const SPLIT_MESSAGES: Record<Exclude<SplitErrorKind, 'toomany'>, string> = {
  quote: 'unmatched quote',
  brace: 'unmatched brace in environment variable name',
  varname: 'forbidden first char in environment variable name',
  hex: 'truncated or invalid hexadecimal sequence',
  expand: 'truncated or invalid word expansion sequence',
};

/** HAProxy's message for too many words: word 64 and its offset in the output buffer. */
function tooManyMessage(raw: string[]): string {
  let offset = 1;
  for (let k = 0; k < MAX_LINE_ARGS - 1; k++) offset += (raw[k] ?? '').length + 1;
  const w = cString(raw[MAX_LINE_ARGS - 1] ?? '');
  return `too many words, truncating after word ${MAX_LINE_ARGS}, position ${offset}: <${w}>.`;
}

/** A word as C code sees it: up to the first NUL. */
const cString = (w: string): string => {
  const nul = w.indexOf('\0');
  return nul < 0 ? w : w.slice(0, nul);
};

// ---------------------------------------------------------------------------
// Whole file (readcfgfile)

type CondState = 'if-take' | 'if-drop' | 'if-skip' | 'elif-take' | 'elif-drop' | 'elif-skip' | 'else-take' | 'else-drop';
const MASKED: ReadonlySet<CondState> = new Set(['if-drop', 'if-skip', 'elif-drop', 'elif-skip', 'else-drop']);

/** Characters allowed in a `[scope]` name (HAProxy's invalid_char()). */
const SCOPE_CHAR = /^[A-Za-z0-9.\-_:]$/;

export function lexConfig(text: string, file: string, opts: LexOptions): ConfigLine[] {
  const { diags } = opts;
  const out: ConfigLine[] = [];
  const condOpts: ConditionOptions = { env: opts.env, features: opts.features, version: opts.version };
  const conds: CondState[] = []; // conds[level - 1] is the state of the innermost open .if
  let section = opts.section ?? '';
  let fatal = 0;
  let lineNo = 0;

  const pieces = text.split('\n');
  const missingLf = pieces[pieces.length - 1] !== '';
  if (!missingLf) pieces.pop();

  // 'stop': HAProxy's "goto err", nothing more is checked; 'break': the end-of-file checks still run.
  let ended: 'stop' | 'break' | undefined;
  // Set when the line just read had no LF of its own (a NUL cut it, or end of file): position to report.
  let unterminated: number | undefined;

  for (let p = 0; p < pieces.length; p++) {
    const where = { file, line: lineNo };
    if (unterminated !== undefined) {
      diags.alert(`Stray NUL character at position ${unterminated}.`, where);
      unterminated = undefined;
      ended = 'break';
      break;
    }
    lineNo++;
    where.line = lineNo;
    if (fatal >= MAX_FATAL) {
      diags.alert(`too many fatal errors (${fatal}), stopping now.`, where);
      ended = 'break';
      break;
    }
    let raw = pieces[p]!;
    // fgets + strlen: a NUL ends the line and the next read complains about it.
    const nul = raw.indexOf('\0');
    if (nul >= 0) raw = raw.slice(0, nul);
    if (nul >= 0 || (missingLf && p === pieces.length - 1)) unterminated = raw.length + 1;
    let start = 0;
    while (isSpace(raw[start])) start++;

    const r = lexLine(raw, start, where);
    if (r) {
      ended = r;
      break;
    }
  }
  if (ended !== 'stop') {
    if (unterminated !== undefined) {
      diags.alert(`Missing LF on last line, file might have been truncated at position ${unterminated}.`, { file, line: lineNo });
    }
    if (conds.length > 0) diags.alert("non-terminated '.if' block.", { file, line: lineNo });
  }
  return out;

  function lexLine(raw: string, start: number, where: { file: string; line: number }): 'stop' | 'break' | void {
    if (raw[start] === '[') return scope(raw, start, where);

    const split = splitLine(raw.slice(start), { env: opts.env, comments: true, pseudo: { file, line: where.line, section } });
    if (split.error) {
      const e = { ...split.error, index: split.error.index + start };
      const msg =
        e.kind === 'toomany'
          ? tooManyMessage(split.raw)
          : withCaret(SPLIT_MESSAGES[e.kind], raw, start, e.index, split.shownEnd === undefined ? undefined : split.shownEnd + start);
      diags.alert(msg, where);
      fatal++;
      return;
    }
    const args = split.raw.map(cString);
    if (args.length === 0 || args[0] === '') return;

    const top = conds[conds.length - 1];
    switch (args[0]) {
      case '.if': {
        conds.push('if-skip');
        if (conds.length >= MAX_NESTED_CONDS) {
          diags.alert(`too many nested '.if', max is ${MAX_NESTED_CONDS}.`, where);
          return 'stop';
        }
        if (top !== undefined && MASKED.has(top)) return;
        const v = condition('.if', split, where);
        if (v === undefined) return 'stop';
        conds[conds.length - 1] = v ? 'if-take' : 'if-drop';
        return;
      }
      case '.elif': {
        if (top === undefined) {
          diags.alert("lone '.elif' with no matching '.if'.", where);
          return 'stop';
        }
        if (top === 'else-take' || top === 'else-drop') {
          diags.alert("'.elif' after '.else' is not permitted.", where);
          return 'stop';
        }
        if (top === 'if-take' || top === 'if-skip' || top === 'elif-take' || top === 'elif-skip') {
          conds[conds.length - 1] = 'elif-skip';
          return;
        }
        const v = condition('.elif', split, where);
        if (v === undefined) return 'stop';
        conds[conds.length - 1] = v ? 'elif-take' : 'elif-drop';
        return;
      }
      case '.else':
      case '.endif': {
        if (args[1]) {
          diags.alert(`Unexpected argument '${args[1]}' for '${args[0]}'.`, where);
          return 'break';
        }
        if (top === undefined) {
          diags.alert(`lone '${args[0]}' with no matching '.if'.`, where);
          return args[0] === '.else' ? 'stop' : 'break';
        }
        if (args[0] === '.endif') {
          conds.pop();
          return;
        }
        if (top === 'else-take' || top === 'else-drop') {
          diags.alert("'.else' after '.else' is not permitted.", where);
          return 'stop';
        }
        const taken = top === 'if-take' || top === 'if-skip' || top === 'elif-take' || top === 'elif-skip';
        conds[conds.length - 1] = taken ? 'else-drop' : 'else-take';
        return;
      }
    }
    if (top !== undefined && MASKED.has(top)) return;

    if (args[0]!.startsWith('.')) return directive(args, where);

    if (SECTION_KEYWORDS.has(args[0]!)) section = args[1] ? args[1] : args[0]!;
    out.push({ file, line: where.line, args });
  }

  /** Evaluates a .if/.elif; undefined after reporting an error. */
  function condition(kw: '.if' | '.elif', split: SplitResult, where: { file: string; line: number }): boolean | undefined {
    const words = conditionWords(split).slice(1);
    const r = evaluateCondition(words, condOpts);
    if ('value' in r) return r.value;
    const expr = printable(words.join(' '));
    diags.alert(
      `${r.error} in '${kw}' at position ${r.pos + 1}:\n  ${kw} ${expr}\n  ${' '.repeat(r.pos + kw.length + 1)}^`,
      where,
    );
    return undefined;
  }

  function directive(args: string[], where: { file: string; line: number }): 'stop' | 'break' | void {
    const kw = args[0]!;
    if (kw === '.alert' || kw === '.warning' || kw === '.notice' || kw === '.diag') {
      if (args[2]) {
        diags.alert(`Unexpected argument '${args[2]}' for '${kw}'. Use quotes if the message should contain spaces.`, where);
        return;
      }
      const msg = `'${args[1] ?? ''}'.`;
      if (kw === '.alert') {
        diags.alert(msg, where);
        return 'stop';
      }
      if (kw === '.warning') diags.warning(msg, where);
      else if (kw === '.notice') diags.notice(msg, where);
      else if (opts.diag) diags.warning(msg, where);
      return;
    }
    diags.alert(`unknown directive '${kw}'.`, where);
    fatal++;
    return 'break';
  }

  /** `[name]` lines (HAProxy's cfg_parse_scope); handled before tokenising, even in false blocks. */
  function scope(raw: string, start: number, where: { file: string; line: number }): void {
    const close = raw.indexOf(']', start + 1);
    if (close < 0 || close === start + 1) {
      diags.alert('empty scope name is forbidden.', where);
      return;
    }
    const bad = [...raw.slice(start + 1, close)].find((c) => !SCOPE_CHAR.test(c));
    if (bad !== undefined) {
      diags.alert(`character '${bad}' is not permitted in a scope name.`, where);
      return;
    }
    let k = close + 1;
    while (isSpace(raw[k])) k++;
    if (k < raw.length && raw[k] !== '#') {
      diags.alert(`character '${raw[k]}' is not permitted after scope declaration.`, where);
    }
  }
}

// ---------------------------------------------------------------------------
// -cc EXPR

/**
 * HAProxy re-joins a condition's words by turning every NUL of its output buffer into a space:
 * embedded NULs too, and a trailing empty word leaves a trailing space (so `.if "" ""` is " ").
 */
function conditionWords(split: SplitResult): string[] {
  const words = split.raw.map((w) => w.replace(/\0/g, ' '));
  return split.trailingEmpty ? [...words, ''] : words;
}

/**
 * `haproxy -cc EXPR`: the argument is tokenised like a config line (no comments) and then
 * evaluated. `message` is what HAProxy prints after "[ALERT] ... : config : ".
 */
export function checkCondition(expr: string, opts: ConditionOptions): { value: boolean } | { message: string } {
  const split = splitLine(expr, { env: opts.env, comments: false });
  if (split.error) {
    const messages: Partial<Record<SplitErrorKind, string>> = {
      quote: 'Syntax Error in condition: Unmatched quote.',
      hex: 'Syntax Error in condition: Truncated or invalid hexadecimal sequence.',
      toomany: 'Error in condition: Too many words.',
    };
    return { message: messages[split.error.kind] ?? 'Unhandled error in condition, please report this to the developers.' };
  }
  const r = evaluateCondition(conditionWords(split), opts);
  return 'value' in r ? r : { message: `Failed to evaluate condition: ${r.error}` };
}
