/**
 * The one check status table shared by logs, stats and the Runtime API.
 * Names and descriptions are HAProxy's, word for word; `result` says how the
 * scheduler counts a check that ended with this status.
 */
export type CheckResult = 'unknown' | 'neutral' | 'failed' | 'passed' | 'condpass';

export type CheckStatus =
  | 'UNK' | 'INI' | 'CHECKED' | 'HANA' | 'SOCKERR'
  | 'L4OK' | 'L4TOUT' | 'L4CON'
  | 'L6OK' | 'L6TOUT' | 'L6RSP'
  | 'L7TOUT' | 'L7RSP'
  | 'L7OK' | 'L7OKC' | 'L7STS'
  | 'PROCERR' | 'PROCTOUT' | 'PROCOK';

export interface StatusInfo {
  result: CheckResult;
  description: string;
  /** HAProxy's enum order; statuses from L7OK on carry layer 5-7 data, so logs print their code. */
  rank: number;
}

export const STATUS: Readonly<Record<CheckStatus, StatusInfo>> = {
  UNK: { result: 'unknown', description: 'Unknown', rank: 0 },
  INI: { result: 'unknown', description: 'Initializing', rank: 1 },
  CHECKED: { result: 'neutral', description: 'No status change', rank: 3 },
  HANA: { result: 'failed', description: 'Health analyze', rank: 4 },
  SOCKERR: { result: 'failed', description: 'Socket error', rank: 5 },
  L4OK: { result: 'passed', description: 'Layer4 check passed', rank: 6 },
  L4TOUT: { result: 'failed', description: 'Layer4 timeout', rank: 7 },
  L4CON: { result: 'failed', description: 'Layer4 connection problem', rank: 8 },
  L6OK: { result: 'passed', description: 'Layer6 check passed', rank: 9 },
  L6TOUT: { result: 'failed', description: 'Layer6 timeout', rank: 10 },
  L6RSP: { result: 'failed', description: 'Layer6 invalid response', rank: 11 },
  L7TOUT: { result: 'failed', description: 'Layer7 timeout', rank: 12 },
  L7RSP: { result: 'failed', description: 'Layer7 invalid response', rank: 13 },
  // rank 14 is HAProxy's L57DATA marker
  L7OK: { result: 'passed', description: 'Layer7 check passed', rank: 15 },
  L7OKC: { result: 'condpass', description: 'Layer7 check conditionally passed', rank: 16 },
  L7STS: { result: 'failed', description: 'Layer7 wrong status', rank: 17 },
  PROCERR: { result: 'failed', description: 'External check error', rank: 18 },
  PROCTOUT: { result: 'failed', description: 'External check timeout', rank: 19 },
  PROCOK: { result: 'passed', description: 'External check passed', rank: 20 },
};

const L57DATA_RANK = 14;

export function isCheckStatus(s: string): s is CheckStatus {
  return Object.hasOwn(STATUS, s);
}

export function statusDescription(s: CheckStatus): string {
  return STATUS[s].description;
}

export function statusResult(s: CheckStatus): CheckResult {
  return STATUS[s].result;
}

/** True when a log line for this status includes `code: N` (layer 5-7 data was read). */
export function statusHasCode(s: CheckStatus): boolean {
  return STATUS[s].rank > L57DATA_RANK;
}

/** `show servers state` / stats numeric value of `srv_check_status` (HAProxy's enum index). */
export function statusIndex(s: CheckStatus): number {
  return STATUS[s].rank;
}

/** Result codes as `show servers state` prints `srv_check_result` (CHK_RES_*). */
export const RESULT_CODE: Readonly<Record<CheckResult, number>> = {
  unknown: 0,
  neutral: 1,
  failed: 2,
  passed: 3,
  condpass: 4,
};

/** What a passive health analysis event (`observe`) means, with HAProxy's descriptions. */
export type AnalyzeEvent =
  | 'L4_OK' | 'L4_ERR'
  | 'HTTP_OK' | 'HTTP_STS' | 'HTTP_HDRRSP' | 'HTTP_RSP'
  | 'HTTP_READ_ERROR' | 'HTTP_READ_TIMEOUT' | 'HTTP_BROKEN_PIPE';

/** [description, meaning under observe layer4, meaning under observe layer7]; 0 ignore, 1 error, 2 ok. */
export const ANALYZE: Readonly<Record<AnalyzeEvent, readonly [string, 0 | 1 | 2, 0 | 1 | 2]>> = {
  L4_OK: ['L4 successful connection', 2, 0],
  L4_ERR: ['L4 unsuccessful connection', 1, 1],
  HTTP_OK: ['Correct http response', 0, 2],
  HTTP_STS: ['Wrong http response', 0, 1],
  HTTP_HDRRSP: ['Invalid http response (headers)', 0, 1],
  HTTP_RSP: ['Invalid http response', 0, 1],
  HTTP_READ_ERROR: ['Read error (http)', 0, 1],
  HTTP_READ_TIMEOUT: ['Read timeout (http)', 0, 1],
  HTTP_BROKEN_PIPE: ['Close from server (http)', 0, 1],
};
