/**
 * Pure parsers for the words after `balance` and `hash-type`, with HAProxy 2.6's error wording.
 * Example: parseBalance(['uri', 'whole', 'len', '10']) → { ok: { algorithm: 'uri', whole: true, len: 10, ... } }.
 */
import type { HashFunctionName } from './hash.js';

export type BalanceConfig =
  | { algorithm: 'roundrobin' | 'static-rr' | 'leastconn' | 'first' | 'source' | 'wlc' | 'sed' | 'nq' }
  /** len/depth 0 = unlimited */
  | { algorithm: 'uri'; whole: boolean; len: number; depth: number; pathOnly: boolean }
  | { algorithm: 'url_param'; param: string; checkPost: boolean }
  | { algorithm: 'hdr'; header: string; useDomainOnly: boolean }
  | { algorithm: 'random'; draws: number }
  | { algorithm: 'rdp-cookie'; cookie: string }
  /** the sample expression's words; the engine evaluates it and passes the result as LbRequest.hashKey */
  | { algorithm: 'hash'; expr: string[] };

export type BalanceAlgorithm = BalanceConfig['algorithm'];

export interface HashTypeConfig {
  method: 'map-based' | 'consistent';
  fn: HashFunctionName;
  avalanche: boolean;
}

export type Parsed<T> = { ok: T } | { error: string };

/** HAProxy's default: map-based sdbm, no avalanche. */
export const DEFAULT_HASH_TYPE: HashTypeConfig = { method: 'map-based', fn: 'sdbm', avalanche: false };

/** The `balance` algorithms HAProxy 2.6 knows, in its manual's order. */
export const HAPROXY_ALGORITHMS = [
  'roundrobin',
  'static-rr',
  'leastconn',
  'first',
  'hash',
  'source',
  'uri',
  'url_param',
  'hdr',
  'random',
  'rdp-cookie',
] as const;

/** portico's additions, taken from the Linux Virtual Server schedulers. */
export const LVS_ALGORITHMS = ['wlc', 'sed', 'nq'] as const;

export const BALANCE_ALGORITHMS: readonly BalanceAlgorithm[] = [...HAPROXY_ALGORITHMS, ...LVS_ALGORITHMS];

const UNKNOWN_ALGORITHM =
  "balance only supports 'roundrobin', 'static-rr', 'leastconn', 'source', 'uri', 'url_param', 'hdr(name)' and 'rdp-cookie(name)' options.";

const POSITIVE_INT = /^[0-9]+$/;

/** Words after `balance`. An empty list is accepted and keeps roundrobin, as HAProxy does. */
export function parseBalance(args: readonly string[]): Parsed<BalanceConfig> {
  const word = args[0] ?? '';
  const rest = args.slice(1);
  switch (word) {
    case '':
    case 'roundrobin':
      return { ok: { algorithm: 'roundrobin' } };
    case 'static-rr':
    case 'leastconn':
    case 'first':
    case 'source':
    case 'wlc':
    case 'sed':
    case 'nq':
      // HAProxy ignores extra words after the argument-less algorithms.
      return { ok: { algorithm: word } };
    case 'uri':
      return parseUri(rest);
    case 'url_param':
      return parseUrlParam(rest);
    case 'hash':
      if (rest.length === 0) return { error: 'balance hash requires a sample expression.' };
      return { ok: { algorithm: 'hash', expr: rest } };
  }
  if (word.startsWith('random')) return parseRandom(word);
  if (word.startsWith('hdr(')) return parseHdr(word, rest);
  if (word.startsWith('rdp-cookie')) return parseRdpCookie(word);
  return { error: UNKNOWN_ALGORITHM };
}

function parseUri(args: string[]): Parsed<BalanceConfig> {
  const cfg = { algorithm: 'uri' as const, whole: false, len: 0, depth: 0, pathOnly: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === 'len' || a === 'depth') {
      const v = args[i + 1] ?? '';
      if (!POSITIVE_INT.test(v) || Number(v) <= 0) return { error: `balance uri : '${a}' expects a positive integer (got '${v}').` };
      cfg[a] = Number(v);
      i++;
    } else if (a === 'whole') cfg.whole = true;
    else if (a === 'path-only') cfg.pathOnly = true;
    else return { error: `balance uri only accepts parameters 'len', 'depth', 'path-only', and 'whole' (got '${a}').` };
  }
  return { ok: cfg };
}

