// TE in forwarded requests (src/http/forwarding.ts): HAProxy 2.6 keeps `te: trailers` (gRPC
// needs it) and drops the other codings; the token is matched in lower case, as HAProxy does.
// Responses and the other hop-by-hop fields are unchanged.
import { describe, expect, it } from 'vitest';
import { withoutHopByHop } from '../../../src/http/forwarding.js';

const req = (...fields: string[]) => ['host', 'a.test', ...fields, 'accept', '*/*'];

describe('TE in forwarded requests', () => {
  it('keeps "trailers" alone, in place', () => {
    expect(withoutHopByHop(req('te', 'trailers'), false, false, true)).toEqual(['host', 'a.test', 'te', 'trailers', 'accept', '*/*']);
    expect(withoutHopByHop(req('te', 'deflate;q=0.5, trailers'), false, false, true)).toEqual(['host', 'a.test', 'te', 'trailers', 'accept', '*/*']);
  });

  it('drops TE without the token, "Trailers" in another case, and a second TE field', () => {
    expect(withoutHopByHop(req('te', 'deflate'), false, false, true)).toEqual(['host', 'a.test', 'accept', '*/*']);
    expect(withoutHopByHop(req('te', 'Trailers'), false, false, true)).toEqual(['host', 'a.test', 'accept', '*/*']);
    expect(withoutHopByHop(req('te', 'trailers', 'te', 'trailers'), false, false, true)).toEqual(['host', 'a.test', 'te', 'trailers', 'accept', '*/*']);
  });

  it('keeps Transfer-Encoding in place next to it, and drops TE where not asked (responses)', () => {
    expect(withoutHopByHop(req('te', 'trailers', 'transfer-encoding', 'chunked'), false, true, true)).toEqual(['host', 'a.test', 'te', 'trailers', 'transfer-encoding', 'chunked', 'accept', '*/*']);
    expect(withoutHopByHop(req('te', 'trailers', 'keep-alive', 'timeout=5'), false, false, false)).toEqual(['host', 'a.test', 'accept', '*/*']);
  });
});
