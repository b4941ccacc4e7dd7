/**
 * What the load balancer reads from a request beyond its head: `balance hash <expr>` gets the
 * expression's value, evaluated by the sample engine on the transaction (with the variables the
 * rules set), and `balance url_param NAME check_post` the request body, which the session waits
 * for on a POST as HAProxy does.
 */
import { parseBalance } from '../lb/index.js';
import type { BackendRuntime } from '../runtime/backend.js';
import type { Runtime } from '../runtime/runtime.js';
import { compileExpr, evalExpr, type SampleExpr } from '../sample/expr.js';
import { toBin } from '../sample/cast.js';
import type { Sample } from '../sample/types.js';
import { Diagnostics } from '../core/diag.js';
import { newEvalEnv, txnEval, type EvalEnv } from '../rules/context.js';
import type { HttpTxn } from './txn.js';

interface BalanceInput {
  /** `balance hash`: the compiled expression (undefined when it does not compile: round robin). */
  hash?: SampleExpr;
  /** `balance url_param ... check_post` */
  checkPost: boolean;
}

const inputs = new WeakMap<BackendRuntime, BalanceInput>();

/** What `backend`'s algorithm needs, worked out once per backend. */
export function balanceInput(backend: BackendRuntime): BalanceInput {
  let b = inputs.get(backend);
  if (b === undefined) {
    b = { checkPost: false };
    const line = backend.config.balance;
    const parsed = line ? parseBalance(line.args) : undefined;
    if (parsed && 'ok' in parsed) {
      const cfg = parsed.ok;
      if (cfg.algorithm === 'url_param') b.checkPost = cfg.checkPost;
      if (cfg.algorithm === 'hash') {
        // Checked when the configuration was loaded; a failure here leaves the key undefined.
        b.hash = compileExpr(cfg.expr.join(' '), 'http-req', line!.where, new Diagnostics());
      }
    }
    inputs.set(backend, b);
  }
  return b;
}

const envs = new WeakMap<Runtime, EvalEnv>();

/**
 * The bytes `balance hash` hashes: the expression's value as binary, as HAProxy converts it
 * (an integer is 8 bytes in network order, an address its 4 or 16 bytes, a string its bytes).
 * Undefined (no value, or an empty one) makes the algorithm fall back to round robin.
 */
export function hashKey(expr: SampleExpr, txn: HttpTxn, rt: Runtime): Uint8Array | undefined {
  let env = envs.get(rt);
  if (env === undefined) {
    env = newEvalEnv(new Map(), rt);
    envs.set(rt, env);
  }
  const s = evalExpr(expr, txnEval(txn, env).sample);
  if (s === undefined) return undefined;
  const bytes = sampleBytes(s);
  return bytes === undefined || bytes.length === 0 ? undefined : bytes;
}

function sampleBytes(s: Sample): Uint8Array | undefined {
  if (s.type === 'int') {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(BigInt(s.value));
    return b;
  }
  if (s.type === 'bool') {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(s.value ? 1n : 0n);
    return b;
  }
  return toBin(s);
}
