/**
 * A stick table: entries keyed by the table's key type, holding the stored data types, expiring
 * `expire` ms after their last update, evicted least-recently-updated first when `size` is reached
 * (entries in use by a tracker are never evicted or expired). The clock is passed in (ms).
 */
import { isIPv4 } from 'node:net';
import { DATA_TYPES, type DataTypeName } from './stick-data.js';
import { freqAdd, freqRead } from './freq-ctr.js';
import type { StickTableConfig } from './stick-parse.js';

export { parseStickTable, withServerId, type StickTableConfig, type StickParse, type KeyType, type StoreSpec } from './stick-parse.js';

export interface StickEntry {
  /** Normalized key (the Map key). */
  readonly key: string;
  /** Trackers and rules currently holding the entry ("use=" in show table). */
  ref: number;
  /** Absolute ms when it expires; 0 = never. */
  expireAt: number;
  /** Counters and frequency counters, laid out by the table's slots. */
  readonly data: Float64Array;
  serverKey: string | undefined;
  /** Stable id for the `0x...:` column of show table. */
  readonly id: number;
}

interface Slot {
  offset: number;
  period: number;
  count: number;
  kind: 'counter' | 'rate' | 'key';
}

let nextId = 1;

export class StickTable {
  readonly name: string;
  readonly cfg: StickTableConfig;
  private readonly entries = new Map<string, StickEntry>();
  private readonly slots = new Map<DataTypeName, Slot>();
  private readonly width: number;

  constructor(name: string, cfg: StickTableConfig) {
    this.name = name;
    this.cfg = cfg;
    let off = 0;
    for (const s of cfg.store) {
      const def = DATA_TYPES.find((d) => d.name === s.type)!;
      const count = s.count ?? 1;
      this.slots.set(s.type, { offset: off, period: s.period ?? 0, count, kind: def.kind });
      off += def.kind === 'rate' ? 3 * count : def.kind === 'counter' ? count : 0;
    }
    this.width = off;
  }

  get used(): number {
    return this.entries.size;
  }

  stores(type: DataTypeName): boolean {
    return this.slots.has(type);
  }

  /** Puts a sample into the table's key form; undefined when it cannot be a key of this type. */
  normalizeKey(value: string | number | Buffer): string | undefined {
    switch (this.cfg.type) {
      case 'ip': {
        const s = String(value);
        if (isIPv4(s)) return s;
        const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(s);
        return m && isIPv4(m[1]!) ? m[1] : undefined;
      }
      case 'ipv6': {
        const s = String(value).toLowerCase();
        if (isIPv4(s)) return '::ffff:' + s;
        return s.includes(':') ? s : undefined;
      }
      case 'integer': {
        const n = typeof value === 'number' ? value : Number(String(value).trim());
        return Number.isFinite(n) ? String(Math.trunc(n) >>> 0) : undefined;
      }
      case 'string': {
        const s = Buffer.isBuffer(value) ? value.toString('latin1') : String(value);
        return s.length > this.cfg.keyLen ? s.slice(0, this.cfg.keyLen) : s;
      }
      case 'binary': {
        const b = Buffer.alloc(this.cfg.keyLen);
        (Buffer.isBuffer(value) ? value : Buffer.from(String(value), 'latin1')).copy(b, 0, 0, this.cfg.keyLen);
        return b.toString('hex').toUpperCase();
      }
    }
  }

  /** The entry for a normalized key if present and not expired. */
  lookup(key: string, now: number): StickEntry | undefined {
    const e = this.entries.get(key);
    if (e && e.ref === 0 && e.expireAt && e.expireAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }

  /**
   * The entry for `key`, created when missing. Answers undefined when the table is full and nothing
   * can be evicted (every entry in use, or `nopurge`).
   */
  getOrCreate(key: string, now: number): StickEntry | undefined {
    const found = this.lookup(key, now);
    if (found) return found;
    if (this.entries.size >= this.cfg.size) {
      this.purgeExpired(now);
      if (this.entries.size >= this.cfg.size && (this.cfg.nopurge || !this.evictOldest())) return undefined;
    }
    const e: StickEntry = { key, ref: 0, expireAt: 0, data: new Float64Array(this.width), serverKey: undefined, id: nextId++ };
    this.entries.set(key, e);
    this.touch(e, now);
    return e;
  }

  /** Restarts the entry's expiry and makes it the most recently used. */
  touch(e: StickEntry, now: number): void {
    if (this.cfg.expire !== undefined) e.expireAt = now + this.cfg.expire;
    // Re-inserting moves the key to the end of the Map's order: the Map is the LRU list.
    if (this.entries.get(e.key) === e) {
      this.entries.delete(e.key);
      this.entries.set(e.key, e);
    }
  }

  private evictOldest(): boolean {
    for (const [k, e] of this.entries) {
      if (e.ref === 0) {
        this.entries.delete(k);
        return true;
      }
    }
    return false;
  }

  /** Drops expired entries that nobody holds; the engine may call it periodically. */
  purgeExpired(now: number): void {
    for (const [k, e] of this.entries) if (e.ref === 0 && e.expireAt && e.expireAt <= now) this.entries.delete(k);
  }

  remove(key: string): boolean {
    const e = this.entries.get(key);
    if (!e || e.ref > 0) return false;
    return this.entries.delete(key);
  }

  /** Entries sorted by key bytes, as haproxy's tree walk shows them. */
  list(now: number): StickEntry[] {
    this.purgeExpired(now);
    const all = [...this.entries.values()];
    if (this.cfg.type === 'integer') return all.sort((a, b) => Number(a.key) - Number(b.key));
    if (this.cfg.type === 'ip') return all.sort((a, b) => ipNum(a.key) - ipNum(b.key));
    return all.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  // --- data access ---------------------------------------------------------------------------

  /** Value of a stored type (rates read at `now`); undefined when the table does not store it. */
  get(e: StickEntry, type: DataTypeName, now: number, index = 0): number | undefined {
    const s = this.slots.get(type);
    if (!s || s.kind === 'key' || index >= s.count) return undefined;
    if (s.kind === 'counter') return e.data[s.offset + index]!;
    return freqRead(e.data, s.offset + 3 * index, s.period, now);
  }

  /** Adds to a counter or feeds a rate; false when the type is not stored. */
  add(e: StickEntry, type: DataTypeName, inc: number, now: number, index = 0): boolean {
    const s = this.slots.get(type);
    if (!s || s.kind === 'key' || index >= s.count) return false;
    if (s.kind === 'counter') {
      const v = e.data[s.offset + index]! + inc;
      e.data[s.offset + index] = v < 0 ? 0 : v;
    } else freqAdd(e.data, s.offset + 3 * index, s.period, inc, now);
    return true;
  }

  set(e: StickEntry, type: DataTypeName, value: number, index = 0): boolean {
    const s = this.slots.get(type);
    if (!s || s.kind !== 'counter' || index >= s.count) return false;
    e.data[s.offset + index] = value;
    return true;
  }

  /** Rate period of a stored rate type (for show table's "name(period)"). */
  period(type: DataTypeName): number {
    return this.slots.get(type)?.period ?? 0;
  }
}

function ipNum(ip: string): number {
  const p = ip.split('.');
  return ((Number(p[0]) << 24) >>> 0) + (Number(p[1]) << 16) + (Number(p[2]) << 8) + Number(p[3]);
}
