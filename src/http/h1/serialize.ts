/** HTTP/1 heads back to bytes: start line, `name: value` lines, empty line. Header names go out as stored (lower case). */
import type { HeaderList, HttpRequestHead, HttpResponseHead } from '../message.js';

function headerLines(headers: HeaderList): string {
  let s = '';
  for (let i = 0; i + 1 < headers.length; i += 2) s += headers[i] + ': ' + headers[i + 1] + '\r\n';
  return s;
}

export function serializeRequestHead(head: HttpRequestHead, headers: HeaderList = head.headers): Buffer {
  return Buffer.from(requestHeadText(head, headers), 'latin1');
}

/** The request head as text (latin1: one byte per character). */
export function requestHeadText(head: HttpRequestHead, headers: HeaderList = head.headers): string {
  return head.method + ' ' + head.uri + ' ' + head.version + '\r\n' + headerLines(headers) + '\r\n';
}

/**
 * An empty reason still keeps the space after the status, as HAProxy sends "HTTP/1.1 200 ".
 * Status digits the server wrote in an unusual way ("0200", see H1ResponseHead) go out as they
 * came, unless the status has been changed since.
 */
export function serializeResponseHead(head: HttpResponseHead & { statusCode?: string }): Buffer {
  return Buffer.from(responseHeadText(head), 'latin1');
}

/** The response head as text (latin1: one byte per character), to be sent with body bytes in one buffer. */
export function responseHeadText(head: HttpResponseHead & { statusCode?: string }, headers: HeaderList = head.headers): string {
  const code = head.statusCode !== undefined && Number(head.statusCode) === head.status ? head.statusCode : head.status;
  return head.version + ' ' + code + ' ' + head.reason + '\r\n' + headerLines(headers) + '\r\n';
}
