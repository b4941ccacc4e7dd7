/**
 * `-D` / `daemon`: run in the background. Node cannot fork(2), so the process starts a detached
 * copy of itself (its own session, stdio closed) and waits: the copy relays its start-up messages
 * over an IPC channel and says when it serves, so that the command returns only then, with 0, or
 * with the copy's exit status and its messages if it could not start (like HAProxy's -D, whose
 * parent returns after binding).
 */
import { spawn } from 'node:child_process';
import { setMessageSink } from './messages.js';

const ENV = 'PORTICO_DAEMON_CHILD';

export function isDaemonChild(): boolean {
  return process.env[ENV] === '1';
}

/** In the parent: starts the background copy and resolves with the exit status for the parent. */
export function daemonize(): Promise<number> {
  const args = process.argv.slice(1).filter((a) => a !== '-D');
  const child = spawn(process.execPath, [...process.execArgv, ...args], {
    detached: true,
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    env: { ...process.env, [ENV]: '1' },
  });
  return new Promise((resolve) => {
    child.on('message', (m: { t?: string; line?: string }) => {
      if (m.t === 'say' && m.line !== undefined) process.stderr.write(`${m.line}\n`);
      else if (m.t === 'ready') {
        child.disconnect();
        child.unref();
        resolve(0);
      }
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    child.on('error', (e) => {
      process.stderr.write(`${e.message}\n`);
      resolve(1);
    });
  });
}

/** In the background copy, first thing: messages go to the waiting parent. */
export function relayToParent(): void {
  setMessageSink((line) => {
    if (process.connected) process.send!({ t: 'say', line });
  });
}

/** In the background copy, once serving: release the parent; later messages are dropped. */
export function daemonReady(): void {
  if (process.connected) {
    process.send!({ t: 'ready' });
    process.disconnect();
  }
  setMessageSink(() => {});
}
