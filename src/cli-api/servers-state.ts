/**
 * `show servers state [<backend>]`: format version 1, one line per server with the volatile
 * state that `server-state-file` reloads (op/admin state, weights, check state, address, port).
 */
import { isIP } from 'node:net';
import { statusIndex, RESULT_CODE } from '../checks/index.js';
import { checksDisabled } from '../runtime/admin.js';
import type { BackendRuntime } from '../runtime/backend.js';
import type { Runtime } from '../runtime/runtime.js';
import type { ServerRuntime } from '../runtime/server.js';
import { serverRunState } from '../runtime/snapshot.js';
import { uncheckedHealth } from './unchecked-health.js';

export const SERVERS_STATE_HEADER =
  '# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight ' +
  'srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state ' +
  'srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl ' +
  'srv_check_port srv_check_addr srv_agent_addr srv_agent_port';

const OP_STATE = { stopped: 0, starting: 1, running: 2, stopping: 3 } as const;
/** SRV_ADMF_* and CHK_ST_* bits. */
const ADMF = { FMAINT: 0x01, CMAINT: 0x04, FDRAIN: 0x08, RMAINT: 0x20 };
const CHK = { CONFIGURED: 0x02, ENABLED: 0x04, PAUSED: 0x08, AGENT: 0x10 };

function adminState(s: ServerRuntime): number {
  let v = 0;
  if (s.admin.maint) v |= ADMF.FMAINT | (s.config.disabled ? ADMF.CMAINT : 0);
  if (s.admin.drain) v |= ADMF.FDRAIN;
  if (s.admin.resolveMaint) v |= ADMF.RMAINT;
  return v;
}

function checkStateBits(configured: boolean, disabled: boolean, maint: boolean, agent: boolean): number {
  if (!configured) return 0;
  let v = CHK.CONFIGURED | (agent ? CHK.AGENT : 0);
  if (!disabled) v |= CHK.ENABLED;
  if (maint || disabled) v |= CHK.PAUSED;
  return v;
}

export function serverStateLine(be: BackendRuntime, s: ServerRuntime, now: number): string {
  const sched = s.checks;
  const dis = checksDisabled(s);
  const maint = s.admin.maint || s.admin.resolveMaint;
  const t = s.target;
  const host = t.kind === 'inet' ? t.host : t.path;
  const addr = t.kind === 'inet' && isIP(host) ? host : t.kind === 'inet' ? '-' : host;
  const fqdn = t.kind === 'inet' && !isIP(host) && host !== '' ? host : '-';
  const port = t.kind === 'inet' ? (t.port ?? 0) : 0;
  const op = maint ? 0 : OP_STATE[serverRunState(s)];
  const last = Math.max(s.lastChange, sched?.lastChange ?? 0);
  const h = sched?.health;
  const o = s.config.check;
  return [
    be.id, be.name, s.id, s.name, addr, op, adminState(s), s.lb.uweight, s.lb.iweight,
    Math.max(0, Math.floor((now - last) / 1000)),
    h ? statusIndex(h.status) : 1,
    h ? RESULT_CODE[h.result] : 0,
    h ? h.health : uncheckedHealth(s),
    checkStateBits(!!sched?.cfg.check, dis.health, maint, false),
    checkStateBits(!!sched?.cfg.agent, dis.agent, maint, true),
    be.config.id !== undefined ? 1 : 0,
    s.config.id !== undefined ? 1 : 0,
    fqdn, port, '-',
    s.config.ssl ? 1 : 0,
    o.port ?? 0,
    o.addr ?? '-',
    o.agentAddr ?? '-',
    o.agentPort ?? 0,
  ].join(' ') + '\n';
}

/** The whole answer, or "Can't find backend.\n". */
export function showServersState(rt: Runtime, backend: string | undefined, now = Date.now()): string {
  const list = [...rt.backends.values()];
  const chosen = backend ? list.filter((b) => b.name === backend) : list;
  if (backend && chosen.length === 0) return "Can't find backend.\n";
  let out = `1\n${SERVERS_STATE_HEADER}\n`;
  for (const be of chosen) for (const s of be.servers) out += serverStateLine(be, s, now);
  return out;
}
