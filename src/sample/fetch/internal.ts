/** Fetches from internal states: constants, variables, proxy and server states (7.3.2). */
import { randomInt, randomUUID } from 'node:crypto';
import { defineFetch, NO_ARGS, type CompileEnv, type Prepared } from '../keywords.js';
import { parseVarName, type VarRef } from '../vars.js';
import { parseIp } from '../ip.js';
import { configBytes } from '../cast.js';
import type { ArgValue } from '../args.js';
import type { SampleContext } from '../context.js';
import type { Sample } from '../types.js';

const TRUE: Sample = { type: 'bool', value: true };
const FALSE: Sample = { type: 'bool', value: false };

defineFetch({ name: 'always_true', args: NO_ARGS, out: 'bool', needs: 'l4', fetch: () => TRUE });
defineFetch({ name: 'always_false', args: NO_ARGS, out: 'bool', needs: 'l4', fetch: () => FALSE });

// Constants: the sample is built once at config time.
function constant(name: string, type: 'str' | 'int' | 'bool' | 'bin' | 'meth' | 'ip', argType: 'str' | 'int', make: (v: ArgValue) => Sample | undefined, typeText: string): void {
  defineFetch<Sample>({
    name,
    args: { types: [argType], min: 1 },
    out: type,
    needs: 'l4',
    prepare: ([v]) => {
      const s = make(v!);
      return s ? { value: s } : { error: `failed to parse '${String(v)}' as type '${typeText}' at position 1` };
    },
    fetch: (s) => s,
  });
}
constant('str', 'str', 'str', (v) => ({ type: 'str', value: configBytes(String(v)) }), 'string');
constant('int', 'int', 'int', (v) => ({ type: 'int', value: Number(v) }), 'integer');
constant('bool', 'bool', 'int', (v) => ({ type: 'bool', value: Number(v) !== 0 }), 'integer');
constant('meth', 'meth', 'str', (v) => ({ type: 'meth', value: String(v) }), 'string');
constant('bin', 'bin', 'str', (v) => (/^([0-9a-fA-F]{2})*$/.test(String(v)) ? { type: 'bin', value: Buffer.from(String(v), 'hex') } : undefined), 'binary');
constant('ipv4', 'ip', 'str', (v) => {
  const ip = parseIp(String(v));
  return ip?.family === 4 ? { type: 'ip', value: ip } : undefined;
}, 'IPv4 address');
constant('ipv6', 'ip', 'str', (v) => {
  const ip = parseIp(String(v));
  return ip?.family === 6 ? { type: 'ip', value: ip } : undefined;
}, 'IPv6 address');

defineFetch<VarRef>({
  name: 'var',
  args: { types: ['str'], min: 1 },
  out: 'str',
  needs: 'l4',
  prepare: ([name]) => {
    const ref = parseVarName(String(name));
    return typeof ref === 'string' ? { error: ref } : { value: ref };
  },
  fetch: (ref, ctx) => ctx.vars.get(ref.scope, ref.name),
});

defineFetch<number>({
  name: 'rand',
  args: { types: ['int'], min: 0 },
  out: 'int',
  needs: 'l4',
  prepare: ([range]) => ({ value: range === undefined ? 0x100000000 : Number(range) }),
  fetch: (range) => ({ type: 'int', value: range <= 0 ? 0 : randomInt(0, Math.min(range, 2 ** 48 - 1)) }),
});
defineFetch({ name: 'uuid', args: { types: ['int'], min: 0 }, out: 'str', needs: 'l4', fetch: () => ({ type: 'str', value: randomUUID() }) });
defineFetch<number>({
  name: 'date',
  args: { types: ['int'], min: 0 },
  out: 'int',
  needs: 'l4',
  prepare: ([off]) => ({ value: off === undefined ? 0 : Number(off) }),
  fetch: (off) => ({ type: 'int', value: Math.floor(Date.now() / 1000) + off }),
});
defineFetch<string>({
  name: 'env',
  args: { types: ['str'], min: 1 },
  out: 'str',
  needs: 'l4',
  prepare: ([n]) => ({ value: String(n) }),
  fetch: (n) => {
    const v = process.env[n];
    return v === undefined ? undefined : { type: 'str', value: v };
  },
});

