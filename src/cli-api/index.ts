/** The Runtime API (`stats socket`): start it with startRuntimeApi(); commands are data in COMMANDS. */
export { startRuntimeApi, RuntimeApiError, DEFAULT_TIMEOUT_MS, type ApiLog } from './listen.js';
export { parseStatsSocket, type StatsSocketSpec } from './sockets.js';
export { COMMANDS } from './commands.js';
export { answerLine, handleCliConnection } from './session.js';
export { runCommand, usageMessage, findCommand } from './table.js';
export type { Command, CliContext, CliState, Level } from './types.js';
