/** Health checks: what the config parser and the runtime use. */
export * from './status.js';
export * from './rules.js';
export * from './kinds.js';
export * from './agent.js';
export * from './logtext.js';
export { runCheck, checkTimeouts, type CheckTarget, type CheckTimeouts, type RunOptions, type CheckOutcome } from './runner.js';
export * from './scheduler.js';
export * from './options.js';
export * from './observe.js';
