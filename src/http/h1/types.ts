/** Results shared by the HTTP/1 head parsers. */

/** Not enough bytes yet: call again with more. One shared object, never mutated. */
export interface H1Incomplete {
  readonly kind: 'incomplete';
}

export const INCOMPLETE: H1Incomplete = Object.freeze({ kind: 'incomplete' as const });

export interface H1Error {
  kind: 'error';
  /** status HAProxy answers with: 400/413/422 for requests, 502 for responses */
  status: number;
  message: string;
  /** byte offset of the failure from the start of the message (for `show errors`) */
  offset: number;
}

/**
 * How the body that follows the head is delimited.
 * 'until-close' only happens for responses without Content-Length or chunked.
 */
export type BodyFraming = 'none' | 'length' | 'chunked' | 'until-close';

export function h1Error(status: number, message: string, offset: number): H1Error {
  return { kind: 'error', status, message, offset };
}
