/** HTTP fetches (7.3.6): request line parts, headers, cookies, URL parameters, response, auth. */
import { defineFetch, NO_ARGS, type CompileEnv, type Prepared } from '../keywords.js';
import { firstHeader, headerValues, pickOccurrence } from '../headers.js';
import { queryParam } from '../uri.js';
import { strToInt } from '../cast.js';
import { parseIp } from '../ip.js';
import type { ArgValue } from '../args.js';
import type { SampleContext } from '../context.js';
import type { Capability, Sample, Usage } from '../types.js';
import { isResponseUsage } from '../types.js';
import type { Userlist } from '../userlist.js';

const str = (value: string): Sample => ({ type: 'str', value });
const int = (value: number): Sample => ({ type: 'int', value });
const optStr = (v: string | undefined): Sample | undefined => (v === undefined ? undefined : str(v));

const uriParts = (ctx: SampleContext) => (ctx.req ? ctx.cache.uriParts(ctx.req.uri) : undefined);

defineFetch({ name: 'path', args: NO_ARGS, out: 'str', needs: 'http-req', fetch: (_, ctx) => optStr(uriParts(ctx)?.path) });
defineFetch({ name: 'pathq', args: NO_ARGS, out: 'str', needs: 'http-req', fetch: (_, ctx) => optStr(uriParts(ctx)?.pathq) });
defineFetch({ name: 'query', args: NO_ARGS, out: 'str', needs: 'http-req', fetch: (_, ctx) => optStr(uriParts(ctx)?.query) });
defineFetch({ name: 'url', args: NO_ARGS, out: 'str', needs: 'http-req', fetch: (_, ctx) => optStr(ctx.req?.uri) });
defineFetch({ name: 'method', args: NO_ARGS, out: 'meth', needs: 'http-txn', fetch: (_, ctx) => (ctx.req ? { type: 'meth', value: ctx.req.method } : undefined) });

const version = (v: string | undefined) => (v === undefined ? undefined : str(v.startsWith('HTTP/') ? v.slice(5) : v));
for (const name of ['req.ver', 'req_ver']) {
  defineFetch({ name, args: NO_ARGS, out: 'str', needs: 'http-req', fetch: (_, ctx) => version(ctx.req && (ctx.conn.clientVersion ?? ctx.req.version)) });
}
for (const name of ['res.ver', 'resp_ver']) {
  defineFetch({ name, args: NO_ARGS, out: 'str', needs: 'http-res', fetch: (_, ctx) => version(ctx.res?.version) });
}
defineFetch({ name: 'status', args: NO_ARGS, out: 'int', needs: 'http-res', fetch: (_, ctx) => (ctx.res ? int(ctx.res.status) : undefined) });

/** Host header followed by the path: what caches key on. */
function base(ctx: SampleContext): string | undefined {
  const path = uriParts(ctx)?.path;
  if (path === undefined || !ctx.req) return undefined;
  const host = firstHeader(ctx.req.headers, 'host');
  return host === undefined ? path : host + path;
}
defineFetch({ name: 'base', args: NO_ARGS, out: 'str', needs: 'http-req', fetch: (_, ctx) => optStr(base(ctx)) });

/**
 * Bob Jenkins' 32-bit avalanche over an sdbm hash, as HAProxy's base32 is documented to compute.
 * Known gap: it reproduces haproxy 2.6 on some inputs ("127.0.0.1:18081/a/b") but not on others
 * ("a/" gives 877786378 there), so some step of the real function still differs.
 */
