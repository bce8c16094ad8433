// The rolling window W of §5: the last `window_trades` trades that carry a return.
// Every update is O(1) whatever the window size: a ring buffer holds the values to evict, and the
// running sums (Σr, Σr², Σmin(r,0)², kept in double-double, see precise-sum.ts) and counts (wins,
// negatives, trailing run of equal values) are adjusted by the arriving and leaving value only.
import { decodeNumber, encodeNumber, type JsonNumber } from "./json-number.js";
import { packFlags, packFloats, unpackFlags, unpackFloats } from "./packed-floats.js";
import { ddAdd, ddDivNumber, PreciseSum, productError, sumError, twoSum, varianceFromSums } from "./precise-sum.js";
import type { ReturnStats } from "./risk-ratios.js";

export interface RollingWindowState {
  capacity: number;
  /**
   * Window values oldest first (the ring unrolled) as packed doubles, and whether each trade was a
   * win as packed flags (packed-floats.ts): at window_trades 10,000 the values as JSON numbers made
   * a snapshot of 100 bots 30 MB. Snapshots written before hold both as JSON arrays; read as well.
   */
  values: string | JsonNumber[];
  wins: string | boolean[];
  /** Double-double sums as [hi, lo], restored bit for bit (not recomputed); see ShiftedMoments. */
  shift: JsonNumber;
  sum: [JsonNumber, JsonNumber];
  squares: [JsonNumber, JsonNumber];
  downside: [JsonNumber, JsonNumber];
  fresh: {
    shift: JsonNumber;
    sum: [JsonNumber, JsonNumber];
    squares: [JsonNumber, JsonNumber];
    downside: [JsonNumber, JsonNumber];
    count: number;
  };
  winCount: number;
  negatives: number;
  trailingRun: number;
}

const pairOf = (s: PreciseSum): [JsonNumber, JsonNumber] => [encodeNumber(s.hi), encodeNumber(s.lo)];
function restorePair(target: PreciseSum, pair: [JsonNumber, JsonNumber]): void {
  target.hi = decodeNumber(pair[0]);
  target.lo = decodeNumber(pair[1]);
}

/**
 * Σ(r − K) and Σ(r − K)² for a shift K taken from a value of the window. Variance does not depend
 * on K, and with K near the window's values the two sums stay small, so Σd² − (Σd)²/n does not
 * cancel even when mean ≫ sd (returns that differ only in their 12th digit). d = r − K is carried
 * exactly as a double-double (TwoSum), so the shift itself adds no rounding.
 */
class ShiftedMoments {
  shift = 0;
  readonly sum = new PreciseSum();
  readonly squares = new PreciseSum();

  add(r: number, sign: 1 | -1): void {
    const dHi = r - this.shift;
    const dLo = sumError(r, -this.shift, dHi);
    this.sum.addPair(sign * dHi, sign * dLo);
    // d² = dh² + 2·dh·dl (+ dl², below a double-double's resolution): dh² as a product and its exact
    // rounding error, with the cross term folded into that error, in one double-double addition.
    const square = dHi * dHi;
    this.squares.addPair(sign * square, sign * (productError(dHi, dHi, square) + 2 * dHi * dLo));
  }

  /** Empty sums, shifted by `k` from now on. */
  restart(k: number): void {
    this.shift = k;
    this.sum.reset();
    this.squares.reset();
  }

  /** K + Σd/n in double-double: with K ≫ mean a plain K + Σd/n would lose the mean's digits. */
  mean(n: number): number {
    const m = ddAdd({ hi: this.shift, lo: 0 }, ddDivNumber(this.sum.asDoubleDouble(), n));
    return m.hi + m.lo;
  }
}

