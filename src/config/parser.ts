/**
 * The generic configuration parser: reads files (or a directory of *.cfg), recognises section
 * headers, and hands every other line to the keyword that owns it. It never throws: problems
 * become diagnostics with file:line, and parsing goes on so that all errors show at once.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Diagnostics } from '../core/diag.js';
import { lexConfig, type ConfigLine } from './lexer.js';
import { families, keywords, lookupKeyword, validIn, type KeywordContext, type Section } from './keywords.js';
import { HAPROXY_GLOBAL_KEYWORDS, HAPROXY_PROXY_KEYWORDS } from './haproxy-keywords.js';
import { inheritDefaults, newConfig, newProxy, type Config, type Proxy, type SectionKind, type Where } from './model.js';
import './all-keywords.js';

export interface ParseOptions {
  env: Record<string, string | undefined>;
  diags: Diagnostics;
  /** Names `feature()` knows in `.if` conditions. */
  features: string[];
  /** The HAProxy language level portico implements, for version_atleast(). */
  version: string;
}

/** Sections HAProxy knows that portico parses but does not implement yet. */
const UNSUPPORTED_SECTIONS = new Set(['peers', 'resolvers', 'mailers', 'program', 'cache', 'ring', 'fcgi-app', 'log-forward']);
const PROXY_SECTIONS = new Set(['defaults', 'frontend', 'backend', 'listen']);

/** Proxy names may only use these characters (HAProxy's invalid_char check). */
const NAME_CHARS = /^[A-Za-z0-9_.:-]+$/;

interface ParserState {
  config: Config;
  opts: ParseOptions;
  section?: Section;
  /** The defaults section new proxies copy: the last one seen. */
  currentDefaults?: Proxy;
  namedDefaults: Map<string, Proxy>;
  /** Lines of an unsupported section already counted for its warning. */
  unsupportedLines: number;
  unsupportedWhere?: Where;
}

/** Parses the files and directories given with -f, in order. */
export function parseConfigFiles(paths: string[], opts: ParseOptions): Config {
  const state: ParserState = { config: newConfig(), opts, namedDefaults: new Map(), unsupportedLines: 0 };
  for (const path of paths) {
    for (const file of expandPath(path, opts.diags)) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        opts.diags.alert(`Could not open configuration file ${file} : ${describeFsError(err)}`);
        continue;
      }
      parseInto(state, text, file);
    }
  }
  return state.config;
}

/** Parses one configuration text (used by tests and by parseConfigFiles). */
export function parseConfigText(text: string, file: string, opts: ParseOptions): Config {
  const state: ParserState = { config: newConfig(), opts, namedDefaults: new Map(), unsupportedLines: 0 };
  parseInto(state, text, file);
  return state.config;
}

function parseInto(state: ParserState, text: string, file: string): void {
  state.config.files.push(file);
  state.section = undefined;
  const lines = lexConfig(text, file, state.opts);
  const baseDir = dirname(file);
  for (const line of lines) {
    if (line.args.length === 0) continue;
    const head = line.args[0]!;
    if (head === 'global' || PROXY_SECTIONS.has(head) || head === 'userlist' || head === 'http-errors' || UNSUPPORTED_SECTIONS.has(head)) {
      closeSection(state);
      openSection(state, line);
      continue;
    }
    dispatch(state, line, baseDir);
  }
  closeSection(state);
}

/** A directory given to -f loads its non-hidden *.cfg files in byte order, as HAProxy does. */
function expandPath(path: string, diags: Diagnostics): string[] {
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    return [path]; // reported when reading
  }
  if (!isDir) return [path];
  try {
    return readdirSync(path)
      .filter((n) => n.endsWith('.cfg') && !n.startsWith('.'))
      .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
      .map((n) => join(path, n))
      .filter((f) => statSync(f).isFile());
  } catch (err) {
    diags.alert(`Could not read directory ${path} : ${describeFsError(err)}`);
    return [];
  }
}

function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'No such file or directory';
  if (code === 'EACCES') return 'Permission denied';
  if (code === 'EISDIR') return 'Is a directory';
  return (err as Error).message;
}

function closeSection(state: ParserState): void {
  if (state.section?.kind === 'unsupported' && state.unsupportedWhere) {
    state.opts.diags.warning(
      `section '${state.section.name}' is not supported by portico yet; its ${state.unsupportedLines} line(s) are ignored.`,
      state.unsupportedWhere,
    );
  }
  state.section = undefined;
  state.unsupportedWhere = undefined;
  state.unsupportedLines = 0;
}