export function base32Hash(text: string): number {
  let h = 0;
  const bytes = Buffer.from(text, 'latin1');
  for (const c of bytes) h = (c + (h << 6) + (h << 16) - h) >>> 0;
  let a = h;
  a = ((a + 0x7ed55d16) + (a << 12)) >>> 0;
  a = ((a ^ 0xc761c23c) ^ (a >>> 19)) >>> 0;
  a = ((a + 0x165667b1) + (a << 5)) >>> 0;
  a = ((a + 0xd3a2646c) ^ (a << 9)) >>> 0;
  a = ((a + 0xfd7046c5) + (a << 3)) >>> 0;
  a = ((a ^ 0xb55a4f09) ^ (a >>> 16)) >>> 0;
  return a;
}
defineFetch({
  name: 'base32',
  args: NO_ARGS,
  out: 'int',
  needs: 'http-req',
  fetch: (_, ctx) => {
    const b = base(ctx);
    return b === undefined ? undefined : int(base32Hash(b));
  },
});

interface ParamArgs {
  name: string | undefined;
  delim: string;
}
function paramPrepare([name, delim]: ArgValue[]): Prepared<ParamArgs> {
  const d = delim === undefined || delim === '' ? '&' : String(delim);
  return { value: { name: name === undefined || name === '' ? undefined : String(name), delim: d[0]! } };
}
function param(p: ParamArgs, ctx: SampleContext): string | undefined {
  const q = uriParts(ctx)?.query;
  return q === undefined ? undefined : queryParam(q, p.name, p.delim);
}
for (const name of ['url_param', 'urlp']) {
  defineFetch<ParamArgs>({ name, args: { types: ['str', 'str'], min: 0 }, out: 'str', needs: 'http-req', prepare: paramPrepare, fetch: (p, ctx) => optStr(param(p, ctx)) });
}
defineFetch<ParamArgs>({
  name: 'urlp_val',
  args: { types: ['str', 'str'], min: 0 },
  out: 'int',
  needs: 'http-req',
  prepare: paramPrepare,
  fetch: (p, ctx) => {
    const v = param(p, ctx);
    return v === undefined ? undefined : int(strToInt(v));
  },
});

// ---- headers -------------------------------------------------------------------------------

type Dir = 'req' | 'res' | 'auto';
const headersOf = (ctx: SampleContext, dir: Dir) => {
  const res = dir === 'res' || (dir === 'auto' && ctx.inResponse === true);
  return res ? ctx.res?.headers : ctx.req?.headers;
};
const needsFor = (dir: Dir): Capability | ((u: Usage) => Capability) =>
  dir === 'req' ? 'http-req' : dir === 'res' ? 'http-res' : (u: Usage) => (isResponseUsage(u) ? 'http-res' : 'http-req');

interface HdrArgs {
  name: string | undefined;
  /** 0 = every value (ACLs), 1 = first, -1 = last... */
  occ: number;
}
/** Without an occurrence an ACL tests every value while an expression takes the last one. */
function hdrPrepare([name, occ]: ArgValue[], env: CompileEnv): Prepared<HdrArgs> {
  const n = name === undefined || name === '' ? undefined : String(name).toLowerCase();
  return { value: { name: n, occ: occ !== undefined ? Number(occ) : env.inAcl ? 0 : -1 } };
}

function valuesSample(values: string[], occ: number, map: (v: string) => Sample | undefined): Sample | readonly Sample[] | undefined {
  if (occ !== 0) {
    const v = pickOccurrence(values, occ);
    return v === undefined ? undefined : map(v);
  }
  const out: Sample[] = [];
  for (const v of values) {
    const s = map(v);
    if (s) out.push(s);
  }
  return out;
}

const asIp = (v: string): Sample | undefined => {
  const ip = parseIp(v);
  return ip ? { type: 'ip', value: ip } : undefined;
};
const asInt = (v: string): Sample => int(strToInt(v));