function parseUrlParam(args: string[]): Parsed<BalanceConfig> {
  const param = args[0];
  if (!param) return { error: 'balance url_param requires an URL parameter name.' };
  let checkPost = false;
  if (args[1] !== undefined) {
    if (args[1] !== 'check_post') return { error: `balance url_param only accepts 'check_post' modifier (got '${args[1]}').` };
    // A third word was the old <max_wait>, now ignored.
    checkPost = true;
  }
  return { ok: { algorithm: 'url_param', param, checkPost } };
}

function parseRandom(word: string): Parsed<BalanceConfig> {
  if (word === 'random') return { ok: { algorithm: 'random', draws: 2 } };
  if (word[6] !== '(') return { error: UNKNOWN_ALGORITHM };
  const close = word.indexOf(')');
  if (close < 0) return { error: 'balance random : missing closing parenthesis.' };
  const inner = word.slice(7, close);
  const digits = /^[0-9]*/.exec(inner)![0];
  if (digits.length < inner.length) return { error: `balance random : unexpected character '${inner[digits.length]}' after argument.` };
  if (close !== word.length - 1) return { error: `balance random : unexpected character '${word[close + 1]}' after argument.` };
  if (digits === '') return { ok: { algorithm: 'random', draws: 2 } };
  const draws = Number(digits);
  if (draws < 1) return { error: 'balance random : number of draws must be at least 1.' };
  return { ok: { algorithm: 'random', draws } };
}

function parseHdr(word: string, args: string[]): Parsed<BalanceConfig> {
  const close = word.indexOf(')');
  const header = word.slice(4, close < 0 ? undefined : close);
  if (header === '') return { error: 'balance hdr requires an http header field name.' };
  let useDomainOnly = false;
  if (args[0] !== undefined) {
    if (args[0] !== 'use_domain_only') return { error: `balance ${word} only accepts 'use_domain_only' modifier (got '${args[0]}').` };
    useDomainOnly = true;
  }
  return { ok: { algorithm: 'hdr', header: header.toLowerCase(), useDomainOnly } };
}

function parseRdpCookie(word: string): Parsed<BalanceConfig> {
  if (word === 'rdp-cookie') return { ok: { algorithm: 'rdp-cookie', cookie: 'mstshash' } };
  if (word[10] !== '(') return { error: UNKNOWN_ALGORITHM };
  const close = word.indexOf(')');
  const cookie = word.slice(11, close < 0 ? undefined : close);
  if (close < 0 || cookie === '') return { error: 'balance rdp-cookie : missing cookie name.' };
  return { ok: { algorithm: 'rdp-cookie', cookie } };
}

const FUNCTIONS: readonly HashFunctionName[] = ['sdbm', 'djb2', 'wt6', 'crc32', 'none'];

/** Words after `hash-type`. `none` is accepted as an extension (HAProxy 2.6 refuses it). */
export function parseHashType(args: readonly string[]): Parsed<HashTypeConfig> {
  const [method, fn, modifier] = args;
  if (method === 'avalanche')
    return { error: "experimental feature 'hash-type avalanche' is not supported anymore, please use 'hash-type map-based sdbm avalanche' instead." };
  if (method !== 'map-based' && method !== 'consistent') return { error: "'hash-type' only supports 'consistent' and 'map-based'." };
  // Consistent hashing without a function defaults to sdbm with avalanche.
  if (fn === undefined || fn === '') return { ok: { method, fn: 'sdbm', avalanche: method === 'consistent' } };
  if (!(FUNCTIONS as readonly string[]).includes(fn))
    return { error: "'hash-type' only supports 'sdbm', 'djb2', 'crc32', or 'wt6' hash functions." };
  if (modifier !== undefined && modifier !== '' && modifier !== 'avalanche')
    return { error: "'hash-type' only supports 'avalanche' as a modifier for hash functions." };
  return { ok: { method, fn: fn as HashFunctionName, avalanche: modifier === 'avalanche' } };
}
