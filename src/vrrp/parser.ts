/**
 * keepalived.conf → VrrpConfig. Each section has its own keyword table; unknown keywords are warned
 * with file:line and a "did you mean", bad values are alerts, and parsing always goes on to the end.
 */
import { Registry } from '../core/registry.js';
import { Diagnostics } from '../core/diag.js';
import {
  defaultGlobal,
  type GlobalDefs,
  type Notify,
  type SyncGroup,
  type VirtualAddress,
  type VrrpConfig,
  type VrrpInstance,
  type VrrpScript,
  type Where,
} from './config.js';
import { lexFile, lexText, type Statement, type Word } from './lexer.js';
import { isIPv4 } from './packet.js';

type Handler<T> = (s: Statement, d: Diagnostics, target: T) => void;

const at = (s: Statement | Word): Where => ({ file: s.file, line: s.line });
const name0 = (s: Statement): string => s.words[0]?.text ?? '';
const args = (s: Statement): string[] => s.words.slice(1).map((w) => w.text);

function expectArgs(s: Statement, d: Diagnostics, min: number, max: number, usage: string): boolean {
  const n = s.words.length - 1;
  if (n < min) {
    d.alert(`'${name0(s)}' expects ${usage}`, at(s));
    return false;
  }
  if (n > max) d.warning(`'${name0(s)}': extra arguments '${args(s).slice(max).join(' ')}' ignored`, at(s));
  return true;
}

function int(s: Statement, d: Diagnostics, min: number, max: number, text = s.words[1]?.text ?? ''): number | undefined {
  if (!/^-?\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    d.alert(`'${name0(s)}' expects an integer from ${min} to ${max}, not '${text}'`, at(s));
    return undefined;
  }
  return Number(text);
}

/** keepalived times are seconds, possibly fractional ("1", "0.5"); returns milliseconds. */
function seconds(s: Statement, d: Diagnostics, minMs: number, maxMs: number, text = s.words[1]?.text ?? ''): number | undefined {
  const ms = /^\d+(\.\d+)?$/.test(text) ? Math.round(Number(text) * 1000) : NaN;
  if (!(ms >= minMs && ms <= maxMs)) {
    d.alert(`'${name0(s)}' expects a number of seconds from ${minMs / 1000} to ${maxMs / 1000}, not '${text}'`, at(s));
    return undefined;
  }
  return ms;
}

function noBlock(s: Statement, d: Diagnostics): void {
  if (s.block) d.warning(`'${name0(s)}' takes no block; its contents are ignored`, at(s));
}

function needBlock(s: Statement, d: Diagnostics): Statement[] {
  if (!s.block) {
    d.alert(`'${name0(s)}' expects a '{ ... }' block`, at(s));
    return [];
  }
  return s.block;
}

/** Keywords keepalived knows that portico accepts without acting on them. */
function accepted<T>(table: Registry<Handler<T>>, names: string[]): void {
  for (const n of names) table.add(n, () => {});
}

/** Keywords keepalived knows that portico does not implement: a warning, then ignored. */
function unsupported<T>(table: Registry<Handler<T>>, names: string[], why: string): void {
  for (const n of names) table.add(n, (s, d) => d.warning(`'${n}' is not supported by portico's VRRP sidecar (${why}); ignored`, at(s)));
}

function dispatch<T>(section: string, table: Registry<Handler<T>>, list: Statement[], d: Diagnostics, target: T): void {
  for (const s of list) {
    if (s.words.length === 0) continue;
    const kw = name0(s);
    const h = table.get(kw);
    if (h) {
      h(s, d, target);
      continue;
    }
    const hint = table.suggest(kw);
    d.warning(`unknown keyword '${kw}' in ${section}${hint ? ` (did you mean '${hint}'?)` : ''}; ignored`, at(s));
  }
}

/** Joins the words of a command line (notify scripts, vrrp_script `script`). */
function commandLine(s: Statement): string {
  return s.words
    .slice(1)
    .map((w) => (w.quoted && s.words.length > 2 && /\s/.test(w.text) ? `"${w.text}"` : w.text))
    .join(' ');
}

