import { describe, expect, it } from 'vitest';
import {
  ERROR_STATUSES,
  defaultErrorReply,
  proxiedErrorBytes,
  rawErrorBytes,
  reasonPhrase,
  serializeErrorReply,
} from '../../../src/http/errors.js';

// Literal bytes captured from haproxy 2.6.12 on loopback.
const OBSERVED_PROXIED: Record<number, string> = {
  400:
    'HTTP/1.1 400 Bad request\r\ncontent-length: 90\r\ncache-control: no-cache\r\ncontent-type: text/html\r\nconnection: close\r\n\r\n' +
    '<html><body><h1>400 Bad request</h1>\nYour browser sent an invalid request.\n</body></html>\n',
  405:
    'HTTP/1.1 405 Method Not Allowed\r\ncontent-length: 146\r\ncache-control: no-cache\r\ncontent-type: text/html\r\n\r\n' +
    '<html><body><h1>405 Method Not Allowed</h1>\nA request was made of a resource using a request method not supported by that resource\n</body></html>\n',
  407:
    'HTTP/1.1 407 Unauthorized\r\ncontent-length: 112\r\ncache-control: no-cache\r\ncontent-type: text/html\r\n\r\n' +
    '<html><body><h1>407 Unauthorized</h1>\nYou need a valid user and password to access this content.\n</body></html>\n',
  501:
    'HTTP/1.1 501 Not Implemented\r\ncontent-length: 136\r\ncache-control: no-cache\r\ncontent-type: text/html\r\n\r\n' +
    '<html><body><h1>501 Not Implemented</h1>\n.The server does not support the functionality required to fulfill the request.\n</body></html>\n',
  503:
    'HTTP/1.1 503 Service Unavailable\r\ncontent-length: 107\r\ncache-control: no-cache\r\ncontent-type: text/html\r\n\r\n' +
    '<html><body><h1>503 Service Unavailable</h1>\nNo server is available to handle this request.\n</body></html>\n',
};

// Body lengths HAProxy announced for every default page.
const OBSERVED_LENGTHS: Record<number, number> = {
  200: 58, 400: 90, 401: 112, 403: 93, 404: 83, 405: 146, 407: 112, 408: 110, 410: 114, 413: 106,
  425: 80, 429: 117, 500: 97, 501: 136, 502: 107, 503: 107, 504: 92,
};

describe('default error replies', () => {
  it('matches the observed proxied bytes', () => {
    for (const [status, text] of Object.entries(OBSERVED_PROXIED)) {
      expect(proxiedErrorBytes(Number(status))?.toString('latin1')).toBe(text);
    }
  });

  it('has every status of the default list with the observed body length', () => {
    for (const status of ERROR_STATUSES) {
      const reply = defaultErrorReply(status);
      expect(reply, String(status)).toBeDefined();
      expect(reply!.body.length).toBe(OBSERVED_LENGTHS[status]);
      expect(reply!.headers[1]).toBe(String(OBSERVED_LENGTHS[status]));
      expect(reply!.closes).toBe(status === 400 || status === 408);
    }
    expect(defaultErrorReply(418)).toBeUndefined();
  });

  it('builds the raw H1-layer form with HAProxy source spelling', () => {
    expect(rawErrorBytes(408)!.toString('latin1')).toBe(
      'HTTP/1.1 408 Request Time-out\r\nContent-length: 110\r\nCache-Control: no-cache\r\nConnection: close\r\nContent-Type: text/html\r\n\r\n' +
        "<html><body><h1>408 Request Time-out</h1>\nYour browser didn't send a complete request in time.\n</body></html>\n",
    );
    expect(rawErrorBytes(422)!.toString('latin1')).toBe(
      'HTTP/1.1 422 Unprocessable Content\r\nContent-length: 116\r\nCache-Control: no-cache\r\nContent-Type: text/html\r\n\r\n' +
        '<html><body><h1>422 Unprocessable Content</h1>\nThe server cannot process the contained instructions.\n</body></html>\n',
    );
  });

  it('lets callers change a reply without touching the defaults', () => {
    const r = defaultErrorReply(503)!;
    r.headers.push('x-extra', '1');
    const out = serializeErrorReply(r).toString('latin1');
    expect(out).toContain('content-type: text/html\r\nx-extra: 1\r\n\r\n');
    expect(defaultErrorReply(503)!.headers).not.toContain('x-extra');
    expect(proxiedErrorBytes(503)!.toString('latin1')).not.toContain('x-extra');
  });

  it('uses HAProxy reason phrases for generated statuses', () => {
    expect(reasonPhrase(400)).toBe('Bad Request');
    expect(reasonPhrase(502)).toBe('Bad Gateway or Proxy Error');
    expect(reasonPhrase(302)).toBe('Moved Temporarily');
    expect(reasonPhrase(208)).toBe('Success');
    expect(reasonPhrase(430)).toBe('Client Error');
    expect(reasonPhrase(599)).toBe('Server Error');
  });
});
