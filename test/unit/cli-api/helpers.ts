/** Test helpers: a Runtime from config text, and a Runtime API socket on loopback to talk to. */
import { connect } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigText } from '../../../src/config/load.js';
import { Runtime } from '../../../src/runtime/runtime.js';
import { startRuntimeApi } from '../../../src/cli-api/index.js';

export interface Harness {
  rt: Runtime;
  logs: string[];
  stop(): Promise<void>;
}

/** A fresh directory for UNIX sockets. */
export function sockDir(): string {
  return mkdtempSync(join(tmpdir(), 'portico-cli-'));
}

/** Builds and starts a Runtime and its Runtime API sockets from config text. */
export async function startWithApi(cfg: string): Promise<Harness> {
  const loaded = loadConfigText(cfg);
  const alerts = loaded.diags.list.filter((d) => d.level === 'alert');
  if (alerts.length) throw new Error(alerts.map((a) => a.message).join('\n'));
  const logs: string[] = [];
  const log = (level: string, m: string) => void logs.push(`${level}: ${m}`);
  const rt = new Runtime(loaded.config, { log });
  const failures = await rt.start();
  if (failures.length) throw new Error(failures.map((f) => f.reason).join('\n'));
  const stopApi = await startRuntimeApi(rt, log);
  return {
    rt,
    logs,
    stop: async () => {
      await stopApi();
      await rt.stop(true);
    },
  };
}

/** Sends `input` to a CLI socket and collects everything until the server closes (bounded by `ms`). */
export function exchange(port: number, input: string, ms = 3000, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host, port });
    let out = '';
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`no close within ${ms} ms; got ${JSON.stringify(out)}`));
    }, ms);
    s.on('data', (d) => (out += d.toString()));
    s.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    s.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
    s.write(input);
  });
}

/** Same over a UNIX socket. */
export function exchangePath(path: string, input: string, ms = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ path });
    let out = '';
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`no close within ${ms} ms`));
    }, ms);
    s.on('data', (d) => (out += d.toString()));
    s.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    s.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
    s.write(input);
  });
}