// ---------------------------------------------------------------- global_defs

const globalKeywords = new Registry<Handler<GlobalDefs>>('global_defs keyword');
globalKeywords.add('router_id', (s, d, g) => {
  if (expectArgs(s, d, 1, 1, 'a name')) g.routerId = s.words[1]!.text;
});
globalKeywords.add('enable_script_security', (_s, _d, g) => {
  g.enableScriptSecurity = true;
});
globalKeywords.add('script_user', (s, d, g) => {
  if (expectArgs(s, d, 1, 2, 'a user name and an optional group')) g.scriptUser = s.words[1]!.text;
});
globalKeywords.add('vrrp_garp_master_delay', (s, d, g) => {
  const v = expectArgs(s, d, 1, 1, 'a number of seconds') ? seconds(s, d, 0, 3_600_000) : undefined;
  if (v !== undefined) g.garpMasterDelayMs = v;
});
globalKeywords.add('vrrp_garp_master_repeat', (s, d, g) => {
  const v = expectArgs(s, d, 1, 1, 'a count') ? int(s, d, 1, 100) : undefined;
  if (v !== undefined) g.garpMasterRepeat = v;
});
globalKeywords.add('vrrp_skip_check_adv_addr', (_s, _d, g) => {
  g.skipCheckAdvAddr = true;
});
globalKeywords.add('vrrp_version', (s, d, g) => {
  const v = expectArgs(s, d, 1, 1, '2 or 3') ? int(s, d, 2, 3) : undefined;
  if (v !== undefined) g.version = v as 2 | 3;
});
globalKeywords.add('notification_email', (s, d) => {
  needBlock(s, d);
});
accepted(globalKeywords, [
  'notification_email_from', 'smtp_server', 'smtp_connect_timeout', 'smtp_helo_name', 'smtp_alert', 'smtp_alert_vrrp',
  'lvs_id', 'vrrp_garp_master_refresh', 'vrrp_garp_master_refresh_repeat', 'vrrp_garp_interval', 'vrrp_gna_interval',
  'vrrp_garp_lower_prio_delay', 'vrrp_garp_lower_prio_repeat', 'vrrp_lower_prio_no_advert', 'vrrp_higher_prio_send_advert',
  'vrrp_no_swap', 'checker_no_swap', 'vrrp_priority', 'checker_priority', 'max_auto_priority', 'dynamic_interfaces',
  'enable_traps', 'enable_snmp_vrrp', 'enable_snmp_keepalived', 'enable_dbus', 'vrrp_check_unicast_src', 'vrrp_strict',
  'vrrp_iptables', 'vrrp_ipsets', 'nftables', 'process_names', 'vrrp_startup_delay', 'vrrp_rx_bufs_policy',
  'script_security', 'linkbeat_use_polling', 'vrrp_notify_fifo', 'notify_fifo', 'instance', 'net_namespace',
]);
unsupported(globalKeywords, ['vrrp_mcast_group4', 'vrrp_mcast_group6'], 'the group is always 224.0.0.18');

// ---------------------------------------------------------------- vrrp_script

