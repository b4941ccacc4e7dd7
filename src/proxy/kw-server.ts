/** `server`, `default-server` and `server-template`, with their options. */
import { SERVER_CHECK_KEYWORDS } from '../checks/options.js';
import { addKeywords, type KeywordContext } from '../config/keywords.js';
import { editDistance } from '../core/registry.js';
import { proxyKeyword } from '../config/proxy-keyword.js';
import { parseServerAddress } from '../config/address.js';
import { newServerOptions, type Proxy, type Server, type ServerOptions } from '../config/model.js';

type Apply = (o: ServerOptions, v: string, ctx: KeywordContext, label: string, words: string[]) => string | undefined;

interface ServerOption {
  /** Number of values after the keyword (0 for flags). */
  values: number;
  apply: Apply;
}

const int = (key: 'weight' | 'maxconn' | 'minconn' | 'maxqueue', max: number): ServerOption => ({
  values: 1,
  apply(o, v, _ctx, label) {
    if (!/^\d+$/.test(v)) return `'${key}' expects an integer argument (got '${v}').`;
    const n = Number(v);
    if (n > max) return key === 'weight' ? `weight of server ${label} is not within 0 and 256 (${v}).` : `'${key}' is out of range (got '${v}').`;
    o[key] = n;
    return undefined;
  },
});
const flag = (fn: (o: ServerOptions) => void): ServerOption => ({ values: 0, apply: (o) => (fn(o), undefined) });
const stored = (values: 0 | 1): ServerOption => ({
  values,
  apply(o, v) {
    // `no-X` cancels `X` (e.g. inherited from default-server) and the other way round.
    if (!values) delete o.extra[currentName.startsWith('no-') ? currentName.slice(3) : `no-${currentName}`];
    o.extra[currentName] = values ? v : true;
    return undefined;
  },
});
// `stored` needs the option's own name; set just before apply is called.
let currentName = '';

const OPTIONS: Record<string, ServerOption> = {
  weight: int('weight', 256),
  maxconn: int('maxconn', 2_147_483_647),
  minconn: int('minconn', 2_147_483_647),
  maxqueue: int('maxqueue', 2_147_483_647),
  backup: flag((o) => (o.backup = true)),
  'no-backup': flag((o) => (o.backup = false)),
  disabled: flag((o) => (o.disabled = true)),
  enabled: flag((o) => (o.disabled = false)),
  cookie: { values: 1, apply: (o, v) => ((o.cookie = v), undefined) },
  'send-proxy': flag((o) => (o.sendProxy = true)),
  'send-proxy-v2': flag((o) => (o.sendProxyV2 = true)),
  'no-send-proxy': flag((o) => (o.sendProxy = false)),
  'no-send-proxy-v2': flag((o) => (o.sendProxyV2 = false)),
  ssl: flag((o) => (o.ssl = true)),
  'no-ssl': flag((o) => (o.ssl = false)),
  verify: {
    values: 1,
    apply(o, v) {
      if (v !== 'none' && v !== 'required') return `'verify' expects 'none' or 'required' (got '${v}').`;
      o.verify = v;
      return undefined;
    },
  },
  sni: { values: 1, apply: (o, v) => ((o.sni = v), undefined) },
  alpn: { values: 1, apply: (o, v) => ((o.alpn = v), undefined) },
  proto: {
    values: 1,
    apply(o, v) {
      // The multiplexers HAProxy 2.6 offers on a server line.
      if (!['h1', 'h2', 'fcgi', 'none'].includes(v)) return `'proto' :  unknown MUX protocol '${v}'.`;
      o.proto = v;
      return undefined;
    },
  },
  'init-addr': {
    values: 1,
    apply(o, v) {
      const methods = v.split(',');
      for (const m of methods) if (!['last', 'libc', 'none'].includes(m) && !/^[0-9a-fA-F.:]+$/.test(m)) return `'init-addr' : unknown method '${m}' (expected last, libc, none or an IP address).`;
      o.initAddr = methods;
      return undefined;
    },
  },
  resolvers: { values: 1, apply: (o, v) => ((o.resolvers = v), undefined) },
  redir: { values: 1, apply: (o, v) => ((o.redir = v), undefined) },
  id: {
    values: 1,
    apply(o, v) {
      if (!/^\d+$/.test(v) || Number(v) === 0) return `'id' expects a positive integer (got '${v}').`;
      o.id = Number(v);
      return undefined;
    },
  },
};

