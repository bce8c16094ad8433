// A bot's equity curve for charts (§8 `/api/v1/export/equity`, the dashboard's chart, §13), kept in
// memory in bounded space and updated in O(1) amortized per point, so a chart request never replays
// the bot's history and retention never shortens the curve.
//
// Min/max decimation of a curve of unknown length: points are grouped in consecutive buckets of
// `size` points; each bucket keeps its lowest and highest equity and its deepest drawdown (earliest
// on ties). When there are too many buckets, neighbours merge and `size` doubles — merging keeps the
// extremes exactly, so the curve's global equity minimum and maximum and its max-drawdown point
// always survive, as do the first and last points.
import { packFloats, unpackFloats } from "./packed-floats.js";

export interface EquityPoint {
  /** The point's ordinal in the curve: 1, 2, … */
  n: number;
  /** Event time, epoch ms. */
  ts: number;
  equity: number;
  /** (peak − equity) / peak after the event. */
  drawdown: number;
}

interface Bucket {
  minEquity: EquityPoint;
  maxEquity: EquityPoint;
  maxDrawdown: EquityPoint;
}

/**
 * JSON state: the distinct kept points, and buckets as the ordinals of their three points, both as
 * packed doubles (packed-floats.ts): a snapshot of 100 bots' curves stays a few milliseconds' work.
 */
export interface EquityHistoryState {
  /** n, ts, equity, drawdown of each kept point, in curve order. */
  points: string;
  /** The ordinals of each bucket's lowest-equity, highest-equity and deepest-drawdown points; null while every point is kept as it is. */
  buckets: string | null;
  size: number;
  count: number;
  first: number | null;
  last: number | null;
}

/**
 * Points each bot's curve keeps at most: as many as the dashboard's chart holds. Every snapshot
 * carries them, so more would make each snapshot (and the start) longer for little on a chart.
 */
export const EQUITY_HISTORY_POINTS = 600;

export class EquityDownsampler {
  private raw: EquityPoint[] | null = [];
  private buckets: Bucket[] = [];
  private size = 1;
  private count = 0;
  private first: EquityPoint | null = null;
  /**
   * The last point, as an object once one exists: a point appended while buckets are kept is made
   * into an object only if it becomes a bucket's extreme, or when the curve is read. Most points of
   * a long curve are neither, and one object per event was most of the engine's garbage.
   */
  private last: EquityPoint | null = null;
  private lastN = 0;
  private lastTs = 0;
  private lastEquity = 0;
  private lastDrawdown = 0;
  private readonly maxBuckets: number;
  /**
   * The equities and drawdown of the last bucket's three points: ordinals only grow, so a point
   * joins the last bucket or opens the next one, and is compared with these numbers rather than
   * with the bucket's points (three objects away).
   */
  private lowest = 0;
  private highest = 0;
  private deepest = 0;
  /** points() and toState() until the next point comes (an idle bot's are not rebuilt per snapshot). */
  private cachedPoints: EquityPoint[] | null = null;
  private cachedState: EquityHistoryState | null = null;

  constructor(private readonly maxPoints: number) {
    if (!Number.isInteger(maxPoints) || maxPoints < 5) throw new RangeError("maxPoints must be an integer ≥ 5");
    // Each bucket contributes up to 3 points, plus the first and last points of the curve.
    this.maxBuckets = Math.floor((maxPoints - 2) / 3);
  }

  /** Points added so far (before downsampling). */
  get total(): number {
    return this.count;
  }

  /** The next point of the curve, with the next ordinal. */
  append(ts: number, equity: number, drawdown: number): void {
    this.lastN = this.count + 1;
    this.lastTs = ts;
    this.lastEquity = equity;
    this.lastDrawdown = drawdown;
    this.takeLast(null);
  }

  /** Adds a point (points come in curve order; `n` must grow). The points kept are `p` itself. */
  add(p: EquityPoint): void {
    this.lastN = p.n;
    this.lastTs = p.ts;
    this.lastEquity = p.equity;
    this.lastDrawdown = p.drawdown;
    this.takeLast(p);
  }

