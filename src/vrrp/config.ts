/** The typed keepalived configuration the VRRP sidecar runs from: plain data, no behaviour. */

export interface Where {
  file: string;
  line: number;
}

export interface GlobalDefs {
  routerId?: string;
  enableScriptSecurity: boolean;
  scriptUser?: string;
  /** Delay before the second burst of gratuitous ARPs after becoming master (keepalived default 5 s). */
  garpMasterDelayMs: number;
  /** Gratuitous ARPs in each burst (keepalived default 5). */
  garpMasterRepeat: number;
  /** Accept adverts whose address list differs from ours (vrrp_skip_check_adv_addr). */
  skipCheckAdvAddr: boolean;
  /** Default VRRP version for instances that don't set one. */
  version: 2 | 3;
}

export interface VirtualAddress {
  address: string;
  prefix: number;
  dev?: string;
  label?: string;
  where: Where;
}

export interface VrrpScript {
  name: string;
  /** The command line, run by /bin/sh -c; absent for portico's built-in checks. */
  script?: string;
  /** portico's built-in checks of the local proxy, used instead of `script`. */
  builtin?: { kind: 'pidfile' | 'unix_socket' | 'http'; target: string };
  intervalMs: number;
  timeoutMs: number;
  weight: number;
  rise: number;
  fall: number;
  user?: string;
  initFail: boolean;
  where: Where;
}

export interface TrackScript {
  name: string;
  /** Overrides the script's own weight when given. */
  weight?: number;
  where: Where;
}

export interface TrackInterface {
  name: string;
  weight: number;
  where: Where;
}

export interface Notify {
  master?: string;
  backup?: string;
  fault?: string;
  stop?: string;
  /** `notify`: called on every change with the state as an argument. */
  any?: string;
}

export interface VrrpInstance {
  name: string;
  where: Where;
  initialState: 'MASTER' | 'BACKUP';
  interface?: string;
  vrid?: number;
  priority: number;
  advertIntervalMs: number;
  version?: 2 | 3;
  authType?: 'PASS' | 'AH';
  authPass?: string;
  vips: VirtualAddress[];
  vipsExcluded: VirtualAddress[];
  trackScripts: TrackScript[];
  trackInterfaces: TrackInterface[];
  nopreempt: boolean;
  preemptDelayMs: number;
  unicastSrcIp?: string;
  unicastPeers: string[];
  garpMasterDelayMs?: number;
  garpMasterRepeat?: number;
  notify: Notify;
}

export interface SyncGroup {
  name: string;
  where: Where;
  members: string[];
  notify: Notify;
}

export interface VrrpConfig {
  global: GlobalDefs;
  scripts: Map<string, VrrpScript>;
  instances: VrrpInstance[];
  syncGroups: SyncGroup[];
}

export function defaultGlobal(): GlobalDefs {
  return { enableScriptSecurity: false, garpMasterDelayMs: 5000, garpMasterRepeat: 5, skipCheckAdvAddr: false, version: 2 };
}
