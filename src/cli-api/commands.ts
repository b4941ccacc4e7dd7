/** The Runtime API command table: every command with its keywords, level, help line and handler. */
import { ADMIN_COMMANDS } from './commands-admin.js';
import { CLI_COMMANDS } from './commands-cli.js';
import { SHOW_COMMANDS } from './commands-show.js';
import { SSL_CERT_COMMANDS } from './ssl-cert.js';
import type { Command } from './types.js';

export const COMMANDS: readonly Command[] = [...SHOW_COMMANDS, ...ADMIN_COMMANDS, ...SSL_CERT_COMMANDS, ...CLI_COMMANDS];