/** Options accepted and stored verbatim: TLS and tuning details used by later modules or without effect. */
for (const name of [
  'ca-file', 'ciphers', 'ciphersuites', 'crl-file', 'crt', 'ssl-max-ver', 'ssl-min-ver', 'verifyhost', 'npn', 'check-proto',
  'max-reuse', 'pool-low-conn', 'pool-max-conn', 'pool-purge-delay', 'resolve-opts', 'resolve-prefer', 'resolve-net',
  'namespace', 'source', 'socks4', 'tcp-ut', 'log-proto', 'ws', 'proxy-v2-options', 'shard',
]) OPTIONS[name] ??= stored(1);
for (const name of [
  'allow-0rtt', 'check-via-socks4', 'force-sslv3', 'force-tlsv10', 'force-tlsv11', 'force-tlsv12', 'force-tlsv13', 'no-sslv3', 'no-tlsv10',
  'no-tlsv11', 'no-tlsv12', 'no-tlsv13', 'no-tls-tickets', 'tls-tickets', 'ssl-reuse', 'no-ssl-reuse',
  'send-proxy-v2-ssl', 'send-proxy-v2-ssl-cn', 'no-send-proxy-v2-ssl', 'no-send-proxy-v2-ssl-cn', 'tfo', 'no-tfo', 'non-stick', 'stick',
]) OPTIONS[name] ??= stored(0);

// Health-check and agent options come from the checks module's table.
for (const kw of SERVER_CHECK_KEYWORDS) {
  OPTIONS[kw.keyword] = {
    values: kw.args,
    apply(o, _v, _ctx, _label, words) {
      const r = kw.apply(o.check, words);
      return 'error' in r ? r.error : undefined;
    },
  };
}

export const SERVER_OPTIONS = Object.keys(OPTIONS).sort();

/** Applies option words to `o`; returns an error message or undefined. */
function applyOptions(o: ServerOptions, words: string[], ctx: KeywordContext, label: string): string | undefined {
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const opt = OPTIONS[w];
    if (!opt) {
      const near = Object.keys(OPTIONS).sort((a, b) => editDistance(w, a) - editDistance(w, b))[0];
      return near !== undefined && editDistance(w, near) <= Math.max(2, Math.floor(w.length / 3)) ? `unknown keyword '${w}'; did you mean '${near}' maybe ?` : `unknown keyword '${w}'.`;
    }
    const values = words.slice(i + 1, i + 1 + opt.values);
    if (values.length < opt.values) return `'${w}' expects ${opt.values === 1 ? 'an argument' : `${opt.values} arguments`}.`;
    i += opt.values;
    currentName = w;
    const err = opt.apply(o, values[0] ?? '', ctx, label, values);
    if (err) return err;
  }
  return undefined;
}

function cloneOptions(o: ServerOptions): ServerOptions {
  return structuredClone(o);
}

function addServer(ctx: KeywordContext, proxy: Proxy, name: string, addrWord: string, optionWords: string[], template?: string): Server | undefined {
  const label = `${proxy.name}/${name}`;
  const server: Server = { ...cloneOptions(proxy.defaultServer), where: ctx.where, name, host: '', address: undefined, ...(template ? { template } : {}) };
  const addr = parseServerAddress(addrWord);
  if ('error' in addr) {
    ctx.alert(`'server ${label}' : ${addr.error}`);
    return undefined;
  }
  if ('unix' in addr) {
    server.host = addrWord;
    server.address = { kind: 'unix', path: addr.unix };
  } else {
    server.host = addr.host;
    if (addr.port !== undefined) server.port = addr.port;
    if (addr.portOffset !== undefined) server.portOffset = addr.portOffset;
  }
  const err = applyOptions(server, optionWords, ctx, name);
  if (err) {
    ctx.alert(`'server ${label}' : ${err}`);
    return undefined;
  }
  if (server.check.track !== undefined && server.check.check === true) {
    ctx.alert(`'server ${label}' : unable to enable checks and tracking at the same time!`);
    return undefined;
  }
  proxy.servers.push(server);
  return server;
}

addKeywords('server', [
  proxyKeyword('server', {
    support: 'partial',
    note: 'TLS to servers, resolvers and SOCKS4 options are stored but not used yet',
    parse(ctx, proxy) {
      const [, name, addr, ...rest] = ctx.args;
      if (name === undefined || addr === undefined) return ctx.alert(`'server' expects <name> and <addr>[:<port>] as arguments.`);
      addServer(ctx, proxy, name, addr, rest);
    },
  }),
  proxyKeyword('default-server', {
    parse(ctx, proxy) {
      const err = applyOptions(proxy.defaultServer, ctx.args.slice(1), ctx, 'default-server');
      if (err) ctx.alert(`'default-server' : ${err}`);
    },
  }),
  proxyKeyword('server-template', {
    parse(ctx, proxy) {
      const [, prefix, range, addr, ...rest] = ctx.args;
      if (prefix === undefined || range === undefined || addr === undefined) {
        return ctx.alert(`'server-template' expects <prefix> <nb | range> <addr>[:<port>] as arguments.`);
      }
      const m = /^(\d+)(?:-(\d+))?$/.exec(range);
      if (!m) return ctx.alert(`'server-template ${prefix}': invalid range '${range}' (expected N or LOW-HIGH).`);
      const low = m[2] !== undefined ? Number(m[1]) : 1;
      const high = m[2] !== undefined ? Number(m[2]) : Number(m[1]);
      if (high < low || high - low > 9999) return ctx.alert(`'server-template ${prefix}': invalid range '${range}'.`);
      for (let i = low; i <= high; i++) if (!addServer(ctx, proxy, `${prefix}${i}`, addr, rest, prefix)) return;
    },
  }),
]);
