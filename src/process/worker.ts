/**
 * A worker of the master-worker mode: loads the configuration the master checked, builds the
 * Runtime on listening handles received from the master (it never binds a port itself), drops
 * privileges, then serves until told to stop. It answers:
 *  - `soft-stop` (reload, or SIGUSR1 to the master) and SIGUSR1: finish in-flight work, exit 0;
 *  - SIGTERM / SIGINT: the default, immediate death (the master reports 143 / 130);
 *  - `pause` / `resume` (SIGTTOU / SIGTTIN to the master) and the same signals sent directly;
 *  - `cli`: a Runtime API command routed by the master CLI (`@1 show info`), with its payload;
 *  - `cert-apply` / `cert-spread`: certificates committed at run time (see worker-certs.ts).
 * If the master disappears the worker stops softly too.
 */
import { loadConfig } from '../config/load.js';
import { Runtime } from '../runtime/runtime.js';
import { ResolveError } from '../runtime/resolve.js';
import { pauseListener, resumeListener, useListenSource } from '../runtime/listeners.js';
import { Drainer } from './drain.js';
import { isMessage, type FromWorker, type ToWorker } from './ipc.js';
import { diagText, say } from './messages.js';
import { dropPrivileges, resolveIdentity } from './privileges.js';
import { proxyStoppedMessages, bindFailureLines, certFailureLines } from './report.js';
import { CertError } from '../tls/certs.js';
import { WorkerCerts } from './worker-certs.js';

function send(m: FromWorker): boolean {
  if (!process.connected) return false;
  process.send!(m);
  return true;
}

type HandleReply = { handle: unknown } | { error: string };

export async function runWorker(): Promise<void> {
  process.stderr.on('error', () => {});
  const waiting = new Map<string, ((r: HandleReply) => void)[]>();
  let init: Extract<ToWorker, { t: 'init' }> | undefined;
  let onInit: (() => void) | undefined;
  let control: ((m: ToWorker) => void) | undefined;
  const early: ToWorker[] = [];

  process.on('message', (m: unknown, handle: unknown) => {
    if (!isMessage(m)) return;
    const msg = m as ToWorker;
    if (msg.t === 'init') {
      init = msg;
      onInit?.();
    } else if (msg.t === 'handle') {
      const list = waiting.get(msg.key);
      const resolve = list?.shift();
      if (list && list.length === 0) waiting.delete(msg.key);
      resolve?.(msg.error !== undefined || !handle ? { error: msg.error ?? 'no handle received from the master' } : { handle });
    } else if (control) control(msg);
    else early.push(msg);
  });
  useListenSource({
    handle: (key) =>
      new Promise<HandleReply>((resolve) => {
        const list = waiting.get(key) ?? [];
        list.push(resolve);
        waiting.set(key, list);
        send({ t: 'get-handle', key });
      }),
  });

  // A spare waits for its configuration; it leaves with the master.
  const orphan = () => process.exit(0);
  process.once('disconnect', orphan);
  if (!init) await new Promise<void>((resolve) => (onInit = resolve));
  process.off('disconnect', orphan);
  const me = init!;
  const fail = (lines: string[]) => {
    send({ t: 'failed', lines });
    setTimeout(() => process.exit(1), 50).unref();
  };

  const { config, ok, rules, diags } = loadConfig(me.files);
  if (!ok) {
    return fail(diags.list.filter((d) => d.level === 'alert').map(diagText));
  }
  const id = resolveIdentity(config.global);
  if ('error' in id) return fail([`config : ${id.error}`]);

  const rt = new Runtime(config, { log: (level, message) => say(level, message) }, rules);
  const drainer = new Drainer(rt);
  let failures;
  try {
    failures = await rt.start();
  } catch (e) {
    if (e instanceof ResolveError) return fail([...e.message.split('\n').map((l) => `config : ${l}`), 'config : Failed to initialize server(s) addr.']);
    if (e instanceof CertError) return fail(certFailureLines(e));
    throw e;
  }
  if (failures.length > 0) return fail(bindFailureLines(failures));
  const certs = new WorkerCerts(rt, send);
  for (const w of certs.applyInitial(me.certs ?? [])) say('warning', w);
  // Sockets are open (and server names resolved): the rights of the master are no longer needed.
  const dropped = dropPrivileges(id.ok);
  if (dropped) return fail([dropped]);

  let stopApi: (() => Promise<void>) | undefined;
  if (me.relPid === 1 && config.global.statsSockets.length > 0) stopApi = await startApi(rt);

  let stopping = false;
  const softStop = async () => {
    if (stopping) return;
    stopping = true;
    await stopApi?.();
    for (const line of proxyStoppedMessages(rt)) say('warning', line);
    await drainer.drain(config.global.hardStopAfter, () => say('warning', 'soft-stop running for too long, performing a hard-stop.'));
    setTimeout(() => process.exit(0), 10);
  };
  const pause = async () => {
    for (const l of rt.listeners) await pauseListener(l);
    for (const fe of rt.frontends) {
      if (rt.listeners.some((l) => l.proxy === fe.config)) say('warning', `Paused ${fe.config.kind === 'frontend' ? 'frontend' : 'proxy'} ${fe.name}.`);
    }
  };
  const resume = async () => {
    for (const l of rt.listeners) {
      const err = await resumeListener(l);
      if (err) say('alert', `Failed to resume ${l.proxy.name} on [${l.label}]: ${err}`);
    }
    for (const fe of rt.frontends) {
      if (rt.listeners.some((l) => l.proxy === fe.config)) say('warning', `Resumed ${fe.config.kind === 'frontend' ? 'frontend' : 'proxy'} ${fe.name}.`);
    }
  };
  control = (m) => {
    if (m.t === 'soft-stop') void softStop();
    else if (m.t === 'pause' && !stopping) void pause();
    else if (m.t === 'resume' && !stopping) void resume();
    else if (m.t === 'cli') void answerCli(rt, m.line, m.payload).then((text) => send({ t: 'cli-reply', id: m.id, text }));
    else certs.handle(m);
  };
  for (const m of early.splice(0)) control(m);
  process.on('SIGUSR1', () => void softStop());
  process.on('SIGTTOU', () => void pause());
  process.on('SIGTTIN', () => void resume());
  // Reload and stop are the master's; a worker ignores the reload signals.
  process.on('SIGUSR2', () => {});
  process.on('SIGHUP', () => {});
  process.on('disconnect', () => void softStop());
  send({ t: 'ready' });
}

/** Starts the Runtime API (`stats socket`) in worker 1, retrying while a former worker still holds it. */
async function startApi(rt: Runtime): Promise<(() => Promise<void>) | undefined> {
  let mod: typeof import('../cli-api/index.js');
  try {
    mod = await import('../cli-api/index.js');
  } catch {
    return undefined;
  }
  for (let attempt = 0; attempt < 20; attempt++) {
    const lines: [('notice' | 'warning' | 'alert'), string][] = [];
    try {
      return await mod.startRuntimeApi(rt, (level, message) => lines.push([level, message]));
    } catch {
      if (attempt === 19) for (const [level, message] of lines) say(level, message);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return undefined;
}

/** Runs a Runtime API line on this worker for the master CLI. */
async function answerCli(rt: Runtime, line: string, payload: string | undefined): Promise<string> {
  try {
    const mod = await import('../cli-api/index.js');
    return await mod.answerLine(
      line,
      {
        rt,
        state: { level: 'admin', prompt: false, quit: false, timeoutMs: 10_000 },
        commands: mod.COMMANDS,
      },
      payload,
    );
  } catch (e) {
    return `Internal error: ${(e as Error).message}\n`;
  }
}
