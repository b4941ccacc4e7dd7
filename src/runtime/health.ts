/**
 * Health checks at run time: one CheckScheduler per server with `check` or `agent-check`,
 * probing with the backend's compiled check rules and moving the server between UP, DOWN,
 * NOLB, DRAIN and MAINT. The load balancer is told before the log line is written, so the
 * counts in the line are the ones after the transition, as in HAProxy.
 */
import {
  CheckScheduler,
  checkTimeouts,
  compileAgentCheck,
  compileProxyChecks,
  firstCheckDelay,
  resolveServerChecks,
  runCheck,
  type CheckEvent,
} from '../checks/index.js';
import { hostname } from 'node:os';
import { applyMarkedActions, serverCounts } from './admin.js';
import type { BackendRuntime } from './backend.js';
import type { ServerRuntime } from './server.js';

export type HealthLog = (level: 'notice' | 'warning' | 'alert', text: string) => void;

/** Applies a scheduler event to the server it watches. */
function onEvent(be: BackendRuntime, s: ServerRuntime, ev: CheckEvent, log: HealthLog): void {
  switch (ev.type) {
    case 'state': {
      const wasHealthy = s.healthy;
      const wasUsable = s.usable;
      s.healthy = ev.state === 'running' || ev.state === 'starting' || ev.state === 'stopping';
      s.nolb = ev.state === 'stopping';
      if (wasHealthy !== s.healthy) {
        const now = Date.now();
        if (!s.healthy) s.counters.downTrans++;
        else s.downtime += now - s.lastChange;
        s.lastChange = now;
      }
      be.refreshServer(s);
      applyMarkedActions(be, s, wasUsable);
      return;
    }
    case 'failed':
      if (ev.what === 'check') s.counters.failedChecks++;
      return;
    case 'weight':
      if (be.lb.dynamic || ev.weight === 0 || ev.weight === s.lb.iweight) be.lb.setWeight(s.lb, ev.weight);
      return;
    case 'admin': {
      const wasUsable = s.usable;
      s.admin.drain = ev.admin === 'drain';
      s.admin.maint = ev.admin === 'maint';
      be.refreshServer(s);
      applyMarkedActions(be, s, wasUsable);
      return;
    }
    case 'maxconn':
      s.maxconn = ev.maxconn;
      return;
    case 'log':
      // On stderr HAProxy tags state changes [WARNING] (syslog gets alert/notice) and a backend
      // left without servers [ALERT] (syslog: emerg).
      log(ev.level === 'emerg' ? 'alert' : 'warning', ev.console ?? ev.text);
      return;
  }
}

/**
 * Starts the checks spread as HAProxy's start_checks() does: every health check and every agent,
 * in configuration order, starts after min-interval × position / count, where min-interval is the
 * smallest first interval of at least 1 s (0 when none is that long: all start at once).
 */
function startSpread(schedulers: CheckScheduler[]): void {
  const items: { sched: CheckScheduler; agent: boolean; inter: number }[] = [];
  for (const sched of schedulers) {
    if (sched.cfg.check && sched.hooks.probe) items.push({ sched, agent: false, inter: sched.interval(sched.health) });
    if (sched.cfg.agent && sched.hooks.agentProbe) items.push({ sched, agent: true, inter: sched.interval(sched.agent) });
  }
  const long = items.map((i) => i.inter).filter((v) => v >= 1000);
  const minInter = long.length > 0 ? Math.min(...long) : 0;
  const delays = new Map<CheckScheduler, { health: number; agent: number }>();
  items.forEach((item, position) => {
    const d = delays.get(item.sched) ?? { health: 0, agent: 0 };
    d[item.agent ? 'agent' : 'health'] = firstCheckDelay(position, items.length, minInter);
    delays.set(item.sched, d);
  });
  for (const sched of schedulers) {
    const d = delays.get(sched) ?? { health: 0, agent: 0 };
    sched.start(d.health, d.agent);
  }
}

/**
 * `http-check send-state`: "UP 1/3; address=A; port=P; name=be/srv; node=N; weight=W/T; scur=S/B;
 * qcur=Q" as httpchk_build_status_header() writes it (T: the weight of the servers in use, the
 * backups' when no active server is up; B: the backend's sessions).
 */