function headerFamily(names: string[], dir: Dir, split: boolean, kind: 'str' | 'ip' | 'int'): void {
  const map = kind === 'str' ? str : kind === 'ip' ? asIp : asInt;
  for (const name of names) {
    defineFetch<HdrArgs>({
      name,
      args: { types: ['str', 'int'], min: 0 },
      out: kind,
      needs: needsFor(dir),
      prepare: hdrPrepare,
      fetch: (p, ctx) => {
        const h = headersOf(ctx, dir);
        return h === undefined ? undefined : valuesSample(headerValues(h, p.name, split), p.occ, map);
      },
    });
  }
}
headerFamily(['hdr'], 'auto', true, 'str');
headerFamily(['req.hdr'], 'req', true, 'str');
headerFamily(['req.fhdr'], 'req', false, 'str');
headerFamily(['res.hdr', 'shdr'], 'res', true, 'str');
headerFamily(['res.fhdr'], 'res', false, 'str');
headerFamily(['hdr_ip'], 'auto', true, 'ip');
headerFamily(['req.hdr_ip'], 'req', true, 'ip');
headerFamily(['res.hdr_ip', 'shdr_ip'], 'res', true, 'ip');
headerFamily(['hdr_val'], 'auto', true, 'int');
headerFamily(['req.hdr_val'], 'req', true, 'int');
headerFamily(['res.hdr_val', 'shdr_val'], 'res', true, 'int');

function countFamily(names: string[], dir: Dir, split: boolean): void {
  for (const name of names) {
    defineFetch<string | undefined>({
      name,
      args: { types: ['str'], min: 0 },
      out: 'int',
      needs: needsFor(dir),
      prepare: ([n]) => ({ value: n === undefined || n === '' ? undefined : String(n).toLowerCase() }),
      fetch: (n, ctx) => {
        const h = headersOf(ctx, dir);
        return h === undefined ? undefined : int(headerValues(h, n, split).length);
      },
    });
  }
}
countFamily(['hdr_cnt'], 'auto', true);
countFamily(['req.hdr_cnt'], 'req', true);
countFamily(['req.fhdr_cnt'], 'req', false);
countFamily(['res.hdr_cnt', 'shdr_cnt'], 'res', true);
countFamily(['res.fhdr_cnt'], 'res', false);

// ---- cookies --------------------------------------------------------------------------------

const cookiesOf = (ctx: SampleContext, dir: 'req' | 'res') => {
  if (dir === 'req') return ctx.req ? ctx.cache.requestCookies(ctx.req.headers) : undefined;
  return ctx.res ? ctx.cache.responseCookies(ctx.res.headers) : undefined;
};

interface CookArgs {
  name: string | undefined;
  all: boolean;
}
/** Values of cookie `name`: all of them for ACLs, else the last; with no name, the first cookie. */
function cookieValues(list: string[], p: CookArgs, map: (v: string) => Sample): Sample | readonly Sample[] | undefined {
  if (p.name === undefined) return list.length >= 2 ? map(list[1]!) : undefined;
  if (p.all) {
    const out: Sample[] = [];
    for (let i = 0; i < list.length; i += 2) if (list[i] === p.name) out.push(map(list[i + 1]!));
    return out;
  }
  for (let i = list.length - 2; i >= 0; i -= 2) if (list[i] === p.name) return map(list[i + 1]!);
  return undefined;
}
function cookieFamily(names: string[], dir: 'req' | 'res', kind: 'str' | 'int'): void {
  for (const name of names) {
    defineFetch<CookArgs>({
      name,
      args: { types: ['str'], min: 0 },
      out: kind,
      needs: dir === 'req' ? 'http-req' : 'http-res',
      prepare: ([n], env) => ({ value: { name: n === undefined || n === '' ? undefined : String(n), all: env.inAcl } }),
      fetch: (p, ctx) => {
        const list = cookiesOf(ctx, dir);
        return list === undefined ? undefined : cookieValues(list, p, kind === 'str' ? str : asInt);
      },
    });
  }
}
cookieFamily(['req.cook', 'cook'], 'req', 'str');
cookieFamily(['req.cook_val', 'cook_val'], 'req', 'int');
cookieFamily(['res.cook', 'scook'], 'res', 'str');
cookieFamily(['res.cook_val', 'scook_val'], 'res', 'int');
for (const [names, dir] of [
  [['req.cook_cnt', 'cook_cnt'], 'req'],
  [['res.cook_cnt', 'scook_cnt'], 'res'],
] as const) {
  for (const name of names) {
    defineFetch<string | undefined>({
      name,
      args: { types: ['str'], min: 0 },
      out: 'int',
      needs: dir === 'req' ? 'http-req' : 'http-res',
      prepare: ([n]) => ({ value: n === undefined || n === '' ? undefined : String(n) }),
      fetch: (n, ctx) => {
        const list = cookiesOf(ctx, dir);
        if (list === undefined) return undefined;
        let count = 0;
        for (let i = 0; i < list.length; i += 2) if (n === undefined || list[i] === n) count++;
        return int(count);
      },
    });
  }
}

