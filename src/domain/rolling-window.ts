// The rolling window W of §5: the last `window_trades` trades that carry a return.
// Every update is O(1) whatever the window size: a ring buffer holds the values to evict, the sums
// (Σr, Σr², Σmin(r,0)², kept in double-double, see precise-sum.ts) are kept per block of pushes and
// only ever added to, and the counts (wins, negatives, trailing run of equal values) are adjusted
// by the arriving and leaving value only.
import { decodeNumber, encodeNumber, type JsonNumber } from "./json-number.js";
import { packFlags, packFloats, unpackFlags, unpackFloats } from "./packed-floats.js";
import {
  centredSquares,
  ddAdd,
  ddDivNumber,
  ddMul,
  ddNeg,
  PreciseSum,
  productError,
  sumError,
  twoSum,
  type DoubleDouble,
} from "./precise-sum.js";
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
  /**
   * The sums of the older block and of its values evicted since (they share its shift), restored
   * bit for bit, not recomputed. Snapshots written before these existed hold the whole window's sums
   * instead, kept by adding and subtracting: from those the older block's sums are rebuilt from the
   * values (figures equal to ~10⁻¹⁶ of the ones shown before, not bit for bit).
   */
  older?: BlockState;
  evicted?: Omit<BlockState, "shift">;
  fresh: BlockState & { count: number };
  winCount: number;
  negatives: number;
  trailingRun: number;
}

interface BlockState {
  shift: JsonNumber;
  sum: [JsonNumber, JsonNumber];
  squares: [JsonNumber, JsonNumber];
  downside: [JsonNumber, JsonNumber];
}

const pairOf = (s: PreciseSum): [JsonNumber, JsonNumber] => [encodeNumber(s.hi), encodeNumber(s.lo)];
function restorePair(target: PreciseSum, pair: [JsonNumber, JsonNumber]): void {
  target.hi = decodeNumber(pair[0]);
  target.lo = decodeNumber(pair[1]);
}

/**
 * Σ(r − K), Σ(r − K)² and Σmin(r, 0)² of a block of values, for a shift K taken from one of them.
 * Variance does not depend on K, and with K near the values the first two sums stay small, so
 * Σd² − (Σd)²/n does not cancel even when mean ≫ sd (returns that differ only in their 12th digit).
 * d = r − K is carried exactly as a double-double (TwoSum), so the shift itself adds no rounding.
 * Only ever added to: a subtraction would leave the rounding residue of what it removed.
 */
class BlockSums {
  shift = 0;
  readonly sum = new PreciseSum();
  readonly squares = new PreciseSum();
  readonly downside = new PreciseSum();

  add(r: number): void {
    const dHi = r - this.shift;
    const dLo = sumError(r, -this.shift, dHi);
    this.sum.addPair(dHi, dLo);
    // d² = dh² + 2·dh·dl (+ dl², below a double-double's resolution): dh² as a product and its exact
    // rounding error, with the cross term folded into that error, in one double-double addition.
    const square = dHi * dHi;
    this.squares.addPair(square, productError(dHi, dHi, square) + 2 * dHi * dLo);
    if (r < 0) {
      const downside = r * r;
      this.downside.addPair(downside, productError(r, r, downside));
    }
  }

  /** Empty sums, shifted by `k` from now on. */
  restart(k: number): void {
    this.shift = k;
    this.sum.reset();
    this.squares.reset();
    this.downside.reset();
  }

  toState(): BlockState {
    return { shift: encodeNumber(this.shift), sum: pairOf(this.sum), squares: pairOf(this.squares), downside: pairOf(this.downside) };
  }

  restore(s: Omit<BlockState, "shift">, shift: number): void {
    this.shift = shift;
    restorePair(this.sum, s.sum);
    restorePair(this.squares, s.squares);
    restorePair(this.downside, s.downside);
  }
}

/** n values as their mean and Σ(r − mean)², both in double-double. */
interface Moments {
  n: number;
  mean: DoubleDouble;
  centred: DoubleDouble;
  /** Σ(r − K)² as kept: the size the cancellation in `centred` is measured against. */
  shiftedSquares: number;
}

/** The moments of the values whose shifted sums are `sum` and `squares`. */
function momentsOf(n: number, shift: number, sum: DoubleDouble, squares: DoubleDouble): Moments {
  return {
    n,
    mean: ddAdd({ hi: shift, lo: 0 }, ddDivNumber(sum, n)),
    centred: centredSquares(sum, squares, n),
    shiftedSquares: squares.hi + squares.lo,
  };
}

/**
 * Two disjoint groups' moments as one (Chan, Golub and LeVeque's pairwise update): the groups'
 * centred sums are added, plus δ²·na·nb/n for the distance δ between their means. Every term is
 * ≥ 0, so groups at different levels (a regime switch between two blocks) cancel nothing.
 */