const scriptKeywords = new Registry<Handler<VrrpScript>>('vrrp_script keyword');
scriptKeywords.add('script', (s, d, sc) => {
  if (expectArgs(s, d, 1, Infinity, 'a command line')) sc.script = commandLine(s);
});
scriptKeywords.add('interval', (s, d, sc) => {
  const v = expectArgs(s, d, 1, 1, 'a number of seconds') ? seconds(s, d, 10, 86_400_000) : undefined;
  if (v !== undefined) sc.intervalMs = v;
});
scriptKeywords.add('timeout', (s, d, sc) => {
  const v = expectArgs(s, d, 1, 1, 'a number of seconds') ? seconds(s, d, 10, 86_400_000) : undefined;
  if (v !== undefined) sc.timeoutMs = v;
});
scriptKeywords.add('weight', (s, d, sc) => {
  const v = expectArgs(s, d, 1, 2, 'a weight from -253 to 253') ? int(s, d, -253, 253) : undefined;
  if (v !== undefined) sc.weight = v;
});
scriptKeywords.add('rise', (s, d, sc) => {
  const v = expectArgs(s, d, 1, 1, 'a count') ? int(s, d, 1, 1000) : undefined;
  if (v !== undefined) sc.rise = v;
});
scriptKeywords.add('fall', (s, d, sc) => {
  const v = expectArgs(s, d, 1, 1, 'a count') ? int(s, d, 1, 1000) : undefined;
  if (v !== undefined) sc.fall = v;
});
scriptKeywords.add('user', (s, d, sc) => {
  if (expectArgs(s, d, 1, 2, 'a user name and an optional group')) sc.user = s.words[1]!.text;
});
scriptKeywords.add('init_fail', (_s, _d, sc) => {
  sc.initFail = true;
});
// portico's own checks of the local proxy, so the VIP follows a healthy portico without a shell script.
scriptKeywords.add('check_pidfile', (s, d, sc) => {
  if (expectArgs(s, d, 1, 1, 'the path of portico\'s pid file')) sc.builtin = { kind: 'pidfile', target: s.words[1]!.text };
});
scriptKeywords.add('check_unix_socket', (s, d, sc) => {
  if (expectArgs(s, d, 1, 1, 'the path of portico\'s stats socket')) sc.builtin = { kind: 'unix_socket', target: s.words[1]!.text };
});
scriptKeywords.add('check_http', (s, d, sc) => {
  if (!expectArgs(s, d, 1, 1, 'an http:// URL')) return;
  const url = s.words[1]!.text;
  if (!/^https?:\/\/[^/]/.test(url)) d.alert(`'check_http' expects an http:// or https:// URL, not '${url}'`, at(s));
  else sc.builtin = { kind: 'http', target: url };
});

// ---------------------------------------------------------------- vrrp_instance

function parseVip(s: Statement, d: Diagnostics): VirtualAddress | undefined {
  const w = args(s);
  const first = s.words[0]!.text;
  const m = /^([^/]+)(?:\/(\d+))?$/.exec(first);
  if (!m || !isIPv4(m[1]!)) {
    if (first.includes(':')) d.alert(`IPv6 virtual address '${first}' is not supported (portico's VRRP is IPv4 only)`, at(s));
    else d.alert(`invalid virtual address '${first}' (expected ADDRESS[/PREFIX] [dev IF] [label LABEL])`, at(s));
    return undefined;
  }
  const prefix = m[2] === undefined ? 32 : Number(m[2]);
  if (prefix > 32) {
    d.alert(`invalid prefix length /${m[2]} in '${first}'`, at(s));
    return undefined;
  }
  const vip: VirtualAddress = { address: m[1]!, prefix, where: at(s) };
  for (let i = 0; i < w.length; i++) {
    const opt = w[i]!;
    const val = w[i + 1];
    if (opt === 'no_track' || opt === 'home' || opt === 'nodad' || opt === 'noprefixroute' || opt === 'autojoin') continue;
    if (val === undefined) {
      d.alert(`'${opt}' in virtual address '${first}' expects a value`, at(s));
      break;
    }
    i++;
    if (opt === 'dev') vip.dev = val;
    else if (opt === 'label') vip.label = val;
    else if (opt === 'brd' || opt === 'broadcast' || opt === 'scope' || opt === 'preferred_lft' || opt === 'track_group') continue;
    else d.warning(`unknown option '${opt}' in virtual address '${first}'; ignored`, at(s));
  }
  return vip;
}

function notifyKeyword(field: keyof Notify): Handler<{ notify: Notify }> {
  return (s, d, t) => {
    if (expectArgs(s, d, 1, Infinity, 'a script')) t.notify[field] = commandLine(s);
  };
}

