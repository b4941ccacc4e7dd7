/** Shapes shared by the request and response halves of cookie persistence. */

/** A backend server as cookie persistence sees it. */
export interface CookieServer {
  name: string;
  /** The server's `cookie` value (or its dynamic cookie); undefined when it has none. */
  cookie: string | undefined;
  /** False when the server is DOWN or in maintenance (HAProxy: cur_state == STOPPED). Drain counts as up. */
  up: boolean;
}

/** Third log char (%tsc): what the client's persistence cookie did. '-' = no cookie configured. */
export type CookieStatus = '-' | 'N' | 'I' | 'D' | 'V' | 'E' | 'O' | 'U';
/** Fourth log char: what happened to the cookie in the response. */
export type SetCookieStatus = '-' | 'N' | 'I' | 'U' | 'P' | 'R' | 'D';

/**
 * Per-transaction cookie state. The engine keeps one per stream and calls reset() for each request;
 * the request half fills it and the response half reads it.
 */
export class CookieTxn {
  status: CookieStatus = '-';
  setStatus: SetCookieStatus = '-';
  /** Index in the server list of the server the cookie designates, -1 when none was selected. */
  server = -1;
  /**
   * HAProxy's SF_DIRECT: the server was chosen by persistence (cookie or stick match). The engine must
   * set it when a stick rule picks the server and clear it when it redispatches.
   */
  direct = false;
  /** Dates read from the client cookie, seconds (multiples of 4), 0 when absent or discarded. */
  firstDate = 0;
  lastDate = 0;

  reset(configured: boolean): void {
    this.status = configured ? 'N' : '-';
    this.setStatus = configured ? 'N' : '-';
    this.server = -1;
    this.direct = false;
    this.firstDate = 0;
    this.lastDate = 0;
  }
}

export function isSpHt(c: number): boolean {
  return c === 0x20 || c === 0x09;
}