  /**
   * Takes the point whose numbers are in the last* fields (not in arguments: a double argument of a
   * call the JIT does not inline is boxed). `point` is that point when the caller has one;
   * otherwise one is made only if it is kept.
   */
  private takeLast(point: EquityPoint | null): void {
    this.cachedPoints = null;
    this.cachedState = null;
    const ordinal = this.count++;
    if (this.raw) {
      const p = point ?? this.newLastPoint();
      this.first ??= p;
      this.last = p;
      this.raw.push(p);
      if (this.raw.length <= this.maxPoints) return;
      const raw = this.raw;
      this.raw = null;
      raw.forEach((q, i) => this.addToBucket(q, i));
      return;
    }
    this.last = this.addToBucket(point, ordinal);
  }

  private newLastPoint(): EquityPoint {
    return { n: this.lastN, ts: this.lastTs, equity: this.lastEquity, drawdown: this.lastDrawdown };
  }

  /** The last point (made into an object now if it was not kept as one). */
  private lastPoint(): EquityPoint | null {
    if (this.count === 0) return null;
    this.last ??= this.newLastPoint();
    return this.last;
  }

  /** At most `maxPoints` points, in curve order (all of them when there are few enough). Do not modify. */
  points(): readonly EquityPoint[] {
    this.cachedPoints ??= this.raw ? [...this.raw] : this.bucketPoints();
    return this.cachedPoints;
  }

  /**
   * Buckets hold consecutive ordinals, so bucket order is curve order: each bucket's (≤ 3) points in
   * order, the curve's first point before them and its last after, the same point once.
   */
  private bucketPoints(): EquityPoint[] {
    const out: EquityPoint[] = [];
    const push = (p: EquityPoint) => {
      if (out.length === 0 || out[out.length - 1]!.n < p.n) out.push(p);
    };
    if (this.first) push(this.first);
    for (const b of this.buckets) pushInOrder(b.minEquity, b.maxEquity, b.maxDrawdown, push);
    const last = this.lastPoint();
    if (last) push(last);
    return out;
  }

  toState(): EquityHistoryState {
    this.cachedState ??= this.buildState();
    return this.cachedState;
  }

  private buildState(): EquityHistoryState {
    const points = this.points();
    const flat = new Float64Array(points.length * 4);
    for (let i = 0; i < points.length; i++) {
      const p = points[i]!;
      flat[i * 4] = p.n;
      flat[i * 4 + 1] = p.ts;
      flat[i * 4 + 2] = p.equity;
      flat[i * 4 + 3] = p.drawdown;
    }
    let refs: Float64Array | null = null;
    if (!this.raw) {
      refs = new Float64Array(this.buckets.length * 3);
      this.buckets.forEach((b, i) => {
        refs![i * 3] = b.minEquity.n;
        refs![i * 3 + 1] = b.maxEquity.n;
        refs![i * 3 + 2] = b.maxDrawdown.n;
      });
    }
    return {
      points: packFloats(flat),
      buckets: refs && packFloats(refs),
      size: this.size,
      count: this.count,
      first: this.first?.n ?? null,
      last: this.lastPoint()?.n ?? null,
    };
  }

