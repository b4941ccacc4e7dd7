/**
 * No Docker engine or Kubernetes cluster runs where the tests run: the container and deployment
 * files are checked statically. The facts that matter: the image stops softly (STOPSIGNAL
 * SIGUSR1), runs as non-root, reads /usr/local/etc/haproxy/haproxy.cfg with -W -db; the ports and
 * the readiness probe path agree with the configuration shipped; reload paths are HAProxy's.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfigText } from '../../../src/config/load.js';
import type { Config } from '../../../src/config/model.js';
import { parseYaml, type Yaml } from './mini-yaml.js';

const ROOT = join(__dirname, '..', '..', '..');
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');
type Obj = { [k: string]: Yaml };
const obj = (y: Yaml | undefined): Obj => (y && typeof y === 'object' && !Array.isArray(y) ? y : {});
const arr = (y: Yaml | undefined): Yaml[] => (Array.isArray(y) ? y : []);

function checked(text: string, file: string): Config {
  const r = loadConfigText(text, file, { APP1_ADDR: 'a:1', APP2_ADDR: 'b:2' });
  expect(r.diags.list.filter((d) => d.level === 'alert'), file).toEqual([]);
  expect(r.ok).toBe(true);
  return r.config;
}

function httpFacts(c: Config): { port: number; monitorUri: string | undefined } {
  const fe = c.proxies.find((p) => p.kind === 'frontend')!;
  const a = fe.binds[0]!.addresses[0]!;
  return { port: a.kind === 'inet' ? a.port : -1, monitorUri: fe.monitorUri };
}

describe('Dockerfile', () => {
  const text = read('Dockerfile');
  const instr = (name: string) => text.split('\n').filter((l) => l.startsWith(`${name} `)).map((l) => l.slice(name.length + 1).trim());
  const shipped = httpFacts(checked(read('deploy/haproxy.cfg'), 'deploy/haproxy.cfg'));

  it('is multi-stage, on Node 20', () => {
    expect(instr('FROM').length).toBeGreaterThanOrEqual(2);
    for (const f of instr('FROM')) expect(f).toMatch(/^node:20\b/);
  });
  it('stops softly and runs as a non-root user', () => {
    expect(instr('STOPSIGNAL')).toEqual(['SIGUSR1']);
    const user = instr('USER').at(-1);
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
  });
  it('has the configuration where the official haproxy image has it, and runs -W -db on it', () => {
    expect(text).toMatch(/COPY deploy\/haproxy\.cfg \/usr\/local\/etc\/haproxy\/haproxy\.cfg/);
    const cmd = JSON.parse(instr('CMD').at(-1)!) as string[];
    expect(cmd).toEqual(['-W', '-db', '-f', '/usr/local/etc/haproxy/haproxy.cfg']);
  });
  it('exposes the port the shipped configuration binds', () => {
    expect(instr('EXPOSE')).toEqual([String(shipped.port)]);
  });
  it('leaves build products and dependencies out of the context', () => {
    const ignored = read('.dockerignore').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.git']));
  });
});

describe('compose example', () => {
  const doc = obj(parseYaml(read('deploy/compose.yaml')));
  const services = obj(doc['services']);
  const portico = obj(services['portico']);
  const shipped = httpFacts(checked(read('deploy/haproxy.cfg'), 'deploy/haproxy.cfg'));

  it('runs portico and two backends', () => {
    expect(Object.keys(services).sort()).toEqual(['app1', 'app2', 'portico']);
    const env = obj(portico['environment']);
    for (const [name, addr] of Object.entries(env)) {
      const [host, port] = String(addr).split(':');
      const svc = obj(services[host!]);
      expect(svc, name).toBeDefined();
      expect(JSON.stringify(svc['command'])).toContain(`listen(${port})`);
    }
  });
  it('publishes the bound port, mounts the config at the official path, stops with SIGUSR1', () => {
    expect(arr(portico['ports'])).toEqual([`${shipped.port}:${shipped.port}`]);
    expect(arr(portico['volumes'])).toEqual(['./haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro']);
    expect(portico['stop_signal']).toBe('SIGUSR1');
    expect(JSON.stringify(obj(portico['healthcheck'])['test'])).toContain(`${shipped.port}${shipped.monitorUri}`);
  });
});

describe('Kubernetes manifests', () => {
  const cm = obj(parseYaml(read('deploy/k8s/configmap.yaml')));
  const dep = obj(parseYaml(read('deploy/k8s/deployment.yaml')));
  const svc = obj(parseYaml(read('deploy/k8s/service.yaml')));
  const cfg = checked(String(obj(cm['data'])['haproxy.cfg']), 'configmap haproxy.cfg');
  const facts = httpFacts(cfg);
  const pod = obj(obj(obj(dep['spec'])['template'])['spec']);
  const container = obj(arr(pod['containers'])[0]);

  it('probes readiness on the monitor-uri of the configuration, on its port', () => {
    expect(facts.monitorUri).toBe('/healthz');
    const probe = obj(obj(container['readinessProbe'])['httpGet']);
    expect(probe['path']).toBe(facts.monitorUri);
    const port = arr(container['ports']).map(obj).find((p) => p['name'] === probe['port']);
    expect(port?.['containerPort']).toBe(facts.port);
  });
  it('mounts the ConfigMap at the official path and runs -W -db as non-root', () => {
    expect(arr(container['volumeMounts']).map(obj)[0]?.['mountPath']).toBe('/usr/local/etc/haproxy');
    const vol = arr(pod['volumes']).map(obj)[0]!;
    expect(obj(vol['configMap'])['name']).toBe(obj(cm['metadata'])['name']);
    expect(container['args']).toEqual(['-W', '-db', '-f', '/usr/local/etc/haproxy/haproxy.cfg']);
    expect(obj(pod['securityContext'])['runAsNonRoot']).toBe(true);
  });
  it('stops softly within the grace period (SIGUSR1 before the SIGTERM)', () => {
    const cmd = arr(obj(obj(obj(container['lifecycle'])['preStop'])['exec'])['command']).join(' ');
    expect(cmd).toMatch(/kill -USR1 1/);
    const hardStop = cfg.global.hardStopAfter!;
    expect(Number(pod['terminationGracePeriodSeconds']) * 1000).toBeGreaterThan(hardStop);
  });
  it('routes the Service to the named container port and selects the pods', () => {
    const spec = obj(svc['spec']);
    expect(obj(spec['selector'])).toEqual(obj(obj(obj(obj(dep['spec'])['template'])['metadata'])['labels']));
    expect(obj(arr(spec['ports'])[0])['targetPort']).toBe('http');
  });
});

describe('systemd unit', () => {
  const unit = read('deploy/portico.service');
  const values = (k: string) => unit.split('\n').filter((l) => l.startsWith(`${k}=`)).map((l) => l.slice(k.length + 1));
  it('checks the configuration, then reloads with SIGUSR2 to the master', () => {
    expect(values('ExecReload')).toEqual(['/usr/local/bin/portico -f $CONFIG -c -q $EXTRAOPTS', '/bin/kill -USR2 $MAINPID']);
    expect(values('ExecStart')[0]).toMatch(/ -Ws /);
  });
  it('is a notify service that stops softly', () => {
    expect(values('Type')).toEqual(['notify']);
    expect(values('NotifyAccess')).toEqual(['all']);
    expect(values('KillSignal')).toEqual(['SIGUSR1']);
    expect(values('KillMode')).toEqual(['mixed']);
  });
});

describe('mini-yaml', () => {
  it('reads maps, lists of maps, flow lists, quoted and block scalars', () => {
    const y = parseYaml('a: 1\nb:\n  - x: "q"\n    y: [1, 2]\n  - plain\nc: |\n  line1\n  line2\nd: true # comment\n');
    expect(y).toEqual({ a: 1, b: [{ x: 'q', y: [1, 2] }, 'plain'], c: 'line1\nline2\n', d: true });
  });
  it('refuses what it does not know', () => {
    expect(() => parseYaml('a: &anchor 1\n')).toThrow(/unsupported/);
  });
});
