/** Integer converters: arithmetic with a literal or variable operand, bit operations, parity. */
import { defineConverter, NO_ARGS } from '../keywords.js';
import { clampInt } from '../cast.js';
import { operandInt, prepareIntOperand, type Operand } from './operand.js';
import type { Sample } from '../types.js';

const INT64_MAX = 9223372036854775807;
const int = (value: number): Sample => ({ type: 'int', value });

function binary(name: string, op: (a: number, b: number) => number): void {
  defineConverter<Operand>({
    name,
    args: { types: ['str'], min: 1 },
    in: 'int',
    out: 'int',
    prepare: ([v]) => prepareIntOperand(v!),
    conv: (o, s, ctx) => {
      const b = operandInt(o, ctx);
      return b === undefined ? undefined : int(clampInt(op(s.value as number, b)));
    },
  });
}
binary('add', (a, b) => a + b);
binary('sub', (a, b) => a - b);
binary('mul', (a, b) => a * b);
// Division by zero gives the largest integer, as HAProxy does; results truncate toward zero.
binary('div', (a, b) => (b === 0 ? INT64_MAX : Math.trunc(a / b)));
binary('mod', (a, b) => (b === 0 ? 0 : a % b));
// Bitwise operations on 64-bit values go through BigInt (JS bit operators are 32-bit).
const big = (f: (a: bigint, b: bigint) => bigint) => (a: number, b: number) => Number(BigInt.asIntN(64, f(BigInt(Math.trunc(a)), BigInt(Math.trunc(b)))));
binary('and', big((a, b) => a & b));
binary('or', big((a, b) => a | b));
binary('xor', big((a, b) => a ^ b));

function unary(name: string, out: 'int' | 'bool', f: (a: number) => number | boolean): void {
  defineConverter({
    name,
    args: NO_ARGS,
    in: 'int',
    out,
    conv: (_, s) => {
      const r = f(s.value as number);
      return typeof r === 'boolean' ? { type: 'bool', value: r } : int(clampInt(r));
    },
  });
}
unary('neg', 'int', (a) => -a);
unary('cpl', 'int', (a) => Number(BigInt.asIntN(64, ~BigInt(a))));
unary('not', 'bool', (a) => a === 0);
unary('bool', 'bool', (a) => a !== 0);
unary('odd', 'bool', (a) => Math.abs(a % 2) === 1);
unary('even', 'bool', (a) => a % 2 === 0);
