/** HAProxy's texts about proxies and listeners at start and stop. */
import type { Runtime } from '../runtime/runtime.js';
import type { BindFailure } from '../runtime/listeners.js';
import type { CertError } from '../tls/certs.js';
import { diagText } from './messages.js';

/** "Proxy fe stopped (cumulated conns: FE: 3, BE: 0)." for every proxy, as a soft stop logs. */
export function proxyStoppedMessages(rt: Runtime): string[] {
  const out: string[] = [];
  const fes = new Map(rt.frontends.map((f) => [f.config, f]));
  for (const p of rt.config.proxies) {
    if (p.kind === 'defaults' || p.disabled) continue;
    const fe = fes.get(p)?.counters.cumConn ?? 0;
    const be = rt.backends.get(p.name)?.counters.cumSess ?? 0;
    out.push(`Proxy ${p.name} stopped (cumulated conns: FE: ${fe}, BE: ${be}).`);
  }
  return out;
}

/** The alerts for listeners that could not be opened, then HAProxy's closing line. */
export function bindFailureLines(failures: BindFailure[]): string[] {
  const out = failures.map(
    (f) =>
      `Binding [${f.bind.where.file}:${f.bind.where.line}] for ${f.proxy.kind === 'listen' ? 'proxy' : f.proxy.kind} ${f.proxy.name}: cannot bind socket (${f.reason}) for [${f.label}]`,
  );
  out.push('[portico.main()] Some protocols failed to start their listeners! Exiting.');
  return out;
}

/**
 * The alerts for certificates that could not be loaded when the runtime started (the files
 * changed after the configuration was checked), in the words `portico -c` uses for them.
 */
export function certFailureLines(e: CertError): string[] {
  const lines = e.diagnostics.length > 0 ? e.diagnostics.map(diagText) : e.message.split('\n').map((l) => `config : ${l}`);
  return [...lines, 'config : Fatal errors found in configuration.'];
}
