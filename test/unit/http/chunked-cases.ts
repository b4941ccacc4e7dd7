/**
 * Chunked request bodies and haproxy 2.6.12's verdict (observed on loopback):
 * 0 = accepted, 400 = refused, -1 = haproxy keeps waiting for more.
 */
export const CHUNKED_CASES: Array<[name: string, body: string, status: number]> = [
  ['simple', '5\r\nhello\r\n0\r\n\r\n', 0],
  ['13 hex digits', 'FFFFFFFFFFFFF\r\n', -1],
  ['14 hex digits', '12345678901234\r\n', 400],
  ['2^52', '10000000000000\r\n', 400],
  ['leading zeros', '00000000000001\r\na\r\n0\r\n\r\n', 0],
  ['many leading zeros', '0000000000000000000001\r\na\r\n0\r\n\r\n', 0],
  ['extension', '5;foo=bar\r\nhello\r\n0\r\n\r\n', 0],
  ['blank before extension', '5 ;foo=bar\r\nhello\r\n0\r\n\r\n', 0],
  ['trailing blank', '5 \r\nhello\r\n0\r\n\r\n', 0],
  ['trailing tab', '5\t\r\nhello\r\n0\r\n\r\n', 0],
  ['empty extension', '5;\r\nhello\r\n0\r\n\r\n', 0],
  ['quoted extension', '5; a="x y"\r\nhello\r\n0\r\n\r\n', 0],
  ['control char in extension', '5;a\u0001\r\nhello\r\n0\r\n\r\n', 0],
  ['lone CR in extension', '5;a\rb\r\nhello\r\n0\r\n\r\n', 400],
  ['bare LF', '5\nhello\n0\n\n', 0],
  ['data longer than size', '5\r\nhelloX\r\n0\r\n\r\n', 400],
  ['trailers', '5\r\nhello\r\n0\r\nX: y\r\nZ: w\r\n\r\n', 0],
  ['trailer without colon', '5\r\nhello\r\n0\r\nX y\r\n\r\n', 400],
  ['lone CR in trailer', '5\r\nhello\r\n0\r\nX: a\rb\r\n\r\n', 400],
  ['empty size', '\r\nhello\r\n0\r\n\r\n', 400],
  ['upper-case hex', 'a\r\n0123456789\r\nA\r\n0123456789\r\n0\r\n\r\n', 0],
  ['negative size', '-1\r\nhello\r\n0\r\n\r\n', 400],
  ['0x prefix', '0x5\r\nhello\r\n0\r\n\r\n', 400],
  ['leading blank', ' 5\r\nhello\r\n0\r\n\r\n', 400],
  ['garbage after size', '5 x\r\nhello\r\n0\r\n\r\n', 400],
  ['last chunk 000', '5\r\nhello\r\n000\r\n\r\n', 0],
  // Trailers are parsed as a request's header block. (Invalid trailer names are not listed:
  // haproxy 2.6.12 accepts or refuses them depending on the process, see chunked.ts.)
  ['trailer with an empty name', '0\r\n: 1\r\n\r\n', 400],
  ['trailer Transfer-Encoding gzip', '0\r\ntransfer-encoding: gzip\r\n\r\n', 400],
  ['trailer Transfer-Encoding gzip, chunked', '0\r\ntransfer-encoding: gzip, chunked\r\n\r\n', 0],
  ['trailer Transfer-Encoding chunked twice', '0\r\ntransfer-encoding: chunked\r\ntransfer-encoding: chunked\r\n\r\n', 400],
  ['trailer with two different Content-Length', '0\r\ncontent-length: 1\r\ncontent-length: 2\r\n\r\n', 400],
  ['trailer with an empty Content-Length', '0\r\ncontent-length:\r\n\r\n', 400],
  ['trailer with two different Host', '0\r\nhost: a\r\nhost: b\r\n\r\n', 400],
  ['100 trailers and a merged duplicate', `0\r\n${Array.from({ length: 99 }, (_, i) => `t${i}: v\r\n`).join('')}host: a\r\nhost: a\r\n\r\n`, 0],
  ['101 trailers', `0\r\n${Array.from({ length: 101 }, (_, i) => `t${i}: v\r\n`).join('')}\r\n`, 400],
];
