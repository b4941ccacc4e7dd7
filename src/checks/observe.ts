/**
 * Passive health analysis (`observe layer4|layer7`): the engines report what real traffic saw on a
 * server, and the server's scheduler counts consecutive errors towards `error-limit`. The points
 * are HAProxy 2.6's health_adjust() calls:
 *   - every connection attempt: established (L4 OK) or refused / timed out (L4 error), both engines;
 *   - HTTP, each response head: status 100-499, 501 and 505 are good (clients trigger 501/505),
 *     any other 5xx is an error; an unparsable head, a read error, a timeout or a close before the
 *     head are errors too, and so is a response body that breaks its framing.
 * A server without `check` has no scheduler: HAProxy counts nothing for it either.
 */
import type { CheckScheduler } from './scheduler.js';
import type { AnalyzeEvent } from './status.js';

/** Anything that may carry a server's scheduler (the runtime's ServerRuntime). */
export interface Observed {
  checks?: CheckScheduler | undefined;
}

/** What went wrong with an HTTP response, in HAProxy's categories. */
export type HttpFailure = 'headers' | 'body' | 'read-error' | 'read-timeout' | 'broken-pipe';

const HTTP_FAILURE: Readonly<Record<HttpFailure, AnalyzeEvent>> = {
  headers: 'HTTP_HDRRSP',
  body: 'HTTP_RSP',
  'read-error': 'HTTP_READ_ERROR',
  'read-timeout': 'HTTP_READ_TIMEOUT',
  'broken-pipe': 'HTTP_BROKEN_PIPE',
};

function report(server: Observed | undefined, event: AnalyzeEvent): void {
  const sched = server?.checks;
  if (sched?.cfg.observe) sched.observe(event);
}

/** A connection attempt to `server` ended: `ok` when established (or an idle one reused). */
export function observeConnect(server: Observed | undefined, ok: boolean): void {
  report(server, ok ? 'L4_OK' : 'L4_ERR');
}

/** Whether a response status counts as a server failure (5xx, except 501 and 505). */
export function isServerFailureStatus(status: number): boolean {
  return !(status >= 100 && (status < 500 || status === 501 || status === 505));
}

/** A response head from `server` with this status (interim 1xx included, as in HAProxy). */
export function observeHttpStatus(server: Observed | undefined, status: number): void {
  report(server, isServerFailureStatus(status) ? 'HTTP_STS' : 'HTTP_OK');
}

/** An HTTP exchange with `server` failed before or while reading its response. */
export function observeHttpFailure(server: Observed | undefined, failure: HttpFailure): void {
  report(server, HTTP_FAILURE[failure]);
}
