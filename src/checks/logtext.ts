/** HAProxy's log texts for check results and server state changes, word for word. */
import { statusDescription, statusHasCode, type CheckStatus } from './status.js';

export interface StatusPart {
  status: CheckStatus;
  code: number;
  info: string;
  /** -1 when there is no duration (passive health analysis). */
  durationMs: number;
}

/** What the runtime reports about the backend after a transition, for the log line's tail. */
export interface ServerCounts {
  activeServers: number;
  backupServers: number;
  /** Sessions still on this server / moved away / left in its queue. */
  sessionsActive: number;
  requeued: number;
  serverQueue: number;
  /** Server queue plus backend queue. */
  totalQueue: number;
}

/** Non-printable bytes and the quote become \xHH, as chunk_asciiencode() does. */
export function asciiEncode(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    out += c < 32 || c >= 127 || ch === '"' ? `\\x${c.toString(16).padStart(2, '0')}` : ch;
  }
  return out;
}

/** ", reason: ..., code: N, info: "...", check duration: Nms" */
export function statusText(p: StatusPart): string {
  let s = `, reason: ${statusDescription(p.status)}`;
  if (statusHasCode(p.status)) s += `, code: ${p.code}`;
  if (p.info) s += `, info: "${asciiEncode(p.info)}"`;
  if (p.durationMs >= 0) s += `, check duration: ${p.durationMs}ms`;
  return s;
}

/** The tail after a server went down (`left`) or up/stopping/drain (`online`). */
export function countsText(c: ServerCounts, form: 'left' | 'online'): string {
  const onBackup = c.backupServers > 0 && c.activeServers === 0 ? ' Running on backup.' : '';
  if (form === 'left') {
    return `. ${c.activeServers} active and ${c.backupServers} backup servers left.${onBackup} ${c.sessionsActive} sessions active, ${c.requeued} requeued, ${c.serverQueue} remaining in queue`;
  }
  return `. ${c.activeServers} active and ${c.backupServers} backup servers online.${onBackup} ${c.requeued} sessions requeued, ${c.totalQueue} total in queue`;
}

/** `Health check for server app/s1 failed, reason: ..., status: 0/2 DOWN` (the caller adds the final dot). */
export function checkResultText(a: {
  agent: boolean;
  backup: boolean;
  proxy: string;
  server: string;
  result: 'passed' | 'condpass' | 'failed';
  part: StatusPart;
  health: number;
  rise: number;
  fall: number;
  userWeight: number;
}): string {
  const verb = a.result === 'failed' ? 'failed' : a.result === 'condpass' ? 'conditionally succeeded' : 'succeeded';
  const up = a.health >= a.rise;
  const shown = up ? `${a.health - a.rise + 1}/${a.fall} ${a.userWeight ? 'UP' : 'DRAIN'}` : `${a.health}/${a.rise} DOWN`;
  return `${a.agent ? 'Agent' : 'Health'} check for ${a.backup ? 'backup ' : ''}server ${a.proxy}/${a.server} ${verb}${statusText(a.part)}, status: ${shown}`;
}
