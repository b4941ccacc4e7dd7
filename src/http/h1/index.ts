/** portico's HTTP/1 codec: head parsers, chunked coding, serializers and header helpers. */
export { parseRequestHead, type ParsedRequest, type RequestParseResult } from './request.js';
export { parseResponseHead, type ParsedResponse, type ResponseParseResult } from './response.js';
export { ChunkedDecoder, LengthBody, LAST_CHUNK, chunkHeader, encodeChunk, encodeLastChunk } from './chunked.js';
export { serializeRequestHead, serializeResponseHead } from './serialize.js';
export {
  addHeader,
  deleteHeader,
  getHeader,
  getHeaders,
  hasHeader,
  hasToken,
  headerTokens,
  removeHopByHop,
  setHeader,
  splitList,
  stripConnectionOptions,
} from './headers.js';
export { DEFAULT_H1_LIMITS, headBudget, type H1Limits } from './limits.js';
export { INCOMPLETE, type BodyFraming, type H1Error, type H1Incomplete } from './types.js';
