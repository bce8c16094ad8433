// A bot's equity curve for charts (§8 `/api/v1/export/equity`, the dashboard's chart, §13), kept in
// memory in bounded space and updated in O(1) amortized per point, so a chart request never replays
// the bot's history and retention never shortens the curve.
//
// Min/max decimation of a curve of unknown length: points are grouped in consecutive buckets of
// `size` points; each bucket keeps its lowest and highest equity and its deepest drawdown (earliest
// on ties). When there are too many buckets, neighbours merge and `size` doubles — merging keeps the
// extremes exactly, so the curve's global equity minimum and maximum and its max-drawdown point
// always survive, as do the first and last points.
import { decodeNumber, encodeNumber, type JsonNumber } from "./json-number.js";

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

/** JSON state: the distinct kept points, and buckets as the ordinals of their three points. */
export interface EquityHistoryState {
  points: Array<[n: number, ts: number, equity: JsonNumber, drawdown: JsonNumber]>;
  /** null while every point is kept as it is. */
  buckets: Array<[minEquity: number, maxEquity: number, maxDrawdown: number]> | null;
  size: number;
  count: number;
  first: number | null;
  last: number | null;
}

/** Points each bot's curve keeps (what the dashboard's chart and a default export ask for at most). */
export const EQUITY_HISTORY_POINTS = 1000;

export class EquityDownsampler {
  private raw: EquityPoint[] | null = [];
  private buckets: Bucket[] = [];
  private size = 1;
  private count = 0;
  private first: EquityPoint | null = null;
  private last: EquityPoint | null = null;
  private readonly maxBuckets: number;

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
    this.add({ n: this.count + 1, ts, equity, drawdown });
  }

  /** Adds a point (points come in curve order; `n` must grow). */
  add(p: EquityPoint): void {
    this.first ??= p;
    this.last = p;
    const ordinal = this.count++;
    if (this.raw) {
      this.raw.push(p);
      if (this.raw.length <= this.maxPoints) return;
      const raw = this.raw;
      this.raw = null;
      raw.forEach((q, i) => this.addToBucket(q, i));
      return;
    }
    this.addToBucket(p, ordinal);
  }

  /** At most `maxPoints` points, in curve order (all of them when there are few enough). */
  points(): EquityPoint[] {
    if (this.raw) return [...this.raw];
    const keep = new Map<number, EquityPoint>();
    for (const p of [this.first, this.last]) if (p) keep.set(p.n, p);
    for (const b of this.buckets) for (const p of [b.minEquity, b.maxEquity, b.maxDrawdown]) keep.set(p.n, p);
    return [...keep.values()].sort((a, b) => a.n - b.n);
  }

  toState(): EquityHistoryState {
    const enc = (p: EquityPoint): EquityHistoryState["points"][number] => [p.n, p.ts, encodeNumber(p.equity), encodeNumber(p.drawdown)];
    return {
      points: this.points().map(enc),
      buckets: this.raw ? null : this.buckets.map((b) => [b.minEquity.n, b.maxEquity.n, b.maxDrawdown.n]),
      size: this.size,
      count: this.count,
      first: this.first?.n ?? null,
      last: this.last?.n ?? null,
    };
  }

  static fromState(maxPoints: number, s: EquityHistoryState): EquityDownsampler {
    const d = new EquityDownsampler(maxPoints);
    const byN = new Map<number, EquityPoint>();
    for (const [n, ts, equity, drawdown] of s.points) byN.set(n, { n, ts, equity: decodeNumber(equity), drawdown: decodeNumber(drawdown) });
    const point = (n: number | null): EquityPoint | null => {
      if (n === null) return null;
      const p = byN.get(n);
      if (p === undefined) throw new Error(`equity history refers to a point it does not hold: ${n}`);
      return p;
    };
    d.size = s.size;
    d.count = s.count;
    d.first = point(s.first);
    d.last = point(s.last);
    if (s.buckets === null) {
      d.raw = [...byN.values()].sort((a, b) => a.n - b.n);
    } else {
      d.raw = null;
      d.buckets = s.buckets.map(([lo, hi, dd]) => ({ minEquity: point(lo)!, maxEquity: point(hi)!, maxDrawdown: point(dd)! }));
    }
    return d;
  }

  private addToBucket(p: EquityPoint, ordinal: number): void {
    let index = Math.floor(ordinal / this.size);
    while (index >= this.maxBuckets) {
      this.mergePairs();
      index = Math.floor(ordinal / this.size);
    }
    const b = this.buckets[index];
    if (!b) {
      this.buckets[index] = { minEquity: p, maxEquity: p, maxDrawdown: p };
      return;
    }
    // As mergeInto with a bucket of this one point, without making one per event.
    if (p.equity < b.minEquity.equity) b.minEquity = p;
    if (p.equity > b.maxEquity.equity) b.maxEquity = p;
    if (p.drawdown > b.maxDrawdown.drawdown) b.maxDrawdown = p;
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

/** Folds `later` (points after `into`'s) into `into`; ties keep the earlier point. */
function mergeInto(into: Bucket, later: Bucket): void {
  if (later.minEquity.equity < into.minEquity.equity) into.minEquity = later.minEquity;
  if (later.maxEquity.equity > into.maxEquity.equity) into.maxEquity = later.maxEquity;
  if (later.maxDrawdown.drawdown > into.maxDrawdown.drawdown) into.maxDrawdown = later.maxDrawdown;
}
