/**
 * Server responses and what haproxy 2.6.12 did with them on loopback: 0 = forwarded, 502 = refused.
 */
export interface ResponseCase {
  name: string;
  raw: string;
  status: number;
}

const CL2 = 'Content-Length: 2\r\n';

export const RESPONSE_CASES: ResponseCase[] = [
  { name: 'plain 200', raw: `HTTP/1.1 200 OK\r\n${CL2}\r\nok`, status: 0 },
  { name: 'no reason', raw: `HTTP/1.1 200\r\n${CL2}\r\nok`, status: 0 },
  { name: 'empty reason', raw: `HTTP/1.1 200 \r\n${CL2}\r\nok`, status: 0 },
  { name: 'two-digit status', raw: `HTTP/1.1 20 OK\r\n${CL2}\r\nok`, status: 0 },
  { name: 'four-digit status', raw: `HTTP/1.1 2000 OK\r\n${CL2}\r\nok`, status: 0 },
  { name: 'status 600', raw: `HTTP/1.1 600 OK\r\n${CL2}\r\nok`, status: 0 },
  { name: 'lower-case version', raw: `http/1.1 200 OK\r\n${CL2}\r\nok`, status: 502 },
  { name: 'double spaces', raw: `HTTP/1.1  200  OK\r\n${CL2}\r\nok`, status: 0 },
  { name: 'tabs', raw: `HTTP/1.1\t200\tOK\r\n${CL2}\r\nok`, status: 0 },
  { name: 'control char in reason', raw: `HTTP/1.1 200 O\u0001K\r\n${CL2}\r\nok`, status: 0 },
  { name: 'non-ASCII reason', raw: `HTTP/1.1 200 O\u00e9K\r\n${CL2}\r\nok`, status: 0 },
  { name: 'letter in status', raw: `HTTP/1.1 20x OK\r\n${CL2}\r\nok`, status: 502 },
  { name: 'HTTP/1.0', raw: `HTTP/1.0 200 OK\r\n${CL2}\r\nok`, status: 0 },
  { name: 'HTTP/2.0', raw: `HTTP/2.0 200 OK\r\n${CL2}\r\nok`, status: 0 },
  { name: 'bare LF', raw: 'HTTP/1.1 200 OK\nContent-Length: 2\n\nok', status: 0 },
  { name: 'lone CR', raw: 'HTTP/1.1 200 OK\r\nContent-Length: 2\rX: y\r\n\r\nok', status: 502 },
  { name: 'two different CL', raw: `HTTP/1.1 200 OK\r\n${CL2}Content-Length: 3\r\n\r\nok`, status: 502 },
  { name: 'CL +2', raw: 'HTTP/1.1 200 OK\r\nContent-Length: +2\r\n\r\nok', status: 502 },
  { name: 'TE gzip', raw: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nok', status: 502 },
  { name: 'TE gzip, chunked', raw: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n', status: 502 },
  { name: 'TE chunked, gzip', raw: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\nok', status: 502 },
  { name: 'TE chunked twice', raw: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n', status: 502 },
  { name: 'TE and CL', raw: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n2\r\nok\r\n0\r\n\r\n', status: 0 },
  { name: 'no framing', raw: 'HTTP/1.1 200 OK\r\n\r\nuntil-close', status: 0 },
  { name: 'header without colon', raw: `HTTP/1.1 200 OK\r\nX y\r\n${CL2}\r\nok`, status: 502 },
  { name: 'obs-fold', raw: `HTTP/1.1 200 OK\r\nX: a\r\n b\r\n${CL2}\r\nok`, status: 0 },
  { name: 'garbage', raw: 'garbage\r\n\r\n', status: 502 },
  { name: 'empty lines before the status line', raw: `\r\n\nHTTP/1.1 200 OK\r\n${CL2}\r\nok`, status: 0 },
  { name: 'status with a leading zero', raw: `HTTP/1.1 0200 OK\r\n${CL2}\r\nok`, status: 0 },
  { name: '101 without Connection: upgrade', raw: 'HTTP/1.1 101 Switching\r\nupgrade: foo\r\n\r\n', status: 502 },
  { name: 'HTTP/2 status line', raw: `HTTP/2 200 OK\r\n${CL2}\r\nok`, status: 502 },
];
