// §16: a signature is accepted once while its timestamp could still pass the skew check. A bot
// sending thousands of signed requests per second makes that millions of signatures to remember
// (6,600 requests/s for 600 s is about 4M), so they are kept compactly: the first 64 bits of each
// HMAC in typed arrays, 12 bytes a slot, where a Map of the 71-character strings held 157 bytes
// an entry. 64 bits are plenty: a fresh signature matches one of 4M remembered ones with
// probability 4M / 2^64 ≈ 2·10^-13, and the cost of a match would be one refused request that the
// bot re-signs, never an accepted replay.
import { randomFillSync } from "node:crypto";

/** The signature's form, checked before the guard sees it: `sha256=` and 64 lowercase hex digits. */
const HEX_START = "sha256=".length;

/** Grow a table once it is this full: linear probing stays short below it. */
const MAX_LOAD = 0.75;
const FIRST_CAPACITY = 1024;

/** The guard's slices of the remembering time: a table is dropped whole once its last entry expired. */
const TABLES_PER_LIFETIME = 4;

/**
 * The signatures accepted during one slice of time, in an open-addressing table with linear
 * probing. Nothing is deleted from it: forgetting marks a slot, expiry drops the whole table.
 */
class SignatureTable {
  private mask: number;
  /** Two words per slot (the signature's first 64 bits); [0, 0] marks an empty slot. */
  private keys: Uint32Array;
  /** Milliseconds from `opened` to the slot's expiry; 0 marks a forgotten signature. */
  private expiry: Uint32Array;
  count = 0;
  /** The latest expiry of any entry (epoch ms): the table may be dropped once it has passed. */
  lastExpiry = 0;

  constructor(
    /** When the table took its first signature (epoch ms). */
    readonly opened: number,
    capacity: number,
    private readonly seed: Uint32Array,
  ) {
    this.mask = capacity - 1;
    this.keys = new Uint32Array(2 * capacity);
    this.expiry = new Uint32Array(capacity);
  }

  /** The slot holding the key, or the empty slot where it would go. */
  private slotOf(high: number, low: number): number {
    const keys = this.keys;
    let slot = this.home(high, low);
    for (;;) {
      const h = keys[2 * slot];
      const l = keys[2 * slot + 1];
      if ((h === high && l === low) || (h === 0 && l === 0)) return slot;
      slot = (slot + 1) & this.mask;
    }
  }

  /**
   * Where probing starts. The signature's bits are mixed with a secret per-process seed, so that a
   * sender with a valid HMAC secret, which shapes its signatures by varying the body, cannot aim
   * them at neighbouring slots: one long probe chain would slow every other bot's lookups.
   */
  private home(high: number, low: number): number {
    let h = Math.imul(high ^ this.seed[0]!, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h ^ low ^ this.seed[1]!, 0xc2b2ae35);
    h ^= h >>> 16;
    return h & this.mask;
  }

  /** The signature's expiry (epoch ms) if it is held and not forgotten, else 0. */
  expiresAt(high: number, low: number): number {
    const slot = this.slotOf(high, low);
    const offset = this.expiry[slot]!;
    return offset === 0 || this.keys[2 * slot + 1] !== low || this.keys[2 * slot] !== high ? 0 : this.opened + offset;
  }

  remember(high: number, low: number, expires: number): void {
    if (this.count + 1 > MAX_LOAD * (this.mask + 1)) this.grow();
    const slot = this.slotOf(high, low);
    if (this.keys[2 * slot] === 0 && this.keys[2 * slot + 1] === 0) {
      this.keys[2 * slot] = high;
      this.keys[2 * slot + 1] = low;
      this.count++;
    }
    this.expiry[slot] = expires - this.opened;
    if (expires > this.lastExpiry) this.lastExpiry = expires;
  }

  forget(high: number, low: number): void {
    const slot = this.slotOf(high, low);
    if (this.keys[2 * slot] === high && this.keys[2 * slot + 1] === low) this.expiry[slot] = 0;
  }

