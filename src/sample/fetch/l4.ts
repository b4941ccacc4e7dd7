/** Fetches about the client connection (7.3.3) and its TLS session (7.3.4). */
import { defineFetch, NO_ARGS } from '../keywords.js';
import { parseIp } from '../ip.js';
import type { SampleContext } from '../context.js';
import type { Sample } from '../types.js';

// Addresses are parsed on each use; an engine that evaluates many ACLs on src may pre-parse
// by keeping the ConnectionInfo object stable (the cache below is keyed on the string).
const lastParsed = new Map<string, Sample>();
function ipSample(text: string): Sample | undefined {
  let s = lastParsed.get(text);
  if (s) return s;
  const ip = parseIp(text);
  if (!ip) return undefined;
  s = { type: 'ip', value: ip };
  if (lastParsed.size > 4096) lastParsed.clear();
  lastParsed.set(text, s);
  return s;
}

defineFetch({ name: 'src', args: NO_ARGS, out: 'ip', needs: 'l4', fetch: (_, ctx) => ipSample(ctx.conn.src) });
defineFetch({ name: 'dst', args: NO_ARGS, out: 'ip', needs: 'l4', fetch: (_, ctx) => ipSample(ctx.conn.dst) });
defineFetch({ name: 'src_port', args: NO_ARGS, out: 'int', needs: 'l4', fetch: (_, ctx) => ({ type: 'int', value: ctx.conn.srcPort }) });
defineFetch({ name: 'dst_port', args: NO_ARGS, out: 'int', needs: 'l4', fetch: (_, ctx) => ({ type: 'int', value: ctx.conn.dstPort }) });

const ssl = (ctx: SampleContext) => ctx.conn.ssl;
defineFetch({ name: 'ssl_fc', args: NO_ARGS, out: 'bool', needs: 'l5', fetch: (_, ctx) => ({ type: 'bool', value: ssl(ctx) !== undefined }) });
defineFetch({
  name: 'ssl_fc_sni',
  args: NO_ARGS,
  out: 'str',
  needs: 'l5',
  fetch: (_, ctx) => {
    const sni = ssl(ctx)?.sni;
    return sni === undefined ? undefined : { type: 'str', value: sni };
  },
});
defineFetch({
  name: 'ssl_fc_has_sni',
  args: NO_ARGS,
  out: 'bool',
  needs: 'l5',
  fetch: (_, ctx) => ({ type: 'bool', value: ssl(ctx)?.sni !== undefined }),
});
defineFetch({
  name: 'ssl_fc_protocol',
  args: NO_ARGS,
  out: 'str',
  needs: 'l5',
  fetch: (_, ctx) => {
    const v = ssl(ctx)?.protocol;
    return v === undefined ? undefined : { type: 'str', value: v };
  },
});
defineFetch({
  name: 'ssl_fc_cipher',
  args: NO_ARGS,
  out: 'str',
  needs: 'l5',
  fetch: (_, ctx) => {
    const v = ssl(ctx)?.cipher;
    return v === undefined ? undefined : { type: 'str', value: v };
  },
});

// ALPN and client certificates (7.3.4).
defineFetch({
  name: 'ssl_fc_alpn',
  args: NO_ARGS,
  out: 'str',
  needs: 'l5',
  fetch: (_, ctx) => {
    const alpn = ssl(ctx)?.alpn;
    return alpn === undefined ? undefined : { type: 'str', value: alpn };
  },
});
const clientCert = (ctx: SampleContext) => ssl(ctx)?.clientCert;
for (const name of ['ssl_c_used', 'ssl_fc_has_crt']) {
  defineFetch({ name, args: NO_ARGS, out: 'bool', needs: 'l5', fetch: (_, ctx) => (ssl(ctx) ? { type: 'bool', value: clientCert(ctx) !== undefined } : undefined) });
}
// ssl_c_verify: 0 when the chain verified (X509_V_OK), else a non-zero verify code.
defineFetch({
  name: 'ssl_c_verify',
  args: NO_ARGS,
  out: 'int',
  needs: 'l5',
  fetch: (_, ctx) => {
    if (!ssl(ctx)) return undefined;
    const c = clientCert(ctx);
    return { type: 'int', value: !c || c.verified ? 0 : 1 };
  },
});
defineFetch({
  name: 'ssl_c_s_dn',
  args: { types: ['str'], min: 0 },
  out: 'str',
  needs: 'l5',
  fetch: (args, ctx) => {
    const dn = clientCert(ctx)?.subject;
    if (dn === undefined) return undefined;
    const field = (args as string[])[0];
    if (field === undefined) return { type: 'str', value: dn };
    const m = new RegExp(`/${field}=([^/]*)`).exec(dn);
    return m ? { type: 'str', value: m[1]! } : undefined;
  },
});