/** A backend/frontend name argument, defaulting to the stream's current one. */
function proxyArg(kind: 'backend' | 'frontend') {
  return (args: ArgValue[], env: CompileEnv): Prepared<string | undefined> => {
    const name = args[0] === undefined ? undefined : String(args[0]);
    if (name !== undefined) {
      const has = kind === 'backend' ? env.refs?.hasBackend : env.refs?.hasFrontend;
      if (has && !has(name)) return { error: `unable to find ${kind} '${name}'` };
    }
    return { value: name };
  };
}

function intOrNone(v: number | undefined): Sample | undefined {
  return v === undefined ? undefined : { type: 'int', value: v };
}

const currentBackend = (name: string | undefined, ctx: SampleContext) => name ?? ctx.backend?.name;
const currentFrontend = (name: string | undefined, ctx: SampleContext) => name ?? ctx.frontend?.name;

defineFetch<string | undefined>({
  name: 'nbsrv',
  args: { types: ['backend'], min: 0 },
  out: 'int',
  needs: 'l4',
  prepare: proxyArg('backend'),
  fetch: (be, ctx) => {
    const name = currentBackend(be, ctx);
    return name === undefined ? undefined : intOrNone(ctx.proxies?.nbsrv(name));
  },
});
defineFetch<string | undefined>({
  name: 'be_conn',
  args: { types: ['backend'], min: 0 },
  out: 'int',
  needs: 'l4',
  prepare: proxyArg('backend'),
  fetch: (be, ctx) => {
    const name = currentBackend(be, ctx);
    return name === undefined ? undefined : intOrNone(ctx.proxies?.beConn(name));
  },
});
defineFetch<string | undefined>({
  name: 'connslots',
  args: { types: ['backend'], min: 0 },
  out: 'int',
  needs: 'l4',
  prepare: proxyArg('backend'),
  fetch: (be, ctx) => {
    const name = currentBackend(be, ctx);
    return name === undefined ? undefined : intOrNone(ctx.proxies?.connslots(name));
  },
});
defineFetch<string | undefined>({
  name: 'fe_conn',
  args: { types: ['frontend'], min: 0 },
  out: 'int',
  needs: 'l4',
  prepare: proxyArg('frontend'),
  fetch: (fe, ctx) => {
    const name = currentFrontend(fe, ctx);
    return name === undefined ? undefined : intOrNone(ctx.proxies?.feConn(name));
  },
});

defineFetch<{ backend: string; server: string }>({
  name: 'srv_is_up',
  args: { types: ['server'], min: 1 },
  out: 'bool',
  needs: 'l4',
  prepare: ([arg], env) => {
    const text = String(arg);
    const slash = text.indexOf('/');
    if (slash <= 0 || slash === text.length - 1) return { error: `invalid server name '${text}' (expected 'backend/server')` };
    const backend = text.slice(0, slash);
    const server = text.slice(slash + 1);
    if (env.refs?.hasBackend && !env.refs.hasBackend(backend)) return { error: `unable to find backend '${backend}'` };
    if (env.refs?.hasServer && !env.refs.hasServer(backend, server)) return { error: `unable to find server '${server}' in backend '${backend}'` };
    return { value: { backend, server } };
  },
  fetch: ({ backend, server }, ctx) => {
    const up = ctx.proxies?.srvIsUp(backend, server);
    return up === undefined ? undefined : { type: 'bool', value: up };
  },
});

defineFetch({ name: 'be_id', args: NO_ARGS, out: 'int', needs: 'l4', fetch: (_, ctx) => intOrNone(ctx.backend?.id) });
defineFetch({ name: 'fe_id', args: NO_ARGS, out: 'int', needs: 'l4', fetch: (_, ctx) => intOrNone(ctx.frontend?.id) });
defineFetch({
  name: 'be_name',
  args: NO_ARGS,
  out: 'str',
  needs: 'l4',
  fetch: (_, ctx) => (ctx.backend ? { type: 'str', value: ctx.backend.name } : undefined),
});
defineFetch({
  name: 'fe_name',
  args: NO_ARGS,
  out: 'str',
  needs: 'l4',
  fetch: (_, ctx) => (ctx.frontend ? { type: 'str', value: ctx.frontend.name } : undefined),
});

defineFetch({ name: 'wait_end', args: NO_ARGS, out: 'bool', needs: 'l4', fetch: (_, ctx) => (ctx.waitEnd ? TRUE : undefined) });