function openSection(state: ParserState, line: ConfigLine): void {
  const { diags } = state.opts;
  const where: Where = { file: line.file, line: line.line };
  const [head, ...rest] = line.args as [string, ...string[]];
  const config = state.config;

  if (head === 'global') {
    if (config.global.where === undefined) config.global.where = where;
    state.section = { kind: 'global', global: config.global };
    if (rest.length > 0) diags.alert(`'global' section does not take arguments (got '${rest.join(' ')}').`, where);
    return;
  }
  if (UNSUPPORTED_SECTIONS.has(head)) {
    state.section = { kind: 'unsupported', name: head };
    state.unsupportedWhere = where;
    return;
  }
  if (head === 'userlist' || head === 'http-errors') {
    const name = rest[0];
    if (!name) {
      diags.alert(`'${head}' expects <name> as an argument.`, where);
      state.section = { kind: 'unsupported', name: head };
      return;
    }
    if (head === 'userlist') {
      const prev = config.userlists.find((u) => u.name === name);
      if (prev) diags.alert(`userlist '${name}' has the same name as another userlist declared at ${prev.where.file}:${prev.where.line}.`, where);
      const userlist = { name, where, groups: [], users: [] };
      config.userlists.push(userlist);
      state.section = { kind: 'userlist', userlist };
    } else {
      const prev = config.httpErrors.find((u) => u.name === name);
      if (prev) diags.alert(`http-errors section '${name}' has the same name as another one declared at ${prev.where.file}:${prev.where.line}.`, where);
      const httpErrors = { name, where, errorfiles: {} };
      config.httpErrors.push(httpErrors);
      state.section = { kind: 'http-errors', httpErrors };
    }
    return;
  }

  // defaults / frontend / backend / listen
  const kind = head as Proxy['kind'];
  let args = rest;
  let fromName: string | undefined;
  const fromAt = args.indexOf('from');
  if (fromAt >= 0) {
    fromName = args[fromAt + 1];
    if (fromName === undefined) diags.alert(`'${kind}': 'from' expects the name of a defaults section.`, where);
    args = [...args.slice(0, fromAt), ...args.slice(fromAt + 2)];
  }
  const name = args[0] ?? '';
  if (kind !== 'defaults' && name === '') {
    diags.alert(`'${kind}' expects an <id> argument`, where);
  } else if (name !== '' && !NAME_CHARS.test(name)) {
    const bad = [...name].find((c) => !NAME_CHARS.test(c));
    diags.alert(`character '${bad}' is not permitted in '${kind}' name '${name}'.`, where);
  }

  // A defaults section starts afresh (HAProxy resets every default at each `defaults`) unless it says `from`.
  let parent = kind === 'defaults' ? undefined : state.currentDefaults;
  if (fromName !== undefined) {
    parent = state.namedDefaults.get(fromName);
    if (!parent) diags.alert(`${kind} '${name}': unable to find defaults section '${fromName}' (it must be declared before).`, where);
  }

  if (kind === 'defaults') {
    const proxy = parent ? inheritDefaults('defaults', name, where, parent) : newProxy('defaults', name, where);
    proxy.from = fromName;
    config.defaults.push(proxy);
    if (name !== '') state.namedDefaults.set(name, proxy);
    state.currentDefaults = proxy;
    state.section = { kind: 'defaults', proxy };
    if (args.length > 1) diags.alert(`'defaults' takes at most a name and 'from <defaults>' (got '${rest.join(' ')}').`, where);
    return;
  }

  const proxy = inheritDefaults(kind, name, where, parent);
  checkDuplicateProxy(state, proxy);
  config.proxies.push(proxy);
  state.section = { kind, proxy };

  if (args.length > 1) {
    if ((kind === 'listen' || kind === 'frontend') && args.length === 2) {
      // `listen NAME ADDR:PORT` from HAProxy < 1.5-era tutorials: keep it working, show the modern form.
      diags.warning(
        `'${kind} ${name} ${args[1]}' is the old syntax for listening addresses (HAProxy 2.6 refuses it); portico accepts it as 'bind ${args[1]}'. Modern form: '${kind} ${name}' followed by 'bind ${args[1]}'.`,
        where,
      );
      dispatch(state, { file: line.file, line: line.line, args: ['bind', args[1]!] }, dirname(line.file));
    } else if (kind === 'listen' || kind === 'frontend') {
      diags.alert(`please use the 'bind' keyword for listening addresses.`, where);
    } else {
      diags.alert(`'${kind}' takes only a name and 'from <defaults>' (got '${rest.join(' ')}').`, where);
    }
  }
}

function caps(kind: Proxy['kind']): { fe: boolean; be: boolean } {
  return { fe: kind === 'frontend' || kind === 'listen', be: kind === 'backend' || kind === 'listen' };
}

function checkDuplicateProxy(state: ParserState, proxy: Proxy): void {
  if (proxy.name === '') return;
  const mine = caps(proxy.kind);
  for (const other of state.config.proxies) {
    if (other.name !== proxy.name) continue;
    const theirs = caps(other.kind);
    if ((mine.fe && theirs.fe) || (mine.be && theirs.be)) {
      state.opts.diags.alert(
        `${proxy.kind} '${proxy.name}' has the same name as ${other.kind} '${other.name}' declared at ${other.where.file}:${other.where.line}.`,
        proxy.where,
      );
      return;
    }
  }
}

function sectionLabel(section: Section): SectionKind {
  return section.kind;
}

