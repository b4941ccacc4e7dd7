/**
 * One stats value with its type, and the row kinds (HAProxy's "object
 * types"): F frontend, B backend, L listener, S server.
 */
export type ObjType = 'F' | 'B' | 'L' | 'S';
export type FieldType = 's32' | 's64' | 'u32' | 'u64' | 'str';
/** A value; `undefined` is an empty field (printed as nothing in CSV, skipped in typed/JSON output). */
export type Value = number | string | undefined;

/** HAProxy's "type" column: 0 frontend, 1 backend, 2 server, 3 listener. */
export const TYPE_NUMBER: Record<ObjType, number> = { F: 0, B: 1, S: 2, L: 3 };

export const OBJ_TYPE_NAME: Record<ObjType, string> = {
  F: 'Frontend',
  B: 'Backend',
  L: 'Listener',
  S: 'Server',
};

const ORIGIN: Record<string, string> = { M: 'Metric', S: 'Status', K: 'Key', C: 'Config', P: 'Product' };
const NATURE: Record<string, string> = {
  A: 'Age', a: 'Avg', C: 'Counter', D: 'Duration', G: 'Gauge', L: 'Limit', M: 'Max', m: 'Min',
  N: 'Name', O: 'Output', R: 'Rate', T: 'Time',
};
const SCOPE: Record<string, string> = { C: 'Cluster', P: 'Process', S: 'Service', s: 'System' };

/** "MGP" -> {origin: "Metric", nature: "Gauge", scope: "Process"} for the JSON output. */
export function expandTags(tags: string): { origin: string; nature: string; scope: string } {
  return {
    origin: ORIGIN[tags[0]!] ?? 'Unknown',
    nature: NATURE[tags[1]!] ?? 'Unknown',
    scope: SCOPE[tags[2]!] ?? 'Unknown',
  };
}

/** Integer value as printed by HAProxy (no exponent, no fraction). */
export function formatNumber(v: number): string {
  return Number.isFinite(v) ? Math.trunc(v).toString() : '0';
}

export function formatValue(v: Value): string {
  if (v === undefined) return '';
  return typeof v === 'number' ? formatNumber(v) : v;
}
