/** Encoding and hashing converters: base64, hex, digests, crc32. */
import { crc32 } from '../../lb/hash.js';
import { createHash } from 'node:crypto';
import { defineConverter, NO_ARGS } from '../keywords.js';
import type { Sample } from '../types.js';

const bin = (s: Sample) => s.value as Buffer;
const str = (value: string): Sample => ({ type: 'str', value });

defineConverter({ name: 'base64', args: NO_ARGS, in: 'bin', out: 'str', conv: (_, s) => str(bin(s).toString('base64')) });
defineConverter({
  name: 'b64dec',
  args: NO_ARGS,
  in: 'str',
  out: 'bin',
  conv: (_, s) => {
    const t = s.value as string;
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(t) || t.length % 4 !== 0) return undefined;
    return { type: 'bin', value: Buffer.from(t, 'base64') };
  },
});
defineConverter({ name: 'ub64enc', args: NO_ARGS, in: 'bin', out: 'str', conv: (_, s) => str(bin(s).toString('base64url')) });
defineConverter({
  name: 'ub64dec',
  args: NO_ARGS,
  in: 'str',
  out: 'bin',
  conv: (_, s) => (/^[A-Za-z0-9_-]*$/.test(s.value as string) ? { type: 'bin', value: Buffer.from(s.value as string, 'base64url') } : undefined),
});
defineConverter({ name: 'hex', args: NO_ARGS, in: 'bin', out: 'str', conv: (_, s) => str(bin(s).toString('hex').toUpperCase()) });
defineConverter({
  name: 'hex2i',
  args: NO_ARGS,
  in: 'str',
  out: 'int',
  conv: (_, s) => {
    const m = /^[0-9a-fA-F]*/.exec(s.value as string)![0];
    return { type: 'int', value: m === '' ? 0 : Number(BigInt.asIntN(64, BigInt('0x' + m))) };
  },
});
defineConverter({ name: 'sha1', args: NO_ARGS, in: 'bin', out: 'bin', conv: (_, s) => ({ type: 'bin', value: createHash('sha1').update(bin(s)).digest() }) });
defineConverter<string>({
  name: 'sha2',
  args: { types: ['int'], min: 0 },
  in: 'bin',
  out: 'bin',
  prepare: ([bits]) => {
    const b = bits === undefined ? 256 : Number(bits);
    if (![224, 256, 384, 512].includes(b)) return { error: `Unsupported number of bits: '${b}'.` };
    return { value: `sha${b}` };
  },
  conv: (algo, s) => ({ type: 'bin', value: createHash(algo).update(bin(s)).digest() }),
});

defineConverter({ name: 'crc32', args: { types: ['int'], min: 0 }, in: 'bin', out: 'int', conv: (_, s) => ({ type: 'int', value: crc32(bin(s)) }) });
defineConverter({
  name: 'djb2',
  args: { types: ['int'], min: 0 },
  in: 'bin',
  out: 'int',
  conv: (_, s) => {
    let h = 5381;
    for (const x of bin(s)) h = (h * 33 + x) >>> 0;
    return { type: 'int', value: h };
  },
});
