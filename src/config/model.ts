/**
 * The typed configuration: plain data produced by the parser, completed by finalize,
 * read by the runtime. Nothing here opens a socket or parses text.
 */

import type { ServerCheckOptions, ProxyCheckConfig } from '../checks/options.js';
import { newProxyCheckConfig } from '../checks/options.js';

export interface Where {
  file: string;
  line: number;
}

export type Mode = 'http' | 'tcp';
export type SectionKind =
  | 'global'
  | 'defaults'
  | 'frontend'
  | 'backend'
  | 'listen'
  | 'userlist'
  | 'http-errors'
  | 'unsupported';

/** A keyword with its raw words and location, kept for features compiled after parsing (rules, ACLs). */
export interface RawLine {
  args: string[];
  where: Where;
}

export type TimeoutName =
  | 'client'
  | 'server'
  | 'connect'
  | 'check'
  | 'queue'
  | 'http-keep-alive'
  | 'http-request'
  | 'tunnel'
  | 'tarpit'
  | 'client-fin'
  | 'server-fin';

export const TIMEOUT_NAMES: readonly TimeoutName[] = [
  'client',
  'server',
  'connect',
  'check',
  'queue',
  'http-keep-alive',
  'http-request',
  'tunnel',
  'tarpit',
  'client-fin',
  'server-fin',
];

/** Where a listener or server address points. */
export type Address =
  | { kind: 'inet'; family: 'ipv4' | 'ipv6' | 'any'; host: string; port: number; portEnd?: number }
  | { kind: 'unix'; path: string }
  | { kind: 'fd'; fd: number; from?: string };

export interface Bind {
  where: Where;
  /** The address word as written, e.g. "*:80", "[::]:443", "unix@/run/x.sock", "fd@${FD}". */
  spec: string;
  addresses: Address[];
  name?: string;
  maxconn?: number;
  acceptProxy: boolean;
  ssl: boolean;
  crt: string[];
  alpn?: string;
  proto?: string;
  /** Options that were accepted and stored verbatim, for features not compiled yet (e.g. ssl tuning). */
  extra: Record<string, string | true>;
}

export interface ServerOptions {
  weight?: number;
  maxconn?: number;
  minconn?: number;
  maxqueue?: number;
  backup?: boolean;
  disabled?: boolean;
  cookie?: string;
  sendProxy?: boolean;
  sendProxyV2?: boolean;
  ssl?: boolean;
  verify?: string;
  sni?: string;
  alpn?: string;
  /** `proto h2|h1|fcgi|none`: the protocol spoken to the server (h2: HTTP/2, see src/http/h2). */
  proto?: string;
  initAddr?: string[];
  resolvers?: string;
  redir?: string;
  id?: number;
  /** Health-check and agent options, as the checks module defines them. */
  check: ServerCheckOptions;
  /** Accepted options stored verbatim (tuning without effect in portico yet). */
  extra: Record<string, string | true>;
}

export interface Server extends ServerOptions {
  where: Where;
  name: string;
  /** Host part as written (IP or hostname); empty for `server-template` placeholders without address. */
  host: string;
  /** Port; undefined means "same port as the client connected to". */
  port?: number;
  /** +N / -N port offsets relative to the client's destination port. */
  portOffset?: number;
  address: Address | undefined;
  /** Set for servers created from `server-template`. */
  template?: string;
}

export interface UseBackend {
  where: Where;
  /** A backend name, or a log-format expression such as "%[req.hdr(host),lower]". */
  name: string;
  dynamic: boolean;
  cond?: string[];
}

export interface CookieConfig {
  where: Where;
  name: string;
  mode: 'insert' | 'rewrite' | 'prefix' | 'passive';
  indirect: boolean;
  nocache: boolean;
  postonly: boolean;
  preserve: boolean;
  httponly: boolean;
  secure: boolean;
  dynamic: boolean;
  domains: string[];
  maxidle?: number;
  maxlife?: number;
  attrs: string[];
}

export interface StatsConfig {
  enabled: boolean;
  uri?: string;
  realm?: string;
  auth: { user: string; password: string }[];
  refresh?: number;
  hideVersion: boolean;
  showLegends: boolean;
  showNode?: string | true;
  showDesc?: string | true;
  scopes: string[];
  admin?: RawLine;
  httpRequest: RawLine[];
}

export interface LogTarget {
  where: Where;
  /** "global" for `log global`. */
  target: string;
  len?: number;
  format?: string;
  sample?: string;
  facility?: string;
  level?: string;
  minlevel?: string;
}

