// The rolling window W of SPEC §5: the last `window_trades` trades that carry a return.
// Every update is O(1) whatever the window size: a ring buffer holds the values to evict, and the
// running sums (Σr, Σr², Σmin(r,0)², kept in double-double, see precise-sum.ts) and counts (wins,
// negatives, trailing run of equal values) are adjusted by the arriving and leaving value only.
import { decodeNumber, encodeNumber, type JsonNumber } from "./json-number.js";
import { PreciseSum, varianceFromSums } from "./precise-sum.js";
import type { ReturnStats } from "./risk-ratios.js";

export interface RollingWindowState {
  capacity: number;
  /** Window values oldest first (the ring unrolled), and whether each trade was a win. */
  values: JsonNumber[];
  wins: boolean[];
  /** Double-double sums as [hi, lo], restored bit for bit (not recomputed). */
  sum: [JsonNumber, JsonNumber];
  squares: [JsonNumber, JsonNumber];
  downside: [JsonNumber, JsonNumber];
  fresh: { sum: [JsonNumber, JsonNumber]; squares: [JsonNumber, JsonNumber]; downside: [JsonNumber, JsonNumber]; count: number };
  winCount: number;
  negatives: number;
  trailingRun: number;
}

const pairOf = (s: PreciseSum): [JsonNumber, JsonNumber] => [encodeNumber(s.hi), encodeNumber(s.lo)];
function restorePair(target: PreciseSum, pair: [JsonNumber, JsonNumber]): void {
  target.hi = decodeNumber(pair[0]);
  target.lo = decodeNumber(pair[1]);
}

export class RollingReturns {
  private readonly values: Float64Array;
  private readonly winFlags: Uint8Array;
  /** Index of the oldest value. */
  private head = 0;
  private count = 0;
  private sum = new PreciseSum();
  private squares = new PreciseSum();
  private downside = new PreciseSum();
  /**
   * The same sums over the values pushed since the last swap only (no subtraction ever). Once
   * `capacity` values have been pushed they are exactly the window's values: the main sums are
   * replaced by these fresh ones, so the residue of evicted values can't accumulate past ~2·capacity
   * updates, however long the stream. Worst-case O(1): three more double-double additions a push.
   */
  private freshSum = new PreciseSum();
  private freshSquares = new PreciseSum();
  private freshDownside = new PreciseSum();
  private freshCount = 0;
  private winCount = 0;
  private negatives = 0;
  /**
   * Length of the run of equal values at the newest end of the window (capped at the count). All
   * values are identical ⇔ trailingRun === count: an exact test of "sd = 0" (SPEC §5), in O(1).
   */
  private trailingRun = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError("window capacity must be an integer ≥ 1");
    this.values = new Float64Array(capacity);
    this.winFlags = new Uint8Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  get wins(): number {
    return this.winCount;
  }

  push(r: number, win: boolean): void {
    if (this.count === this.capacity) this.evictOldest();
    const newestIndex = (this.head + this.count - 1) % this.capacity;
    const continuesRun = this.count > 0 && this.values[newestIndex] === r;
    const slot = (this.head + this.count) % this.capacity;
    this.values[slot] = r;
    this.winFlags[slot] = win ? 1 : 0;
    this.count++;
    this.trailingRun = continuesRun ? this.trailingRun + 1 : 1;
    this.sum.add(r);
    this.squares.addProduct(r, r);
    if (r < 0) {
      this.negatives++;
      this.downside.addProduct(r, r);
    }
    if (win) this.winCount++;
    this.freshSum.add(r);
    this.freshSquares.addProduct(r, r);
    if (r < 0) this.freshDownside.addProduct(r, r);
    if (++this.freshCount === this.capacity) this.swapInFreshSums();
  }

  private swapInFreshSums(): void {
    [this.sum, this.freshSum] = [this.freshSum, this.sum];
    [this.squares, this.freshSquares] = [this.freshSquares, this.squares];
    [this.downside, this.freshDownside] = [this.freshDownside, this.downside];
    this.freshSum.reset();
    this.freshSquares.reset();
    this.freshDownside.reset();
    this.freshCount = 0;
  }

