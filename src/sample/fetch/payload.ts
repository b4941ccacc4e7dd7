/** Fetches on raw buffer contents in tcp mode (7.3.5): lengths, byte ranges, TLS ClientHello. */
import { defineFetch, NO_ARGS } from '../keywords.js';
import { tlsHelloType, tlsSni, tlsVersion } from '../tls-hello.js';
import type { SampleContext } from '../context.js';
import type { Capability, Sample } from '../types.js';

type Side = 'req' | 'res';
const buffer = (ctx: SampleContext, side: Side) => (side === 'req' ? ctx.reqPayload : ctx.resPayload);
const need = (side: Side): Capability => (side === 'req' ? 'req-payload' : 'res-payload');

for (const side of ['req', 'res'] as const) {
  const len = {
    args: NO_ARGS,
    out: 'int' as const,
    needs: need(side),
    fetch: (_: unknown, ctx: SampleContext): Sample | undefined => {
      const b = buffer(ctx, side);
      return b === undefined ? undefined : { type: 'int', value: b.length };
    },
  };
  defineFetch({ name: `${side}.len`, ...len });
  defineFetch({ name: `${side}_len`, ...len });

  // payload(offset,length): length 0 means "everything from offset"; no sample until the bytes are there.
  defineFetch<{ off: number; len: number }>({
    name: `${side}.payload`,
    args: { types: ['int', 'int'], min: 2 },
    out: 'bin',
    needs: need(side),
    prepare: ([off, l]) => {
      if (Number(off) < 0 || Number(l) < 0) return { error: 'offset and length must not be negative' };
      return { value: { off: Number(off), len: Number(l) } };
    },
    fetch: ({ off, len }, ctx) => {
      const b = buffer(ctx, side);
      if (b === undefined) return undefined;
      if (len === 0) return off <= b.length ? { type: 'bin', value: b.subarray(off) } : undefined;
      return off + len <= b.length ? { type: 'bin', value: b.subarray(off, off + len) } : undefined;
    },
  });
}

const sni = {
  args: NO_ARGS,
  out: 'str' as const,
  needs: 'req-payload' as const,
  fetch: (_: unknown, ctx: SampleContext): Sample | undefined => {
    const v = ctx.reqPayload && tlsSni(ctx.reqPayload);
    return v === undefined ? undefined : { type: 'str', value: v };
  },
};
defineFetch({ name: 'req.ssl_sni', ...sni });
defineFetch({ name: 'req_ssl_sni', ...sni });

const ver = {
  args: NO_ARGS,
  out: 'int' as const,
  needs: 'req-payload' as const,
  fetch: (_: unknown, ctx: SampleContext): Sample | undefined => {
    const v = ctx.reqPayload && tlsVersion(ctx.reqPayload);
    return v === undefined ? undefined : { type: 'int', value: v };
  },
};
defineFetch({ name: 'req.ssl_ver', ...ver });
defineFetch({ name: 'req_ssl_ver', ...ver });

const helloType = {
  args: NO_ARGS,
  out: 'int' as const,
  needs: 'req-payload' as const,
  fetch: (_: unknown, ctx: SampleContext): Sample | undefined => {
    const v = ctx.reqPayload && tlsHelloType(ctx.reqPayload);
    return v === undefined ? undefined : { type: 'int', value: v };
  },
};
defineFetch({ name: 'req.ssl_hello_type', ...helloType });
defineFetch({ name: 'req_ssl_hello_type', ...helloType });
