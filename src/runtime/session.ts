/** What a finished session reports to its frontend, for counters and the log line. */
import type { BackendRuntime } from './backend.js';
import type { ServerRuntime } from './server.js';
import type { ConnectResult } from './connect.js';

export interface SessionEnd {
  backend: BackendRuntime | undefined;
  server: ServerRuntime | undefined;
  /** HAProxy's four termination-state characters, e.g. "----", "SC--", "cD--". */
  termination: string;
  bytesIn: number;
  bytesOut: number;
  acceptedAt: number;
  connect: ConnectResult | undefined;
}