export class RollingReturns {
  private readonly values: Float64Array;
  private readonly winFlags: Uint8Array;
  /** Index of the oldest value. */
  private head = 0;
  private count = 0;
  private moments = new ShiftedMoments();
  private downside = new PreciseSum();
  /**
   * The same sums over the values pushed since the last swap only (no subtraction ever). Once
   * `capacity` values have been pushed they are exactly the window's values: the main sums are
   * replaced by these fresh ones, so the residue of evicted values can't accumulate past ~2·capacity
   * updates, however long the stream, and the shift follows the window's level. Worst-case O(1).
   */
  private freshMoments = new ShiftedMoments();
  private freshDownside = new PreciseSum();
  private freshCount = 0;
  private winCount = 0;
  private negatives = 0;
  /**
   * Length of the run of equal values at the newest end of the window (capped at the count). All
   * values are identical ⇔ trailingRun === count: an exact test of "sd = 0" (§5), in O(1).
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

  /** The ring index of the window's i-th oldest value (0 ≤ i < capacity), without an integer division per push. */
  private slotAt(i: number): number {
    const k = this.head + i;
    return k < this.capacity ? k : k - this.capacity;
  }

  get wins(): number {
    return this.winCount;
  }

  push(r: number, win: boolean): void {
    if (this.count === this.capacity) this.evictOldest();
    const newestIndex = this.slotAt(this.count - 1);
    const continuesRun = this.count > 0 && this.values[newestIndex] === r;
    if (this.count === 0) this.moments.restart(r);
    if (this.freshCount === 0) this.freshMoments.restart(r);
    const slot = this.slotAt(this.count);
    this.values[slot] = r;
    this.winFlags[slot] = win ? 1 : 0;
    this.count++;
    this.trailingRun = continuesRun ? this.trailingRun + 1 : 1;
    this.moments.add(r, 1);
    this.freshMoments.add(r, 1);
    if (r < 0) {
      this.negatives++;
      const square = r * r;
      const error = productError(r, r, square);
      this.downside.addPair(square, error);
      this.freshDownside.addPair(square, error);
    }
    if (win) this.winCount++;
    if (++this.freshCount === this.capacity) this.swapInFreshSums();
  }

  private swapInFreshSums(): void {
    [this.moments, this.freshMoments] = [this.freshMoments, this.moments];
    [this.downside, this.freshDownside] = [this.freshDownside, this.downside];
    this.freshDownside.reset();
    this.freshCount = 0; // the next push restarts the fresh moments, shifted by that value
  }

  stats(): ReturnStats {
    const n = this.count;
    return {
      n,
      mean: n > 0 ? this.moments.mean(n) : NaN,
      variance: n >= 2 ? this.variance() : NaN,
      downsideSquares: this.negatives > 0 ? this.downside.value() : 0,
      allIdentical: n > 0 && this.trailingRun >= n,
      negatives: this.negatives,
    };
  }

  /**
   * From the running sums, O(1). When they cancel past what a double-double keeps (the window's
   * returns agree to ~12+ digits, e.g. two returns one ulp apart) the figure would be noise, so
   * this query (never an update) recomputes it exactly from the ring instead: rare and O(n).
   */
  private variance(): number {
    const n = this.count;
    const v = varianceFromSums(this.moments.sum.asDoubleDouble(), this.moments.squares.asDoubleDouble(), n);
    const scale = this.moments.squares.value() / n;
    if (v > scale * 1e-20) return v;
    const sum = new PreciseSum();
    for (let i = 0; i < n; i++) sum.add(this.values[this.slotAt(i)]!);
    const mean = ddDivNumber(sum.asDoubleDouble(), n);
    const squares = new PreciseSum();
    for (let i = 0; i < n; i++) {
      const d = twoSum(this.values[this.slotAt(i)]!, -mean.hi);
      const dl = d.lo - mean.lo;
      squares.addProduct(d.hi, d.hi);
      squares.add(2 * d.hi * dl + dl * dl);
    }
    return squares.value() / (n - 1);
  }

  winRate(): number {
    return this.count === 0 ? NaN : this.winCount / this.count;
  }

