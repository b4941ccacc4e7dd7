/** Address converters: ipmask. */
import { defineConverter } from '../keywords.js';
import { v6ToV4 } from '../ip.js';
import type { Sample } from '../types.js';

/** ipmask(mask4[,mask6]): IPv4-mapped IPv6 addresses are masked as IPv4, as HAProxy does. */
defineConverter<{ m4: number; m6: bigint | undefined }>({
  name: 'ipmask',
  args: { types: ['msk4', 'msk6'], min: 1 },
  in: 'ip',
  out: 'ip',
  prepare: ([m4, m6]) => ({ value: { m4: Number(m4), m6: m6 === undefined ? undefined : BigInt(m6) } }),
  conv: ({ m4, m6 }, s): Sample | undefined => {
    const ip = (s as Extract<Sample, { type: 'ip' }>).value;
    if (ip.family === 4) return { type: 'ip', value: { family: 4, addr: (ip.addr & m4) >>> 0 } };
    const v4 = v6ToV4(ip.addr);
    if (v4 !== undefined && ip.addr >> 32n === 0xffffn) return { type: 'ip', value: { family: 4, addr: (v4 & m4) >>> 0 } };
    if (m6 === undefined) return undefined;
    return { type: 'ip', value: { family: 6, addr: ip.addr & m6 } };
  },
});