function combined(a: Moments, b: Moments): Moments {
  const n = a.n + b.n;
  const delta = ddAdd(b.mean, ddNeg(a.mean));
  const spread = ddDivNumber(ddMul(ddMul(delta, delta), { hi: a.n * b.n, lo: 0 }), n);
  return {
    n,
    mean: ddAdd(a.mean, ddDivNumber(ddMul(delta, { hi: b.n, lo: 0 }), n)),
    centred: ddAdd(ddAdd(a.centred, b.centred), spread),
    shiftedSquares: a.shiftedSquares + b.shiftedSquares,
  };
}

const difference = (a: PreciseSum, b: PreciseSum): DoubleDouble => ddAdd(a.asDoubleDouble(), ddNeg(b.asDoubleDouble()));

export class RollingReturns {
  private readonly values: Float64Array;
  private readonly winFlags: Uint8Array;
  /** Index of the oldest value. */
  private head = 0;
  private count = 0;
  /**
   * The window is the tail of one block of `capacity` pushes and all of the next: `fresh` sums the
   * `freshCount` values pushed since the last swap, `older` the block before it (frozen at the
   * swap), `evicted` the values of `older` that left the window since, oldest first. The window's
   * sums are older − evicted + fresh, formed only when a figure is asked for. A push adds to fresh,
   * and once the window is full the evicted value to evicted: two additions and no subtraction, so
   * no rounding residue accumulates however long the stream. When fresh holds `capacity` values it
   * is exactly the window: it becomes the older block, and its shift follows the window's level.
   */
  private fresh = new BlockSums();
  private freshCount = 0;
  private older = new BlockSums();
  private readonly evicted = new BlockSums();
  /** Negative returns among the older block's values still in the window. */
  private olderNegatives = 0;
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

  /** How many of the window's values belong to the older block (its oldest ones). */
  private get olderCount(): number {
    return this.count - this.freshCount;
  }

  push(r: number, win: boolean): void {
    if (this.count === this.capacity) this.evictOldest();
    const newestIndex = this.slotAt(this.count - 1);
    const continuesRun = this.count > 0 && this.values[newestIndex] === r;
    if (this.freshCount === 0) this.fresh.restart(r);
    const slot = this.slotAt(this.count);
    this.values[slot] = r;
    this.winFlags[slot] = win ? 1 : 0;
    this.count++;
    this.trailingRun = continuesRun ? this.trailingRun + 1 : 1;
    this.fresh.add(r);
    if (r < 0) this.negatives++;
    if (win) this.winCount++;
    if (++this.freshCount === this.capacity) this.swapBlocks();
  }

  private swapBlocks(): void {
    [this.older, this.fresh] = [this.fresh, this.older]; // the next push restarts the fresh sums, shifted by that value
    this.evicted.restart(this.older.shift);
    this.olderNegatives = this.negatives;
    this.freshCount = 0;
  }

  stats(): ReturnStats {
    const n = this.count;
    const moments = n > 0 ? this.moments() : undefined;
    return {
      n,
      mean: moments ? moments.mean.hi + moments.mean.lo : NaN,
      variance: moments && n >= 2 ? this.variance(moments) : NaN,
      downsideSquares: this.negatives > 0 ? this.downsideSquares() : 0,
      allIdentical: n > 0 && this.trailingRun >= n,
      negatives: this.negatives,
    };
  }

  /** The window's moments: the older block's remaining values combined with the fresh ones. */
  private moments(): Moments {
    const older = this.olderCount;
    const olderMoments =
      older > 0
        ? momentsOf(
            older,
            this.older.shift,
            difference(this.older.sum, this.evicted.sum),
            difference(this.older.squares, this.evicted.squares),
          )
        : undefined;
    const freshMoments =
      this.freshCount > 0
        ? momentsOf(this.freshCount, this.fresh.shift, this.fresh.sum.asDoubleDouble(), this.fresh.squares.asDoubleDouble())
        : undefined;
    if (olderMoments && freshMoments) return combined(olderMoments, freshMoments);
    return (olderMoments ?? freshMoments)!;
  }

  /** Σmin(r, 0)²: the older block's share is exactly 0 once its last negative return left. */
  private downsideSquares(): number {
    // Until the first push after a swap, the fresh sums still hold the block swapped out.
    const fresh = this.freshCount > 0 ? this.fresh.downside.value() : 0;
    if (this.olderNegatives === 0) return fresh;
    const older = difference(this.older.downside, this.evicted.downside);
    return older.hi + older.lo + fresh;
  }