const authKeywords = new Registry<Handler<VrrpInstance>>('authentication keyword');
authKeywords.add('auth_type', (s, d, vi) => {
  if (!expectArgs(s, d, 1, 1, 'PASS or AH')) return;
  const t = s.words[1]!.text.toUpperCase();
  if (t === 'PASS') vi.authType = 'PASS';
  else if (t === 'AH') d.alert(`'auth_type AH' (IPSEC-AH) is not supported by portico; use PASS or no authentication`, at(s));
  else d.alert(`'auth_type' expects PASS or AH, not '${s.words[1]!.text}'`, at(s));
});
authKeywords.add('auth_pass', (s, d, vi) => {
  if (!expectArgs(s, d, 1, 1, 'a password')) return;
  const p = s.words[1]!.text;
  if (p.length > 8) d.warning(`'auth_pass' is longer than 8 characters; only '${p.slice(0, 8)}' is used`, at(s));
  vi.authPass = p.slice(0, 8);
});

const instanceKeywords = new Registry<Handler<VrrpInstance>>('vrrp_instance keyword');
instanceKeywords.add('state', (s, d, vi) => {
  if (!expectArgs(s, d, 1, 1, 'MASTER or BACKUP')) return;
  const v = s.words[1]!.text.toUpperCase();
  if (v === 'MASTER' || v === 'BACKUP') vi.initialState = v;
  else d.alert(`'state' expects MASTER or BACKUP, not '${s.words[1]!.text}'`, at(s));
});
instanceKeywords.add('interface', (s, d, vi) => {
  if (expectArgs(s, d, 1, 1, 'an interface name')) vi.interface = s.words[1]!.text;
});
instanceKeywords.add('virtual_router_id', (s, d, vi) => {
  const v = expectArgs(s, d, 1, 1, 'a number from 1 to 255') ? int(s, d, 1, 255) : undefined;
  if (v !== undefined) vi.vrid = v;
});
instanceKeywords.add('priority', (s, d, vi) => {
  const v = expectArgs(s, d, 1, 1, 'a number from 1 to 255') ? int(s, d, 1, 255) : undefined;
  if (v !== undefined) vi.priority = v;
});
instanceKeywords.add('advert_int', (s, d, vi) => {
  const v = expectArgs(s, d, 1, 1, 'a number of seconds') ? seconds(s, d, 10, 255_000) : undefined;
  if (v !== undefined) vi.advertIntervalMs = v;
});
instanceKeywords.add('version', (s, d, vi) => {
  const v = expectArgs(s, d, 1, 1, '2 or 3') ? int(s, d, 2, 3) : undefined;
  if (v !== undefined) vi.version = v as 2 | 3;
});
instanceKeywords.add('authentication', (s, d, vi) => dispatch('authentication', authKeywords, needBlock(s, d), d, vi));
function vipBlock(field: 'vips' | 'vipsExcluded'): Handler<VrrpInstance> {
  return (s, d, vi) => {
    for (const line of needBlock(s, d)) {
      if (line.words.length === 0) continue;
      const vip = parseVip(line, d);
      if (vip) vi[field].push(vip);
    }
  };
}
instanceKeywords.add('virtual_ipaddress', vipBlock('vips'));
instanceKeywords.add('virtual_ipaddress_excluded', vipBlock('vipsExcluded'));
instanceKeywords.add('track_script', (s, d, vi) => {
  for (const line of needBlock(s, d)) {
    const w = line.words.map((x) => x.text);
    if (w.length === 0) continue;
    if (w.length === 1) vi.trackScripts.push({ name: w[0]!, where: at(line) });
    else if (w.length === 3 && w[1] === 'weight') {
      const weight = int(line, d, -253, 253, w[2]);
      if (weight !== undefined) vi.trackScripts.push({ name: w[0]!, weight, where: at(line) });
    } else d.alert(`track_script entry expects 'NAME [weight W]', not '${w.join(' ')}'`, at(line));
  }
});
instanceKeywords.add('track_interface', (s, d, vi) => {
  for (const line of needBlock(s, d)) {
    const w = line.words.map((x) => x.text);
    if (w.length === 0) continue;
    if (w.length === 1) vi.trackInterfaces.push({ name: w[0]!, weight: 0, where: at(line) });
    else if (w.length === 3 && w[1] === 'weight') {
      const weight = int(line, d, -254, 254, w[2]);
      if (weight !== undefined) vi.trackInterfaces.push({ name: w[0]!, weight, where: at(line) });
    } else d.alert(`track_interface entry expects 'IFNAME [weight W]', not '${w.join(' ')}'`, at(line));
  }
});
instanceKeywords.add('nopreempt', (s, d, vi) => {
  noBlock(s, d);
  vi.nopreempt = true;
});
instanceKeywords.add('preempt', (_s, _d, vi) => {
  vi.nopreempt = false;
});
instanceKeywords.add('preempt_delay', (s, d, vi) => {
  const v = expectArgs(s, d, 1, 1, 'a number of seconds') ? seconds(s, d, 0, 1_000_000) : undefined;
  if (v !== undefined) vi.preemptDelayMs = v;
});
function ipKeyword(field: 'unicastSrcIp'): Handler<VrrpInstance> {
  return (s, d, vi) => {
    if (!expectArgs(s, d, 1, 1, 'an IPv4 address')) return;
    const ip = s.words[1]!.text;
    if (isIPv4(ip)) vi[field] = ip;
    else d.alert(`'${name0(s)}' expects an IPv4 address, not '${ip}'`, at(s));
  };
}
instanceKeywords.add('unicast_src_ip', ipKeyword('unicastSrcIp'));
instanceKeywords.add('mcast_src_ip', ipKeyword('unicastSrcIp'));
instanceKeywords.add('unicast_peer', (s, d, vi) => {
  for (const line of needBlock(s, d)) {
    const ip = line.words[0]?.text;
    if (ip === undefined) continue;
    if (isIPv4(ip)) vi.unicastPeers.push(ip);
    else d.alert(`unicast_peer expects IPv4 addresses, not '${ip}'`, at(line));
  }
});
instanceKeywords.add('garp_master_delay', (s, d, vi) => {
  const v = expectArgs(s, d, 1, 1, 'a number of seconds') ? seconds(s, d, 0, 3_600_000) : undefined;
  if (v !== undefined) vi.garpMasterDelayMs = v;
});
instanceKeywords.add('garp_master_repeat', (s, d, vi) => {
  const v = expectArgs(s, d, 1, 1, 'a count') ? int(s, d, 1, 100) : undefined;
  if (v !== undefined) vi.garpMasterRepeat = v;
});
instanceKeywords.add('notify_master', notifyKeyword('master'));
instanceKeywords.add('notify_backup', notifyKeyword('backup'));
instanceKeywords.add('notify_fault', notifyKeyword('fault'));
instanceKeywords.add('notify_stop', notifyKeyword('stop'));
instanceKeywords.add('notify', notifyKeyword('any'));
accepted(instanceKeywords, [
  'smtp_alert', 'dont_track_primary', 'garp_master_refresh', 'garp_master_refresh_repeat', 'garp_lower_prio_delay',
  'garp_lower_prio_repeat', 'lower_prio_no_advert', 'higher_prio_send_advert', 'debug', 'strict_mode', 'accept',
  'no_accept', 'skip_check_adv_addr', 'check_unicast_src', 'notify_master_rx_lower_pri', 'unicast_ttl',
  'lvs_sync_daemon_interface', 'kernel_rx_buf_size', 'notify_priority_changes', 'old_unicast_checksum',
]);
unsupported(instanceKeywords, ['use_vmac', 'vmac_xmit_base', 'native_ipv6', 'virtual_routes', 'virtual_rules', 'track_file', 'track_process', 'track_bfd'], 'not implemented');

