/**
 * Reads a request to the stats URI: HAProxy matches `stats uri` as a prefix
 * and takes options from `;word` suffixes (`;csv;norefresh;up;st=DONE`) and
 * from a `scope=` parameter.
 */
export type StatsFormat = 'html' | 'csv' | 'json' | 'json-schema';

export interface StatsRequest {
  format: StatsFormat;
  norefresh: boolean;
  upOnly: boolean;
  /** The `;st=` admin result to show. */
  status?: string;
  scope?: string;
}

/** Undefined when `requestUri` is not under `statsUri`. */
export function parseStatsRequest(statsUri: string, requestUri: string): StatsRequest | undefined {
  if (!requestUri.startsWith(statsUri)) return undefined;
  const rest = requestUri.slice(statsUri.length);
  const req: StatsRequest = { format: 'html', norefresh: false, upOnly: false };
  for (const part of rest.split(/[;&?]/)) {
    if (part === 'csv') req.format = 'csv';
    else if (part === 'json') req.format = 'json';
    else if (part === 'json-schema') req.format = 'json-schema';
    else if (part === 'norefresh') req.norefresh = true;
    else if (part === 'up') req.upOnly = true;
    else if (part.startsWith('st=')) req.status = part.slice(3);
    else if (part.startsWith('scope=')) req.scope = decodeURIComponent(part.slice(6).replace(/\+/g, ' '));
  }
  return req;
}