function serverStateHeader(be: BackendRuntime, s: ServerRuntime, sched: CheckScheduler, node: string): string {
  const { state, throttle } = sched.sendState();
  const t = s.target;
  const weightOf = (x: ServerRuntime) => (x.usable && !x.admin.drain && !x.nolb ? x.lb.uweight : 0);
  const active = be.servers.filter((x) => !x.config.backup).reduce((n, x) => n + weightOf(x), 0);
  const total = active > 0 ? active : be.servers.filter((x) => x.config.backup).reduce((n, x) => n + weightOf(x), 0);
  const addr = t.kind === 'inet' ? t.host : t.path;
  const port = t.kind === 'inet' ? String(t.port ?? 0) : '';
  let text = `${state}; address=${addr}; port=${port}; name=${be.name}/${s.name}; node=${node}; weight=${s.lb.uweight}/${total}; scur=${s.served}/${be.counters.curSess}; qcur=${s.queue.length}`;
  if (throttle !== undefined) text += `; throttle=${throttle}%`;
  return text;
}

/**
 * Creates and starts the schedulers of every backend; returns a function that stops them all.
 * `node`: the global `node` name for send-state (the host name by default, as in HAProxy).
 */
export function startHealthChecks(backendList: Iterable<BackendRuntime>, spreadChecks: number | undefined, log: HealthLog, node: string = hostname()): () => void {
  // Walked several times below: an iterator would be exhausted after the first loop.
  const backends = [...backendList];
  const planned: { be: BackendRuntime; s: ServerRuntime }[] = [];
  for (const be of backends) for (const s of be.servers) if (s.config.check.check || s.config.check.agentCheck) planned.push({ be, s });
  const schedulers: CheckScheduler[] = [];
  planned.forEach(({ be, s }) => {
    const o = s.config.check;
    const r = resolveServerChecks(o);
    const rules = compileProxyChecks(be.config.checkConfig);
    const agentRules = o.agentCheck && o.agentPort ? compileAgentCheck(o) : undefined;
    const target = () => {
      const t = s.target;
      return t.kind === 'inet' ? { host: t.host, port: t.port ?? 0 } : { host: t.path, port: 0 };
    };
    const timeoutCheck = be.config.timeouts.check;
    const timeoutConnect = be.config.timeouts.connect;
    const sched: CheckScheduler = new CheckScheduler(
      {
        proxy: be.name,
        server: s.name,
        backup: s.config.backup === true,
        check: r.check,
        rise: r.rise,
        fall: r.fall,
        inter: r.inter,
        // Only an explicit fastinter brings the next check closer after `observe` errors.
        fastinter: o.fastinter,
        downinter: r.downinter,
        agent: agentRules !== undefined,
        agentInter: r.agentInter,
        weight: s.config.weight ?? 1,
        dynamicLb: be.lb.dynamic,
        slowstart: o.slowstart,
        observe: o.observe,
        errorLimit: r.errorLimit,
        onError: r.onError,
        logHealthChecks: be.config.checkConfig.logHealthChecks,
        spreadChecks,
      },
      {
        probe: () =>
          runCheck(
            rules,
            { ...target(), checkAddr: o.addr, checkPort: o.port, sendProxy: o.checkSendProxy === true || s.config.sendProxy === true, ssl: o.checkSsl, sni: o.checkSni },
            {
              timeouts: checkTimeouts(r.inter, timeoutCheck, timeoutConnect),
              serverStopped: sched.state === 'stopped',
              ...(be.config.checkConfig.sendState ? { extraHeaders: [['X-Haproxy-Server-State', serverStateHeader(be, s, sched, node)]] } : {}),
            },
          ),
        agentProbe: agentRules
          ? () => runCheck(agentRules, { host: o.agentAddr ?? target().host, port: o.agentPort! }, { timeouts: checkTimeouts(r.agentInter, timeoutCheck, timeoutConnect) })
          : undefined,
        counts: () => serverCounts(be, s),
        emit: (ev) => onEvent(be, s, ev, log),
      },
    );
    s.checks = sched;
    schedulers.push(sched);
  });
  startSpread(schedulers);
  // `track be/srv`: a server follows another server's state instead of checking itself.
  for (const be of backends) {
    for (const s of be.servers) {
      const t = s.config.check.track;
      if (!t) continue;
      const other = backends.find((b) => b.name === (t.proxy ?? be.name))?.findServer(t.server);
      if (other?.checks) {
        if (!s.checks) {
          const r = resolveServerChecks(s.config.check);
          s.checks = new CheckScheduler(
            { proxy: be.name, server: s.name, backup: s.config.backup === true, check: false, rise: r.rise, fall: r.fall, inter: r.inter, weight: s.config.weight ?? 1 },
            { counts: () => serverCounts(be, s), emit: (ev) => onEvent(be, s, ev, log) },
          );
          schedulers.push(s.checks);
        }
        s.checks.track(other.checks);
      }
    }
  }
  return () => {
    for (const sch of schedulers) sch.stop();
  };
}
