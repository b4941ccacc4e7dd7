/**
 * The parsed form of an HTTP/1 message head, shared by the HTTP engine, the rules and the sample fetches.
 * Header names are lower-cased (HAProxy does the same on HTTP/1) and kept in order in a flat array
 * [name0, value0, name1, value1, ...] so that parsing allocates one array per message.
 */
export type HeaderList = string[];

export interface HttpRequestHead {
  method: string;
  /** The request target exactly as received: origin-form "/a?b", absolute-form "http://h/a", "*" or authority-form. */
  uri: string;
  /** "HTTP/1.0" or "HTTP/1.1" */
  version: string;
  headers: HeaderList;
}

export interface HttpResponseHead {
  version: string;
  status: number;
  reason: string;
  headers: HeaderList;
}
