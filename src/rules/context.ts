/**
 * Per-transaction evaluation state: the sample context (connection facts, request, variables,
 * proxy states) and the log-format context bound to it. Built once per transaction and reused
 * by every rule set that runs on it.
 */
import { createSampleContext, Vars, type ProxyLookup, type SampleContext, type ProxyRef } from '../sample/context.js';
import type { Sample } from '../sample/types.js';
import type { Userlist } from '../sample/userlist.js';
import type { HttpRequestHead } from '../http/message.js';
import type { HttpTxn } from '../http/txn.js';
import type { Runtime } from '../runtime/runtime.js';
import type { LogFormatContext } from '../log/logformat.js';
import { txnVariable } from './lfvars.js';

export interface EvalEnv {
  /** proc.* variables, shared by every transaction. */
  procVars: Map<string, Sample>;
  /** sess.* variables, one map per client connection. */
  sessVars: WeakMap<object, Map<string, Sample>>;
  proxies?: ProxyLookup;
  userlists: Map<string, Userlist>;
}

export function newEvalEnv(userlists: Map<string, Userlist>, rt?: Runtime): EvalEnv {
  return { procVars: new Map(), sessVars: new WeakMap(), userlists, ...(rt ? { proxies: runtimeLookup(rt) } : {}) };
}

/** nbsrv(), srv_is_up(), be_conn()... answered from the running proxies. */
export function runtimeLookup(rt: Runtime): ProxyLookup {
  return {
    nbsrv: (b) => rt.backends.get(b)?.servers.filter((s) => s.usable).length,
    srvIsUp: (b, s) => {
      const srv = rt.backends.get(b)?.findServer(s);
      return srv === undefined ? undefined : srv.usable;
    },
    beConn: (b) => rt.backends.get(b)?.counters.curSess,
    feConn: (f) => rt.frontends.find((x) => x.name === f)?.sockets.size,
    connslots: (b) => {
      const be = rt.backends.get(b);
      if (!be) return undefined;
      let n = 0;
      for (const s of be.servers) {
        if (!s.usable) continue;
        if (s.maxconn === 0) return -1;
        n += Math.max(0, s.maxconn - s.served) + (s.maxqueue === 0 ? 0 : Math.max(0, s.maxqueue - s.queue.length));
      }
      return n;
    },
  };
}

const EMPTY_REQUEST: HttpRequestHead = { method: '', uri: '', version: 'HTTP/1.1', headers: [] };

export interface TxnEval {
  sample: SampleContext;
  lf: LogFormatContext;
  /** The request head rules edit (a blank one when the request could not be parsed). */
  req: HttpRequestHead;
}

/** The evaluation state of `txn`, created on first use. */
export function txnEval(txn: HttpTxn, env: EvalEnv): TxnEval {
  const existing = txn.scratch['eval'] as TxnEval | undefined;
  if (existing) return existing;
  const s = txn.session;
  let sess = env.sessVars.get(s);
  if (!sess) {
    sess = new Map();
    env.sessVars.set(s, sess);
  }
  const req = txn.req?.head ?? { ...EMPTY_REQUEST, headers: [] };
  const fe: ProxyRef = { name: s.fe.name, id: s.fe.id };
  const sample = createSampleContext({
    conn: s.conn,
    req,
    reqBody: s,
    frontend: fe,
    // Until a backend is chosen, HAProxy's backend is the frontend itself.
    backend: fe,
    vars: new Vars(env.procVars, sess),
    ...(env.proxies ? { proxies: env.proxies } : {}),
    userlists: env.userlists,
    ...(s.stick ? { stick: s.stick.fetch } : {}),
  });
  const ev: TxnEval = { sample, lf: { sample, mode: 'value', variable: (name) => txnVariable(txn, name) }, req };
  txn.scratch['eval'] = ev;
  return ev;
}