// ---------------------------------------------------------------- vrrp_sync_group

const groupKeywords = new Registry<Handler<SyncGroup>>('vrrp_sync_group keyword');
groupKeywords.add('group', (s, d, g) => {
  for (const line of needBlock(s, d)) for (const w of line.words) g.members.push(w.text);
});
groupKeywords.add('notify_master', notifyKeyword('master'));
groupKeywords.add('notify_backup', notifyKeyword('backup'));
groupKeywords.add('notify_fault', notifyKeyword('fault'));
groupKeywords.add('notify_stop', notifyKeyword('stop'));
groupKeywords.add('notify', notifyKeyword('any'));
accepted(groupKeywords, ['smtp_alert', 'global_tracking', 'sync_group_tracking_weight']);
unsupported(groupKeywords, ['track_script', 'track_interface', 'track_file', 'track_process', 'track_bfd'], 'track in the instances instead');

// ---------------------------------------------------------------- top level

interface Top {
  config: VrrpConfig;
}

function newInstance(name: string, where: Where): VrrpInstance {
  return {
    name, where, initialState: 'BACKUP', priority: 100, advertIntervalMs: 1000, vips: [], vipsExcluded: [], trackScripts: [],
    trackInterfaces: [], nopreempt: false, preemptDelayMs: 0, unicastPeers: [], notify: {},
  };
}