  /**
   * From the sums, O(1). When they cancel past what a double-double keeps (the window's returns
   * agree to ~12+ digits, e.g. two returns one ulp apart) the figure would be noise, so this query
   * (never an update) recomputes it exactly from the ring instead: rare and O(n).
   */
  private variance(m: Moments): number {
    const n = this.count;
    const v = ddDivNumber(m.centred, n - 1);
    const variance = v.hi + v.lo;
    if (variance > (m.shiftedSquares / n) * 1e-20) return variance;
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
    const { shift: _shared, ...evicted } = this.evicted.toState();
    return {
      capacity: this.capacity,
      values: packFloats(values),
      wins: packFlags(wins),
      older: this.older.toState(),
      evicted,
      fresh: { ...this.fresh.toState(), count: this.freshCount },
      winCount: this.winCount,
      negatives: this.negatives,
      trailingRun: this.trailingRun,
    };
  }

  static fromState(s: RollingWindowState): RollingReturns {
    const w = new RollingReturns(s.capacity);
    const values = typeof s.values === "string" ? unpackFloats(s.values) : s.values.map(decodeNumber);
    const wins = typeof s.wins === "string" ? unpackFlags(s.wins) : s.wins.map((win) => (win ? 1 : 0));
    const freshCount = s.fresh.count;
    const consistent =
      values.length <= s.capacity &&
      wins.length === values.length &&
      Number.isInteger(freshCount) &&
      freshCount >= 0 &&
      freshCount <= values.length &&
      freshCount < s.capacity &&
      (s.older === undefined) === (s.evicted === undefined);
    if (!consistent) throw new Error("corrupt rolling window state");
    w.values.set(values);
    w.winFlags.set(wins);
    w.count = values.length;
    w.freshCount = freshCount;
    // The sums are restored bit for bit (not recomputed) so the restored figures equal the live ones.
    w.fresh.restore(s.fresh, decodeNumber(s.fresh.shift));
    if (s.older && s.evicted) {
      const shift = decodeNumber(s.older.shift);
      w.older.restore(s.older, shift);
      w.evicted.restore(s.evicted, shift);
      for (let i = 0; i < w.olderCount; i++) if (w.values[i]! < 0) w.olderNegatives++;
    } else if (w.olderCount > 0) w.rebuildOlder();
    w.winCount = s.winCount;
    w.negatives = s.negatives;
    w.trailingRun = s.trailingRun;
    return w;
  }

  private evictOldest(): void {
    // The oldest value always belongs to the older block: fresh never reaches `capacity` values.
    const r = this.values[this.head]!;
    const win = this.winFlags[this.head] === 1;
    this.head = this.slotAt(1);
    this.count--;
    this.trailingRun = Math.min(this.trailingRun, this.count);
    this.evicted.add(r);
    if (r < 0) {
      this.negatives--;
      this.olderNegatives--;
    }
    if (win) this.winCount--;
    if (this.olderCount > 0 && this.olderDwarfsWhatIsLeft()) this.rebuildOlder();
  }

  /**
   * Whether the older block's sums held values that dwarf what is left of it. Its sums hold their
   * total to ~2⁻¹⁰⁶, so once the values still in the window are 2⁵⁰ times smaller than that total
   * the difference older − evicted is mostly residue: while a return like −1.2·10¹⁹ (a P&L over an
   * equity that is only a rounding remainder) was in the block, the Sharpe ratio of what was left
   * came out 10⁻⁴ off. Then the block's sums are rebuilt from the ring. Also when a sum overflowed
   * (|r| > 1e154): Inf − Inf would be NaN. A fall of 2⁵⁰ needs values that far apart, or all that
   * is left to equal the block's shift (then its sums become exactly 0 and it happens once): a few
   * dozen rebuilds per block at most on adversarial data, none in the engine bench's stream.
   */
  private olderDwarfsWhatIsLeft(): boolean {
    // 1125899906842624 = 2⁵⁰, a literal for the reason given in precise-sum.ts's productError.
    // Written as !(a <= b) so that NaN, from sums that overflowed, counts as dwarfed.
    const squares = this.older.squares.hi;
    if (!(squares <= 1125899906842624 * (squares - this.evicted.squares.hi))) return true;
    const downside = this.older.downside.hi;
    return this.olderNegatives > 0 && !(downside <= 1125899906842624 * (downside - this.evicted.downside.hi));
  }

  /**
   * The older block's sums from its values still in the ring, shifted by the oldest: O(n), after
   * olderDwarfsWhatIsLeft and for a snapshot written before the per-block sums.
   */
  private rebuildOlder(): void {
    this.older.restart(this.values[this.head]!);
    this.evicted.restart(this.older.shift);
    this.olderNegatives = 0;
    for (let i = 0; i < this.olderCount; i++) {
      const r = this.values[this.slotAt(i)]!;
      this.older.add(r);
      if (r < 0) this.olderNegatives++;
    }
  }
}
