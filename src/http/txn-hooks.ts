/**
 * The points where a transaction meets the configuration: the request phase (monitor-uri, stats,
 * http-request rules, backend and server choice) and the response phase (http-response rules).
 * The rules engine supplies the hooks; without rules, routing follows use_backend/default_backend.
 */
import type { BackendRuntime } from '../runtime/backend.js';
import type { ServerRuntime } from '../runtime/server.js';
import type { HttpTxn } from './txn.js';
import type { Proxy } from '../config/model.js';
import { staticRoute } from '../runtime/routing.js';

export type RequestVerdict =
  | {
      kind: 'forward';
      backend: BackendRuntime | undefined;
      server?: ServerRuntime;
      /**
       * `http-request use-service NAME`: a built-in service answers instead of a server
       * ('prometheus-exporter': the engine serves the stats module's Prometheus page, then passes
       * the reply through hooks.localReply so http-after-response rules apply).
       */
      service?: string;
    }
  | {
      kind: 'reply';
      bytes: Buffer;
      status: number;
      termination: string;
      close: boolean;
      /** `http-request tarpit`: hold the request this long (timeout tarpit) before sending `bytes`; abort if the client leaves. */
      delayMs?: number;
    }
  /**
   * The rules wait for the request body (`http-request wait-for-body`, or `option
   * http-buffer-request` before a backend's rules): once it is in, `atLeast` bytes of it are
   * (0: no such limit) or the buffer is full, `resume` goes on from where they paused; 408
   * after `timeMs`.
   */
  | { kind: 'wait-body'; timeMs: number; atLeast: number; resume: () => RequestVerdict };

/** A response produced by portico itself (stats page, service...), before http-after-response rules. */
export interface LocalReply {
  status: number;
  reason: string;
  /** lower-cased flat [name, value, ...] */
  headers: string[];
  body: Buffer;
  close?: boolean;
  /** Termination state for the log when not "LR--" (a denied stats request: "PR--"). */
  termination?: string;
}

/**
 * `untouched`: no response rule ran, so the response head is as the server sent it (the engine
 * may then forward its bytes as received). A forward verdict without it says nothing either way.
 */
export type ResponseVerdict = { kind: 'forward'; untouched?: true } | { kind: 'reply'; bytes: Buffer; status: number; termination: string };

export interface HttpHooks {
  /** Frontend and backend request rules and routing; undefined = static routing only. */
  request?: (txn: HttpTxn) => RequestVerdict;
  response?: (txn: HttpTxn) => ResponseVerdict;
  /** The bytes of an error reply (errorfile, http-error, http-after-response). */
  errorBytes?: (txn: HttpTxn, status: number) => Buffer | undefined;
  log?: (txn: HttpTxn) => void;
  /** Applies http-after-response rules to a locally produced reply and serializes it. */
  localReply?: (txn: HttpTxn, reply: LocalReply) => Buffer;
  /** Whether `uri` is served by the stats page of `proxy` (which has `stats enable`). */
  statsMatches?: (proxy: Proxy, uri: string) => boolean;
  /** The stats page (HTML, CSV, JSON, admin POST) for `proxy`; `body` is the request body. */
  stats?: (txn: HttpTxn, proxy: Proxy, body: Buffer) => LocalReply;
  /** A built-in service named by `http-request use-service` (prometheus-exporter). */
  service?: (txn: HttpTxn, name: string, body: Buffer) => LocalReply;
}

/** Static routing: the first unconditional use_backend, else default_backend (or the listen itself). */
export function staticBackend(txn: HttpTxn): BackendRuntime | undefined {
  return staticRoute(txn.session.fe);
}

export function runRequestPhase(hooks: HttpHooks, txn: HttpTxn): RequestVerdict {
  if (hooks.request) return hooks.request(txn);
  return { kind: 'forward', backend: staticBackend(txn) };
}

/** The verdict that lets a response through untouched (shared: verdicts are read, never changed). */
export const FORWARD: ResponseVerdict = Object.freeze({ kind: 'forward', untouched: true });

export function runResponsePhase(hooks: HttpHooks, txn: HttpTxn): ResponseVerdict {
  return hooks.response ? hooks.response(txn) : FORWARD;
}
