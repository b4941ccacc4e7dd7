/** Persistence: cookies (cookie.ts) and stick tables (stick-table.ts, track.ts, stick-rules.ts, stick-fetch.ts, stick-cli.ts). */
export * from './cookie.js';
export { StickTable, parseStickTable, withServerId, type StickEntry, type StickTableConfig, type StickParse, type KeyType, type StoreSpec } from './stick-table.js';
export { Trackers, MAX_TRACKERS, isClientError, isServerFailure, type TrackStage } from './track.js';
export { parseStickRule, parseTrackArgs, stickMatch, stickStore, type StickRule, type StickRuleKind, type StickServer } from './stick-rules.js';
export { STICK_FETCHES, stickFetch, type StickFetchContext, type StickFetchDef } from './stick-fetch.js';
export { showTable, clearTable, formatEntry } from './stick-cli.js';
export { DATA_TYPES, type DataTypeName } from './stick-data.js';