function dispatch(state: ParserState, line: ConfigLine, baseDir: string): void {
  const { diags } = state.opts;
  const where: Where = { file: line.file, line: line.line };
  const section = state.section;
  if (!section) {
    diags.alert(`unknown keyword '${line.args[0]}' out of section.`, where);
    return;
  }
  if (section.kind === 'unsupported') {
    state.unsupportedLines++;
    return;
  }
  let args = line.args;
  let negated = false;
  let restored = false;
  if ((args[0] === 'no' || args[0] === 'default') && args.length > 1 && !keywords.has(`${args[0]} ${args[1]}`)) {
    negated = args[0] === 'no';
    restored = args[0] === 'default';
    args = args.slice(1);
  }
  const kind = sectionLabel(section);
  const ctx: KeywordContext = {
    args,
    negated,
    restored,
    where,
    section,
    config: state.config,
    diags,
    baseDir,
    alert: (m) => diags.alert(m, where),
    warning: (m) => diags.warning(m, where),
    notice: (m) => diags.notice(m, where),
  };
  const name = args[0]!;
  const { keyword, family } = lookupKeyword(args, kind);

  if (keyword) {
    if (!keyword.sections.includes(kind)) {
      const valid = keyword.sections.filter((s) => s !== 'unsupported');
      if (kind === 'global' || kind === 'userlist' || kind === 'http-errors' || !valid.some((s) => PROXY_SECTIONS.has(s))) {
        diags.alert(`unknown keyword '${keyword.name}' in '${kind}' section; it is only valid in ${listSections(valid)}.`, where);
      } else {
        diags.alert(`'${keyword.name}' not allowed in '${kind}' section.`, where);
      }
      return;
    }
    if ((negated || restored) && !keyword.negatable) {
      diags.alert(`negation/default is not supported for '${keyword.name}'.`, where);
      return;
    }
    if (keyword.needs && 'proxy' in section && section.kind !== 'defaults') {
      const c = caps(section.kind);
      const has = keyword.needs === 'frontend' ? c.fe : c.be;
      if (!has) {
        const msg = `'${keyword.name}' ignored because ${section.kind} '${section.proxy.name}' has no ${keyword.needs} capability.`;
        if (keyword.name === 'server' || keyword.name === 'server-template' || keyword.name === 'default-server' || keyword.name === 'use-server') {
          diags.alert(msg.replace('ignored', 'not allowed'), where);
        } else if (keyword.name === 'tcp-request connection' || keyword.name === 'tcp-request session') {
          diags.alert(`${keyword.name} is not allowed because ${section.kind} ${section.proxy.name} is not a frontend`, where);
        } else if (keyword.name.startsWith('tcp-response ')) {
          diags.alert(`${keyword.name} is only allowed in 'backend' sections or 'defaults' section with a name`, where);
        } else {
          diags.warning(msg, where);
        }
        return;
      }
    }
    keyword.parse(ctx);
    return;
  }

  if (family && family.sections.includes(kind)) {
    const member = args[1];
    const suggestion = member !== undefined ? suggestInFamily(family.name, member, kind) : undefined;
    family.unknown(ctx, member, suggestion);
    return;
  }

  // A keyword HAProxy 2.6 knows here but portico does not implement yet: warn, never refuse.
  if (knownToHaproxy(args, kind)) {
    diags.warning(`'${knownName(args)}' is valid HAProxy configuration but is not supported by portico yet; it is ignored.`, where);
    return;
  }

  const suggestion = keywords.suggest(name, (v, n) => !n.includes(' ') && validIn(v, kind));
  const elsewhere = keywords.get(name)?.flatMap((v) => v.sections);
  let msg = `unknown keyword '${name}' in '${kind}' section`;
  if (elsewhere) msg += `; it is only valid in ${listSections(elsewhere)}`;
  else if (suggestion) msg += `; did you mean '${suggestion}' maybe ?`;
  diags.alert(msg, where);
}

function suggestInFamily(familyName: string, member: string, kind: SectionKind): string | undefined {
  const prefix = `${familyName} `;
  const found = keywords.suggest(`${prefix}${member}`, (v, n) => n.startsWith(prefix) && validIn(v, kind));
  return found?.slice(prefix.length);
}

function listSections(sections: SectionKind[]): string {
  const names = sections.map((s) => `'${s}'`);
  return names.length <= 1 ? `the ${names[0] ?? 'no'} section` : `the ${names.slice(0, -1).join(', ')} or ${names.at(-1)} sections`;
}

const SECTION_LETTER: Record<string, string> = { defaults: 'd', frontend: 'f', listen: 'l', backend: 'b' };

function knownName(args: string[]): string {
  if (args.length > 1 && HAPROXY_PROXY_KEYWORDS.some((k) => k.name === `${args[0]} ${args[1]}`)) return `${args[0]} ${args[1]}`;
  return args[0]!;
}

function knownToHaproxy(args: string[], kind: SectionKind): boolean {
  if (kind === 'global') return HAPROXY_GLOBAL_KEYWORDS.includes(args[0]!);
  const letter = SECTION_LETTER[kind];
  if (!letter) return false;
  const name = knownName(args);
  const kw = HAPROXY_PROXY_KEYWORDS.find((k) => k.name === name);
  return kw !== undefined && kw.sections.includes(letter);
}

export { families };
