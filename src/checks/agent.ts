/**
 * Reading an agent-check reply: one line of words separated by spaces, tabs or commas,
 * in any order, the last word of each category winning (HAProxy's rules).
 */
import type { CheckStatus } from './status.js';

export interface AgentReport {
  /** up / down / stopped / fail, when announced. */
  health?: 'up' | 'down' | 'stopped' | 'fail';
  /** ready / drain / maint, when announced. */
  admin?: 'ready' | 'drain' | 'maint';
  /** The `NN%` word as written (relative to the initial weight). */
  weightPercent?: number;
  /** `maxconn:N`. */
  maxconn?: number;
  /** Text after `#`, only meaningful with a health word. */
  description: string;
  /** The first word that was not understood. */
  error?: string;
  /** The check status this reply sets: L7OK for up, L7STS for down/stopped/fail, else CHECKED (no change). */
  status: CheckStatus;
  /** The info text HAProxy logs and shows for this reply. */
  info: string;
}

/** Parses one complete agent line (without its CR/LF). */
export function parseAgentLine(line: string): AgentReport {
  const report: AgentReport = { description: '', status: 'CHECKED', info: '' };
  let i = 0;
  let healthWord = '';
  let weightWord: string | undefined;
  let maxconnWord: string | undefined;
  while (i < line.length) {
    const c = line[i]!;
    if (c === ' ' || c === '\t' || c === ',') {
      i++;
      continue;
    }
    if (c === '#') {
      report.description = line.slice(i + 1).replace(/^[ \t]+/, '');
      break;
    }
    let end = i + 1;
    while (end < line.length && !' \t,\n'.includes(line[end]!)) end++;
    const word = line.slice(i, end);
    const lower = word.toLowerCase();
    if (lower === 'up' || lower === 'down' || lower === 'stopped' || lower === 'fail') {
      report.health = lower;
      healthWord = word;
    } else if (lower === 'ready' || lower === 'drain' || lower === 'maint') report.admin = lower;
    else if (/^[0-9]/.test(word) && word.includes('%')) weightWord = word;
    else if (lower.startsWith('maxconn:')) maxconnWord = word.slice('maxconn:'.length);
    else if (report.error === undefined) report.error = word;
    i = end + 1;
  }
  let warning: string | undefined;
  if (weightWord !== undefined) {
    const w = Number.parseInt(weightWord, 10);
    report.weightPercent = w;
  }
  if (maxconnWord !== undefined) {
    const m = Number.parseInt(maxconnWord, 10);
    if (Number.isNaN(m) || m < 0) warning = 'Maxconn must be a positive integer.';
    else report.maxconn = m;
  }
  if (report.health !== undefined) {
    report.status = report.health === 'up' ? 'L7OK' : 'L7STS';
    let msg = report.description;
    if (msg === '' || report.health === 'up') {
      if (report.error) msg = report.error;
      else if (warning) msg = warning;
    }
    report.info = `via agent : ${healthWord}${msg ? ` (${msg})` : ''}`;
  } else if (report.error) report.info = `agent reports an error : ${report.error}`;
  else if (warning) report.info = `agent warns : ${warning}`;
  return report;
}

/**
 * The new user weight for an `NN%` agent word, from the server's initial weight, or an
 * error message as HAProxy words it. Static algorithms only accept 0% and 100%.
 */
export function agentWeight(percent: number, initialWeight: number, dynamicLb = true): number | { error: string } {
  if (percent < 0) return { error: 'Relative weight must be positive.' };
  let w = Math.min(percent, 25600);
  w = Math.min(Math.floor((initialWeight * w) / 100), 256);
  if (w !== 0 && w !== initialWeight && !dynamicLb) {
    return { error: "Backend is using a static LB algorithm and only accepts weights '0%' and '100%'." };
  }
  return w;
}
