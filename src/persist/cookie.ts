/**
 * Cookie persistence (`cookie NAME insert|rewrite|prefix|passive ...` and server `cookie`):
 * the engine calls processRequestCookies once the backend is known and before load balancing,
 * and processResponseCookies on the final response. CookieTxn carries the state between both
 * and the two %tsc log chars.
 */
export { CookieTxn, type CookieServer, type CookieStatus, type SetCookieStatus } from './cookie-types.js';
export { processRequestCookies, cookieDesignatesServer, markChosenByStick, type RequestCookieOpts } from './cookie-request.js';
export { processResponseCookies, insertCookieValue, type ResponseCookieOpts } from './cookie-response.js';
export { isCacheableResponse } from './cacheable.js';
export { encodeCookieDate, decodeCookieDate, encodeS30, decodeS30 } from './cookie-date.js';
export { dynamicCookie } from './dynamic-cookie.js';