  private grow(): void {
    const keys = this.keys;
    const expiry = this.expiry;
    const capacity = 2 * (this.mask + 1);
    this.mask = capacity - 1;
    this.keys = new Uint32Array(2 * capacity);
    this.expiry = new Uint32Array(capacity);
    for (let slot = 0; slot < expiry.length; slot++) {
      const high = keys[2 * slot]!;
      const low = keys[2 * slot + 1]!;
      if (high === 0 && low === 0) continue;
      const to = this.slotOf(high, low);
      this.keys[2 * to] = high;
      this.keys[2 * to + 1] = low;
      this.expiry[to] = expiry[slot]!;
    }
  }
}

/** A table sized to take `expected` entries without growing. */
function capacityFor(expected: number): number {
  let capacity = FIRST_CAPACITY;
  while (MAX_LOAD * capacity < expected) capacity *= 2;
  return capacity;
}

/**
 * Remembers accepted signatures for as long as their timestamp could still pass the skew check.
 * Every entry lives the same length of time, so entries are kept in tables by when they were
 * accepted, a quarter of that time each, and a table is dropped whole once its last entry has
 * expired: O(1) per request, never a scan, and at most a quarter more held than needed.
 */
export class ReplayGuard {
  /** Oldest first; the last one takes new signatures. */
  private readonly tables: SignatureTable[] = [];
  private readonly seed = randomFillSync(new Uint32Array(2));
  /**
   * How long a signature is remembered. A timestamp may be up to the skew in the future and passes
   * the check until the skew after it, so twice the skew.
   */
  private readonly lifetimeMs: number;
  private readonly sliceMs: number;

  constructor(skewMs: number) {
    this.lifetimeMs = 2 * skewMs;
    this.sliceMs = Math.max(1, Math.floor(this.lifetimeMs / TABLES_PER_LIFETIME));
  }

  /** True the first time a signature is seen within its lifetime; it is then remembered. */
  firstUse(signature: string, now: number): boolean {
    this.expire(now);
    const high = keyHigh(signature);
    const low = keyLow(signature);
    if (this.isHeld(high, low, now)) return false;
    this.current(now).remember(high, low, now + this.lifetimeMs);
    return true;
  }

  /** Already used and still inside its lifetime: refused before the body is even read. */
  used(signature: string, now: number): boolean {
    return this.isHeld(keyHigh(signature), keyLow(signature), now);
  }

  /** Forgets a signature whose request was refused unapplied, so the same bytes may be sent again. */
  forget(signature: string): void {
    const high = keyHigh(signature);
    const low = keyLow(signature);
    for (const table of this.tables) table.forget(high, low);
  }

  /** Signatures held in memory now, expired ones of a table not yet dropped included. */
  get size(): number {
    let held = 0;
    for (const table of this.tables) held += table.count;
    return held;
  }

  private isHeld(high: number, low: number, now: number): boolean {
    for (const table of this.tables) if (table.expiresAt(high, low) > now) return true;
    return false;
  }

  /**
   * The table taking signatures at `now`: a new one once the slice is over, or when the wall clock
   * stepped back before the current table opened (the older tables then stay until their own
   * entries expire, so a step back never lets a replay through).
   */
  private current(now: number): SignatureTable {
    const last = this.tables[this.tables.length - 1];
    if (last !== undefined && now >= last.opened && now < last.opened + this.sliceMs) return last;
    // Sized from the slice before, so a steady rate fills the new table without growing it.
    const table = new SignatureTable(now, capacityFor(last?.count ?? 0), this.seed);
    this.tables.push(table);
    return table;
  }

  private expire(now: number): void {
    while (this.tables.length > 0 && this.tables[0]!.lastExpiry <= now) this.tables.shift();
  }
}

/** The signature's first 32 bits (hex digits 1–8); [0, 0] is the empty slot's mark, so never 0. */
function keyHigh(signature: string): number {
  return parseInt(signature.slice(HEX_START, HEX_START + 8), 16) >>> 0 || 1;
}

function keyLow(signature: string): number {
  return parseInt(signature.slice(HEX_START + 8, HEX_START + 16), 16) >>> 0;
}
