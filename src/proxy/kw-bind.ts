/** `bind ADDR[,ADDR...] [options]` for frontends and listens. */
import { addKeywords } from '../config/keywords.js';
import { editDistance } from '../core/registry.js';
import { proxyKeyword } from '../config/proxy-keyword.js';
import { parseBindAddress } from '../config/address.js';
import type { Bind } from '../config/model.js';

/** Bind options that take a value; all others are flags. */
const VALUE_OPTIONS = new Set([
  'alpn', 'backlog', 'ca-file', 'ca-ignore-err', 'ca-sign-file', 'ca-sign-pass', 'ca-verify-file', 'ciphers', 'ciphersuites',
  'crl-file', 'crt', 'crt-ignore-err', 'crt-list', 'curves', 'ecdhe', 'expose-fd', 'gid', 'group', 'id', 'interface', 'level',
  'maxconn', 'mode', 'mss', 'name', 'namespace', 'nice', 'npn', 'process', 'proto', 'quic-cc-algo', 'severity-output', 'shards',
  'ssl-max-ver', 'ssl-min-ver', 'tcp-ut', 'thread', 'tls-ticket-keys', 'uid', 'user', 'verify',
]);
const FLAG_OPTIONS = new Set([
  'accept-netscaler-cip', 'accept-proxy', 'allow-0rtt', 'defer-accept', 'force-sslv3', 'force-tlsv10', 'force-tlsv11',
  'force-tlsv12', 'force-tlsv13', 'generate-certificates', 'no-ca-names', 'no-sslv3', 'no-tls-tickets', 'no-tlsv10',
  'no-tlsv11', 'no-tlsv12', 'no-tlsv13', 'prefer-client-ciphers', 'quic-force-retry', 'ssl', 'strict-sni', 'tfo',
  'transparent', 'v4v6', 'v6only',
]);

export const BIND_OPTIONS = [...VALUE_OPTIONS, ...FLAG_OPTIONS].sort();

function closest(word: string): string | undefined {
  let best: string | undefined;
  let score = Infinity;
  for (const o of BIND_OPTIONS) {
    const d = editDistance(word, o);
    if (d < score) (score = d), (best = o);
  }
  return score <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

addKeywords('listener', [
  proxyKeyword('bind', {
    support: 'partial',
    note: 'ssl options are stored for the TLS module; quic, namespaces and interface binding are not supported',
    parse(ctx, proxy) {
      const spec = ctx.args[1];
      if (spec === undefined) return ctx.alert(`'bind' expects {<path>|[addr1]:port1[-end1]}{,[addr]:port[-end]}... as arguments.`);
      const bind: Bind = { where: ctx.where, spec, addresses: [], acceptProxy: false, ssl: false, crt: [], extra: {} };
      for (const part of spec.split(',')) {
        if (part === '') continue;
        const a = parseBindAddress(part);
        if ('error' in a) return ctx.alert(`'bind ${spec}' : ${a.error}.`);
        bind.addresses.push(a.ok);
      }
      const opts = ctx.args.slice(2);
      for (let i = 0; i < opts.length; i++) {
        const o = opts[i]!;
        if (FLAG_OPTIONS.has(o)) {
          if (o === 'accept-proxy') bind.acceptProxy = true;
          else if (o === 'ssl') bind.ssl = true;
          else bind.extra[o] = true;
          continue;
        }
        if (!VALUE_OPTIONS.has(o)) {
          const s = closest(o);
          return ctx.alert(`'bind ${spec}' unknown keyword '${o}'.${s ? ` Did you mean '${s}' maybe ?` : ''}`);
        }
        const v = opts[i + 1];
        if (v === undefined) return ctx.alert(`'bind ${spec}' : missing value for option '${o}'.`);
        i++;
        switch (o) {
          case 'name':
            bind.name = v;
            break;
          case 'maxconn':
            if (!/^\d+$/.test(v)) return ctx.alert(`'bind ${spec}' : '${o}' expects an integer argument (got '${v}').`);
            bind.maxconn = Number(v);
            break;
          case 'crt':
            bind.crt.push(v);
            break;
          case 'alpn':
            bind.alpn = v;
            break;
          case 'proto':
            // The multiplexers HAProxy 2.6 knows; which ones a bind may use depends on the mode (finalize.ts).
            if (!['h1', 'h2', 'fcgi', 'none'].includes(v)) return ctx.alert(`'bind ${spec}' : 'proto' :  unknown MUX protocol '${v}'.`);
            bind.proto = v;
            break;
          default:
            bind.extra[o] = v;
        }
      }
      proxy.binds.push(bind);
    },
  }),
]);