const topKeywords = new Registry<Handler<Top>>('top-level keyword');
topKeywords.add('global_defs', (s, d, t) => dispatch('global_defs', globalKeywords, needBlock(s, d), d, t.config.global));
topKeywords.add('vrrp_script', (s, d, t) => {
  if (!expectArgs(s, d, 1, 1, 'a name')) return;
  const name = s.words[1]!.text;
  const sc: VrrpScript = { name, intervalMs: 1000, timeoutMs: -1, weight: 0, rise: 1, fall: 1, initFail: false, where: at(s) };
  dispatch(`vrrp_script ${name}`, scriptKeywords, needBlock(s, d), d, sc);
  // keepalived's default timeout is the interval.
  if (sc.timeoutMs < 0) sc.timeoutMs = sc.intervalMs;
  if (sc.script === undefined && sc.builtin === undefined) d.alert(`vrrp_script '${name}' has no 'script' (or check_pidfile/check_unix_socket/check_http)`, at(s));
  if (t.config.scripts.has(name)) d.alert(`vrrp_script '${name}' is defined twice`, at(s));
  else t.config.scripts.set(name, sc);
});
topKeywords.add('vrrp_instance', (s, d, t) => {
  if (!expectArgs(s, d, 1, 1, 'a name')) return;
  const vi = newInstance(s.words[1]!.text, at(s));
  dispatch(`vrrp_instance ${vi.name}`, instanceKeywords, needBlock(s, d), d, vi);
  t.config.instances.push(vi);
});
topKeywords.add('vrrp_sync_group', (s, d, t) => {
  if (!expectArgs(s, d, 1, 1, 'a name')) return;
  const g: SyncGroup = { name: s.words[1]!.text, where: at(s), members: [], notify: {} };
  dispatch(`vrrp_sync_group ${g.name}`, groupKeywords, needBlock(s, d), d, g);
  t.config.syncGroups.push(g);
});
for (const lvs of ['virtual_server', 'virtual_server_group']) {
  topKeywords.add(lvs, (s, d) => {
    d.warning(`'${lvs}' (LVS load balancing) is not supported by portico's VRRP sidecar; balance with portico itself (a 'listen' section in 'mode tcp') and keep keepalived.conf for VRRP only`, at(s));
  });
}
unsupported(topKeywords, ['static_ipaddress', 'static_routes', 'static_rules', 'vrrp_track_process', 'track_file', 'bfd_instance', 'garp_group', 'linkbeat_interfaces'], 'not implemented');
accepted(topKeywords, ['net_namespace', 'instance', 'use_pid_dir', 'linkbeat_use_polling']);