  stats(): ReturnStats {
    const n = this.count;
    return {
      n,
      mean: n > 0 ? this.sum.value() / n : NaN,
      variance: n >= 2 ? varianceFromSums(this.sum.asDoubleDouble(), this.squares.asDoubleDouble(), n) : NaN,
      downsideSquares: this.negatives > 0 ? this.downside.value() : 0,
      allIdentical: n > 0 && this.trailingRun >= n,
      negatives: this.negatives,
    };
  }

  winRate(): number {
    return this.count === 0 ? NaN : this.winCount / this.count;
  }

  toState(): RollingWindowState {
    const values: JsonNumber[] = [];
    const wins: boolean[] = [];
    for (let i = 0; i < this.count; i++) {
      const k = (this.head + i) % this.capacity;
      values.push(encodeNumber(this.values[k]!));
      wins.push(this.winFlags[k] === 1);
    }
    return {
      capacity: this.capacity,
      values,
      wins,
      sum: pairOf(this.sum),
      squares: pairOf(this.squares),
      downside: pairOf(this.downside),
      fresh: {
        sum: pairOf(this.freshSum),
        squares: pairOf(this.freshSquares),
        downside: pairOf(this.freshDownside),
        count: this.freshCount,
      },
      winCount: this.winCount,
      negatives: this.negatives,
      trailingRun: this.trailingRun,
    };
  }

  static fromState(s: RollingWindowState): RollingReturns {
    const w = new RollingReturns(s.capacity);
    if (s.values.length > s.capacity || s.wins.length !== s.values.length) throw new Error("corrupt rolling window state");
    s.values.forEach((v, i) => {
      w.values[i] = decodeNumber(v);
      w.winFlags[i] = s.wins[i] ? 1 : 0;
    });
    w.count = s.values.length;
    // The sums are restored bit for bit (not recomputed) so the restored figures equal the live ones.
    restorePair(w.sum, s.sum);
    restorePair(w.squares, s.squares);
    restorePair(w.downside, s.downside);
    restorePair(w.freshSum, s.fresh.sum);
    restorePair(w.freshSquares, s.fresh.squares);
    restorePair(w.freshDownside, s.fresh.downside);
    w.freshCount = s.fresh.count;
    w.winCount = s.winCount;
    w.negatives = s.negatives;
    w.trailingRun = s.trailingRun;
    return w;
  }

  private evictOldest(): void {
    const r = this.values[this.head]!;
    const win = this.winFlags[this.head] === 1;
    this.head = (this.head + 1) % this.capacity;
    this.count--;
    this.trailingRun = Math.min(this.trailingRun, this.count);
    this.sum.subtract(r);
    this.squares.subtractProduct(r, r);
    if (r < 0) {
      this.negatives--;
      // Exactly zero when no negative is left, so no residue can outlive the last negative return.
      if (this.negatives === 0) this.downside.reset();
      else this.downside.subtractProduct(r, r);
    }
    if (win) this.winCount--;
    if (this.count === 0) {
      this.sum.reset();
      this.squares.reset();
    } else if (!Number.isFinite(this.sum.value()) || !Number.isFinite(this.squares.value())) {
      this.recomputeSums();
    }
  }

  /**
   * Only after returns so large that r² overflowed (|r| > 1e154): Inf − Inf would poison the sums
   * for good once that value leaves, so rebuild them from the ring (O(n), never on normal data).
   */
  private recomputeSums(): void {
    this.sum.reset();
    this.squares.reset();
    this.downside.reset();
    for (let i = 0; i < this.count; i++) {
      const r = this.values[(this.head + i) % this.capacity]!;
      this.sum.add(r);
      this.squares.addProduct(r, r);
      if (r < 0) this.downside.addProduct(r, r);
    }
  }
}