  static fromState(maxPoints: number, s: EquityHistoryState): EquityDownsampler {
    const d = new EquityDownsampler(maxPoints);
    const flat = unpackFloats(s.points);
    const points: EquityPoint[] = [];
    for (let i = 0; i + 3 < flat.length; i += 4) {
      const p = { n: flat[i]!, ts: flat[i + 1]!, equity: flat[i + 2]!, drawdown: flat[i + 3]! };
      if (points.length > 0 && points[points.length - 1]!.n >= p.n) throw new Error(`equity history points out of curve order at ${p.n}`);
      points.push(p);
    }
    // The points are in curve order, so a reference is found by bisection (a Map of 43,000 points
    // at 100 bots was a good part of a start's restore).
    const point = (n: number | null): EquityPoint | null => {
      if (n === null) return null;
      let lo = 0;
      let hi = points.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const p = points[mid]!;
        if (p.n === n) return p;
        if (p.n < n) lo = mid + 1;
        else hi = mid - 1;
      }
      throw new Error(`equity history refers to a point it does not hold: ${n}`);
    };
    d.size = s.size;
    d.count = s.count;
    d.first = point(s.first);
    const last = point(s.last);
    if (last !== null) {
      d.last = last;
      d.lastN = last.n;
      d.lastTs = last.ts;
      d.lastEquity = last.equity;
      d.lastDrawdown = last.drawdown;
    }
    if (s.buckets === null) {
      d.raw = points;
    } else {
      d.raw = null;
      const refs = unpackFloats(s.buckets);
      d.buckets = [];
      for (let i = 0; i + 2 < refs.length; i += 3) {
        d.buckets.push({ minEquity: point(refs[i]!)!, maxEquity: point(refs[i + 1]!)!, maxDrawdown: point(refs[i + 2]!)! });
      }
      if (d.buckets.length > 0) {
        d.syncLastBucket();
        const room = d.buckets.length * d.size - d.count;
        if (room < 0 || room >= d.size)
          throw new Error(`equity history of ${d.count} points does not fill its ${d.buckets.length} buckets of ${d.size}`);
      }
    }
    return d;
  }

  /** Puts a point in its bucket; returns it as an object if it was kept (or given), else null. */
  private addToBucket(point: EquityPoint | null, ordinal: number): EquityPoint | null {
    // Buckets hold consecutive ordinals from 0, `size` each: the last one has room below this.
    if (ordinal >= this.buckets.length * this.size) return this.openBucket(point, ordinal);
    // As mergeInto with a bucket of this one point, without making one per event.
    const equity = point === null ? this.lastEquity : point.equity;
    const drawdown = point === null ? this.lastDrawdown : point.drawdown;
    const lower = equity < this.lowest;
    const higher = equity > this.highest;
    const deeper = drawdown > this.deepest;
    if (!lower && !higher && !deeper) return point;
    const p = point ?? this.newLastPoint();
    const b = this.buckets[this.buckets.length - 1]!;
    if (lower) {
      b.minEquity = p;
      this.lowest = equity;
    }
    if (higher) {
      b.maxEquity = p;
      this.highest = equity;
    }
    if (deeper) {
      b.maxDrawdown = p;
      this.deepest = drawdown;
    }
    return p;
  }

  /** The last bucket is full (or there is none): the point goes where its ordinal says, after any merges. */
  private openBucket(point: EquityPoint | null, ordinal: number): EquityPoint | null {
    while (Math.floor(ordinal / this.size) >= this.maxBuckets) this.mergePairs();
    let p: EquityPoint | null;
    if (Math.floor(ordinal / this.size) < this.buckets.length) {
      // A merge made the last bucket twice as large: the point joins it.
      this.syncLastBucket();
      p = this.addToBucket(point, ordinal);
    } else {
      p = point ?? this.newLastPoint();
      this.buckets.push({ minEquity: p, maxEquity: p, maxDrawdown: p });
      this.syncLastBucket();
    }
    return p;
  }

  /** Takes the last bucket's extremes as numbers (after it was made, or merged). */
  private syncLastBucket(): void {
    const b = this.buckets[this.buckets.length - 1]!;
    this.lowest = b.minEquity.equity;
    this.highest = b.maxEquity.equity;
    this.deepest = b.maxDrawdown.drawdown;
  }

  private mergePairs(): void {
    const merged: Bucket[] = [];
    for (let i = 0; i < this.buckets.length; i += 2) {
      const a = this.buckets[i]!;
      const b = this.buckets[i + 1];
      if (b) mergeInto(a, b);
      merged.push(a);
    }
    this.buckets = merged;
    this.size *= 2;
  }
}

/** Pushes a bucket's three points in curve order (without arrays: every snapshot does this for every bucket). */
function pushInOrder(a: EquityPoint, b: EquityPoint, c: EquityPoint, push: (p: EquityPoint) => void): void {
  const lo = a.n <= b.n ? (a.n <= c.n ? a : c) : b.n <= c.n ? b : c;
  const hi = a.n > b.n ? (a.n > c.n ? a : c) : b.n > c.n ? b : c;
  const mid = lo !== a && hi !== a ? a : lo !== b && hi !== b ? b : c;
  push(lo);
  push(mid);
  push(hi);
}

/** Folds `later` (points after `into`'s) into `into`; ties keep the earlier point. */
function mergeInto(into: Bucket, later: Bucket): void {
  if (later.minEquity.equity < into.minEquity.equity) into.minEquity = later.minEquity;
  if (later.maxEquity.equity > into.maxEquity.equity) into.maxEquity = later.maxEquity;
  if (later.maxDrawdown.drawdown > into.maxDrawdown.drawdown) into.maxDrawdown = later.maxDrawdown;
}