// ---- authentication -------------------------------------------------------------------------

/** User and password of an "Authorization: Basic" header. */
export function basicCredentials(ctx: SampleContext): { user: string; pass: string } | undefined {
  const h = ctx.req && firstHeader(ctx.req.headers, 'authorization');
  if (h === undefined) return undefined;
  const m = /^\s*basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(h);
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), pass: decoded.slice(colon + 1) };
}

interface AuthArgs {
  name: string;
  /** Resolved at config time when the parser knows the userlists; the context may override. */
  list: Userlist | undefined;
}
export function userlistOf(p: AuthArgs, ctx: SampleContext): Userlist | undefined {
  return ctx.userlists?.get(p.name) ?? p.list;
}
function authPrepare([name]: ArgValue[], env: CompileEnv): Prepared<AuthArgs> {
  const n = String(name);
  const list = env.refs?.userlist?.(n);
  if (env.refs?.userlist && !list) return { error: `unable to find userlist '${n}'` };
  return { value: { name: n, list } };
}
function authenticatedUser(p: AuthArgs, ctx: SampleContext): string | undefined {
  const cred = basicCredentials(ctx);
  const ul = userlistOf(p, ctx);
  return cred && ul && ul.check(cred.user, cred.pass) ? cred.user : undefined;
}
defineFetch<AuthArgs>({
  name: 'http_auth',
  args: { types: ['userlist'], min: 1 },
  out: 'bool',
  needs: 'http-req',
  prepare: authPrepare,
  fetch: (p, ctx) => (ctx.req ? { type: 'bool', value: authenticatedUser(p, ctx) !== undefined } : undefined),
});
defineFetch<AuthArgs>({
  name: 'http_auth_group',
  args: { types: ['userlist'], min: 1 },
  out: 'str',
  needs: 'http-req',
  prepare: authPrepare,
  fetch: (p, ctx) => optStr(authenticatedUser(p, ctx)),
});
defineFetch({
  name: 'http_auth_type',
  args: NO_ARGS,
  out: 'str',
  needs: 'http-req',
  fetch: (_, ctx) => {
    const h = ctx.req && firstHeader(ctx.req.headers, 'authorization');
    if (h === undefined) return undefined;
    const scheme = h.trim().split(/\s+/)[0]!.toLowerCase();
    return str(scheme === 'basic' ? 'Basic' : scheme === 'digest' ? 'Digest' : scheme === 'bearer' ? 'Bearer' : scheme);
  },
});
defineFetch({
  name: 'http_auth_user',
  args: NO_ARGS,
  out: 'str',
  needs: 'http-req',
  fetch: (_, ctx) => optStr(basicCredentials(ctx)?.user),
});
defineFetch({
  name: 'http_auth_pass',
  args: NO_ARGS,
  out: 'str',
  needs: 'http-req',
  fetch: (_, ctx) => optStr(basicCredentials(ctx)?.pass),
});

defineFetch({ name: 'req.proto_http', args: NO_ARGS, out: 'bool', needs: 'http-req', fetch: (_, ctx) => ({ type: 'bool', value: ctx.req !== undefined }) });