function finalize(c: VrrpConfig, d: Diagnostics): void {
  const names = new Set<string>();
  const vrids = new Map<string, VrrpInstance>();
  for (const vi of c.instances) {
    if (names.has(vi.name)) d.alert(`vrrp_instance '${vi.name}' is defined twice`, vi.where);
    names.add(vi.name);
    vi.version ??= c.global.version;
    if (vi.interface === undefined) d.alert(`vrrp_instance '${vi.name}' has no 'interface'`, vi.where);
    if (vi.vrid === undefined) d.alert(`vrrp_instance '${vi.name}' has no 'virtual_router_id'`, vi.where);
    if (vi.vips.length === 0) d.warning(`vrrp_instance '${vi.name}' has no virtual_ipaddress`, vi.where);
    if (vi.interface !== undefined && vi.vrid !== undefined) {
      const key = `${vi.interface}/${vi.vrid}`;
      const other = vrids.get(key);
      if (other) d.alert(`vrrp_instance '${vi.name}' uses virtual_router_id ${vi.vrid} on ${vi.interface} like '${other.name}' (${other.where.file}:${other.where.line})`, vi.where);
      else vrids.set(key, vi);
    }
    if (vi.version === 2 && vi.advertIntervalMs % 1000 !== 0) d.alert(`vrrp_instance '${vi.name}': VRRPv2 advert_int must be whole seconds (use 'version 3' for sub-second intervals)`, vi.where);
    if (vi.version === 3 && vi.authType !== undefined) {
      d.warning(`vrrp_instance '${vi.name}': VRRPv3 has no authentication; 'authentication' ignored`, vi.where);
      delete vi.authType;
      delete vi.authPass;
    }
    if (vi.authType === 'PASS' && vi.authPass === undefined) d.alert(`vrrp_instance '${vi.name}': 'auth_type PASS' needs an 'auth_pass'`, vi.where);
    if (vi.nopreempt && vi.initialState === 'MASTER') d.warning(`vrrp_instance '${vi.name}': 'nopreempt' needs 'state BACKUP' to be useful`, vi.where);
    if (vi.priority === 255 && vi.initialState === 'BACKUP') d.notice(`vrrp_instance '${vi.name}': priority 255 (address owner) starts as MASTER whatever 'state' says`, vi.where);
    for (const ts of vi.trackScripts) if (!c.scripts.has(ts.name)) d.warning(`vrrp_instance '${vi.name}': track_script '${ts.name}' is not defined; ignored`, ts.where);
    vi.trackScripts = vi.trackScripts.filter((ts) => c.scripts.has(ts.name));
  }
  const grouped = new Map<string, string>();
  for (const g of c.syncGroups) {
    for (const m of g.members) {
      if (!names.has(m)) d.alert(`vrrp_sync_group '${g.name}': unknown vrrp_instance '${m}'`, g.where);
      const prev = grouped.get(m);
      if (prev !== undefined) d.alert(`vrrp_instance '${m}' is in sync groups '${prev}' and '${g.name}'`, g.where);
      grouped.set(m, g.name);
    }
  }
  if (c.instances.length === 0) d.warning('no vrrp_instance in the configuration: nothing to do');
}

function build(tree: Statement[], d: Diagnostics): VrrpConfig {
  const config: VrrpConfig = { global: defaultGlobal(), scripts: new Map(), instances: [], syncGroups: [] };
  dispatch('the configuration', topKeywords, tree, d, { config });
  finalize(config, d);
  return config;
}

/** Parses a keepalived.conf file (and its includes). Never throws; read `diag.alerts` before using the result. */
export function parseKeepalivedFile(file: string, diag = new Diagnostics()): { config: VrrpConfig; diag: Diagnostics } {
  return { config: build(lexFile(file, diag), diag), diag };
}

/** Parses keepalived.conf text; `file` names it in diagnostics and anchors relative includes. */
export function parseKeepalivedText(text: string, file = 'keepalived.conf', diag = new Diagnostics()): { config: VrrpConfig; diag: Diagnostics } {
  return { config: build(lexText(text, file, diag), diag), diag };
}