  toState(): RollingWindowState {
    const values = new Float64Array(this.count);
    const wins = new Uint8Array(this.count);
    for (let i = 0; i < this.count; i++) {
      const k = this.slotAt(i);
      values[i] = this.values[k]!;
      wins[i] = this.winFlags[k]!;
    }
    return {
      capacity: this.capacity,
      values: packFloats(values),
      wins: packFlags(wins),
      shift: encodeNumber(this.moments.shift),
      sum: pairOf(this.moments.sum),
      squares: pairOf(this.moments.squares),
      downside: pairOf(this.downside),
      fresh: {
        shift: encodeNumber(this.freshMoments.shift),
        sum: pairOf(this.freshMoments.sum),
        squares: pairOf(this.freshMoments.squares),
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
    const values = typeof s.values === "string" ? unpackFloats(s.values) : s.values.map(decodeNumber);
    const wins = typeof s.wins === "string" ? unpackFlags(s.wins) : s.wins.map((win) => (win ? 1 : 0));
    if (values.length > s.capacity || wins.length !== values.length) throw new Error("corrupt rolling window state");
    w.values.set(values);
    w.winFlags.set(wins);
    w.count = values.length;
    // The sums are restored bit for bit (not recomputed) so the restored figures equal the live ones.
    w.moments.shift = decodeNumber(s.shift);
    restorePair(w.moments.sum, s.sum);
    restorePair(w.moments.squares, s.squares);
    restorePair(w.downside, s.downside);
    w.freshMoments.shift = decodeNumber(s.fresh.shift);
    restorePair(w.freshMoments.sum, s.fresh.sum);
    restorePair(w.freshMoments.squares, s.fresh.squares);
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
    this.head = this.slotAt(1);
    this.count--;
    this.trailingRun = Math.min(this.trailingRun, this.count);
    this.moments.add(r, -1);
    if (r < 0) {
      this.negatives--;
      // Exactly zero when no negative is left, so no residue can outlive the last negative return.
      if (this.negatives === 0) this.downside.reset();
      else this.downside.subtractProduct(r, r);
    }
    if (win) this.winCount--;
    if (this.count > 0 && this.outlierLeft(r)) this.recomputeSums();
  }

  /**
   * Whether the value just evicted dwarfed what is left. While a return like −1.2·10¹⁹ (a P&L over
   * an equity that is only a rounding remainder) is in the window, a double-double sum holds its
   * square to ~2⁻¹⁰⁶ of it, ~10⁶ here: nothing beside that square, but once it leaves the residue
   * stays in a sum of squares of ~10⁹, and the Sharpe ratio was seen 10⁻⁴ off until the next
   * fresh-sum swap. After a drop of more than 2⁵⁰ the sums are rebuilt from the ring. Also when d²
   * overflowed (|r| > 1e154): Inf − Inf would poison the sums for good. A drop of 2⁵⁰ needs values
   * that far apart, so this is a few dozen rebuilds per window at most on adversarial data, and none
   * on ordinary returns.
   */
  private outlierLeft(r: number): boolean {
    const squares = this.moments.squares.value();
    const sum = this.moments.sum.value();
    if (!Number.isFinite(squares) || !Number.isFinite(sum)) return true;
    const d = r - this.moments.shift;
    // 1125899906842624 = 2⁵⁰, as a literal for the reason given in precise-sum.ts's productError.
    if (d * d > 1125899906842624 * squares) return true;
    return r < 0 && this.negatives > 0 && r * r > 1125899906842624 * this.downside.value();
  }

  /** Rebuilds the sums from the ring, shifted by its oldest value: O(n), only after outlierLeft. */
  private recomputeSums(): void {
    this.moments.restart(this.values[this.head]!);
    this.downside.reset();
    for (let i = 0; i < this.count; i++) {
      const r = this.values[this.slotAt(i)]!;
      this.moments.add(r, 1);
      if (r < 0) this.downside.addProduct(r, r);
    }
  }
}
