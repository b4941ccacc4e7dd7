/**
 * Request body fetches (HAProxy 2.6 configuration.txt 7.3.6): req.body, req.body_len,
 * req.body_size, req.body_param. They see what the engine holds of the body: all of it once
 * `http-request wait-for-body` or `option http-buffer-request` waited for it (at most a buffer).
 */
import { defineFetch, NO_ARGS } from '../keywords.js';
import type { ArgValue } from '../args.js';
import type { SampleContext } from '../context.js';
import type { Sample } from '../types.js';

const body = (ctx: SampleContext): Buffer | undefined => ctx.reqBody?.requestBody();

defineFetch({ name: 'req.body', args: NO_ARGS, out: 'bin', needs: 'http-req', fetch: (_, ctx) => {
  const b = body(ctx);
  return b === undefined ? undefined : { type: 'bin', value: b };
} });

defineFetch({ name: 'req.body_len', args: NO_ARGS, out: 'int', needs: 'http-req', fetch: (_, ctx) => {
  const b = body(ctx);
  return b === undefined ? undefined : { type: 'int', value: b.length };
} });

defineFetch({ name: 'req.body_size', args: NO_ARGS, out: 'int', needs: 'http-req', fetch: (_, ctx) => {
  const n = ctx.reqBody?.requestBodySize();
  return n === undefined ? undefined : { type: 'int', value: n };
} });

/**
 * The url-encoded parameters of the body, in order, as [name, value] (no URL decoding, as
 * HAProxy): `&`-separated, a parameter without `=` has an empty value.
 */
function* bodyParams(text: string): Generator<[string, string]> {
  let pos = 0;
  while (pos < text.length) {
    let end = text.indexOf('&', pos);
    if (end < 0) end = text.length;
    const eq = text.indexOf('=', pos);
    if (eq >= 0 && eq < end) yield [text.slice(pos, eq), text.slice(eq + 1, end)];
    else yield [text.slice(pos, end), ''];
    pos = end + 1;
  }
}

/**
 * req.body_param([name]): the first value of `name` (any parameter without a name); as an ACL
 * without a name, every value.
 */
defineFetch<{ name: string | undefined; all: boolean }>({
  name: 'req.body_param',
  args: { types: ['str'], min: 0 },
  out: 'str',
  needs: 'http-req',
  prepare: ([name]: ArgValue[], env) => ({ value: { name: name === undefined || name === '' ? undefined : String(name), all: env.inAcl } }),
  fetch: (p, ctx) => {
    const b = body(ctx);
    if (b === undefined || b.length === 0) return undefined;
    const out: Sample[] = [];
    for (const [k, v] of bodyParams(b.toString('latin1'))) {
      if (p.name !== undefined && k !== p.name) continue;
      const s: Sample = { type: 'str', value: v };
      if (!p.all) return s;
      out.push(s);
    }
    return p.all ? out : undefined;
  },
});