export interface Proxy {
  kind: 'defaults' | 'frontend' | 'backend' | 'listen';
  name: string;
  where: Where;
  /** For defaults sections and proxies: the named defaults they inherit from. */
  from?: string;
  mode?: Mode;
  disabled: boolean;
  description?: string;
  id?: number;
  binds: Bind[];
  servers: Server[];
  defaultServer: ServerOptions;
  timeouts: Partial<Record<TimeoutName, number>>;
  /** `option NAME` / `no option NAME` switches without arguments, true or false, in the order seen. */
  options: Record<string, boolean>;
  /** `option NAME args...` forms that carry arguments (forwardfor, httpchk, mysql-check...). */
  optionArgs: Record<string, RawLine>;
  balance?: RawLine;
  hashType?: RawLine;
  maxconn?: number;
  fullconn?: number;
  backlog?: number;
  retries?: number;
  retryOn?: string[];
  acls: RawLine[];
  /** Rule lines by keyword: 'http-request', 'http-response', 'http-after-response', 'tcp-request connection', ... */
  rules: Record<string, RawLine[]>;
  useBackends: UseBackend[];
  useServers: RawLine[];
  defaultBackend?: { name: string; where: Where };
  cookie?: CookieConfig;
  stats: StatsConfig;
  logs: LogTarget[];
  noLog: boolean;
  logFormat?: RawLine;
  logTag?: string;
  errorfiles: Record<number, { file: string; where: Where }>;
  errorfileSections: RawLine[];
  monitorUri?: string;
  monitorFail: RawLine[];
  captures: RawLine[];
  /** http-check / tcp-check lines as written (the compiled form is checkConfig). */
  checks: RawLine[];
  /** What `option httpchk`, `http-check`, `tcp-check` and the other check options configured. */
  checkConfig: ProxyCheckConfig;
  /** Other accepted keywords stored verbatim for modules that compile them later (stick, unique-id...). */
  misc: RawLine[];
}

export interface Global {
  where?: Where;
  daemon: boolean;
  masterWorker: boolean;
  maxconn?: number;
  nbthread?: number;
  pidfile?: string;
  user?: string;
  group?: string;
  uid?: number;
  gid?: number;
  chroot?: string;
  hardStopAfter?: number;
  grace?: number;
  ulimitN?: number;
  logs: LogTarget[];
  logTag?: string;
  logSendHostname?: string | true;
  statsSockets: RawLine[];
  statsTimeout?: number;
  statsMaxconn?: number;
  tune: Record<string, number | string>;
  spreadChecks?: number;
  node?: string;
  description?: string;
  /** Accepted keywords without effect in portico, kept for the dump. */
  ignored: RawLine[];
  misc: RawLine[];
}

export interface User {
  name: string;
  password: string;
  /** true when written with `insecure-password` (plain text). */
  insecure: boolean;
  groups: string[];
  where: Where;
}

export interface Userlist {
  name: string;
  where: Where;
  groups: { name: string; users: string[]; where: Where }[];
  users: User[];
}

export interface HttpErrors {
  name: string;
  where: Where;
  errorfiles: Record<number, { file: string; where: Where }>;
}

export interface Config {
  files: string[];
  global: Global;
  /** Every defaults section in order; anonymous ones are named "". */
  defaults: Proxy[];
  /** Frontends, backends and listens in the order they appear. */
  proxies: Proxy[];
  userlists: Userlist[];
  httpErrors: HttpErrors[];
}

export function newServerOptions(): ServerOptions {
  return { check: {}, extra: {} };
}

export function newStats(): StatsConfig {
  return { enabled: false, auth: [], hideVersion: false, showLegends: false, scopes: [], httpRequest: [] };
}

export function newProxy(kind: Proxy['kind'], name: string, where: Where): Proxy {
  return {
    kind,
    name,
    where,
    disabled: false,
    binds: [],
    servers: [],
    defaultServer: newServerOptions(),
    timeouts: {},
    options: {},
    optionArgs: {},
    acls: [],
    rules: {},
    useBackends: [],
    useServers: [],
    stats: newStats(),
    logs: [],
    noLog: false,
    errorfiles: {},
    errorfileSections: [],
    monitorFail: [],
    captures: [],
    checks: [],
    checkConfig: newProxyCheckConfig(),
    misc: [],
  };
}

export function newGlobal(): Global {
  return { daemon: false, masterWorker: false, logs: [], statsSockets: [], tune: {}, ignored: [], misc: [] };
}

export function newConfig(): Config {
  return { files: [], global: newGlobal(), defaults: [], proxies: [], userlists: [], httpErrors: [] };
}

/** Whether a proxy accepts connections (frontend side) and forwards them (backend side). */
export function hasFrontend(p: Proxy): boolean {
  return p.kind === 'frontend' || p.kind === 'listen' || p.kind === 'defaults';
}
export function hasBackend(p: Proxy): boolean {
  return p.kind === 'backend' || p.kind === 'listen' || p.kind === 'defaults';
}

/**
 * A new proxy starts as a copy of its defaults section, as in HAProxy: everything a defaults
 * section may set is inherited, while binds and servers (not allowed in defaults) start empty.
 */
export function inheritDefaults(kind: Proxy['kind'], name: string, where: Where, defaults: Proxy | undefined): Proxy {
  const p = newProxy(kind, name, where);
  if (!defaults) return p;
  const copy = structuredClone(defaults);
  return {
    ...copy,
    kind,
    name,
    where,
    from: defaults.name || undefined,
    description: undefined,
    id: undefined,
    binds: [],
    servers: [],
    useBackends: [],
    useServers: [],
    defaultBackend: kind === 'backend' ? undefined : copy.defaultBackend,
  };
}
